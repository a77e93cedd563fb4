"""Démarches: remboursement (claim "reçu"), documents, accident, prise en charge hospitalière (FINESS,
fax or email), devis (the engine's estimate at once), "Mes démarches", Idempotency-Key, the demo job."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.schemas.common import ClaimStatus, DocumentType, Role
from models.tables import Claim, GuaranteeLine, MailOutbox, MemberRequest, Notification
from server.services.demo_progress import advance_demo
from server.services.requests import DOCUMENT_WORDS
from tests.conftest import bearer
from tests.server.issue7_world import JPEG, PDF, upload

BASE = "/api/v1/me/requests"


@pytest.fixture
def alice(make, db_session):
    member = make.member(first_name="Alice", email="alice@exemple.fr")
    account = make.account(member)
    contract = make.contract(member)
    db_session.add(
        GuaranteeLine(
            table_id=contract.guarantee_table_id,
            care_category="soins_courants",
            act_codes=["G"],
            notation="100% BR",
            label="Consultations",
        )
    )
    db_session.add(
        GuaranteeLine(
            table_id=contract.guarantee_table_id,
            care_category="dentaire",
            act_codes=["PROTHESE"],
            notation="300% BR",
            label="Prothèses dentaires",
        )
    )
    db_session.commit()
    return {
        "member": member,
        "account": account,
        "beneficiary": make.principal(member).id,
        "headers": bearer(make.session_token(account)),
        "table_id": contract.guarantee_table_id,
    }


def hospital(alice, **changes):
    return {
        "member_number": alice["member"].member_number,
        "beneficiary_id": alice["beneficiary"],
        "establishment": "CHU Estaing",
        "finess": "750712184",
        "entry_date": "2026-12-01",
        "admission_fax": "04 73 75 00 00",
        **changes,
    }


async def test_ask_for_a_reimbursement_creates_a_claim_received(client, alice, db_session):
    body = {
        "basis": "other_insurer_statement",
        "beneficiary_id": alice["beneficiary"],
        "care_date": "2026-11-10",
        "label": "Consultation",
        "amount": "30",
        "act": "G",
        "file": upload("decompte.jpg", JPEG),
    }
    missing = await client.post(f"{BASE}/reimbursements", json=body, headers=alice["headers"])
    assert missing.status_code == 422 and missing.json()["details"][0]["field"] == "other_insurer"
    response = await client.post(
        f"{BASE}/reimbursements", json={**body, "other_insurer": "Mutuelle Un"}, headers=alice["headers"]
    )
    assert response.status_code == 201, response.text
    request = response.json()
    assert request["status"] == "received" and request["claim_status"] == "received"
    claim = db_session.get(Claim, request["claim_id"])
    assert claim.status == ClaimStatus.received and claim.source == "online"
    assert request["documents"][0]["content_type"] == "image/jpeg"
    mail = db_session.exec(select(MailOutbox).where(MailOutbox.to == "alice@exemple.fr")).one()
    assert request["reference"] in mail.subject and "Accusé de réception" in mail.subject


async def test_hospital_cover_needs_fax_or_email_and_a_valid_finess(client, alice):
    url = f"{BASE}/hospital-covers"
    none = await client.post(url, json=hospital(alice, admission_fax=None), headers=alice["headers"])
    assert none.status_code == 422 and "au moins le fax ou l'e-mail" in none.json()["message"]
    bad = await client.post(url, json=hospital(alice, finess="750712185"), headers=alice["headers"])
    assert bad.status_code == 422 and bad.json()["details"][0]["field"] == "finess"
    short = await client.post(url, json=hospital(alice, finess="12345"), headers=alice["headers"])
    assert short.status_code == 422
    other_number = await client.post(url, json=hospital(alice, member_number="999"), headers=alice["headers"])
    assert other_number.status_code == 422
    ok = await client.post(
        url, json=hospital(alice, admission_fax=None, admission_email="adm@chu.example"), headers=alice["headers"]
    )
    assert ok.status_code == 201 and ok.json()["details"]["finess"] == "750712184"


async def test_a_quote_gets_the_engines_estimate_at_once(client, alice):
    body = {
        "domain": "dental",
        "beneficiary_id": alice["beneficiary"],
        "provider_name": "Dr Martin",
        "lines": [{"act": "PROTHESE", "label": "Couronne", "charged": "500"}, {"act": "AMK", "charged": "20"}],
        "file": upload("devis.pdf", PDF),
    }
    response = await client.post(f"{BASE}/quotes", json=body, headers=alice["headers"])
    assert response.status_code == 201, response.text
    estimate = response.json()["estimate"]
    crown, uncovered = estimate["lines"]
    assert float(crown["amc_paid"]) > 0 and crown["explanation"] and crown["estimated"]
    assert not uncovered["estimated"] and uncovered["amc_paid"] is None and "ne couvre" in uncovered["reason"]
    total = float(crown["amo_paid"]) + float(crown["amc_paid"]) + float(crown["out_of_pocket"])
    assert total == pytest.approx(500)
    # totals over the estimated line only; the devis's whole amount apart
    assert (estimate["charged"], estimate["quote_total"]) == ("500.00", "520.00")
    assert estimate["amc_paid"] == crown["amc_paid"]


async def test_a_quote_line_the_engine_cannot_price_without_its_base_is_taken(client, alice, db_session):
    """Soins dentaires have no fixed tariff: without the base de remboursement the engine refuses to price
    the line, which must not refuse the member's devis (a conseiller answers it with the amount)."""
    db_session.add(
        GuaranteeLine(
            table_id=alice["table_id"],
            care_category="dentaire",
            act_codes=["SC"],
            notation="100% BR",
            label="Soins dentaires",
        )
    )
    db_session.commit()
    body = {
        "domain": "dental",
        "beneficiary_id": alice["beneficiary"],
        "provider_name": "Dr Martin",
        "lines": [{"act": "SC", "label": "Soins", "charged": "80"}, {"act": "PROTHESE", "charged": "500"}],
        "file": upload("devis.pdf", PDF),
    }
    response = await client.post(f"{BASE}/quotes", json=body, headers=alice["headers"])
    assert response.status_code == 201, response.text
    care, crown = response.json()["estimate"]["lines"]
    assert care["amo_paid"] is None and care["amc_paid"] is None and care["out_of_pocket"] is None
    assert not care["estimated"] and "base de remboursement" in care["reason"] and "conseiller" in care["reason"]
    assert float(crown["amc_paid"]) > 0
    assert response.json()["estimate"]["amc_paid"] == crown["amc_paid"]


async def test_accident_and_documents_and_the_one_list(client, alice):
    accident = {
        "beneficiary_id": alice["beneficiary"],
        "accident_date": "2026-11-20",
        "place": "Rue",
        "circumstances": "Renversé par une voiture",
        "third_party": True,
    }
    assert (await client.post(f"{BASE}/accidents", json=accident, headers=alice["headers"])).status_code == 422
    accident["third_party_details"] = "M. X, assuré chez Assur"
    assert (await client.post(f"{BASE}/accidents", json=accident, headers=alice["headers"])).status_code == 201
    docs = {
        "document_type": "school_certificate",
        "beneficiary_id": alice["beneficiary"],
        "description": "2026",
        "files": [upload("p1.pdf", PDF), upload("p2.pdf", PDF)],
    }
    created = await client.post(f"{BASE}/documents", json=docs, headers=alice["headers"])
    assert created.status_code == 201 and len(created.json()["documents"]) == 2
    listing = (await client.get(BASE, headers=alice["headers"])).json()["items"]
    assert {i["kind"] for i in listing} == {"accident", "document"}
    detail = await client.get(f"{BASE}/{created.json()['id']}", headers=alice["headers"])
    assert detail.json()["description"] == "2026"


async def test_every_creating_post_is_idempotent(client, alice, db_session):
    bodies = {
        "reimbursements": {
            "basis": "paid_invoice",
            "beneficiary_id": alice["beneficiary"],
            "care_date": "2026-11-10",
            "label": "Ostéo",
            "amount": "60",
            "file": upload(),
        },
        "documents": {
            "document_type": "bank_details",
            "beneficiary_id": alice["beneficiary"],
            "description": "RIB",
            "files": [upload()],
        },
        "accidents": {
            "beneficiary_id": alice["beneficiary"],
            "accident_date": "2026-11-20",
            "place": "Rue",
            "circumstances": "Chute",
        },
        "hospital-covers": hospital(alice),
        "quotes": {
            "domain": "dental",
            "beneficiary_id": alice["beneficiary"],
            "provider_name": "Dr M",
            "lines": [{"act": "PROTHESE", "charged": "500"}],
        },
    }
    for path, body in bodies.items():
        headers = {**alice["headers"], "Idempotency-Key": f"key-{path}"}
        first = await client.post(f"{BASE}/{path}", json=body, headers=headers)
        again = await client.post(f"{BASE}/{path}", json=body, headers=headers)
        assert first.status_code == again.status_code == 201, (path, first.text)
        assert first.json() == again.json(), path
    assert len(db_session.exec(select(MemberRequest)).all()) == len(bodies)
    assert len(db_session.exec(select(Claim).where(Claim.source == "online")).all()) == 1


async def test_the_demo_job_moves_everything_forward_with_notifications(
    client, alice, db_session, clock, settings, session_scope, make
):
    make.account(role=Role.agent, display_name="Julien ROCHE")
    paid = {
        "basis": "paid_invoice",
        "beneficiary_id": alice["beneficiary"],
        "care_date": "2026-11-10",
        "label": "Consultation",
        "amount": "30",
        "act": "G",
        "file": upload(),
    }
    unknown = {**paid, "act": None, "label": "Soins divers"}
    for body in (paid, unknown):
        assert (await client.post(f"{BASE}/reimbursements", json=body, headers=alice["headers"])).status_code == 201
    assert (
        await client.post(f"{BASE}/hospital-covers", json=hospital(alice), headers=alice["headers"])
    ).status_code == 201
    thread = await client.post(
        "/api/v1/me/threads", json={"subject": "Q", "category": "question", "body": "?"}, headers=alice["headers"]
    )
    complaint = await client.post(
        "/api/v1/me/threads", json={"subject": "R", "category": "reclamation", "body": "!"}, headers=alice["headers"]
    )

    assert advance_demo(session_scope, clock, settings).requests == 0  # nothing has waited demo_step yet
    for _ in range(3):
        clock.advance(settings.demo_step + timedelta(seconds=1))
        assert advance_demo(session_scope, clock, settings).threads == 0  # left to the conseillers' queue
    waiting = (await client.get(f"/api/v1/me/threads/{thread.json()['id']}", headers=alice["headers"])).json()
    assert waiting["status"] == "sent"
    clock.advance(settings.demo_message_step - 3 * (settings.demo_step + timedelta(seconds=1)))
    assert advance_demo(session_scope, clock, settings).threads == 2  # nobody answered them in that time
    clock.advance(settings.demo_message_step)
    advance_demo(session_scope, clock, settings)  # the réclamation: acknowledged, then answered
    alice["headers"] = bearer(make.session_token(alice["account"]))  # her first session has long been idle

    claims = {c.label: c for c in db_session.exec(select(Claim).where(Claim.source == "online")).all()}
    assert claims["Consultation"].status == ClaimStatus.paid
    assert claims["Soins divers"].status == ClaimStatus.rejected and claims["Soins divers"].next_step
    hosp = db_session.exec(select(MemberRequest).where(MemberRequest.kind == "hospital")).one()
    assert hosp.status == "accepted" and "par fax" in hosp.answer
    kinds = {n.kind for n in db_session.exec(select(Notification)).all()}
    assert kinds >= {"reimbursement", "rejection", "request_status", "answer"}
    answered = (await client.get(f"/api/v1/me/threads/{thread.json()['id']}", headers=alice["headers"])).json()
    assert answered["status"] == "answered" and answered["messages"][-1]["author_name"] == "Julien ROCHE"
    reclamation = (await client.get(f"/api/v1/me/threads/{complaint.json()['id']}", headers=alice["headers"])).json()
    assert reclamation["complaint"]["acknowledged_at"] and reclamation["complaint"]["mediator"]
    notifications = (await client.get("/api/v1/me/notifications", headers=alice["headers"])).json()
    assert notifications["unread"] == len(notifications["items"]) > 0
    first = notifications["items"][0]["id"]
    assert (await client.post(f"/api/v1/me/notifications/{first}/read", headers=alice["headers"])).json()["read"]


def test_the_demo_job_does_nothing_outside_demo_mode(session_scope, clock, settings):
    settings.demo_mode = False
    assert advance_demo(session_scope, clock, settings).requests == 0


def test_every_document_type_has_its_words_for_a_deposit():
    """A type without words was a 500 (KeyError) on « Déposer un document » — found by the stateful fuzz."""
    assert set(DOCUMENT_WORDS) == set(DocumentType)
