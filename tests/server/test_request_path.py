"""The request path of the member's pages (issue 20): the caller authenticated by ONE statement, a revoked
session refused at the very next request (nothing cached), a page that only reads takes no write lock on
SQLite and no transaction on PostgreSQL, and a connection the database dropped is retried once."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy import Engine, event
from sqlalchemy.exc import DBAPIError, OperationalError
from sqlmodel import select

from models.schemas.common import AccountState, Relationship, Sex
from models.tables import AuthSession, Beneficiary
from server import deps
from server.db import create_db_engine, read_engine, retry_once_if_dropped, session_scope_for
from server.security.tokens import hash_token
from server.services.auth import LAST_SEEN_RESOLUTION, revoke_everything
from server.services.claims import _latest_payments
from tests.conftest import TEST_NOW, bearer

CLAIMS = "/api/v1/me/claims"
# Transaction control of the test's savepoints, not the request's own work.
_TRANSACTION_CONTROL = re.compile(r"^\s*(SAVEPOINT|RELEASE|ROLLBACK|BEGIN|COMMIT)\b", re.IGNORECASE)


@contextmanager
def statements(engine: Engine) -> Iterator[list[str]]:
    """The SQL statements run on ``engine`` inside the block (transaction control left out)."""
    seen: list[str] = []

    def note(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not _TRANSACTION_CONTROL.match(statement):
            seen.append(statement)

    event.listen(engine, "before_cursor_execute", note)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", note)


def _reads_caller_tables(statement: str) -> bool:
    return bool(re.search(r"\b(FROM|JOIN)\s+(auth_session|account|member)\b", statement, re.IGNORECASE))


@pytest.fixture
def member_token(make):
    member = make.member()
    contract = make.contract(member)
    for n in range(3):
        make.claim(member, contract=contract, care_date=TEST_NOW.date() - timedelta(days=10 + n))
    return make.session_token(make.account(member))


async def test_a_claims_page_runs_three_statements(client, engine, member_token):
    """The caller (session + account + member, and whether a beneficiary hides their care: issue 21), the page
    with the filter's totals, the page's payments: three statements. Fails if the auth chain goes back to one
    lookup per row (it was session, account, member, then the hidden care)."""
    assert (await client.get(CLAIMS, headers=bearer(member_token))).status_code == 200  # warm (first-use setup)
    with statements(engine) as seen:
        response = await client.get(CLAIMS, headers=bearer(member_token))
    assert response.status_code == 200 and response.json()["totals"]["count"] == 3
    assert len(seen) == 3, seen
    caller = seen[0]
    assert all(re.search(rf"\b{table}\b", caller) for table in ("auth_session", "account", "member")), caller
    assert "care_private_since" in caller, caller
    assert not any(_reads_caller_tables(s) for s in seen[1:]), seen


@pytest.mark.parametrize(
    "path",
    ["/api/v1/me/dashboard", "/api/v1/me/guarantees", "/api/v1/me/threads", CLAIMS, "/api/v1/me/claims/options"],
)
async def test_the_caller_is_one_statement_on_every_members_page(client, engine, member_token, path):
    """Whatever the route's own work, the session, its account and its member come from one statement."""
    with statements(engine) as seen:
        assert (await client.get(path, headers=bearer(member_token))).status_code == 200
    caller_statements = [s for s in seen if re.search(r"\bauth_session\b", s)]
    assert len(caller_statements) == 1, caller_statements
    assert seen[0] == caller_statements[0]  # the first thing a request does
    # no separate lookup of the account or the member by id afterwards
    by_id = [s for s in seen[1:] if re.search(r"FROM (account|member)\s+WHERE (account|member)\.id\s*=", s)]
    assert not by_id, by_id


async def test_the_claim_detail_shares_the_one_statement(client, engine, make, member_token):
    listed = (await client.get(CLAIMS, headers=bearer(member_token))).json()["items"][0]
    with statements(engine) as seen:
        assert (await client.get(f"{CLAIMS}/{listed['id']}", headers=bearer(member_token))).status_code == 200
    assert len([s for s in seen if re.search(r"\bauth_session\b", s)]) == 1


async def test_a_revoked_session_is_refused_at_the_very_next_request(client, db_session, clock, make, member_token):
    """No cache of the session row: a logout, or every session ended elsewhere (a password change, a
    conseiller), answers 401 on the next page at once."""
    for path in (CLAIMS, "/api/v1/me/dashboard"):
        assert (await client.get(path, headers=bearer(member_token))).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=bearer(member_token))).status_code == 204
    for path in (CLAIMS, "/api/v1/me/dashboard", "/api/v1/me/guarantees", "/api/v1/me/threads"):
        refused = await client.get(path, headers=bearer(member_token))
        assert refused.status_code == 401 and refused.json()["code"] == "session_invalid", path

    member = make.member(first_name="Louise")
    account = make.account(member)
    token = make.session_token(account)
    assert (await client.get(CLAIMS, headers=bearer(token))).status_code == 200
    revoke_everything(db_session, clock, account.id)
    db_session.commit()
    refused = await client.get(CLAIMS, headers=bearer(token))
    assert refused.status_code == 401 and refused.json()["code"] == "session_invalid"


async def test_the_last_seen_time_is_still_kept(client, db_session, clock, member_token):
    """A page bumps the session's last-seen time once a minute (the idle timeout counts from it)."""
    clock.advance(LAST_SEEN_RESOLUTION + timedelta(seconds=1))
    assert (await client.get(CLAIMS, headers=bearer(member_token))).status_code == 200
    row = db_session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(member_token))).one()
    db_session.refresh(row)
    assert row.last_seen_at == clock.now()


# --- a dropped connection ------------------------------------------------------------------------------


def _dropped() -> DBAPIError:
    return OperationalError("SELECT 1", {}, Exception("server closed the connection"), connection_invalidated=True)


def test_a_dropped_connection_is_retried_once():
    calls: list[int] = []

    def work() -> str:
        calls.append(1)
        if len(calls) == 1:
            raise _dropped()
        return "page"

    assert retry_once_if_dropped(work) == "page" and len(calls) == 2


def test_only_once_and_only_for_a_dropped_connection():
    calls: list[int] = []

    def always_dropped() -> None:
        calls.append(1)
        raise _dropped()

    with pytest.raises(DBAPIError):
        retry_once_if_dropped(always_dropped)
    assert len(calls) == 2

    other = OperationalError("SELECT 1", {}, Exception("syntax"), connection_invalidated=False)
    calls.clear()

    def failing() -> None:
        calls.append(1)
        raise other

    with pytest.raises(DBAPIError):
        retry_once_if_dropped(failing)
    assert len(calls) == 1


def test_a_read_meets_a_dropped_connection_and_is_answered(database_url):
    """For real: the pool no longer pings; the pooled connection ends under it (PostgreSQL: the server ends it,
    as on a restart or an idle timeout; SQLite: the file's connection is closed); the next read fails on it,
    SQLAlchemy invalidates it, and the one retry gets a fresh connection."""
    engine = create_db_engine(database_url)
    try:
        assert engine.pool._pre_ping is False  # type: ignore[attr-defined]
        reads = session_scope_for(read_engine(engine))
        with reads() as session:
            raw = session.connection().connection.dbapi_connection
            first = id(raw)
            if engine.dialect.name == "postgresql":
                assert engine.pool._recycle == 1800  # type: ignore[attr-defined]
                pid = session.execute(sa.text("SELECT pg_backend_pid()")).scalar_one()
        if engine.dialect.name == "postgresql":
            admin = sa.create_engine(database_url, isolation_level="AUTOCOMMIT")  # not from the pool under test
            with admin.connect() as connection:
                connection.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            admin.dispose()
        else:
            raw.close()  # type: ignore[union-attr]
        attempts: list[int] = []

        def page() -> int:
            attempts.append(1)
            with reads() as session:
                session.execute(sa.text("SELECT 1")).scalar_one()
                return id(session.connection().connection.dbapi_connection)

        assert retry_once_if_dropped(page) != first
        assert len(attempts) == 2
    finally:
        engine.dispose()


# --- a page that only reads ----------------------------------------------------------------------------


@pytest.mark.usefixtures("engine")  # the tables migrated: run alone or first on its worker, it found none
def test_a_read_takes_no_lock_and_no_transaction(database_url):
    """SQLite: a read's transaction is deferred, so another connection may write meanwhile (a BEGIN IMMEDIATE
    would queue every page behind every writer). PostgreSQL: a read runs in autocommit, no transaction open
    on the server (no BEGIN, no ROLLBACK round trips)."""
    engine = create_db_engine(database_url)
    try:
        reads = session_scope_for(read_engine(engine))
        with reads() as session:
            session.execute(sa.text("SELECT count(*) FROM account")).scalar_one()
            if engine.dialect.name == "postgresql":
                raw = session.connection().connection.dbapi_connection
                assert raw.info.transaction_status.name == "IDLE"  # type: ignore[union-attr]
            else:
                with engine.connect() as writer:  # BEGIN IMMEDIATE: the write lock, at once
                    writer.execute(sa.text("SELECT 1"))
                    writer.rollback()
        with engine.connect() as writer:  # the ordinary engine still takes the write lock at BEGIN (SQLite)
            writer.execute(sa.text("SELECT 1"))
    finally:
        engine.dispose()


def test_a_pages_payments_whatever_its_size(db_session, make):
    """The payments of a page's claims come from a statement with a fixed number of placeholders (filled up
    with a repeated id), those of an export from an expanding list: the same answer either way."""
    member = make.member()
    claims = [make.claim(member, care_date=TEST_NOW.date() - timedelta(days=n)) for n in range(1, 4)]
    ids = [c.id for c in claims]
    connection = db_session.connection()
    expected = {claim_id: list(payment) for claim_id, payment in _latest_payments(connection, ids).items()}
    assert set(expected) == set(ids) and all(p[0] is not None for p in expected.values())
    for asked in (ids[:1], ids * 17, ids * 67):  # 50 and 100 placeholders; 201 ids: the expanding list
        got = _latest_payments(connection, asked)
        assert {k: list(v) for k, v in got.items()} == {i: expected[i] for i in set(asked)}


# --- the quick way in of Mes remboursements (``RequestContext.reading``) -------------------------------------


def _expire_password(make, account, _session, _token):
    account.state = AccountState.password_expired
    make._save(account)


def _old_password(make, account, _session, _token):
    account.password_changed_at = make.clock.now() - make.settings.member_password_max_age - timedelta(days=1)
    make._save(account)


def _state(state):
    def change(make, account, _session, _token):
        account.state = state
        make._save(account)

    return change


def _clock(delta):
    def change(make, _account, _session, _token):
        make.clock.advance(delta)

    return change


def _revoke(make, _account, auth_session, _token):
    auth_session.revoked_at = make.clock.now()
    make._save(auth_session)


def _hide_a_beneficiarys_care(make, account, _session, _token):
    beneficiary = Beneficiary(
        member_id=account.member_id,
        relationship=Relationship.spouse,
        first_name="Samuel",
        last_name="Durand",
        birth_date=date(1982, 3, 4),
        sex=Sex.male,
        care_private_since=make.clock.now(),
    )
    make._save(beneficiary)


CASES = {
    "nothing to do": lambda *_: None,
    "last seen over a minute ago": _clock(LAST_SEEN_RESOLUTION + timedelta(seconds=1)),
    "idle too long": _clock(timedelta(minutes=16)),
    "past the absolute lifetime": _clock(timedelta(hours=13)),
    "revoked": _revoke,
    "password expired (state)": _expire_password,
    "password too old": _old_password,
    "account locked": _state(AccountState.locked),
    "account disabled": _state(AccountState.disabled),
    "account never activated": _state(AccountState.never_activated),
    "e-mail unconfirmed": _state(AccountState.email_unconfirmed),
    "a beneficiary hides their care": _hide_a_beneficiarys_care,
}


@pytest.mark.parametrize("case", list(CASES))
async def test_the_quick_way_in_answers_as_the_full_way(client, db_session, make, monkeypatch, case):
    """Mes remboursements reads its caller with one Core statement and goes the full way (``authenticate``,
    the viewer) whenever that statement finds something to do or to say. Whatever the caller's situation, the
    answer is the full way's: the same status and body, the same session row afterwards. Fails if the quick
    way lets through a session the full way refuses, or forgets the last-seen time or the hidden care."""
    answers = []
    for quick in (True, False):
        make.clock.set(TEST_NOW)
        member = make.member()
        contract = make.contract(member)
        make.claim(member, contract=contract, care_date=TEST_NOW.date() - timedelta(days=10))
        account = make.account(member)
        token = make.session_token(account)
        auth_session = db_session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).one()
        CASES[case](make, account, auth_session, token)
        if not quick:
            monkeypatch.setattr(deps, "quick_principal", lambda *_: None)
        response = await client.get(CLAIMS, headers=bearer(token))
        monkeypatch.undo()
        db_session.refresh(auth_session)
        body = response.json()
        for item in body.get("items", []):
            item.pop("id"), item.pop("reference"), item.pop("beneficiary_id")
        answers.append((response.status_code, body, auth_session.last_seen_at == make.clock.now()))
    assert answers[0] == answers[1], case


def test_the_served_app_freezes_its_start_up_heap(tmp_path):
    """``uvicorn --factory server.app:app_factory`` (``espace serve``) moves what start-up built out of the
    collector's reach: a full collection during a request no longer scans it (~120 ms, issue 20). In a fresh
    interpreter: freezing this one would change every later test's collections."""
    probe = (
        "import gc, json; before = gc.get_freeze_count(); from server.app import app_factory; app_factory(); "
        "print(json.dumps([before, gc.get_freeze_count()]))"
    )
    env = dict(os.environ, ESPACE_DEMO_MODE="1", DATABASE_URL=f"sqlite:///{tmp_path / 'frozen.db'}")
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, check=True)
    before, after = json.loads(done.stdout.strip().splitlines()[-1])
    assert before == 0 and after > 50_000, (before, after)
