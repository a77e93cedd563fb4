"""Issue 8's small server items: the step-up windows are settings, the préférences decide where issue 7's
notifications go (email, SMS, or only the portal), and the demo world seeds a RIB for each member."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.schemas.common import NotificationKind
from models.tables import BankAccount, MailOutbox, Notification
from server.services.notifications import notify
from tests.conftest import bearer
from tests.server.auth_helpers import code_in

ME = "/api/v1/me"
RIB = {"iban": "FR76 3000 6000 0112 3456 7890 189", "bic": "AGRIFRPP", "holder": "Camille Durand"}


def _member(make):
    member = make.member(email="camille@exemple.fr", mobile="0611223344", nir=None)
    account = make.account(member)
    make.contract(member)
    return member, bearer(make.session_token(account))


def _outbox(db, to: str) -> list[MailOutbox]:
    return list(db.exec(select(MailOutbox).where(MailOutbox.to == to)).all())


async def test_the_step_up_window_and_code_validity_are_settings(client, make, db_session, clock, settings):
    settings.step_up_window = timedelta(minutes=2)
    settings.step_up_code_ttl = timedelta(minutes=3)
    _, headers = _member(make)
    started = await client.post(f"{ME}/step-up", headers=headers)
    assert started.status_code == 200, started.text
    assert started.json()["expires_at"].startswith((clock.now() + timedelta(minutes=3)).strftime("%Y-%m-%dT%H:%M"))
    assert started.json()["window_minutes"] == 2  # the client words the window from this, never from a constant
    accounts = await client.get(f"{ME}/bank-accounts", headers=headers)
    assert accounts.json()["step_up_window_minutes"] == 2
    sms = _outbox(db_session, "sms+0611223344@sms.demo.invalid")[-1]
    verified = await client.post(f"{ME}/step-up/verify", json={"code": code_in(sms)}, headers=headers)
    assert verified.status_code == 200, verified.text
    clock.advance(timedelta(minutes=2, seconds=1))
    late = await client.put(f"{ME}/bank-accounts/reimbursement", json=RIB, headers=headers)
    assert late.status_code == 403 and late.json()["code"] == "step_up_required"
    assert "il vous laisse 2 minutes pour enregistrer le changement" in late.json()["message"]


async def test_notifications_follow_the_preferences(client, make, db_session, clock, settings):
    member, headers = _member(make)
    notify(db_session, clock, settings, member, NotificationKind.request_status, "Demande traitée", "Réponse.")
    assert len(_outbox(db_session, "camille@exemple.fr")) == 1  # by default: the portal and the email
    assert _outbox(db_session, "sms+0611223344@sms.demo.invalid") == []

    body = {"statements": "email", "channels": ["sms"]}
    assert (await client.put(f"{ME}/profile/preferences", json=body, headers=headers)).status_code == 200
    notify(db_session, clock, settings, member, NotificationKind.request_status, "Demande traitée", "Réponse.")
    assert len(_outbox(db_session, "camille@exemple.fr")) == 1  # no new email
    sms = _outbox(db_session, "sms+0611223344@sms.demo.invalid")
    assert len(sms) == 1 and "Demande traitée" in sms[0].body

    body = {"statements": "post", "channels": ["portal"]}
    assert (await client.put(f"{ME}/profile/preferences", json=body, headers=headers)).status_code == 200
    notify(db_session, clock, settings, member, NotificationKind.request_status, "Autre", "Réponse.")
    assert len(_outbox(db_session, "camille@exemple.fr")) == 1
    assert len(_outbox(db_session, "sms+0611223344@sms.demo.invalid")) == 1
    rows = db_session.exec(select(Notification).where(Notification.member_id == member.id)).all()
    assert len(rows) == 3  # always in the portal


def test_the_demo_world_seeds_an_encrypted_rib_per_member(db_session, settings):
    from datetime import date

    from fixtures.demo import default_protector, seed_demo
    from fixtures.world import build_world
    from server.security.crypto import decrypt

    world = build_world(date(2026, 11, 23))
    report = seed_demo(db_session, date(2026, 11, 23), hasher=lambda secret: "x", world=world)
    assert report.seeded
    rows = db_session.exec(select(BankAccount)).all()
    assert len(rows) == len(world.members)
    coralie = next(m for m in world.members if m.key == "coralie")
    row = next(r for r in rows if r.member_id == report.member_ids["coralie"])
    assert row.iban.startswith("v1:") and decrypt(default_protector(), row.iban) == coralie.iban
    assert row.iban_masked.endswith(coralie.iban[-3:]) and row.bic == "BNPAFRPP"
    assert row.beneficiary_id is None and row.holder == "Coralie VIDAL"
