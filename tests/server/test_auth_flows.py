"""Activation, e-mail confirmation, reset and the secrets-at-rest check (rules table, last column)."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from email.message import EmailMessage
from typing import Any

import pytest
import sqlalchemy as sa
from sqlmodel import SQLModel

from models.schemas.common import AccountState
from server.notify.outbox import send_due_mails
from server.security.crypto import access_code_hash, encrypt, nir_lookup_hash
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import LOGIN, SECOND, challenge, code_in, espace_logs, last_mail, token_in

ACTIVATE = "/api/v1/auth/activation/code"
IDENTITY = "/api/v1/auth/activation/identity"
CONFIRM = "/api/v1/auth/confirm-email"
FORGOT = "/api/v1/auth/password/forgot"
RESET = "/api/v1/auth/password/reset"
NEW = "Lavande-Des-Collines-58"
NEWER = "Mistral-Sur-Le-Port-93"
NIR = "280057512345674"  # key checked by python-stdnum


def _never_activated(make, settings, number: str, code: str = "lavandes"):
    member = make.member(member_number=number, email=None)
    member.access_code_hash = access_code_hash(settings, code)
    member.nir = encrypt(settings, NIR)
    member.nir_hash = nir_lookup_hash(settings, NIR)
    make.session.add(member)
    make.session.commit()
    account = make.account(member, state=AccountState.never_activated, password=None, login_email=f"x{number}@nul.fr")
    account.login_email = None
    make.session.add(account)
    make.session.commit()
    return member, account


async def _activate(client, number: str, code: str, email: str, password: str = NEW) -> Any:
    body = {"member_number": number, "access_code": code, "email": email, "password": password, "accept_terms": True}
    return await client.post(ACTIVATE, json={**body, **await challenge(client)})


async def test_activation_failures_are_byte_identical(client, make, settings, db_session):
    _never_activated(make, settings, "40000001")
    _never_activated(make, settings, "40000002")
    ok = await _activate(client, "40000002", "lavandes", "deja@exemple.fr")
    unknown = await _activate(client, "49999999", "lavandes", "a@exemple.fr")
    wrong = await _activate(client, "40000001", "mauvais", "a@exemple.fr")
    used = await _activate(client, "40000002", "lavandes", "a@exemple.fr")
    assert ok.status_code == unknown.status_code == wrong.status_code == used.status_code == 202
    assert ok.content == unknown.content == wrong.content == used.content  # success too: nothing tells
    assert last_mail(db_session, "deja@exemple.fr")  # only the real activation sent a mail


async def test_activation_by_identity_wrong_birth_date_looks_like_an_unknown_member(client, make, settings):
    _never_activated(make, settings, "40000010")
    base = {
        "last_name": "Durand",
        "first_name": "Camille",
        "nir": NIR,
        "email": "id@exemple.fr",
        "password": NEW,
        "accept_terms": True,
    }
    wrong_date = await client.post(
        IDENTITY, json={**base, "member_number": "40000010", "birth_date": "1980-05-18", **await challenge(client)}
    )
    unknown = await client.post(
        IDENTITY, json={**base, "member_number": "49999998", "birth_date": "1980-05-17", **await challenge(client)}
    )
    assert (wrong_date.status_code, wrong_date.content) == (unknown.status_code, unknown.content)
    assert wrong_date.status_code == 202  # a valid NIR: both reached the identity check


async def test_confirmation_expires_after_24_h_and_is_single_use(client, make, settings, db_session, clock):
    _never_activated(make, settings, "40000020")
    _never_activated(make, settings, "40000021")
    await _activate(client, "40000020", "lavandes", "late@exemple.fr")
    await _activate(client, "40000021", "lavandes", "ontime@exemple.fr")
    late, ontime = token_in(last_mail(db_session, "late@exemple.fr")), last_mail(db_session, "ontime@exemple.fr")
    clock.advance(hours=24, seconds=1)
    assert (await client.post(CONFIRM, json={"token": late})).status_code == 400
    clock.advance(hours=-1)
    token = token_in(ontime)
    assert (await client.post(CONFIRM, json={"token": token})).status_code == 200
    assert (await client.post(CONFIRM, json={"token": token})).status_code == 400  # replay
    code = code_in(ontime, 8)
    assert (await client.post(CONFIRM, json={"identifier": "40000021", "code": code})).status_code == 400


async def test_reset_same_answer_single_use_ends_sessions_and_still_asks_the_code(client, make, db_session, clock):
    member = make.member(member_number="40000030", email="reset@exemple.fr")
    account = make.account(member)
    old_session = make.session_token(account)
    unknown = await client.post(FORGOT, json={"identifier": "49999997", **await challenge(client)})
    known = await client.post(FORGOT, json={"identifier": "40000030", **await challenge(client)})
    assert (unknown.status_code, unknown.content) == (known.status_code, known.content) == (202, known.content)
    token = token_in(last_mail(db_session, "reset@exemple.fr"))
    assert (await client.get(f"{RESET}?token={token}")).status_code == 200  # opening the link consumes nothing
    r = await client.post(RESET, json={"token": token, "new_password": NEW})
    assert r.status_code == 200, r.text
    assert (await client.post(RESET, json={"token": token, "new_password": NEWER})).status_code == 400  # reuse
    assert (await client.get("/api/v1/me/session", headers=bearer(old_session))).status_code == 401
    first = (await client.post(LOGIN, json={"identifier": "40000030", "password": NEW})).json()
    assert first["status"] == "second_factor_required"


async def test_a_reset_issued_before_the_last_password_change_is_refused(client, make, db_session, clock):
    member = make.member(member_number="40000031", email="before@exemple.fr")
    account = make.account(member)
    await client.post(FORGOT, json={"identifier": "40000031", **await challenge(client)})
    token = token_in(last_mail(db_session, "before@exemple.fr"))
    clock.advance(minutes=5)
    session = make.session_token(account)
    changed = await client.post(
        "/api/v1/auth/password/change",
        json={"current_password": PASSWORD, "new_password": NEW},
        headers=bearer(session),
    )
    assert changed.status_code == 200, changed.text
    assert (await client.post(RESET, json={"token": token, "new_password": NEWER})).status_code == 400


@pytest.fixture
def project_logs() -> Iterator[list[str]]:
    """The espace.* loggers do not propagate to caplog's root handler: read them here."""
    with espace_logs() as lines:
        yield lines


class _AcceptingSmtp:
    def __init__(self) -> None:
        self.sent: list[EmailMessage] = []

    def send_message(self, msg: EmailMessage) -> None:
        self.sent.append(msg)

    def quit(self) -> None:
        pass


async def test_a_full_flow_leaves_no_code_token_or_password_in_logs_or_tables(
    client, make, settings, db_session, clock, caplog, session_scope, project_logs
):
    caplog.set_level(logging.DEBUG)
    secrets: list[str] = [NEW, NEWER, "lavandes", NIR]
    _never_activated(make, settings, "40000040")
    assert (await _activate(client, "40000040", "lavandes", "flux@exemple.fr")).status_code == 202
    mail = last_mail(db_session, "flux@exemple.fr")
    secrets += [token_in(mail), code_in(mail, 8)]
    assert (await client.post(CONFIRM, json={"identifier": "40000040", "code": code_in(mail, 8)})).status_code == 200
    first = (await client.post(LOGIN, json={"identifier": "40000040", "password": NEW})).json()
    code = code_in(last_mail(db_session, "flux@exemple.fr"))
    second = await client.post(SECOND, json={"pending_id": first["pending"]["id"], "code": code, "trust_device": True})
    assert second.status_code == 200, second.text
    body = second.json()
    secrets += [first["pending"]["id"], code, body["session"]["token"], body["trusted_device_token"]]
    await client.post(FORGOT, json={"identifier": "40000040", **await challenge(client)})
    mail = last_mail(db_session, "flux@exemple.fr")
    secrets += [token_in(mail), code_in(mail, 8)]
    assert (await client.post(RESET, json={"token": token_in(mail), "new_password": NEWER})).status_code == 200
    again = (await client.post(LOGIN, json={"identifier": "40000040", "password": NEWER})).json()
    assert again["status"] == "second_factor_required"  # the reset revoked the trusted device
    secrets.append(again["pending"]["id"])
    assert all(len(s) >= 6 for s in secrets)
    smtp = _AcceptingSmtp()
    report = send_due_mails(session_scope, clock, settings, smtp_factory=lambda _settings: smtp)
    assert report.sent == len(smtp.sent) >= 4 and report.failed == 0
    assert any(code in m.get_content() for m in smtp.sent)  # delivered with its code…
    logs = caplog.text + "\n".join(project_logs)
    assert project_logs  # the project's own log lines are read too
    assert not [s for s in secrets if s in logs]
    found = []
    for table in SQLModel.metadata.sorted_tables:
        query = sa.select(table)
        if table.name == "mail_outbox":  # …but a mail keeps its link and code only until it is sent
            query = query.where(table.c.sent_at.is_not(None))
            assert (
                db_session.execute(
                    sa.select(sa.func.count()).select_from(table).where(table.c.sent_at.is_(None))
                ).scalar()
                == 0
            )
        for row in db_session.execute(query).all():
            text = " ".join(str(v) for v in row)
            found += [(table.name, s) for s in secrets if re.search(re.escape(s), text)]
    assert not found, found
