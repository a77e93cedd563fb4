"""Messagerie: threads, attachments, read/unread, réclamation deadlines and the médiateur, Idempotency-Key."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models.schemas.common import ComplaintOutcome, Role
from models.tables import Document, MailOutbox, Message, MessageThread, Notification
from server.services import messaging
from tests.conftest import bearer
from tests.server.issue7_world import PDF, PNG, upload

THREADS = "/api/v1/me/threads"


@pytest.fixture
def alice(make):
    member = make.member(first_name="Alice", email="alice@exemple.fr")
    account = make.account(member)
    return {"member": member, "account": account, "headers": bearer(make.session_token(account))}


async def test_write_a_message_with_an_attachment_and_read_the_answer(client, alice, db_session, clock, settings, make):
    body = {
        "subject": "Mon remboursement",
        "category": "question",
        "body": "Bonjour, une question.",
        "attachments": [upload(["..", "..", "etc", "facture.pdf"][-1], PDF)],
    }
    response = await client.post(THREADS, json=body, headers=alice["headers"])
    assert response.status_code == 201, response.text
    thread = response.json()
    assert thread["status"] == "sent"
    assert thread["answer_due_at"].startswith("2026-11-25")  # Monday 23 -> Wednesday 25, end of day (Paris)
    attachment = thread["messages"][0]["attachments"][0]
    assert attachment["filename"] != "facture.pdf" and attachment["filename"].endswith(".pdf")
    assert attachment["content_type"] == "application/pdf"
    stored = db_session.get(Document, attachment["id"])
    assert stored.content == PDF and stored.thread_id == thread["id"]
    assert db_session.exec(select(MailOutbox).where(MailOutbox.to == "alice@exemple.fr")).first() is not None

    download = await client.get(f"/api/v1/me/documents/{attachment['id']}", headers=alice["headers"])
    assert download.content == PDF and download.headers["content-type"] == "application/pdf"

    agent = make.account(role=Role.agent, display_name="Julien ROCHE")
    row = db_session.get(MessageThread, thread["id"])
    messaging.answer_thread(db_session, clock, settings, row, "Voici la réponse.", agent.id)
    db_session.commit()

    inbox = (await client.get(THREADS, headers=alice["headers"])).json()
    assert inbox["unread_total"] == 1 and inbox["threads"][0]["status"] == "answered"
    read = (await client.get(f"{THREADS}/{thread['id']}", headers=alice["headers"])).json()
    assert [m["from_member"] for m in read["messages"]] == [True, False]
    assert read["messages"][1]["author_name"] == "Julien ROCHE" and read["messages"][1]["read"] is False
    assert (await client.get(THREADS, headers=alice["headers"])).json()["unread_total"] == 0
    assert db_session.exec(select(Notification).where(Notification.thread_id == thread["id"])).one().kind == "answer"

    reply = await client.post(f"{THREADS}/{thread['id']}/messages", json={"body": "Merci !"}, headers=alice["headers"])
    assert reply.status_code == 201 and reply.json()["status"] == "sent"


async def test_an_appointment_needs_slots_and_links_must_be_the_members(client, alice, make):
    body = {"subject": "Rappel", "category": "appointment", "body": "Appelez-moi"}
    response = await client.post(THREADS, json=body, headers=alice["headers"])
    assert response.status_code == 422 and response.json()["details"][0]["field"] == "preferred_slots"
    ok = await client.post(THREADS, json={**body, "preferred_slots": "mardi matin"}, headers=alice["headers"])
    assert ok.status_code == 201 and ok.json()["preferred_slots"] == "mardi matin"
    other = make.member(first_name="Bruno")
    claim = make.claim(other, care_date=date(2026, 11, 2))
    linked = await client.post(
        THREADS, json={**body, "preferred_slots": "x", "claim_id": claim.id}, headers=alice["headers"]
    )
    assert linked.status_code == 422 and linked.json()["details"][0]["field"] == "claim_id"


async def test_a_reclamation_shows_its_deadlines_and_a_refusal_names_the_mediator(
    client, alice, db_session, clock, settings
):
    body = {"subject": "Réclamation", "category": "reclamation", "body": "Je conteste."}
    thread = (await client.post(THREADS, json=body, headers=alice["headers"])).json()
    complaint = thread["complaint"]
    assert complaint["acknowledge_due_at"].startswith("2026-12-04")  # 10 jours ouvrables, Saturdays count
    assert complaint["answer_due_at"].startswith("2027-01-23")  # 2 months
    assert complaint["mediator"] is None
    row = db_session.get(MessageThread, thread["id"])
    messaging.acknowledge_complaint(db_session, clock, settings, row, None)
    messaging.answer_thread(
        db_session, clock, settings, row, "Nous maintenons notre refus.", None, outcome=ComplaintOutcome.refused
    )
    db_session.commit()
    read = (await client.get(f"{THREADS}/{thread['id']}", headers=alice["headers"])).json()
    assert read["complaint"]["acknowledged_at"] is not None
    assert read["complaint"]["outcome"] == "refused"
    assert read["complaint"]["mediator"]["name"] == settings.mediator_name
    assert settings.mediator_address in read["messages"][-1]["body"]
    assert settings.mediator_website in read["messages"][-1]["body"]


def test_a_reclamation_answer_without_outcome_is_refused(db_session, clock, settings, make):
    member = make.member()
    row = MessageThread(member_id=member.id, subject="R", category="reclamation", created_at=clock.now())
    db_session.add(row)
    db_session.flush()
    with pytest.raises(ValueError):
        messaging.answer_thread(db_session, clock, settings, row, "…", None)


async def test_idempotency_key_a_retry_creates_nothing_twice(client, alice, db_session):
    body = {"subject": "Une fois", "category": "other", "body": "Bonjour", "attachments": [upload("p.png", PNG)]}
    headers = {**alice["headers"], "Idempotency-Key": "7d6c0a1e-retry"}
    first = await client.post(THREADS, json=body, headers=headers)
    second = await client.post(THREADS, json=body, headers=headers)
    assert first.status_code == second.status_code == 201
    assert first.json() == second.json()
    threads = db_session.exec(select(MessageThread).where(MessageThread.subject == "Une fois")).all()
    assert len(threads) == 1
    assert len(db_session.exec(select(Message).where(Message.thread_id == threads[0].id)).all()) == 1
    assert len(db_session.exec(select(Document).where(Document.thread_id == threads[0].id)).all()) == 1
    reused = await client.post(THREADS, json={**body, "subject": "Autre"}, headers=headers)
    assert reused.status_code == 422 and reused.json()["code"] == "idempotency_key_reused"

    reply = {"body": "Suite"}
    url = f"{THREADS}/{threads[0].id}/messages"
    key = {**alice["headers"], "Idempotency-Key": "reply-1"}
    assert (await client.post(url, json=reply, headers=key)).json() == (
        await client.post(url, json=reply, headers=key)
    ).json()
    assert len(db_session.exec(select(Message).where(Message.thread_id == threads[0].id)).all()) == 2


async def test_a_closed_thread_takes_no_reply(client, alice, db_session, clock):
    row = MessageThread(
        member_id=alice["member"].id, subject="Clos", category="other", status="closed", created_at=clock.now()
    )
    db_session.add(row)
    db_session.commit()
    response = await client.post(f"{THREADS}/{row.id}/messages", json={"body": "Encore"}, headers=alice["headers"])
    assert response.status_code == 409 and response.json()["code"] == "thread_closed"
