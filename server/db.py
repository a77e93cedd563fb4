"""Engines and sessions. SQLite: WAL and foreign keys on every connection. PostgreSQL: psycopg 3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlmodel import Session

from server.errors import nul_refused
from server.settings import normalise_database_url

SessionScope = Callable[[], AbstractContextManager[Session]]


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # Let SQLAlchemy, not the sqlite3 module, decide where transactions begin (see _sqlite_begin):
    # savepoints and transactional DDL then behave as on PostgreSQL.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    try:
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=5000")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
    finally:
        cursor.close()


def _sqlite_begin(connection: Any) -> None:
    # IMMEDIATE: take the write lock at BEGIN (waiting up to busy_timeout). A deferred transaction that
    # reads and then writes fails at once with SQLITE_BUSY when another process wrote in between — two
    # server processes on one SQLite file answered 500 in the lockout race test (test_auth_lockout_race).
    connection.exec_driver_sql("BEGIN IMMEDIATE")


def create_db_engine(
    database_url: str,
    *,
    echo: bool = False,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
) -> Engine:
    """``hide_parameters``: an error's message never carries the query's values (issue 16: a 500 on PostgreSQL
    wrote them to the log). ``pool_*``: PostgreSQL only (settings ``db_pool_size``, ``db_max_overflow``,
    ``db_pool_timeout_seconds``); each server process holds at most ``pool_size + max_overflow``
    connections, so N processes need N × that many below PostgreSQL's ``max_connections``."""
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        if url.database and url.database != ":memory:":
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, echo=echo, hide_parameters=True, connect_args={"check_same_thread": False})
        event.listen(engine, "connect", _sqlite_on_connect)
        event.listen(engine, "begin", _sqlite_begin)
        return engine
    return create_engine(
        url,
        echo=echo,
        hide_parameters=True,
        pool_pre_ping=True,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
    )


def session_scope_for(engine: Engine) -> SessionScope:
    """A factory of sessions, each closed when its ``with`` block ends. This is what seeding and jobs
    use: ``with session_scope_for(engine)() as session: ...; session.commit()``."""

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    return scope


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def _refuse_nul_characters(session: Session, _context: Any, _instances: Any) -> None:
    """Every text about to be written, whatever route or job it came through: none may hold U+0000 (see
    ``server.errors.nul_refused``). The request's JSON body was checked before (``NulInRequest``); this is
    for the larger bodies and anything else: the flush is refused and its pending writes rolled back."""
    for row in (*session.new, *session.dirty):
        for column in inspect(row).mapper.column_attrs:
            if _holds_nul(getattr(row, column.key, None)):
                raise nul_refused(column.key)


event.listen(Session, "before_flush", _refuse_nul_characters)
