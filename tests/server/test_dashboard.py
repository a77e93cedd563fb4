"""Tableau de bord: the member's own contracts, latest claims and unread messages only."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from models.schemas.common import Role
from models.tables import Message, MessageThread
from tests.conftest import bearer

DASHBOARD = "/api/v1/me/dashboard"


async def test_dashboard_shows_the_three_latest_claims_newest_first(client, make):
    member = make.member(first_name="Camille", last_name="Durand")
    account = make.account(member)
    contract = make.contract(member, code="C40SOCLE")
    claims = [make.claim(member, contract=contract, care_date=date(2026, 11, day)) for day in (2, 20, 9, 14)]
    response = await client.get(DASHBOARD, headers=bearer(make.session_token(account)))
    assert response.status_code == 200
    body = response.json()
    assert (body["member_number"], body["first_name"]) == (member.member_number, "Camille")
    assert {"dashboard", "claims"} <= set(body["areas"])
    expected = [c.reference for c in sorted(claims, key=lambda c: c.care_date, reverse=True)[:3]]
    assert [c["reference"] for c in body["latest_claims"]] == expected
    latest = body["latest_claims"][0]
    amounts = [Decimal(latest[k]) for k in ("charged", "amo_paid", "amc_paid", "out_of_pocket")]
    assert amounts == [Decimal("30.00"), Decimal("19.00"), Decimal("9.00"), Decimal("2.00")]
    assert (latest["payee"], latest["payment_state"], latest["account_suffix"]) == ("member", "done", "4321")
    assert latest["payment_date"] == str(date(2026, 11, 24))
    assert latest["beneficiary_name"] == "Camille Durand"
    [summary] = body["contracts"]
    assert (summary["code"], summary["kind"], summary["state"]) == ("C40SOCLE", "collective", "active")
    assert [b["first_name"] for b in summary["beneficiaries"]] == ["Camille"]


async def test_member_b_never_sees_member_a_data(client, make):
    member_a, member_b = make.member(first_name="Alice"), make.member(first_name="Bruno")
    make.account(member_a)
    account_b = make.account(member_b)
    make.contract(member_a, code="C40SOCLE")
    claim_a = make.claim(member_a, care_date=date(2026, 11, 20))
    claim_b = make.claim(member_b, care_date=date(2026, 10, 1))
    body = (await client.get(DASHBOARD, headers=bearer(make.session_token(account_b)))).json()
    assert body["first_name"] == "Bruno"
    assert [c["reference"] for c in body["latest_claims"]] == [claim_b.reference]
    assert claim_a.reference not in str(body)
    assert body["contracts"] == []


async def test_unread_messages_count_only_what_others_wrote_to_this_member(client, make, db_session, clock):
    member, other = make.member(), make.member()
    account = make.account(member)
    agent = make.account(role=Role.agent)
    now = clock.now()
    threads = [
        MessageThread(member_id=owner.id, subject="Remboursement", category="claims", created_at=now)
        for owner in (member, other)
    ]
    make._save(*threads)
    mine, theirs = threads
    make._save(
        Message(thread_id=mine.id, author_account_id=agent.id, body="Réponse", sent_at=now),
        Message(thread_id=mine.id, author_account_id=agent.id, body="Lu", sent_at=now, read_by_member_at=now),
        Message(thread_id=mine.id, author_account_id=account.id, body="Ma question", sent_at=now),
        Message(thread_id=theirs.id, author_account_id=agent.id, body="Pas pour moi", sent_at=now),
    )
    clock.advance(timedelta(minutes=1))
    body = (await client.get(DASHBOARD, headers=bearer(make.session_token(account)))).json()
    assert body["unread_messages"] == 1
