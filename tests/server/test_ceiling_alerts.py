"""The demo job's claim lines carry the engine's result (BR, AMO rate, each contract's share), and the
« plafond à 80 % » notification is written once per ceiling and period when a claim's share brings a
yearly ceiling to 80 % or more (issue 7, with issue 5's ceiling computation)."""

from __future__ import annotations

from decimal import Decimal

from sqlmodel import select

from models.tables import Claim, ClaimLine, ClaimLineAmc, GuaranteeLine, MailOutbox, Notification
from server.services.demo_progress import advance_demo
from tests.conftest import bearer
from tests.server.issue7_world import upload

BASE = "/api/v1/me/requests"


def _member(make, db_session):
    member = make.member(first_name="Alice", email="alice@exemple.fr")
    account = make.account(member)
    contract = make.contract(member)
    for act, notation, label in (
        ("G", "100% BR", "Consultations"),
        ("AMK", "forfait 100 € hors RO /an", "Kinésithérapie"),
    ):
        db_session.add(
            GuaranteeLine(
                table_id=contract.guarantee_table_id,
                care_category="soins_courants",
                act_codes=[act],
                notation=notation,
                label=label,
            )
        )
    db_session.commit()
    return member, contract, make.principal(member).id, bearer(make.session_token(account))


async def _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, act, amount, label):
    body = {
        "basis": "paid_invoice",
        "beneficiary_id": beneficiary,
        "care_date": "2026-11-10",
        "label": label,
        "amount": amount,
        "act": act,
        "file": upload(),
    }
    assert (await client.post(f"{BASE}/reimbursements", json=body, headers=headers)).status_code == 201
    for _ in range(2):  # reçu -> en traitement -> remboursé
        clock.advance(settings.demo_step * 2)
        advance_demo(session_scope, clock, settings)


def _ceiling_notifications(db_session):
    return db_session.exec(select(Notification).where(Notification.kind == "ceiling")).all()


async def test_the_demo_job_keeps_the_engines_br_rate_and_each_contracts_share(
    client, make, db_session, clock, settings, session_scope
):
    _, contract, beneficiary, headers = _member(make, db_session)
    await _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, "G", "30", "Consultation")
    claim = db_session.exec(select(Claim).where(Claim.label == "Consultation")).one()
    assert claim.status == "paid"
    line = db_session.exec(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).one()
    assert line.br == Decimal("30.00") and line.amo_rate == Decimal("0.70")
    assert line.amo_gross == Decimal("21.00") and line.deductions == Decimal("2.00")
    assert (line.amo_paid, line.amc_paid, line.out_of_pocket) == (Decimal("19.00"), Decimal("9.00"), Decimal("2.00"))
    assert line.tariff_version != "demo" and line.engine_result["br"] == "30.00"
    shares = db_session.exec(select(ClaimLineAmc).where(ClaimLineAmc.claim_line_id == line.id)).all()
    assert [(s.contract_id, s.amount) for s in shares] == [(contract.id, Decimal("9.00"))]
    assert _ceiling_notifications(db_session) == []  # a line without a ceiling


async def test_the_80_percent_notification_once_per_ceiling_and_period(
    client, make, db_session, clock, settings, session_scope
):
    _, _, beneficiary, headers = _member(make, db_session)
    # 30 € of kiné: the mutuelle pays 20,32 € of the 100 € yearly forfait -> under 80 %, nothing said
    await _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, "AMK", "30", "Kiné 1")
    assert _ceiling_notifications(db_session) == []
    # 60 € more: 50,32 € -> 70,64 € used, still under 80 %
    await _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, "AMK", "60", "Kiné 2")
    assert _ceiling_notifications(db_session) == []
    # 30 € more: 90,96 € used of 100 € -> 90 %: one notification and its email
    await _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, "AMK", "30", "Kiné 3")
    (alert,) = _ceiling_notifications(db_session)
    assert alert.title == "Plafond à 80 % : Kinésithérapie (Santé Socle), Alice, année 2026"
    assert "Alice a utilisé 90 % du plafond « Kinésithérapie »" in alert.body
    assert "90,96\u00a0€ sur 100,00\u00a0€" in alert.body and "Il reste 9,04\u00a0€ jusqu'au 31/12/2026" in alert.body
    claim = db_session.exec(select(Claim).where(Claim.label == "Kiné 3")).one()
    assert alert.claim_id == claim.id
    mails = db_session.exec(select(MailOutbox).where(MailOutbox.subject.contains("Plafond à 80 %"))).all()
    assert len(mails) == 1 and mails[0].to == "alice@exemple.fr"
    # another claim in the same year: the same ceiling and period are not announced twice
    await _ask_and_process(client, headers, beneficiary, clock, settings, session_scope, "AMK", "30", "Kiné 4")
    assert len(_ceiling_notifications(db_session)) == 1
    listed = (await client.get("/api/v1/me/notifications", headers=headers)).json()["items"]
    assert [n["kind"] for n in listed].count("ceiling") == 1
