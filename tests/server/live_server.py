"""Real server processes for the tests that need them (lockout race, graceful shutdown, SIGKILL fault):
a throwaway committed database (PostgreSQL when the test database is PostgreSQL, a SQLite file
otherwise), seeded members and a login through the real routes. The process helpers (uvicorn
subprocesses on a free loopback port, ready when uvicorn says so on its log: no sleep) live in
bench/live.py, shared with the load benchmark."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy.engine import make_url

from bench.live import CHEAP_ARGON2 as CHEAP_ARGON2
from bench.live import LiveServer as LiveServer
from bench.live import server_env as server_env
from bench.live import start_server, stop_server
from tests.conftest import TEST_DATABASE_ENV, _throwaway_postgres


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
