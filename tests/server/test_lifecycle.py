"""One state machine in the service (server.services.lifecycle): a « demander un remboursement » démarche, its
claim and its payment never contradict one another, whoever moves them (the demo job, a conseiller, the
payment run), and a planned payment is never dated in the past while the clock moves (issue 17)."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.domain.states import PaymentFacts, check_claim
from models.schemas.common import ClaimStatus, PaymentState, RequestStatus, Role
from models.tables import Claim, ClaimLine, MemberRequest, Notification, Payment
from server.clock import paris_today
from server.services.demo_progress import advance_demo
from server.services.lifecycle import settle_due_payments
from tests.conftest import bearer
from tests.server.issue7_world import upload
from tests.server.test_requests import BASE, alice  # noqa: F401  (the fixture)


def _ask(alice, **changes):
    return {
        "basis": "paid_invoice",
        "beneficiary_id": alice["beneficiary"],
        "care_date": "2026-11-10",
        "label": "Consultation",
        "amount": "60",
        "act": "G",
        "file": upload(),
        **changes,
    }


def _step(clock, settings, session_scope):
    clock.advance(settings.demo_step + timedelta(seconds=1))
    advance_demo(session_scope, clock, settings)


def _claim_and_request(db_session, request_id):
    db_session.expire_all()
    row = db_session.get(MemberRequest, request_id)
    return db_session.get(Claim, row.claim_id), row


def _invariants(db_session, claim, today):
    payments = db_session.exec(select(Payment).where(Payment.claim_id == claim.id)).all()
    lines = db_session.exec(select(ClaimLine).where(ClaimLine.claim_id == claim.id)).all()
    amc = sum((line.amc_paid for line in lines), start=0)
    facts = [PaymentFacts(p.amount, p.state, p.payment_date, p.kind) for p in payments]
    return check_claim(claim.status, facts, amc, today)


async def test_a_request_of_60_euros_shows_60_spent_and_no_share_before_it_is_processed(client, alice):
    created = await client.post(f"{BASE}/reimbursements", json=_ask(alice), headers=alice["headers"])
    claim_id = created.json()["claim_id"]
    detail = (await client.get(f"/api/v1/me/claims/{claim_id}", headers=alice["headers"])).json()
    assert detail["status"] == "received" and detail["totals"]["charged"] == "60.00"
    listing = (await client.get("/api/v1/me/claims", headers=alice["headers"])).json()
    assert listing["totals"]["charged"] == "60.00"
    # nothing is counted as reimbursed (nor as left to pay) before the mutuelle decides
    assert (listing["totals"]["amc_paid"], listing["totals"]["out_of_pocket"]) == ("0.00", "0.00")


async def test_the_demarche_follows_its_claim_to_rejected_never_accepted(
    client, alice, db_session, clock, settings, session_scope
):
    created = await client.post(f"{BASE}/reimbursements", json=_ask(alice, act=None), headers=alice["headers"])
    request_id = created.json()["id"]
    _step(clock, settings, session_scope)
    claim, row = _claim_and_request(db_session, request_id)
    assert (claim.status, row.status) == (ClaimStatus.processing, RequestStatus.in_progress)
    _step(clock, settings, session_scope)
    claim, row = _claim_and_request(db_session, request_id)
    assert (claim.status, row.status) == (ClaimStatus.rejected, RequestStatus.refused)
    assert "acte non précisé" in row.answer
    titles = [n.title for n in db_session.exec(select(Notification).order_by(Notification.id)).all()]
    assert titles == [f"Remboursement {claim.reference} : en traitement", f"Remboursement {claim.reference} : rejeté"]
    assert not any("acceptée" in t for t in titles)
    assert _invariants(db_session, claim, paris_today(clock)) == []
    mine = (await client.get(f"{BASE}/{request_id}", headers=alice["headers"])).json()
    assert (mine["status"], mine["claim_status"]) == ("refused", "rejected")


async def test_a_reimbursed_claim_plans_its_payment_from_today_and_the_payment_run_executes_it(
    client, alice, db_session, clock, settings, session_scope
):
    created = await client.post(f"{BASE}/reimbursements", json=_ask(alice), headers=alice["headers"])
    request_id = created.json()["id"]
    for _ in range(2):
        _step(clock, settings, session_scope)
    claim, row = _claim_and_request(db_session, request_id)
    assert (claim.status, row.status) == (ClaimStatus.paid, RequestStatus.accepted)
    [payment] = db_session.exec(select(Payment).where(Payment.claim_id == claim.id)).all()
    assert payment.state is PaymentState.planned and payment.payment_date > paris_today(clock)
    notice = db_session.exec(select(Notification).where(Notification.claim_id == claim.id)).all()[-1]
    assert notice.title == "Nouveau remboursement : Consultation"
    assert f"paiement prévu le {payment.payment_date:%d/%m/%Y}" in notice.body
    # the clock moves day by day: the planned date is never in the past, the run pays it on its day
    for _ in range(4):
        clock.advance(timedelta(days=1))
        settle_due_payments(session_scope, clock)
        db_session.expire_all()
        assert _invariants(db_session, claim, paris_today(clock)) == []
    assert db_session.get(Payment, payment.id).state is PaymentState.done


async def test_a_conseiller_decides_a_reimbursement_with_its_claim(client, alice, db_session, make):
    agent = bearer(make.session_token(make.account(role=Role.agent, display_name="Julien ROCHE")))
    ids = []
    for label in ("Consultation", "Ostéopathie"):
        created = await client.post(f"{BASE}/reimbursements", json=_ask(alice, label=label), headers=alice["headers"])
        ids.append(created.json()["id"])
    accepted = await client.post(
        f"/api/v1/agent/requests/{ids[0]}/decision", json={"accept": True, "answer": "Conforme."}, headers=agent
    )
    assert accepted.status_code == 200, accepted.text
    refused = await client.post(
        f"/api/v1/agent/requests/{ids[1]}/decision",
        json={"accept": False, "answer": "La facture n'est pas acquittée."},
        headers=agent,
    )
    assert refused.status_code == 200
    first, row = _claim_and_request(db_session, ids[0])
    assert (first.status, row.status) == (ClaimStatus.paid, RequestStatus.accepted)
    assert db_session.exec(select(Payment).where(Payment.claim_id == first.id)).one().amount == row_amc(
        db_session, first
    )
    second, row = _claim_and_request(db_session, ids[1])
    assert (second.status, row.status) == (ClaimStatus.rejected, RequestStatus.refused)
    assert second.rejection_reason == "La facture n'est pas acquittée."
    again = await client.post(
        f"/api/v1/agent/requests/{ids[1]}/decision", json={"accept": True, "answer": "Finalement oui."}, headers=agent
    )
    assert again.status_code == 404  # decided, it left the queue: outside a call, as for an unknown id


def row_amc(db_session, claim):
    return sum(line.amc_paid for line in db_session.exec(select(ClaimLine).where(ClaimLine.claim_id == claim.id)))
