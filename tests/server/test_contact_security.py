"""Issue 16, the takeover paths through a contact change, each refused (security-rules.md « Sensitive changes by
the member »): a stolen session cannot change the login e-mail or mobile (a fresh second factor is needed to even
send a code); « ce n'est pas moi » undoes the change, ends every session and trusted device and locks the account
until a reset; no reset link goes to an address on file for less than 72 h (the member's « mot de passe oublié »
and the conseiller's link), unless a conseiller made the change under strong verification; step-up and contact
codes are limited like login codes."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlmodel import col, select

from models.schemas.auth import ContactRevertRequest
from models.schemas.common import AccountState, ContactChangeOrigin, Role
from models.schemas.profile import ContactChannel
from models.tables import Account, AuthSession, ContactChange, MailOutbox, Member, TrustedDevice
from server.errors import ApiError
from server.services import contacts
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import challenge, code_in, token_in
from tests.server.call_helpers import verified_call
from tests.server.test_agent import call  # noqa: F401  (the conseiller's call fixture)

ME = "/api/v1/me"
OLD = "camille@exemple.fr"
NEW = "pirate@exemple.net"
SMS = "sms+0611223344@sms.demo.invalid"
REVERT = "/api/v1/auth/contact-revert"
FORGOT = "/api/v1/auth/password/forgot"


@pytest.fixture
def camille(make):
    member = make.member(email=OLD, mobile="0611223344", nir=None)
    account = make.account(member)
    return member, account, bearer(make.session_token(account))


def sent_to(db, to: str) -> list[MailOutbox]:
    return list(db.exec(select(MailOutbox).where(MailOutbox.to == to).order_by(col(MailOutbox.id))).all())


async def step_up(client, db, headers) -> None:
    assert (await client.post(f"{ME}/step-up", headers=headers)).status_code == 200
    verified = await client.post(f"{ME}/step-up/verify", json={"code": code_in(sent_to(db, SMS)[-1])}, headers=headers)
    assert verified.status_code == 200, verified.text


async def change_email(client, db, headers, to: str = NEW) -> None:
    await step_up(client, db, headers)
    started = await client.post(f"{ME}/profile/email", json={"email": to}, headers=headers)
    assert started.status_code == 200, started.text
    done = await client.post(
        f"{ME}/profile/email/confirm", json={"code": code_in(sent_to(db, to)[-1])}, headers=headers
    )
    assert done.status_code == 200, done.text


# --- a stolen session ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "body", "to"),
    [("email", {"email": NEW}, NEW), ("mobile", {"mobile": "0745678901"}, "sms+0745678901@sms.demo.invalid")],
)
async def test_a_stolen_session_cannot_change_the_login_email_or_mobile(client, db_session, camille, path, body, to):
    """A valid session token and nothing else (no fresh second factor): the route itself refuses, before any
    code is sent to the attacker's address."""
    member, _, headers = camille
    refused = await client.post(f"{ME}/profile/{path}", json=body, headers=headers)
    assert refused.status_code == 403 and refused.json()["code"] == "step_up_required"
    assert "confirmez d'abord que c'est bien vous" in refused.json()["message"]
    assert sent_to(db_session, to) == []
    assert db_session.exec(select(ContactChange).where(ContactChange.member_id == member.id)).all() == []
    # with a fresh second factor, the same request goes through
    await step_up(client, db_session, headers)
    assert (await client.post(f"{ME}/profile/{path}", json=body, headers=headers)).status_code == 200
    assert len(sent_to(db_session, to)) == 1


# --- « ce n'est pas moi » ----------------------------------------------------------------------------------


async def test_not_me_reverts_the_change_ends_every_session_and_locks_until_a_reset(
    client, db_session, make, camille, clock
):
    member, account, headers = camille
    device = TrustedDevice(
        account_id=account.id, token_hash="d" * 64, name="Tablette", created_at=clock.now(), expires_at=clock.now()
    )
    device.expires_at = clock.now() + timedelta(days=90)
    make._save(device)
    await change_email(client, db_session, headers)
    db_session.refresh(account)
    assert (member.email, account.login_email) == (NEW, NEW)
    notice = sent_to(db_session, OLD)[-1]
    assert notice.subject == "Ce changement vient-il de vous ?" and member.member_number in notice.body
    token = token_in(notice)
    # opening the link consumes nothing: a page asks to confirm
    page = await client.get(REVERT, params={"token": token})
    assert page.status_code == 200 and "Annuler le changement" in page.text
    assert (await client.get(f"{ME}/profile", headers=headers)).status_code == 200  # nothing happened yet
    done = await client.post(REVERT, json={"token": token})
    assert done.status_code == 200, done.text
    assert "Mot de passe oublié" in done.json()["message"]
    db_session.refresh(member)
    db_session.refresh(account)
    db_session.refresh(device)
    assert (member.email, account.login_email) == (OLD, OLD)
    assert account.state == AccountState.locked and account.locked_until is None
    assert device.revoked_at is not None
    assert all(
        s.revoked_at is not None
        for s in db_session.exec(select(AuthSession).where(AuthSession.account_id == account.id))
    )
    assert (await client.get(f"{ME}/profile", headers=headers)).status_code == 401
    change = db_session.exec(select(ContactChange).where(ContactChange.member_id == member.id)).one()
    assert change.reverted_at is not None and change.old_value == OLD
    assert sent_to(db_session, OLD)[-1].subject == "Changement annulé : votre accès est bloqué"
    # single use
    assert (await client.post(REVERT, json={"token": token})).status_code == 400
    # the password is right but the account is locked until a reset
    login = await client.post("/api/v1/auth/login", json={"identifier": member.member_number, "password": PASSWORD})
    assert login.status_code == 401
    # « mot de passe oublié » sends the link to the restored address (on file for long: no quarantine)
    asked = await client.post(FORGOT, json={"identifier": member.member_number, **await challenge(client)})
    assert asked.status_code == 202
    reset = sent_to(db_session, OLD)[-1]
    assert reset.subject == "Réinitialiser votre mot de passe"
    new_password = "Un-Autre-Mot-De-Passe-7"
    after = await client.post(
        "/api/v1/auth/password/reset", json={"token": token_in(reset), "new_password": new_password}
    )
    assert after.status_code == 200, after.text
    db_session.refresh(account)
    assert account.state == AccountState.active


async def test_not_me_by_the_code_pasted_in_the_terminal(client, db_session, camille):
    member, account, headers = camille
    await change_email(client, db_session, headers)
    code = re.search(r"ce code : (\d{8})", sent_to(db_session, OLD)[-1].body)[1]  # not the n° adhérent
    wrong = await client.post(REVERT, json={"identifier": member.member_number, "code": "00000000"})
    assert wrong.status_code == 400 and "pas valable" in wrong.json()["message"]
    done = await client.post(REVERT, json={"identifier": member.member_number, "code": code})
    assert done.status_code == 200, done.text
    db_session.refresh(account)
    assert (member.email, account.state) == (OLD, AccountState.locked)


async def test_not_me_undoes_the_later_changes_too_and_voids_their_links(client, db_session, camille, clock, settings):
    """A → B → C: the link sent to A restores A; the link sent to B (the attacker's) no longer works."""
    member, _, headers = camille
    await change_email(client, db_session, headers, to="b@exemple.net")
    clock.advance(settings.second_factor_resend_interval)
    await change_email(client, db_session, headers, to="c@exemple.net")
    link_to_a, link_to_b = token_in(sent_to(db_session, OLD)[-1]), token_in(sent_to(db_session, "b@exemple.net")[-1])
    assert (await client.post(REVERT, json={"token": link_to_a})).status_code == 200
    db_session.refresh(member)
    assert member.email == OLD
    assert (await client.post(REVERT, json={"token": link_to_b})).status_code == 400
    db_session.refresh(member)
    assert member.email == OLD
    changes = db_session.exec(select(ContactChange).where(ContactChange.member_id == member.id)).all()
    assert all(c.reverted_at is not None for c in changes)


async def test_a_new_mobile_is_told_to_the_old_number_and_to_the_email_with_the_link(client, db_session, camille):
    member, _, headers = camille
    await step_up(client, db_session, headers)
    assert (
        await client.post(f"{ME}/profile/mobile", json={"mobile": "07 45 67 89 01"}, headers=headers)
    ).status_code == 200
    code = code_in(sent_to(db_session, "sms+0745678901@sms.demo.invalid")[-1])
    assert (await client.post(f"{ME}/profile/mobile/confirm", json={"code": code}, headers=headers)).status_code == 200
    sms = sent_to(db_session, SMS)[-1]
    mail = sent_to(db_session, OLD)[-1]
    assert "contact-revert?token=" in sms.body and token_in(sms) == token_in(mail)
    assert (await client.post(REVERT, json={"token": token_in(mail)})).status_code == 200
    db_session.refresh(member)
    assert member.mobile == "0611223344"


# --- since when, and the reset-link quarantine ------------------------------------------------------------


async def test_contact_since_is_the_confirmation_of_the_current_value(client, db_session, make, camille, clock):
    member, _, headers = camille
    member.created_at = clock.now() - timedelta(days=400)
    make._save(member)
    assert contacts.contact_since(db_session, member, ContactChannel.email) == member.created_at
    assert (
        contacts.contact_since(db_session, Member(**{**member.model_dump(), "mobile": None}), ContactChannel.mobile)
        is None
    )
    await change_email(client, db_session, headers)
    db_session.refresh(member)
    assert contacts.contact_since(db_session, member, ContactChannel.email) == clock.now()
    assert contacts.contact_since(db_session, member, ContactChannel.mobile) == member.created_at
    await client.post(REVERT, json={"token": token_in(sent_to(db_session, OLD)[-1])})
    db_session.refresh(member)
    assert contacts.contact_since(db_session, member, ContactChannel.email) == member.created_at


async def test_no_reset_link_to_an_address_on_file_for_less_than_72_hours(client, db_session, camille, clock, settings):
    """The takeover path « change the e-mail, then ask a reset link »: the same 202 (nothing tells the caller),
    no link to the fresh address, a mail saying to call the service adhérent; after 72 h, the link goes."""
    member, _, headers = camille
    await change_email(client, db_session, headers)
    asked = await client.post(FORGOT, json={"identifier": NEW, **await challenge(client)})
    unknown = await client.post(FORGOT, json={"identifier": "personne@exemple.fr", **await challenge(client)})
    assert asked.status_code == unknown.status_code == 202 and asked.json() == unknown.json()
    subjects = [m.subject for m in sent_to(db_session, NEW)]
    assert "Réinitialiser votre mot de passe" not in subjects
    assert subjects[-1] == "Mot de passe oublié : appelez le service adhérent"
    assert "token=" not in sent_to(db_session, NEW)[-1].body
    clock.advance(settings.contact_reset_quarantine - timedelta(seconds=1))
    assert not contacts.reset_link_allowed(db_session, clock, settings, member, NEW)
    clock.advance(timedelta(seconds=1))
    assert contacts.reset_link_allowed(db_session, clock, settings, member, NEW)
    await client.post(FORGOT, json={"identifier": NEW, **await challenge(client)})
    assert sent_to(db_session, NEW)[-1].subject == "Réinitialiser votre mot de passe"


async def test_the_quarantine_is_a_setting(client, db_session, camille, settings):
    member, _, headers = camille
    settings.contact_reset_quarantine = timedelta(minutes=1)
    await change_email(client, db_session, headers)
    assert not contacts.reset_link_allowed(db_session, clock_after(settings, minutes=0), settings, member, NEW)
    assert contacts.reset_link_allowed(db_session, clock_after(settings, minutes=1), settings, member, NEW)


def clock_after(settings, *, minutes: int):
    from server.clock import FrozenClock
    from tests.conftest import TEST_NOW

    return FrozenClock(TEST_NOW + timedelta(minutes=minutes))


def _agent_change(db, clock, settings, member: Member, agent: Account, *, strong: bool) -> None:
    contacts.start_contact_change(db, clock, settings, member, ContactChannel.email, NEW, agent=agent, strong=strong)
    db.commit()
    code = code_in(sent_to(db, NEW)[-1])
    confirmed = contacts.confirm_contact_change(db, clock, settings, member, ContactChannel.email, code, agent=agent)
    db.commit()
    assert (confirmed.change.origin, confirmed.change.agent_account_id, confirmed.change.strong) == (
        ContactChangeOrigin.agent,
        agent.id,
        strong,
    )


@pytest.mark.parametrize(
    ("strong", "exempt", "allowed"), [(True, True, True), (False, True, False), (True, False, False)]
)
def test_a_change_made_by_a_conseiller_under_strong_verification_is_exempt(
    db_session, make, clock, settings, strong, exempt, allowed
):
    settings.contact_quarantine_exempt_strong = exempt
    member = make.member(email=OLD, mobile="0611223344", nir=None)
    make.account(member)
    agent = make.account(role=Role.agent)
    _agent_change(db_session, clock, settings, member, agent, strong=strong)
    assert member.email == NEW
    assert contacts.reset_link_allowed(db_session, clock, settings, member, NEW) is allowed
    # the old address was told, with the link, that a conseiller made the change
    notice = sent_to(db_session, OLD)[-1]
    assert "par un conseiller" in notice.body and "contact-revert?token=" in notice.body


def test_a_conseiller_cannot_confirm_a_change_the_member_started(db_session, make, clock, settings):
    member = make.member(email=OLD, mobile="0611223344", nir=None)
    make.account(member)
    agent = make.account(role=Role.agent)
    contacts.start_contact_change(db_session, clock, settings, member, ContactChannel.email, NEW)
    code = code_in(sent_to(db_session, NEW)[-1])
    with pytest.raises(ApiError) as refused:
        contacts.confirm_contact_change(db_session, clock, settings, member, ContactChannel.email, code, agent=agent)
    assert refused.value.status_code == 422 and member.email == OLD


async def test_the_conseillers_reset_link_to_a_fresh_address_is_refused_with_409(
    client, call, db_session, clock, settings
):
    member = call["member"]
    contacts.start_contact_change(db_session, clock, settings, member, ContactChannel.email, NEW)
    code = code_in(sent_to(db_session, NEW)[-1])
    contacts.confirm_contact_change(db_session, clock, settings, member, ContactChannel.email, code)
    db_session.commit()
    await verified_call(client, call["agent"], member)
    refused = await client.post(
        f"/api/v1/agent/members/{member.id}/reset-link", json={"reason": "mot de passe oublié"}, headers=call["agent"]
    )
    assert refused.status_code == 409 and refused.json()["code"] == "contact_too_recent"
    assert "enregistrée trop récemment" in refused.json()["message"] and "26/11/2026" in refused.json()["message"]
    assert [m.subject for m in sent_to(db_session, NEW)].count("Réinitialiser votre mot de passe") == 0


def test_a_revert_request_names_the_token_or_the_identifier_and_code(db_session, clock, settings):
    with pytest.raises(ApiError) as refused:
        contacts.revert_contact_change(db_session, clock, settings, ContactRevertRequest(), ip=None)
    assert refused.value.status_code == 400
