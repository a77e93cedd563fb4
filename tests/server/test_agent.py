"""Console conseiller (issue 9): the identity-check rule, each action's audit row and member email, the
internal note that never reaches the member, the queue, the supervisor's audit and the member's view."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.schemas.common import AccountState, Role, ThreadStatus
from models.tables import Account, AuditEvent, AuthSession, IdentityCheck, MailOutbox, Member, TrustedDevice
from server.security.crypto import encrypt, nir_lookup_hash
from tests.conftest import bearer
from tests.server.issue7_world import issue7_objects

NIR = "280057512345673"


@pytest.fixture
def call(make, settings):
    member = make.member(first_name="Sophie", last_name="MARTIN", birth_date=date(1979, 4, 18), city="Lyon")
    member.nir = encrypt(settings, NIR)
    member.nir_hash = nir_lookup_hash(settings, NIR)
    member.mobile = "0612345678"
    make.session.add(member)
    make.session.commit()
    homonym = make.member(first_name="Sophie", last_name="MARTIN", birth_date=date(1992, 12, 5), city="Brest")
    contract = make.contract(member)
    make.claim(member, contract=contract, care_date=date(2026, 11, 2), amc_paid="9.00")
    account = make.account(member)
    agent = make.account(role=Role.agent, display_name="Julien ROCHE")
    supervisor = make.account(role=Role.supervisor, display_name="Isabelle MORIN")
    return {
        "member": member,
        "homonym": homonym,
        "account": account,
        "agent": bearer(make.session_token(agent)),
        "agent_id": agent.id,
        "supervisor": bearer(make.session_token(supervisor)),
        "member_token": bearer(make.session_token(account)),
    }


def answers(member: Member, **extra):
    return {
        "last_name": member.last_name.lower(),
        "first_name": member.first_name,
        "birth_date": member.birth_date.isoformat(),
        **extra,
    }


async def verify(client, call, **extra):
    m = call["member"]
    response = await client.post(
        f"/api/v1/agent/members/{m.id}/identity-checks",
        json=answers(m, last_reimbursement_amount="9", **extra),
        headers=call["agent"],
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_search_tells_homonyms_apart_and_never_decrypts(client, call):
    response = await client.get("/api/v1/agent/members", params={"q": "martin sop"}, headers=call["agent"])
    hits = response.json()["hits"]
    assert {(h["birth_year"], h["city"]) for h in hits} == {(1979, "Lyon"), (1992, "Brest")}
    assert all("birth_date" not in h and "nir" not in h for h in hits)
    by_date = await client.get("/api/v1/agent/members", params={"q": "MARTIN Sophie 05/12/1992"}, headers=call["agent"])
    assert [h["city"] for h in by_date.json()["hits"]] == ["Brest"]
    for q, kind in ((NIR, "nir"), ("06 12 34 56 78", "phone"), (call["member"].email.upper(), "email")):
        found = (await client.get("/api/v1/agent/members", params={"q": q}, headers=call["agent"])).json()["hits"]
        assert [(h["id"], h["matched_on"]) for h in found] == [(call["member"].id, kind)], q
    by_number = await client.get(
        "/api/v1/agent/members", params={"q": call["member"].member_number}, headers=call["agent"]
    )
    assert by_number.json()["hits"][0]["id"] == call["member"].id


async def test_no_dossier_without_a_passed_check_or_a_flagged_reason(client, call, db_session):
    m = call["member"]
    url = f"/api/v1/agent/members/{m.id}/dossier"
    assert (await client.get(url, headers=call["agent"])).json()["code"] == "identity_check_required"
    wrong = await client.post(
        f"/api/v1/agent/members/{m.id}/identity-checks",
        json=answers(m, birth_date="1979-04-19", last_reimbursement_amount="9.00"),
        headers=call["agent"],
    )
    body = wrong.json()
    assert (body["passed"], body["access_granted"], body["checks"]["date_naissance"]) == (False, False, False)
    assert (await client.get(url, headers=call["agent"])).status_code == 403
    too_short = await client.post(
        f"/api/v1/agent/members/{m.id}/identity-checks", json=answers(m, reason="urgent"), headers=call["agent"]
    )
    assert too_short.status_code == 422
    flagged = await client.post(
        f"/api/v1/agent/members/{m.id}/identity-checks",
        json=answers(m, reason="Appel du tuteur, jugement reçu par courrier"),
        headers=call["agent"],
    )
    assert (flagged.json()["access_granted"], flagged.json()["flagged"]) == (True, True)
    dossier = await client.get(url, headers=call["agent"])
    assert dossier.status_code == 200
    assert dossier.json()["banner"]["identity_checked"] is False
    # a flagged reason opens the dossier but not the change of email or mobile
    contact = await client.post(
        f"/api/v1/agent/members/{m.id}/contact",
        json={"reason": "nouveau mobile", "mobile": "0700000000"},
        headers=call["agent"],
    )
    assert contact.json()["code"] == "identity_not_verified"
    flagged_list = (await client.get("/api/v1/agent/flagged-checks", headers=call["supervisor"])).json()
    assert [f["reason"] for f in flagged_list] == ["Appel du tuteur, jugement reçu par courrier"]
    # the identity answers themselves are never stored
    rows = db_session.exec(select(IdentityCheck).where(IdentityCheck.member_id == m.id)).all()
    assert all(set(r.checks.values()) <= {True, False} for r in rows)


async def test_passed_check_opens_dossier_with_banner_and_audits_the_opening(client, call, db_session, make, clock):
    m = call["member"]
    # lock the account the way three wrong passwords do
    call["account"].state = AccountState.locked
    call["account"].locked_until = clock.now() + timedelta(minutes=15)
    db_session.add(call["account"])
    db_session.commit()
    assert (await verify(client, call))["passed"] is True
    dossier = (await client.get(f"/api/v1/agent/members/{m.id}/dossier", headers=call["agent"])).json()
    banner = dossier["banner"]
    assert banner["account_words"] == "verrouillé jusqu'à 10 h 15"
    assert banner["identity_checked"] is True
    assert [r["amc_paid"] for r in banner["last_reimbursements"]] == ["9.00"]
    opened = db_session.exec(select(AuditEvent).where(AuditEvent.action == "dossier_opened")).all()
    assert [(e.actor_account_id, e.target_type, e.target_id) for e in opened] == [
        (call["agent_id"], "member", str(m.id))
    ]
    claims = await client.get(f"/api/v1/agent/members/{m.id}/claims", headers=call["agent"])
    assert claims.json()["totals"]["count"] == 1
    # the supervisor has no check of their own on this member
    assert (await client.get(f"/api/v1/agent/members/{m.id}/banner", headers=call["supervisor"])).status_code == 403


ACTIONS = [
    ("unlock", {}, "agent_unlock", "Votre accès est débloqué"),
    ("reset-link", {}, "agent_reset_link", "Réinitialiser votre mot de passe"),
    ("revoke", {}, "agent_sessions_revoked", "Vos appareils et sessions sont déconnectés"),
    ("contact", {"email": "sophie.nouvelle@exemple.fr"}, "agent_contact_changed", "Vos coordonnées ont changé"),
    ("threads", {"subject": "Suite à votre appel", "body": "Bonjour"}, "agent_thread_opened", "Accusé de réception"),
]


@pytest.mark.parametrize(("path", "extra", "action", "subject"), ACTIONS)
async def test_each_action_is_audited_done_for_the_member_and_emailed(
    client, call, db_session, path, extra, action, subject
):
    m = call["member"]
    await verify(client, call)
    response = await client.post(
        f"/api/v1/agent/members/{m.id}/{path}",
        json={"reason": "Demande de l'adhérent au téléphone", "ticket": "T-42", **extra},
        headers=call["agent"],
    )
    assert response.status_code in (200, 201), response.text
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == action)).one()
    assert (event.actor_account_id, event.target_type, event.target_id) == (call["agent_id"], "member", str(m.id))
    assert event.detail["reason"] == "Demande de l'adhérent au téléphone"
    assert event.detail["ticket"] == "T-42"
    assert event.detail["done_by"] == "Julien ROCHE"
    mails = db_session.exec(select(MailOutbox).where(MailOutbox.subject.startswith(subject))).all()  # type: ignore[attr-defined]
    assert mails, f"aucun e-mail « {subject} »"
    assert all("Correct-Cheval" not in mail.body for mail in mails)
    assert "token" not in response.text and "code" not in response.json().get("message", "").lower()


async def test_unlock_ends_the_lock_the_sessions_and_the_trusted_devices(client, call, db_session, clock):
    account = call["account"]
    account.state = AccountState.locked
    account.locked_until = clock.now() + timedelta(minutes=15)
    db_session.add(account)
    device = TrustedDevice(
        account_id=account.id,
        token_hash="1" * 64,
        name="PC",
        created_at=clock.now(),
        expires_at=clock.now() + timedelta(days=90),
    )
    db_session.add(device)
    db_session.commit()
    await verify(client, call)
    await client.post(
        f"/api/v1/agent/members/{call['member'].id}/unlock", json={"reason": "bloqué"}, headers=call["agent"]
    )
    db_session.refresh(account)
    db_session.refresh(device)
    assert account.state == AccountState.active and account.locked_until is None
    assert device.revoked_at is not None
    live = db_session.exec(
        select(AuthSession).where(AuthSession.account_id == account.id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    assert live == []


async def test_never_activated_member_gets_a_new_access_code_by_courrier(client, make, call, db_session):
    member = make.member(first_name="Nathalie", last_name="ROUSSEAU", email=None)
    make.account(member, state=AccountState.never_activated, password=None, login_email="x@exemple.fr")
    await client.post(
        f"/api/v1/agent/members/{member.id}/identity-checks",
        json={
            "last_name": "Rousseau",
            "first_name": "Nathalie",
            "birth_date": "1980-05-17",
            "reason": "Pas encore de remboursement",
        },
        headers=call["agent"],
    )
    response = await client.post(
        f"/api/v1/agent/members/{member.id}/activation", json={"reason": "code perdu"}, headers=call["agent"]
    )
    assert response.status_code == 200, response.text
    letter = db_session.exec(select(MailOutbox).where(MailOutbox.to.startswith("courrier+"))).one()  # type: ignore[attr-defined]
    assert member.member_number in letter.body
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_access_code_posted")).one()
    assert "code" not in str(event.detail.get("reason", "")) or event.detail["reason"] == "code perdu"
    db_session.refresh(member)
    assert member.access_code_hash is not None


async def test_internal_note_never_reaches_the_member_and_answers_do(client, make, call, db_session, clock):
    m = call["member"]
    objects = issue7_objects(db_session, clock, m, make.principal(m).id)
    thread_id = objects["path_params"]["thread_id"]
    queue = (await client.get("/api/v1/agent/queue", headers=call["agent"])).json()["items"]
    assert any(i["kind"] == "request" and i["member_id"] == m.id for i in queue)
    note = await client.post(
        f"/api/v1/agent/threads/{thread_id}/notes",
        json={"body": "SECRET-INTERNE rappeler lundi"},
        headers=call["agent"],
    )
    assert note.status_code == 201
    await client.post(f"/api/v1/agent/queue/thread/{thread_id}/assign", headers=call["agent"])
    answer = await client.post(
        f"/api/v1/agent/threads/{thread_id}/answer", json={"body": "Voici notre réponse."}, headers=call["agent"]
    )
    assert answer.status_code == 200
    seen = await client.get(f"/api/v1/me/threads/{thread_id}", headers=call["member_token"])
    assert "SECRET-INTERNE" not in seen.text
    assert "Voici notre réponse." in seen.text
    for path in ("/me/threads", "/me/notifications", "/me/requests", "/me/dashboard", "/me/dossier-accesses"):
        assert "SECRET-INTERNE" not in (await client.get(f"/api/v1{path}", headers=call["member_token"])).text
    thread = (await client.get(f"/api/v1/agent/threads/{thread_id}", headers=call["agent"])).json()
    assert [n["body"] for n in thread["notes"]] == ["SECRET-INTERNE rappeler lundi"]
    assert thread["item"]["assigned_to_me"] is True
    request_id = objects["path_params"]["request_id"]
    refused = await client.post(
        f"/api/v1/agent/requests/{request_id}/decision",
        json={"accept": False, "answer": "Le RIB est illisible : envoyez-le à nouveau."},
        headers=call["agent"],
    )
    assert refused.status_code == 200
    mine = (await client.get(f"/api/v1/me/requests/{request_id}", headers=call["member_token"])).json()
    assert (mine["status"], mine["answer"]) == ("refused", "Le RIB est illisible : envoyez-le à nouveau.")
    assert db_session.exec(select(MailOutbox).where(MailOutbox.subject.contains("refusée"))).all()  # type: ignore[attr-defined]
    assert objects and ThreadStatus.answered


async def test_reclamation_refusal_names_the_mediator(client, make, call, db_session, clock, settings):
    m = call["member"]
    created = await client.post(
        "/api/v1/me/threads",
        json={"subject": "Contestation", "category": "reclamation", "body": "Je conteste."},
        headers=call["member_token"],
    )
    thread_id = created.json()["id"]
    queue = (await client.get("/api/v1/agent/queue", headers=call["agent"])).json()["items"]
    item = next(i for i in queue if i["id"] == thread_id and i["kind"] == "thread")
    assert item["category"] == "reclamation" and item["due_at"] is not None
    missing = await client.post(
        f"/api/v1/agent/threads/{thread_id}/answer", json={"body": "Non."}, headers=call["agent"]
    )
    assert missing.json()["code"] == "outcome_required"
    await client.post(
        f"/api/v1/agent/threads/{thread_id}/answer",
        json={"body": "Refusée.", "outcome": "refused"},
        headers=call["agent"],
    )
    seen = (await client.get(f"/api/v1/me/threads/{thread_id}", headers=call["member_token"])).json()
    assert settings.mediator_name in seen["messages"][-1]["body"]
    assert m.id


async def test_supervisor_reads_the_audit_by_agent_member_and_period_and_member_sees_who(client, call):
    m = call["member"]
    await verify(client, call)
    await client.get(f"/api/v1/agent/members/{m.id}/dossier", headers=call["agent"])
    page = await client.get(
        "/api/v1/agent/audit",
        params={"agent_id": call["agent_id"], "member_id": m.id, "date_from": "2026-11-23", "date_to": "2026-11-23"},
        headers=call["supervisor"],
    )
    actions = [r["action"] for r in page.json()["items"]]
    assert actions == ["dossier_opened", "identity_check"]
    empty = await client.get(
        "/api/v1/agent/audit", params={"member_id": m.id, "date_from": "2026-11-24"}, headers=call["supervisor"]
    )
    assert empty.json()["items"] == []
    assert (await client.get("/api/v1/agent/audit", headers=call["agent"])).status_code == 403
    mine = (await client.get("/api/v1/me/dossier-accesses", headers=call["member_token"])).json()["items"]
    assert [(i["who"], i["what"]) for i in mine] == [
        ("Julien ROCHE", "a ouvert votre dossier"),
        ("Julien ROCHE", "a vérifié votre identité au téléphone"),
    ]


async def test_call_log_is_visible_to_the_next_conseiller(client, call, make):
    m = call["member"]
    logged = await client.post(
        f"/api/v1/agent/members/{m.id}/calls",
        json={"motif": "Accès bloqué", "outcome": "resolved", "note": "Débloqué, lien envoyé"},
        headers=call["agent"],
    )
    assert logged.status_code == 201
    colleague = make.account(role=Role.agent, display_name="Claire DUPONT")
    token = bearer(make.session_token(colleague))
    await client.post(
        f"/api/v1/agent/members/{m.id}/identity-checks",
        json=answers(m, last_reimbursement_date="2026-11-02"),
        headers=token,
    )
    dossier = (await client.get(f"/api/v1/agent/members/{m.id}/dossier", headers=token)).json()
    assert [(c["motif"], c["agent_name"]) for c in dossier["calls"]] == [("Accès bloqué", "Julien ROCHE")]
    assert "Accès bloqué" in dossier["banner"]["last_contact"]


async def test_supervisor_creates_and_disables_a_conseiller(client, call, db_session):
    created = await client.post(
        "/api/v1/agent/staff",
        json={"email": "Claire.Dupont@mutuelle.example", "display_name": "Claire DUPONT"},
        headers=call["supervisor"],
    )
    assert created.status_code == 201
    account = db_session.get(Account, created.json()["id"])
    assert account.password_hash is None and account.role == Role.agent
    assert db_session.exec(select(MailOutbox).where(MailOutbox.to == "claire.dupont@mutuelle.example")).one()
    disabled = await client.post(f"/api/v1/agent/staff/{call['agent_id']}/disable", headers=call["supervisor"])
    assert disabled.json()["state"] == "disabled"
    assert (await client.get("/api/v1/agent/queue", headers=call["agent"])).status_code == 401
