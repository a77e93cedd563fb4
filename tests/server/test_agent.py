"""Console conseiller (issues 9 and 16): the call and its verification levels, the identity questions an honest
caller can answer and a stranger cannot guess, the strong level's code, the phone channel closed after failed
checks, each action's audit row and member e-mail, documents to a third party, the queue's gate, the call log, the
supervisor's audit in words and the member's view."""

from __future__ import annotations

from datetime import date, timedelta
from io import BytesIO

import pytest
from pypdf import PdfReader
from sqlmodel import select

from models.schemas.common import AccountState, Role, ThreadStatus
from models.tables import (
    Account,
    AuditEvent,
    AuthSession,
    IdentityCheck,
    MailAttachment,
    MailOutbox,
    MessageThread,
    PartnerProfessional,
    TrustedDevice,
)
from server.security.crypto import encrypt, nir_lookup_hash
from tests.conftest import bearer
from tests.server.call_helpers import (
    add_rib,
    answer,
    last_code,
    open_call,
    read_only_call,
    right_answers,
    strong_call,
    verified_call,
)
from tests.server.issue7_world import issue7_objects

NIR = "280057512345673"
PHARMACY_FINESS = "630780989"  # a valid key (Luhn), not a real establishment


@pytest.fixture
def call(make, settings, clock):
    member = make.member(
        first_name="Sophie",
        last_name="MARTIN",
        birth_date=date(1979, 4, 18),
        city="Lyon",
        postal_code="69003",
        address_line1="12 rue Paul Bert",
        created_at=clock.now() - timedelta(days=400),
    )
    member.nir = encrypt(settings, NIR)
    member.nir_hash = nir_lookup_hash(settings, NIR)
    member.mobile = "0612345678"
    make.session.add(member)
    make.session.commit()
    homonym = make.member(
        first_name="Sophie", last_name="MARTIN", birth_date=date(1992, 12, 5), city="Brest", postal_code="29200"
    )
    contract = make.contract(member)
    make.claim(member, contract=contract, care_date=date(2026, 11, 2), amc_paid="9.00", amo_paid="19.00")
    # the latest claim, still in processing: its 0,00 € is not a « paid reimbursement »
    make.claim(member, contract=contract, care_date=date(2026, 11, 20), amc_paid="0.00", status="received")
    add_rib(make.session, member, clock)
    account = make.account(member)
    agent = make.account(role=Role.agent, display_name="Julien ROCHE")
    supervisor = make.account(role=Role.supervisor, display_name="Isabelle MORIN")
    make.session.add(
        PartnerProfessional(
            finess=PHARMACY_FINESS, name="Pharmacie du Centre", kind="pharmacie", email="contact@pharmacie.exemple"
        )
    )
    make.session.commit()
    return {
        "member": member,
        "homonym": homonym,
        "account": account,
        # a session of 15 minutes' idleness does not outlive a clock moved by hours: a new one, as after a login
        "fresh_agent": lambda: bearer(make.session_token(agent)),
        "agent": bearer(make.session_token(agent)),
        "agent_id": agent.id,
        "supervisor": bearer(make.session_token(supervisor)),
        "member_token": bearer(make.session_token(account)),
    }


# --- « Qui appelle ? » and the call -------------------------------------------------------------------------


async def test_search_tells_homonyms_apart_without_answering_a_question(client, call):
    response = await client.get("/api/v1/agent/members", params={"q": "martin sop"}, headers=call["agent"])
    hits = response.json()["hits"]
    assert {(h["birth_year"], h["department"]) for h in hits} == {(1979, "69"), (1992, "29")}
    for hit in hits:  # neither the birth date, nor the town or postal code (a question), nor the NIR
        assert not {"birth_date", "city", "postal_code", "nir"} & set(hit), hit
    by_date = await client.get("/api/v1/agent/members", params={"q": "MARTIN Sophie 05/12/1992"}, headers=call["agent"])
    assert [h["department"] for h in by_date.json()["hits"]] == ["29"]
    for q, kind in ((NIR, "nir"), ("06 12 34 56 78", "phone"), (call["member"].email.upper(), "email")):
        found = (await client.get("/api/v1/agent/members", params={"q": q}, headers=call["agent"])).json()["hits"]
        assert [(h["id"], h["matched_on"]) for h in found] == [(call["member"].id, kind)], q


async def test_the_server_chooses_questions_a_stranger_cannot_guess(client, call, make):
    m = call["member"]
    started = await open_call(client, call["agent"], m, caller_kind="guardian", caller_name="M. Tuteur")
    assert [q["key"] for q in started["questions"]] == ["birth_date", "paid_amount", "rib_last4"]
    assert started["level"] == "none" and started["allowed"] == ["call"]
    assert (started["caller_kind"], started["caller_name"]) == ("guardian", "M. Tuteur")
    text = str(started)
    for secret in ("1979-04-18", "18/04/1979", "69003", "Lyon", "0189", "9.00", "28.00"):
        assert secret not in text, secret  # nothing that answers a question before the check
    # no paid reimbursement, no RIB: the postal code replaces them
    newcomer = make.member(first_name="Léa", last_name="NOUVEL", postal_code="63000")
    other = await open_call(client, call["agent"], newcomer)
    assert [q["key"] for q in other["questions"]] == ["birth_date", "postal_code"]


async def test_honest_formats_pass_and_easy_guesses_fail(client, call):
    m = call["member"]
    for amount in ("9,00", "9.0", "9 €", " 9 ", "28", "28,00 euros"):  # the mutuelle's part, or the total
        started = await open_call(client, call["agent"], m)
        response = await answer(client, call["agent"], started, right_answers(started, m, amount=amount))
        assert response.json()["passed"] is True, (amount, response.text)
    for guess in ("0", "9,01", "1"):  # the 0,00 € of the claim in processing is no answer
        started = await open_call(client, call["agent"], m)
        response = await answer(client, call["agent"], started, right_answers(started, m, amount=guess))
        assert response.json()["passed"] is False, guess
        assert response.json()["checks"]["paid_amount"] is False


async def test_a_typo_is_said_beside_its_question_and_not_counted(client, call, db_session):
    m = call["member"]
    started = await open_call(client, call["agent"], m)
    typo = right_answers(started, m) | {"birth_date": "18 04 79"}
    response = await answer(client, call["agent"], started, typo)
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_answer" and body["details"][0]["field"] == "answers.birth_date"
    assert "JJ/MM/AAAA" in body["message"]
    missing = await answer(client, call["agent"], started, {"birth_date": "18/04/1979"})
    assert missing.json()["code"] == "answers_mismatch"
    assert db_session.exec(select(IdentityCheck)).all() == []
    corrected = await answer(client, call["agent"], started, right_answers(started, m))
    assert corrected.json()["passed"] is True


async def test_levels_none_read_only_identity(client, call):
    m = call["member"]
    dossier = f"/api/v1/agent/members/{m.id}/dossier"
    unlock = f"/api/v1/agent/members/{m.id}/unlock"
    why = {"reason": "Demande de l'adhérent au téléphone"}
    # no call: the same 404 as an unknown member
    assert (await client.get(dossier, headers=call["agent"])).status_code == 404
    assert (await client.post(unlock, json=why, headers=call["agent"])).status_code == 404
    # a call, nothing checked: still nothing
    started = await open_call(client, call["agent"], m)
    assert (await client.get(dossier, headers=call["agent"])).status_code == 404
    # a failed check with a short reason is refused; a written reason gives a read-only dossier
    wrong = right_answers(started, m) | {"birth_date": "19/04/1979"}
    short = await answer(client, call["agent"], started, wrong, reason="urgent")
    assert short.json()["code"] == "reason_too_short"
    failed = await answer(client, call["agent"], started, wrong, reason="Appel du tuteur, jugement reçu")
    assert failed.json()["call"]["level"] == "read_only" and failed.json()["call"]["flagged"] is True
    opened = await client.get(dossier, headers=call["agent"])
    assert opened.status_code == 200 and opened.json()["banner"]["level"] == "read_only"
    refused = await client.post(unlock, json=why, headers=call["agent"])
    assert (refused.status_code, refused.json()["code"]) == (403, "level_required")
    assert "identité vérifiée" in refused.json()["message"]
    # the right answers raise the same call to identity: actions, but not the strong ones
    passed = await answer(client, call["agent"], started, right_answers(started, m))
    assert passed.json()["call"]["level"] == "identity"
    assert (await client.post(unlock, json=why, headers=call["agent"])).status_code == 200
    card = await client.post(
        f"/api/v1/agent/members/{m.id}/documents",
        json={**why, "document": "card", "finess": PHARMACY_FINESS},
        headers=call["agent"],
    )
    assert (card.status_code, card.json()["code"]) == (403, "level_required")
    assert "vérification forte" in card.json()["message"]
    # the supervisor has no call of their own on this member
    assert (await client.get(f"/api/v1/agent/members/{m.id}/banner", headers=call["supervisor"])).status_code == 404


async def test_the_level_ends_with_the_call_and_with_the_next_call(client, call, clock, settings):
    m = call["member"]
    verified = await verified_call(client, call["agent"], m)
    banner = f"/api/v1/agent/members/{m.id}/banner"
    assert (await client.get(banner, headers=call["agent"])).status_code == 200
    # the next caller: the previous call ends, its level with it
    await open_call(client, call["agent"], call["homonym"])
    assert (await client.get(banner, headers=call["agent"])).status_code == 404
    ended = await client.post(f"/api/v1/agent/calls/{verified['id']}/end", json={}, headers=call["agent"])
    assert ended.status_code == 404  # already ended
    # a call nobody closed runs out
    again = await verified_call(client, call["agent"], m)
    clock.advance(settings.agent_call_limit + timedelta(seconds=1))
    agent = call["fresh_agent"]()
    assert (await client.get(banner, headers=agent)).status_code == 404
    assert (await client.get("/api/v1/agent/calls/current", headers=agent)).status_code == 404
    assert again["id"]


async def test_three_failed_checks_close_the_phone_channel_until_a_supervisor_reopens_it(client, call, clock):
    m = call["member"]
    for _ in range(3):
        started = await open_call(client, call["agent"], m)
        wrong = right_answers(started, m) | {"birth_date": "01/01/1970"}
        assert (await answer(client, call["agent"], started, wrong)).json()["passed"] is False
    started = await open_call(client, call["agent"], m)
    assert started["phone_channel_open"] is False and started["questions"] == []
    closed = await answer(client, call["agent"], started, right_answers(started, m))
    assert (closed.status_code, closed.json()["code"]) == (409, "phone_channel_closed")
    flagged = (await client.get("/api/v1/agent/flagged-checks", headers=call["supervisor"])).json()
    assert [f["phone_channel_closed"] for f in flagged if f["member_id"] == m.id] == [True]
    assert (
        await client.post(
            f"/api/v1/agent/members/{m.id}/phone-channel/reopen", json={"reason": "ok"}, headers=call["agent"]
        )
    ).status_code == 403
    reopened = await client.post(
        f"/api/v1/agent/members/{m.id}/phone-channel/reopen",
        json={"reason": "L'adhérent s'est présenté en agence avec sa pièce d'identité"},
        headers=call["supervisor"],
    )
    assert reopened.status_code == 200, reopened.text
    assert (await verified_call(client, call["agent"], m))["level"] == "identity"
    # failures older than the window no longer count
    for _ in range(2):
        started = await open_call(client, call["agent"], m)
        await answer(client, call["agent"], started, right_answers(started, m) | {"birth_date": "01/01/1970"})
    clock.advance(hours=25)
    agent = call["fresh_agent"]()
    started = await open_call(client, agent, m)
    await answer(client, agent, started, right_answers(started, m) | {"birth_date": "01/01/1970"})
    assert (await open_call(client, agent, m))["phone_channel_open"] is True


# --- the strong level -------------------------------------------------------------------------------------


async def test_strong_code_goes_only_to_an_old_contact_and_is_read_back(client, call, db_session, clock):
    m = call["member"]
    verified = await verified_call(client, call["agent"], m)
    routes = {r["channel"]: r for r in verified["code_routes"]}
    assert routes["email"]["usable"] and routes["sms"]["usable"]
    assert routes["courrier"]["usable"] is False  # a usable e-mail or mobile exists
    assert m.email not in str(routes)  # masked
    url = f"/api/v1/agent/calls/{verified['id']}/code"
    sent = await client.post(url, json={"channel": "email"}, headers=call["agent"])
    assert sent.json()["code_pending"]["channel"] == "email"
    code = last_code(db_session, m.email)
    wrong = await client.post(f"{url}/check", json={"code": "000000"}, headers=call["agent"])
    assert (wrong.status_code, wrong.json()["details"][0]["field"]) == (422, "code")
    right = await client.post(f"{url}/check", json={"code": code}, headers=call["agent"])
    assert right.json()["level"] == "strong" and "send_document" in right.json()["allowed"]
    reused = await client.post(f"{url}/check", json={"code": code}, headers=call["agent"])
    assert reused.json()["code"] == "no_code_pending"
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "strong_verified")).one()
    assert event.detail["to"] == m.email


async def test_a_fresh_contact_cannot_receive_the_strong_code(client, call, db_session, make, clock):
    fresh = make.member(
        first_name="Nina", last_name="RECENT", mobile=None, address_line1="3 rue Neuve", postal_code="63000"
    )
    verified = await verified_call(client, call["agent"], fresh)
    routes = {r["channel"]: r for r in verified["code_routes"]}
    assert routes["email"]["usable"] is False and "30 jours" in routes["email"]["why_not"]
    refused = await client.post(
        f"/api/v1/agent/calls/{verified['id']}/code", json={"channel": "email"}, headers=call["agent"]
    )
    assert (refused.status_code, refused.json()["code"]) == (409, "code_route_unusable")
    # no usable contact: the code is posted, and read back in a later call
    assert routes["courrier"]["usable"] is True
    posted = await client.post(
        f"/api/v1/agent/calls/{verified['id']}/code", json={"channel": "courrier"}, headers=call["agent"]
    )
    assert posted.status_code == 200, posted.text
    letter = db_session.exec(select(MailOutbox).where(MailOutbox.to.startswith("courrier+"))).one()  # type: ignore[attr-defined]
    assert "3 rue Neuve" in letter.body
    clock.advance(days=3)
    agent = call["fresh_agent"]()
    later = await verified_call(client, agent, fresh)
    checked = await client.post(
        f"/api/v1/agent/calls/{later['id']}/code/check", json={"code": last_code(db_session, letter.to)}, headers=agent
    )
    assert checked.json()["level"] == "strong", checked.text


async def test_strong_codes_are_limited_like_login_codes(client, call, clock, settings):
    m = call["member"]
    verified = await verified_call(client, call["agent"], m)
    url = f"/api/v1/agent/calls/{verified['id']}/code"
    assert (await client.post(url, json={"channel": "sms"}, headers=call["agent"])).status_code == 200
    too_soon = await client.post(url, json={"channel": "sms"}, headers=call["agent"])
    assert (too_soon.status_code, too_soon.json()["code"]) == (429, "code_too_soon")
    for _ in range(settings.second_factor_max_resends):
        clock.advance(settings.second_factor_resend_interval)
        assert (await client.post(url, json={"channel": "sms"}, headers=call["agent"])).status_code == 200
    clock.advance(settings.second_factor_resend_interval)
    flood = await client.post(url, json={"channel": "sms"}, headers=call["agent"])
    assert (flood.status_code, flood.json()["code"]) == (429, "too_many_codes")
    # a code before the checks is refused: the strong level comes after identity
    started = await open_call(client, call["agent"], call["homonym"])
    early = await client.post(
        f"/api/v1/agent/calls/{started['id']}/code", json={"channel": "email"}, headers=call["agent"]
    )
    assert early.status_code == 403


async def test_five_wrong_codes_void_the_code(client, call, db_session, settings):
    m = call["member"]
    verified = await verified_call(client, call["agent"], m)
    url = f"/api/v1/agent/calls/{verified['id']}/code"
    await client.post(url, json={"channel": "email"}, headers=call["agent"])
    code = last_code(db_session, m.email)
    for _ in range(settings.second_factor_max_wrong):
        await client.post(f"{url}/check", json={"code": "111111"}, headers=call["agent"])
    late = await client.post(f"{url}/check", json={"code": code}, headers=call["agent"])
    assert late.json()["code"] == "no_code_pending"


# --- actions ------------------------------------------------------------------------------------------------

ACTIONS = [
    ("unlock", {}, "agent_unlock", "Votre accès est débloqué"),
    ("reset-link", {}, "agent_reset_link", "Réinitialiser votre mot de passe"),
    ("revoke", {}, "agent_sessions_revoked", "Vos appareils et sessions sont déconnectés"),
]


@pytest.mark.parametrize(("path", "extra", "action", "subject"), ACTIONS)
async def test_each_action_is_audited_done_for_the_member_and_emailed(
    client, call, db_session, path, extra, action, subject
):
    m = call["member"]
    verified = await verified_call(client, call["agent"], m)
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
    assert event.detail["call_id"] == verified["id"]
    mails = db_session.exec(select(MailOutbox).where(MailOutbox.subject.startswith(subject))).all()  # type: ignore[attr-defined]
    assert mails, f"aucun e-mail « {subject} »"
    assert "token" not in response.text and "code" not in response.json().get("message", "").lower()


async def test_a_conversation_opened_for_the_member_is_not_an_incoming_message(client, call, db_session):
    m = call["member"]
    await verified_call(client, call["agent"], m)
    opened = await client.post(
        f"/api/v1/agent/members/{m.id}/threads",
        json={"reason": "Suite à l'appel", "subject": "Suite à votre appel", "body": "Voici le lien promis."},
        headers=call["agent"],
    )
    assert opened.status_code == 201, opened.text
    thread = db_session.exec(select(MessageThread).where(MessageThread.member_id == m.id)).one()
    assert thread.status == ThreadStatus.answered and thread.answer_due_at is None
    acks = db_session.exec(select(MailOutbox).where(MailOutbox.subject.startswith("Accusé de réception"))).all()  # type: ignore[attr-defined]
    assert acks == []
    queue = (await client.get("/api/v1/agent/queue", headers=call["agent"])).json()["items"]
    assert all(not (i["kind"] == "thread" and i["id"] == thread.id) for i in queue)
    inbox = (await client.get("/api/v1/me/threads", headers=call["member_token"])).json()
    assert [(t["subject"], t["unread_count"]) for t in inbox["threads"]] == [("Suite à votre appel", 1)]
    listed = (await client.get(f"/api/v1/agent/members/{m.id}/threads", headers=call["agent"])).json()
    assert [t["subject"] for t in listed["threads"]] == ["Suite à votre appel"]  # the dossier shows it at once


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
    await verified_call(client, call["agent"], call["member"])
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
    member = make.member(first_name="Nathalie", last_name="ROUSSEAU", email=None, postal_code="75011")
    make.account(member, state=AccountState.never_activated, password=None, login_email="x@exemple.fr")
    started = await open_call(client, call["agent"], member)
    assert (await answer(client, call["agent"], started, right_answers(started, member))).json()["passed"]
    response = await client.post(
        f"/api/v1/agent/members/{member.id}/activation", json={"reason": "code perdu"}, headers=call["agent"]
    )
    assert response.status_code == 200, response.text
    letter = db_session.exec(select(MailOutbox).where(MailOutbox.to.startswith("courrier+"))).one()  # type: ignore[attr-defined]
    assert member.member_number in letter.body
    db_session.refresh(member)
    assert member.access_code_hash is not None


# --- documents to a third party -----------------------------------------------------------------------------


async def test_a_document_goes_only_to_the_network_or_to_the_member_and_the_address_is_said(client, call, db_session):
    m = call["member"]
    await strong_call(client, call["agent"], m, db_session)
    url = f"/api/v1/agent/members/{m.id}/documents"
    why = {"reason": "Hospitalisation demain", "ticket": "T-7"}
    typo = await client.post(url, json={**why, "document": "card", "finess": "630780980"}, headers=call["agent"])
    assert (typo.status_code, typo.json()["details"][0]["field"]) == (422, "finess")
    unknown = await client.post(url, json={**why, "document": "card", "finess": "750712184"}, headers=call["agent"])
    assert unknown.json()["code"] == "unknown_professional"
    # an address typed during the call is not even a field
    smuggled = await client.post(
        url, json={**why, "document": "card", "email": "x@evil.example"}, headers=call["agent"]
    )
    assert smuggled.status_code == 200  # the extra field is ignored: the card goes to the member's own e-mail
    assert not db_session.exec(select(MailOutbox).where(MailOutbox.to == "x@evil.example")).all()
    sent = await client.post(url, json={**why, "document": "card", "finess": PHARMACY_FINESS}, headers=call["agent"])
    assert sent.status_code == 200, sent.text
    mail = db_session.exec(select(MailOutbox).where(MailOutbox.to == "contact@pharmacie.exemple")).one()
    assert mail.subject.startswith("Carte de tiers payant")
    told = db_session.exec(
        select(MailOutbox).where(MailOutbox.to == m.email, MailOutbox.subject.startswith("Votre carte"))  # type: ignore[attr-defined]
    ).all()
    assert any("contact@pharmacie.exemple" in t.body for t in told)
    page = (await client.get("/api/v1/agent/audit", params={"member_id": m.id}, headers=call["supervisor"])).json()
    row = next(r for r in page["items"] if r["action"] == "agent_document_sent" and r["detail"].get("finess"))
    assert "envoyé à : contact@pharmacie.exemple" in row["detail_words"] and row["action_words"] == "document envoyé"
    mine = (await client.get("/api/v1/me/dossier-accesses", headers=call["member_token"])).json()["items"]
    assert {"who": "Julien ROCHE", "sent_to": "contact@pharmacie.exemple", "why": "Hospitalisation demain"}.items() <= (
        next(i for i in mine if i["sent_to"] == "contact@pharmacie.exemple").items()
    )


async def test_the_card_sent_to_a_professional_leaves_out_the_nir_and_birth_dates(
    client, call, db_session, make, settings
):
    m = call["member"]
    principal = make.principal(m)
    principal.nir = encrypt(settings, NIR)
    db_session.add(principal)
    db_session.commit()
    await strong_call(client, call["agent"], m, db_session)
    await client.post(
        f"/api/v1/agent/members/{m.id}/documents",
        json={"reason": "Pharmacie", "document": "card", "finess": PHARMACY_FINESS},
        headers=call["agent"],
    )
    mail = db_session.exec(select(MailOutbox).where(MailOutbox.to == "contact@pharmacie.exemple")).one()
    attachment = db_session.exec(select(MailAttachment).where(MailAttachment.mail_id == mail.id)).one()
    text = "".join(page.extract_text() for page in PdfReader(BytesIO(attachment.data)).pages)
    assert "MARTIN Sophie" in text
    assert "18/04/1979" not in text and "2 80 05" not in text and "N° de sécurité sociale" not in text
    assert "se lisent sur la carte Vitale" in text


# --- the queue's gate ---------------------------------------------------------------------------------------


async def _member_writes(client, call, subject="Question", category="question") -> int:
    created = await client.post(
        "/api/v1/me/threads",
        json={"subject": subject, "category": category, "body": "Bonjour"},
        headers=call["member_token"],
    )
    assert created.status_code == 201, created.text
    return created.json()["id"]


async def test_a_thread_is_read_through_the_queue_or_a_call_never_by_id_alone(client, call, db_session, clock):
    m = call["member"]
    waiting = await _member_writes(client, call)
    read = await client.get(f"/api/v1/agent/threads/{waiting}", headers=call["agent"])
    assert read.status_code == 200
    event = db_session.exec(select(AuditEvent).where(AuditEvent.action == "thread_opened")).one()
    assert event.detail["via"] == "queue"
    # once answered, the conversation leaves the queue: by id alone, it is a 404 like an unknown one
    await client.post(f"/api/v1/agent/threads/{waiting}/answer", json={"body": "Réponse."}, headers=call["agent"])
    assert (await client.get(f"/api/v1/agent/threads/{waiting}", headers=call["agent"])).status_code == 404
    assert (await client.get("/api/v1/agent/threads/999999", headers=call["agent"])).status_code == 404
    closed = MessageThread(
        member_id=m.id, subject="Ancienne", category="other", status=ThreadStatus.closed, created_at=clock.now()
    )
    db_session.add(closed)
    db_session.commit()
    assert (await client.get(f"/api/v1/agent/threads/{closed.id}", headers=call["agent"])).status_code == 404
    await read_only_call(client, call["agent"], m)
    assert (await client.get(f"/api/v1/agent/threads/{closed.id}", headers=call["agent"])).status_code == 200
    follow_up = await client.post(
        f"/api/v1/agent/threads/{waiting}/answer", json={"body": "Encore."}, headers=call["agent"]
    )
    assert follow_up.status_code == 404  # answering outside the queue is an action: read-only is not enough
    await verified_call(client, call["agent"], m)
    again = await client.post(
        f"/api/v1/agent/threads/{waiting}/answer", json={"body": "Encore."}, headers=call["agent"]
    )
    assert again.status_code == 200


async def test_internal_note_never_reaches_the_member_and_answers_do(client, make, call, db_session, clock):
    m = call["member"]
    objects = issue7_objects(db_session, clock, m, make.principal(m).id)
    thread_id = await _member_writes(client, call)
    note = await client.post(
        f"/api/v1/agent/threads/{thread_id}/notes",
        json={"body": "SECRET-INTERNE rappeler lundi"},
        headers=call["agent"],
    )
    assert note.status_code == 201
    await client.post(f"/api/v1/agent/queue/thread/{thread_id}/assign", headers=call["agent"])
    thread = (await client.get(f"/api/v1/agent/threads/{thread_id}", headers=call["agent"])).json()
    assert [n["body"] for n in thread["notes"]] == ["SECRET-INTERNE rappeler lundi"]
    assert thread["item"]["assigned_to_me"] is True
    answer_ = await client.post(
        f"/api/v1/agent/threads/{thread_id}/answer", json={"body": "Voici notre réponse."}, headers=call["agent"]
    )
    assert answer_.status_code == 200
    seen = await client.get(f"/api/v1/me/threads/{thread_id}", headers=call["member_token"])
    assert "SECRET-INTERNE" not in seen.text and "Voici notre réponse." in seen.text
    for path in ("/me/threads", "/me/notifications", "/me/requests", "/me/dashboard", "/me/dossier-accesses"):
        assert "SECRET-INTERNE" not in (await client.get(f"/api/v1{path}", headers=call["member_token"])).text
    request_id = objects["path_params"]["request_id"]
    refused = await client.post(
        f"/api/v1/agent/requests/{request_id}/decision",
        json={"accept": False, "answer": "Le RIB est illisible : envoyez-le à nouveau."},
        headers=call["agent"],
    )
    assert refused.status_code == 200
    mine = (await client.get(f"/api/v1/me/requests/{request_id}", headers=call["member_token"])).json()
    assert (mine["status"], mine["answer"]) == ("refused", "Le RIB est illisible : envoyez-le à nouveau.")
    # decided, the démarche left the queue: reading it needs a call
    assert (await client.get(f"/api/v1/agent/requests/{request_id}", headers=call["agent"])).status_code == 404


async def test_a_members_attachment_opens_for_the_conseiller(client, call):
    created = await client.post(
        "/api/v1/me/threads",
        json={
            "subject": "Facture",
            "category": "other",
            "body": "Ci-joint",
            "attachments": [{"filename": "facture.pdf", "content_base64": "JVBERi0xLjQKJcTl8uXr"}],
        },
        headers=call["member_token"],
    )
    assert created.status_code == 201, created.text
    thread = (await client.get(f"/api/v1/agent/threads/{created.json()['id']}", headers=call["agent"])).json()
    attachment = thread["messages"][0]["attachments"][0]
    opened = await client.get(f"/api/v1/agent/documents/{attachment['id']}", headers=call["agent"])
    assert opened.status_code == 200 and opened.content.startswith(b"%PDF")
    assert (
        await client.get(f"/api/v1/agent/documents/{attachment['id']}", headers=call["member_token"])
    ).status_code == 403


async def test_reclamation_refusal_names_the_mediator(client, make, call, db_session, clock, settings):
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


# --- the call log, the supervisor, the member's view --------------------------------------------------------


async def test_call_log_refuses_an_unknown_outcome_and_is_visible_to_the_next_conseiller(client, call, make):
    m = call["member"]
    started = await open_call(client, call["agent"], m)
    url = f"/api/v1/agent/calls/{started['id']}/end"
    unknown = await client.post(url, json={"log": {"motif": "Accès", "outcome": "résolu"}}, headers=call["agent"])
    assert unknown.status_code == 422  # never saved as « résolu » by default
    logged = await client.post(
        url,
        json={"log": {"motif": "Accès bloqué", "outcome": "resolved", "note": "Débloqué, lien envoyé"}},
        headers=call["agent"],
    )
    assert logged.status_code == 200 and logged.json()["log"]["motif"] == "Accès bloqué", logged.text
    colleague = make.account(role=Role.agent, display_name="Claire DUPONT")
    token = bearer(make.session_token(colleague))
    await verified_call(client, token, m)
    dossier = (await client.get(f"/api/v1/agent/members/{m.id}/dossier", headers=token)).json()
    assert [(c["motif"], c["agent_name"]) for c in dossier["calls"]] == [("Accès bloqué", "Julien ROCHE")]
    assert "Accès bloqué" in dossier["banner"]["last_contact"]


async def test_supervisor_reads_the_audit_in_words_by_agent_member_period_and_action(client, call):
    m = call["member"]
    await verified_call(client, call["agent"], m)
    await client.get(f"/api/v1/agent/members/{m.id}/dossier", headers=call["agent"])
    page = await client.get(
        "/api/v1/agent/audit",
        params={"agent_id": call["agent_id"], "member_id": m.id, "date_from": "2026-11-23", "date_to": "2026-11-23"},
        headers=call["supervisor"],
    )
    items = page.json()["items"]
    assert [r["action_words"] for r in items] == ["ouverture du dossier", "vérification d'identité", "appel ouvert"]
    check = items[1]["detail_words"]
    assert "date de naissance concordant" in check and "date_naissance" not in check and "birth_date" not in check
    only = await client.get(
        "/api/v1/agent/audit", params={"member_id": m.id, "action": "identity_check"}, headers=call["supervisor"]
    )
    assert [r["action"] for r in only.json()["items"]] == ["identity_check"]
    empty = await client.get(
        "/api/v1/agent/audit", params={"member_id": m.id, "date_from": "2026-11-24"}, headers=call["supervisor"]
    )
    assert empty.json()["items"] == []
    assert (await client.get("/api/v1/agent/audit", headers=call["agent"])).status_code == 403
    mine = (await client.get("/api/v1/me/dossier-accesses", headers=call["member_token"])).json()["items"]
    assert [(i["who"], i["what"]) for i in mine] == [
        ("Julien ROCHE", "a ouvert votre dossier"),
        ("Julien ROCHE", "a vérifié votre identité au téléphone"),
        ("Julien ROCHE", "a ouvert un appel à votre nom"),
    ]


async def test_flagged_read_only_calls_are_listed_in_words(client, call):
    m = call["member"]
    await read_only_call(client, call["agent"], m)
    flagged = (await client.get("/api/v1/agent/flagged-checks", headers=call["supervisor"])).json()
    assert [f["reason"] for f in flagged] == ["Appel du tuteur, jugement reçu par courrier"]
    assert "lecture seule" in flagged[0]["words"] and "date de naissance" in flagged[0]["words"]
    assert "birth_date" not in flagged[0]["words"]


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


async def test_a_contact_change_on_the_phone_needs_the_strong_level_and_the_code_read_back(client, call, db_session):
    m = call["member"]
    old = m.email
    url = f"/api/v1/agent/members/{m.id}/contact"
    why = {"reason": "Nouvelle adresse de l'adhérente"}
    await verified_call(client, call["agent"], m)
    # identity alone: the takeover path (a name, a birth date, then the e-mail changed) is closed
    refused = await client.post(url, json={**why, "email": "x@evil.example"}, headers=call["agent"])
    assert (refused.status_code, refused.json()["code"]) == (403, "level_required")
    await strong_call(client, call["agent"], m, db_session)
    started = await client.post(url, json={**why, "email": "sophie.nouvelle@exemple.fr"}, headers=call["agent"])
    assert started.status_code == 200, started.text
    db_session.refresh(m)
    assert m.email == old  # nothing changes before the code is read back
    wrong = await client.post(f"{url}/confirm", json={"channel": "email", "code": "000000"}, headers=call["agent"])
    assert wrong.status_code == 422
    code = last_code(db_session, "sophie.nouvelle@exemple.fr")
    done = await client.post(f"{url}/confirm", json={"channel": "email", "code": code}, headers=call["agent"])
    assert done.status_code == 200, done.text
    db_session.refresh(m)
    assert m.email == "sophie.nouvelle@exemple.fr"
    told = db_session.exec(select(MailOutbox).where(MailOutbox.to == old)).all()
    assert any("ce n'est pas moi" in mail.body.lower() for mail in told)
    mine = (await client.get("/api/v1/me/dossier-accesses", headers=call["member_token"])).json()["items"]
    assert any(i["sent_to"] == "sophie.nouvelle@exemple.fr" and i["what"] == "a changé vos coordonnées" for i in mine)
    # changed under strong verification: a reset link may go to the new address at once
    link = await client.post(f"/api/v1/agent/members/{m.id}/reset-link", json=why, headers=call["agent"])
    assert link.status_code == 200, link.text


async def test_a_reason_after_a_failed_check_opens_read_only_without_counting_twice(client, call, db_session):
    m = call["member"]
    started = await open_call(client, call["agent"], m)
    early = await answer(client, call["agent"], started, {}, reason="Appel du tuteur, jugement reçu")
    assert early.json()["code"] == "answers_mismatch"  # a reason alone, before any check: nothing to open
    wrong = right_answers(started, m) | {"birth_date": "01/01/1970"}
    assert (await answer(client, call["agent"], started, wrong)).json()["call"]["level"] == "none"
    short = await answer(client, call["agent"], started, {}, reason="urgent")
    assert short.json()["code"] == "reason_too_short"
    opened = await answer(client, call["agent"], started, {}, reason="Appel du tuteur, jugement reçu")
    assert opened.status_code == 201 and opened.json()["call"]["level"] == "read_only"
    sheets = db_session.exec(select(IdentityCheck).where(IdentityCheck.member_id == m.id)).all()
    assert [(s.passed, s.flagged, s.reason) for s in sheets] == [(False, True, "Appel du tuteur, jugement reçu")]
