"""The lockout race (security-rules.md, Lockout): two real server processes on one committed database,
20 bad logins fired in parallel at one member → at most 3 of them are checked against the stored hash.

Each attempt answers a fresh human check first, so only the attempt counter (one atomic UPDATE …
RETURNING shared by the processes) can stop the password check. PostgreSQL when the test database is
PostgreSQL (a throwaway database created, migrated and dropped here), a throwaway SQLite file in WAL
mode otherwise. No sleep: the servers are ready when uvicorn says so on its log."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import ExitStack
from datetime import date

import httpx
import pytest
from sqlmodel import Session, select

from models.schemas.common import AccountState, Relationship, Role, Sex
from models.tables import Account, AuditEvent, Beneficiary, Member
from server.clock import SystemClock
from server.db import create_db_engine
from server.migrate import upgrade
from server.security.passwords import hash_password
from server.settings import Settings
from tests.conftest import PASSWORD
from tests.server.auth_helpers import solve
from tests.server.live_server import committed_database, server

PARALLEL = 20


@pytest.fixture
def committed_url(tmp_path) -> Iterator[str]:
    with committed_database(tmp_path, "race") as url:
        yield url


def _seed(url: str) -> int:
    upgrade(url)
    settings = Settings(
        database_url=url, demo_mode=True, argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1
    )
    engine = create_db_engine(url)
    now = SystemClock().now()
    with Session(engine) as session:
        member = Member(
            member_number="30000001",
            first_name="Rémi",
            last_name="Course",
            birth_date=date(1985, 1, 2),
            sex=Sex.male,
            email="remi.course@exemple.fr",
            created_at=now,
        )
        session.add(member)
        session.flush()
        session.add(
            Beneficiary(
                member_id=member.id,
                relationship=Relationship.member,
                first_name=member.first_name,
                last_name=member.last_name,
                birth_date=member.birth_date,
                sex=member.sex,
            )
        )
        account = Account(
            role=Role.member,
            member_id=member.id,
            login_email=member.email,
            password_hash=hash_password(settings, PASSWORD),
            state=AccountState.active,
            display_name="Rémi Course",
            created_at=now,
        )
        session.add(account)
        session.commit()
        account_id = account.id
    engine.dispose()
    assert account_id is not None
    return account_id


def test_twenty_parallel_bad_logins_over_two_processes_check_the_real_hash_at_most_three_times(committed_url):
    account_id = _seed(committed_url)
    with ExitStack() as stack:
        bases = [stack.enter_context(server(committed_url)) for _ in range(2)]
        clients = [stack.enter_context(httpx.Client(base_url=base, timeout=60)) for base in bases]
        # every attempt carries its own answered human check, taken beforehand
        challenges = []
        for i in range(PARALLEL):
            body = clients[i % 2].post("/api/v1/auth/challenge").json()
            challenges.append({"challenge_id": body["id"], "challenge_answer": solve(body["question"])})
        barrier = threading.Barrier(PARALLEL)
        statuses: list[int] = []

        def attempt(i: int) -> None:
            barrier.wait()
            response = clients[i % 2].post(
                "/api/v1/auth/login",
                json={"identifier": "30000001", "password": f"mauvais-{i}", **challenges[i]},
            )
            statuses.append(response.status_code)

        threads = [threading.Thread(target=attempt, args=(i,)) for i in range(PARALLEL)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    assert statuses == [401] * PARALLEL, statuses
    engine = create_db_engine(committed_url)
    try:
        with Session(engine) as session:
            rows = session.exec(
                select(AuditEvent).where(
                    AuditEvent.action == "login_attempt", AuditEvent.actor_account_id == account_id
                )
            ).all()
    finally:
        engine.dispose()
    assert len(rows) == PARALLEL
    stored = [r for r in rows if r.detail["checked"] == "stored"]
    assert 1 <= len(stored) <= 3, [r.detail for r in rows]
    assert sorted(r.detail["attempt"] for r in rows) == list(range(1, PARALLEL + 1))  # one count each, no repeat
