"""Issue 11, production readiness: readiness, configuration checked at start-up (French messages), the
PostgreSQL pool from settings, and the graceful shutdown of a real ``espace serve`` process."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import httpx
import pytest
from pydantic import ValidationError
from sqlalchemy import Engine, create_engine, text

from server.app import create_app
from server.commands import serve
from server.db import create_db_engine
from server.settings import Settings
from tests.server.live_server import committed_database, is_postgres, start_server, stop_server

READY = "/api/v1/ready"


async def test_ready_answers_ok_on_a_migrated_database(client):
    response = await client.get(READY)
    assert response.status_code == 200, response.text
    assert response.json() == {"status": "ok"}


async def test_ready_answers_503_with_the_error_model_when_migrations_are_not_applied(settings, clock, tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'vide.db'}")
    app = create_app(settings, clock=clock, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get(READY)
        assert (await client.get("/api/v1/health")).status_code == 200  # alive, not ready
    engine.dispose()
    assert response.status_code == 503
    body = response.json()
    assert body["code"] == "database_unavailable"
    assert "pas prêt" in body["message"]


async def test_ready_answers_503_when_the_schema_is_behind_the_migrations(settings, clock, tmp_path):
    url = f"sqlite:///{tmp_path / 'ancienne.db'}"
    engine = create_db_engine(url)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE alembic_version (version_num VARCHAR(32) NOT NULL)"))
        connection.execute(text("INSERT INTO alembic_version VALUES ('0001_ancienne')"))
    app = create_app(settings, clock=clock, engine=engine)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as client:
        response = await client.get(READY)
    engine.dispose()
    assert response.status_code == 503
    assert response.json()["code"] == "migrations_pending"
    assert "espace db upgrade" in response.json()["message"]


@pytest.mark.parametrize(
    ("field", "value", "words"),
    [
        ("session_idle_timeout", timedelta(minutes=-5), "ESPACE_SESSION_IDLE_TIMEOUT doit être une durée"),
        ("login_lockout", timedelta(0), "ESPACE_LOGIN_LOCKOUT doit être une durée strictement positive"),
        ("sms_provider", "pigeon", "ESPACE_SMS_PROVIDER inconnu ('pigeon') : choisissez parmi outbox, file"),
        ("database_url", "mysql://u@h/base", "non prise en charge (mysql) : SQLite ou PostgreSQL"),
        ("database_url", "ceci n'est pas une adresse", "adresse de base de données illisible"),
        ("database_url", "postgresql://u@h:5432", "adresse PostgreSQL incomplète"),
        ("db_pool_size", 0, "ESPACE_DB_POOL_SIZE doit valoir au moins 1"),
        ("db_max_overflow", -1, "ESPACE_DB_MAX_OVERFLOW ne peut pas être négatif"),
        ("shutdown_grace_seconds", 0.0, "ESPACE_SHUTDOWN_GRACE_SECONDS doit être une durée strictement positive"),
        ("port", 70000, "ESPACE_PORT doit être un port entre 0 et 65535"),
        ("log_level", "BAVARD", "ESPACE_LOG_LEVEL inconnu"),
        ("upload_max_files", -2, "ESPACE_UPLOAD_MAX_FILES doit valoir au moins 1"),
    ],
)
def test_each_wrong_setting_is_refused_with_a_french_message(field, value, words):
    with pytest.raises(ValidationError) as refused:
        Settings(demo_mode=True, **{field: value})
    errors = refused.value.errors()
    assert [e["loc"] for e in errors] == [(field,)]
    assert words in errors[0]["msg"]


def test_every_wrong_setting_is_reported_at_once_by_espace_serve(monkeypatch, capsys):
    monkeypatch.setenv("ESPACE_DEMO_MODE", "1")
    monkeypatch.setenv("ESPACE_DB_POOL_SIZE", "0")
    monkeypatch.setenv("ESPACE_SMS_PROVIDER", "pigeon")
    monkeypatch.setenv("ESPACE_PURGE_GRACE", "-PT1M")
    monkeypatch.setenv("ESPACE_OUTBOX_BATCH_SIZE", "beaucoup")
    monkeypatch.setenv("DATABASE_URL", "mysql://u@h/base")
    monkeypatch.delenv("ESPACE_DATABASE_URL", raising=False)
    assert serve(argparse.Namespace(host=None, port=None, workers=1)) == 2
    err = capsys.readouterr().err
    assert "Configuration refusée (db_pool_size) : ESPACE_DB_POOL_SIZE doit valoir au moins 1" in err
    assert "Configuration refusée (sms_provider)" in err
    assert "Configuration refusée (purge_grace) : ESPACE_PURGE_GRACE doit être une durée" in err
    assert "Configuration refusée (outbox_batch_size) : nombre entier attendu" in err
    assert "Configuration refusée (ESPACE_DATABASE_URL) : base de données non prise en charge (mysql)" in err


def test_the_postgresql_pool_is_sized_from_the_settings():
    engine = create_db_engine("postgresql+psycopg://u@127.0.0.1:1/base", pool_size=7, max_overflow=3, pool_timeout=4)
    assert (engine.pool.size(), engine.pool._max_overflow, engine.pool._timeout) == (7, 3, 4)  # type: ignore[attr-defined]
    app = create_app(
        Settings(demo_mode=True, database_url="postgresql://u@127.0.0.1:1/base", db_pool_size=9, db_max_overflow=0)
    )
    assert (app.state.engine.pool.size(), app.state.engine.pool._max_overflow) == (9, 0)
    app.state.engine.dispose()
    engine.dispose()


# --- graceful shutdown: SIGTERM while a request waits on a database lock held by the test -------------


@pytest.fixture
def shutdown_url(tmp_path: Path) -> Iterator[str]:
    with committed_database(tmp_path, "shutdown") as url:
        from server.migrate import upgrade

        upgrade(url)
        yield url


def _hold_the_write_lock(url: str) -> tuple[Engine, object]:
    """Block every writer of the server: SQLite's write lock (BEGIN IMMEDIATE), or on PostgreSQL an
    exclusive lock on the throttle table that a login counts its attempt in."""
    engine = create_engine(url) if is_postgres(url) else create_engine(url, isolation_level=None)
    connection = engine.connect()
    if is_postgres(url):
        connection.begin()
        connection.execute(text("LOCK TABLE login_throttle IN ACCESS EXCLUSIVE MODE"))
    else:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    return engine, connection


def _request_is_waiting(url: str, pid: int) -> bool:
    """Whether the server is stuck on the lock: PostgreSQL says so in pg_stat_activity; for SQLite, one of
    the server's threads sleeps in SQLite's busy handler (nanosleep / clock_nanosleep, Linux x86-64)."""
    if is_postgres(url):
        probe = create_engine(url)
        try:
            with probe.connect() as c:
                waiting = c.execute(
                    text(
                        "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                        "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                    )
                ).scalar_one()
        finally:
            probe.dispose()
        return waiting > 0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            syscall = (task / "syscall").read_text().split()[0]
        except (OSError, IndexError):
            continue
        if syscall in ("35", "230"):
            return True
    return False


def test_sigterm_lets_the_request_in_flight_finish_with_its_normal_answer(shutdown_url):
    live = start_server(
        shutdown_url,
        command=[sys.executable, "-m", "espace.cli", "serve", "--host", "127.0.0.1", "--port", "0"],
        ESPACE_LOG_LEVEL="INFO",  # uvicorn says where it listens at INFO
        ESPACE_SHUTDOWN_GRACE_SECONDS="60",
    )
    lock_engine, lock = _hold_the_write_lock(shutdown_url)
    answer: list[httpx.Response | BaseException] = []

    def in_flight() -> None:
        try:
            with httpx.Client(base_url=live.base, timeout=60) as client:
                answer.append(
                    client.post("/api/v1/auth/login", json={"identifier": "99999999", "password": "Inconnu-Mot-2"})
                )
        except BaseException as exc:
            answer.append(exc)

    request = threading.Thread(target=in_flight)
    try:
        request.start()
        for _ in range(200_000):  # bounded wait on the external process: the request reached the lock
            if _request_is_waiting(shutdown_url, live.process.pid) or not request.is_alive():
                break
        assert request.is_alive(), answer
        live.process.send_signal(signal.SIGTERM)
        # uvicorn stops listening before it waits for the request in flight: once the port refuses
        # connections, the shutdown has begun while our request is still blocked
        for _ in range(200_000):
            try:
                httpx.get(live.base + "/api/v1/health", timeout=5)
            except httpx.TransportError:
                break
        assert live.process.poll() is None and request.is_alive()
    finally:
        lock.rollback() if is_postgres(shutdown_url) else lock.exec_driver_sql("ROLLBACK")  # type: ignore[attr-defined]
        lock.close()  # type: ignore[attr-defined]
        lock_engine.dispose()
    request.join(timeout=60)
    stop_server(live)
    assert len(answer) == 1 and isinstance(answer[0], httpx.Response), answer
    assert answer[0].status_code == 401, answer[0].text  # the normal answer to an unknown member
    assert answer[0].json()["code"] == "invalid_credentials"
    assert "Finished server process" in "".join(live.log)  # a clean shutdown, not a kill
    assert live.process.returncode in (0, -signal.SIGTERM)  # uvicorn re-raises the signal it handled
