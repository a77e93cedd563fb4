"""Real server processes for the tests that need them (lockout race, graceful shutdown, SIGKILL fault):
a throwaway committed database (PostgreSQL when the test database is PostgreSQL, a SQLite file
otherwise) and uvicorn subprocesses on a free loopback port. No sleep: a server is ready when uvicorn
says so on its log, which the helpers read line by line (a bounded wait on an external process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_ENV, _throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
CHEAP_ARGON2 = {"ESPACE_ARGON2_TIME_COST": "1", "ESPACE_ARGON2_MEMORY_COST": "8", "ESPACE_ARGON2_PARALLELISM": "1"}
RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@contextmanager
def committed_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database whose commits are real (not the per-test rolled-back transaction), dropped afterwards."""
    requested = os.environ.get(TEST_DATABASE_ENV)
    if requested and make_url(requested).get_backend_name() == "postgresql":
        with _throwaway_postgres(requested, name) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / f'{name}.db'}"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@dataclass
class LiveServer:
    process: subprocess.Popen[str]
    base: str
    log: list[str]


def server_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **CHEAP_ARGON2,
        "ESPACE_DATABASE_URL": url,
        "ESPACE_DEMO_MODE": "1",
        "ESPACE_LOG_LEVEL": "WARNING",
        "ESPACE_LOGIN_IP_MAX_ATTEMPTS": "1000",
        **extra,
    }


def start_server(url: str, *, command: list[str] | None = None, **env: str) -> LiveServer:
    """Start a server process and return once it listens. ``command`` defaults to plain uvicorn on the
    app factory; ``espace serve`` is ``[sys.executable, "-m", "espace.cli", "serve", "--port", "0"]``."""
    argv = command or [
        sys.executable, "-m", "uvicorn", "--factory", "server.app:app_factory", "--host", "127.0.0.1", "--port", "0",
    ]  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, env=server_env(url, **env), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    log: list[str] = []
    base = None
    for line in process.stderr:  # blocks until uvicorn has bound its port (or the process died: EOF)
        log.append(line)
        if m := RUNNING.search(line):
            base = m[1]
            break
    if base is None:
        process.kill()
        process.wait(timeout=30)
        raise AssertionError("le serveur n'a pas démarré :\n" + "".join(log))
    stream = process.stderr
    threading.Thread(target=lambda: log.extend(stream), daemon=True).start()  # keep draining its log
    return LiveServer(process, base, log)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
    server.process.wait(timeout=30)


@contextmanager
def server(url: str, **env: str) -> Iterator[str]:
    live = start_server(url, **env)
    try:
        yield live.base
    finally:
        stop_server(live)


def seed_members(url: str, count: int, *, first_number: int = 31_000_000) -> list[tuple[str, str, int]]:
    """``count`` active members with a password (``tests.conftest.PASSWORD``), committed; returns
    (member number, e-mail, principal beneficiary id) for each."""
    from datetime import date

    from sqlmodel import Session

    from models.schemas.common import AccountState, Relationship, Role, Sex
    from models.tables import Account, Beneficiary, Member
    from server.clock import SystemClock
    from server.db import create_db_engine
    from server.security.passwords import hash_password
    from server.settings import Settings
    from tests.conftest import PASSWORD

    settings = Settings(
        database_url=url, demo_mode=True, argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1
    )
    engine = create_db_engine(url)
    now = SystemClock().now()
    seeded: list[tuple[str, str, int]] = []
    with Session(engine) as session:
        for n in range(count):
            number, email = str(first_number + n), f"panne{n}@exemple.fr"
            member = Member(
                member_number=number, first_name="Sam", last_name=f"Panne{n}", birth_date=date(1980, 1, 1 + n),
                sex=Sex.female, email=email, created_at=now,
            )  # fmt: skip
            session.add(member)
            session.flush()
            principal = Beneficiary(
                member_id=member.id, relationship=Relationship.member, first_name=member.first_name,
                last_name=member.last_name, birth_date=member.birth_date, sex=member.sex,
            )  # fmt: skip
            session.add(principal)
            session.add(
                Account(
                    role=Role.member, member_id=member.id, login_email=email,
                    password_hash=hash_password(settings, PASSWORD), state=AccountState.active,
                    display_name=f"Sam Panne{n}", created_at=now,
                )
            )  # fmt: skip
            session.flush()
            assert principal.id is not None
            seeded.append((number, email, principal.id))
        session.commit()
    engine.dispose()
    return seeded


def login_live(client: object, url: str, identifier: str, email: str) -> str:
    """Log in through the real routes of a live server (``client``: an ``httpx.Client`` on it), reading the
    second-factor code from the committed mail_outbox table. Returns the session token."""
    import httpx
    from sqlmodel import Session, col, select

    from models.tables import MailOutbox
    from server.db import create_db_engine
    from tests.conftest import PASSWORD
    from tests.server.auth_helpers import code_in

    assert isinstance(client, httpx.Client)
    first = client.post("/api/v1/auth/login", json={"identifier": identifier, "password": PASSWORD})
    assert first.status_code == 200, first.text
    body = first.json()
    if body["status"] == "authenticated":
        return str(body["session"]["token"])
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            mail = session.exec(
                select(MailOutbox).where(MailOutbox.to == email).order_by(col(MailOutbox.id).desc())
            ).first()
            assert mail is not None, email
            code = code_in(mail)
    finally:
        engine.dispose()
    second = client.post("/api/v1/auth/second-factor", json={"pending_id": body["pending"]["id"], "code": code})
    assert second.status_code == 200, second.text
    return str(second.json()["session"]["token"])
