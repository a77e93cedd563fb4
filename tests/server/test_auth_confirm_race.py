"""Email confirmation (security-rules.md): two parallel uses of one token → exactly one success.

Two threads, each with its own connection, on a committed throwaway database (PostgreSQL when the test
database is PostgreSQL, a SQLite file otherwise), both confirming with the same link token, and then both
with the same code. On PostgreSQL a barrier holds both threads after they have *found* the live token and
before either consumes it, so only the conditional UPDATE … WHERE used_at IS NULL can tell them apart. On
SQLite the write lock taken at BEGIN (server.db) already serializes them; the test still proves one success.
No sleep."""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from datetime import date

import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from models.schemas.auth import ConfirmEmailRequest
from models.schemas.common import AccountState, Relationship, Role, Sex
from models.tables import Account, Beneficiary, Member
from server.clock import FrozenClock
from server.db import create_db_engine
from server.errors import ApiError
from server.migrate import upgrade
from server.services import account as accounts
from server.settings import Settings
from tests.conftest import TEST_NOW
from tests.server.test_auth_lockout_race import committed_url  # noqa: F401  (the throwaway database fixture)


@pytest.fixture
def committed(committed_url: str) -> Iterator[tuple[Engine, Settings]]:
    upgrade(committed_url)
    engine = create_db_engine(committed_url)
    try:
        yield engine, Settings(database_url=committed_url, demo_mode=True, log_level="WARNING")
    finally:
        engine.dispose()


def _unconfirmed_with_a_mail(engine: Engine, settings: Settings, clock: FrozenClock) -> tuple[int, str, str]:
    with Session(engine, expire_on_commit=False) as session:
        member = Member(
            member_number="31000001",
            first_name="Kévin",
            last_name="Course",
            birth_date=date(1994, 3, 8),
            sex=Sex.male,
            email="course@exemple.fr",
            created_at=clock.now(),
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
            password_hash=None,
            state=AccountState.email_unconfirmed,
            display_name="Kévin Course",
            created_at=clock.now(),
        )
        session.add(account)
        session.flush()
        token, code, _ = accounts._issue_mail_token(session, clock, settings, account, accounts.CONFIRMATION)
        session.commit()
        assert account.id is not None
        return account.id, token, code


def _race(engine: Engine, settings: Settings, clock: FrozenClock, body: ConfirmEmailRequest) -> list[str]:
    both_found = threading.Barrier(2)
    original: Callable = accounts._consume_mail_token
    postgres = engine.dialect.name == "postgresql"

    def consume_together(session, now, row):  # type: ignore[no-untyped-def]
        if postgres:
            both_found.wait()
        return original(session, now, row)

    outcomes: list[str] = []
    start = threading.Barrier(2)

    def attempt() -> None:
        start.wait()
        with Session(engine, expire_on_commit=False) as session:
            try:
                accounts.confirm_email(session, clock, settings, body, ip=None)
                outcomes.append("ok")
            except ApiError as error:
                outcomes.append(f"{error.status_code} {error.code}")

    accounts._consume_mail_token = consume_together
    try:
        threads = [threading.Thread(target=attempt) for _ in range(2)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        accounts._consume_mail_token = original
    return sorted(outcomes)


@pytest.mark.parametrize("by", ["token", "code"])
def test_two_parallel_uses_of_one_confirmation_give_exactly_one_success(committed, by):
    engine, settings = committed
    clock = FrozenClock(TEST_NOW)
    account_id, token, code = _unconfirmed_with_a_mail(engine, settings, clock)
    body = ConfirmEmailRequest(token=token) if by == "token" else ConfirmEmailRequest(identifier="31000001", code=code)
    assert _race(engine, settings, clock, body) == ["400 token_invalid", "ok"]
    with Session(engine) as session:
        account = session.get(Account, account_id)
        assert account is not None and account.state == AccountState.active
