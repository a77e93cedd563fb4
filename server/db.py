"""Engines and sessions. SQLite: WAL and foreign keys on every connection. PostgreSQL: psycopg 3."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager
from pathlib import Path
from typing import Any, TypeVar

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import DBAPIError
from sqlmodel import Session

from server.errors import nul_refused
from server.settings import normalise_database_url

SessionScope = Callable[[], AbstractContextManager[Session]]
ConnectionScope = Callable[[], AbstractContextManager[Connection]]
T = TypeVar("T")

# The execution option of the engine that read-only requests use (``read_engine``).
READ_ONLY = "espace_read_only"


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
    # A read-only request's transaction is deferred: one snapshot for its statements, no write lock (it
    # would queue every page behind every other); the one write it may do, the session's last-seen time,
    # commits the read first and begins its own transaction (services.auth.authenticate).
    read_only = connection.get_execution_options().get(READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")


def create_db_engine(
    database_url: str,
    *,
    echo: bool = False,
    pool_size: int = 5,
    max_overflow: int = 10,
    pool_timeout: float = 30.0,
    pool_recycle: int = 1800,
) -> Engine:
    """``hide_parameters``: an error's message never carries the query's values (issue 16: a 500 on PostgreSQL
    wrote them to the log). ``pool_*``: PostgreSQL only (settings ``db_pool_size``, ``db_max_overflow``,
    ``db_pool_timeout_seconds``, ``db_pool_recycle_seconds``); each server process holds at most
    ``pool_size + max_overflow`` connections, so N processes need N × that many below PostgreSQL's
    ``max_connections``. No ``pool_pre_ping``: it cost a round trip before every request (issue 20); a
    connection is replaced after ``pool_recycle`` seconds instead, and a read that meets a connection the
    server dropped is run again once (``retry_once_if_dropped``)."""
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
        pool_recycle=pool_recycle,
        pool_size=pool_size,
        max_overflow=max_overflow,
        pool_timeout=pool_timeout,
    )


def read_engine(engine: Engine) -> Engine:
    """The same engine and pool, for requests that only read (the pages of the member's space): on PostgreSQL
    in autocommit, so that a page costs no BEGIN and no ROLLBACK round trip (each statement sees the data
    committed when it starts, as READ COMMITTED does inside a transaction); on SQLite a deferred BEGIN
    (``_sqlite_begin``), which takes no lock and costs no round trip."""
    if engine.dialect.name == "postgresql":
        return engine.execution_options(isolation_level="AUTOCOMMIT", **{READ_ONLY: True})
    return engine.execution_options(**{READ_ONLY: True})


def retry_once_if_dropped(work: Callable[[], T], again: Callable[[], T] | None = None) -> T:
    """Runs ``work``; if it met a connection the database had dropped (a restart, an idle timeout: the pool
    no longer pings first), runs it once more — SQLAlchemy has then invalidated that connection and the
    pool's older ones, so the second run gets a fresh one. For work that only reads, or whose one write
    is idempotent: a write that may have been committed before the connection dropped is not run twice
    by anything else. ``again``: what to run the second time, when it is not ``work`` itself (a session
    that must be rolled back first)."""
    try:
        return work()
    except DBAPIError as error:
        if not error.connection_invalidated:
            raise
        return (again or work)()


def session_scope_for(engine: Engine) -> SessionScope:
    """A factory of sessions, each closed when its ``with`` block ends. This is what seeding and jobs
    use: ``with session_scope_for(engine)() as session: ...; session.commit()``."""

    @contextmanager
    def scope() -> Iterator[Session]:
        with Session(engine, expire_on_commit=False) as session:
            yield session

    return scope


def connections_of(sessions: SessionScope) -> ConnectionScope:
    """Core connections for the pages that only read, taken from sessions: the tests' sessions are bound to
    their transaction, and a page then reads inside it (production uses ``read_engine(engine).connect``)."""

    @contextmanager
    def scope() -> Iterator[Connection]:
        with sessions() as session:
            yield session.connection()

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
