"""Issue 21, family access: who may have their own access (the age rule), its activation by the posted code
d'accès through « Première connexion », what it shows (own care only, never the assuré principal's profile,
RIB or the others' care), the confidentiality of an adult beneficiary's care, and its end."""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import select

from models.schemas.common import AccountState, Relationship, Role, Sex
from models.tables import Account, AuthSession, Beneficiary, MailOutbox
from server.services import claims as claims_service
from server.services.family_access import ADULT_AGE, access_refusal
from server.services.viewer import principal
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import challenge, last_mail, login_fully, token_in
from tests.server.call_helpers import verified_call
from tests.server.family_world import SAMUEL_EMAIL, household, own_access

HIDDEN = "Les soins de Samuel ne sont plus visibles ici, à sa demande."
NEW = "Lavande-Des-Collines-58"


def _access(beneficiary_id: int) -> str:
    return f"/api/v1/me/family/{beneficiary_id}/access"


def _letter_code(db, member, beneficiary) -> str:
    mail = last_mail(db, f"courrier+{member.member_number}-{beneficiary.id}@sms.demo.invalid")
    found = re.search(r"code d'accès : ([a-z]{8})", mail.body)
    assert found, mail.body
    return found[1]


def _claim_ids(response) -> set[int]:
    assert response.status_code == 200, response.text
    return {item["id"] for item in response.json()["items"]}


# --- who qualifies ------------------------------------------------------------------------------------


def test_an_ayant_droit_qualifies_from_the_day_they_turn_18_never_the_principal():
    child = Beneficiary(
        member_id=1,
        relationship=Relationship.child,
        first_name="Léa",
        last_name="D",
        birth_date=date(2010, 6, 1),
        sex=Sex.female,
    )
    assert access_refusal(child, date(2028, 5, 31)) is not None  # the eve of the 18th birthday
    assert "moins de 18 ans" in (access_refusal(child, date(2026, 11, 23)) or "")  # 16, carte Vitale or not
    assert access_refusal(child, date(2028, 6, 1)) is None
    principal = child.model_copy(update={"relationship": Relationship.member, "birth_date": date(1980, 1, 1)})
    assert access_refusal(principal, date(2026, 11, 23)) is not None
    assert ADULT_AGE == 18


async def test_the_principal_opens_an_adult_access_and_a_16_year_old_is_refused(client, make, db_session):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    refused = await client.post(_access(world["lea"].id), headers=alice)
    assert refused.status_code == 422 and refused.json()["code"] == "access_not_allowed"
    assert "moins de 18 ans" in refused.json()["message"]
    assert db_session.exec(select(Account).where(Account.beneficiary_id == world["lea"].id)).first() is None
    created = await client.post(_access(world["samuel"].id), headers=alice)
    assert created.status_code == 201, created.text
    assert created.json()["access"] == "never_activated" and "courrier" in created.json()["message"]
    assert not re.search(r"[a-z]{8}$", created.json()["message"])  # the code is never on the screen
    family = (await client.get("/api/v1/me/family", headers=alice)).json()
    by_name = {m["first_name"]: m for m in family["members"]}
    assert by_name["Samuel"]["access"] == "never_activated"
    assert (by_name["Léa"]["access_allowed"], by_name["Samuel"]["access_allowed"]) == (False, True)
    assert "moins de 18 ans" in by_name["Léa"]["access_refusal"]
    again = await client.post(_access(world["samuel"].id), headers=alice)
    assert again.status_code == 201  # never activated yet: a new code, the old one stops working
    other = make.member(first_name="Bruno")
    bruno = bearer(make.session_token(make.account(other)))
    assert (await client.post(_access(world["samuel"].id), headers=bruno)).status_code == 404


async def test_the_beneficiary_activates_with_the_posted_code_then_logs_in_with_the_second_factor(
    client, make, db_session
):
    world = household(make)
    alice_account = make.account(world["alice"])
    alice = bearer(make.session_token(alice_account))
    await client.post(_access(world["samuel"].id), headers=alice)
    code = _letter_code(db_session, world["alice"], world["samuel"])
    body = {
        "member_number": world["alice"].member_number,
        "access_code": code,
        "email": SAMUEL_EMAIL,
        "password": NEW,
        "accept_terms": True,
    }
    wrong = await client.post(
        "/api/v1/auth/activation/code", json={**body, "access_code": "mauvaiss", **await challenge(client)}
    )
    ok = await client.post("/api/v1/auth/activation/code", json={**body, **await challenge(client)})
    assert wrong.status_code == ok.status_code == 202 and wrong.content == ok.content  # nothing tells
    token = token_in(last_mail(db_session, SAMUEL_EMAIL))
    assert (await client.post("/api/v1/auth/confirm-email", json={"token": token})).status_code == 200
    db_session.refresh(world["alice"])
    assert world["alice"].email != SAMUEL_EMAIL  # the principal's address is untouched
    session = await login_fully(client, db_session, SAMUEL_EMAIL, NEW, SAMUEL_EMAIL)
    me = (await client.get("/api/v1/me/session", headers=bearer(session["session"]["token"]))).json()
    assert me["beneficiary_id"] == world["samuel"].id and me["member_number"] == world["alice"].member_number
    family = (await client.get("/api/v1/me/family", headers=alice)).json()
    assert {m["first_name"]: m["access"] for m in family["members"]}["Samuel"] == "active"
    reused = await client.post(
        "/api/v1/auth/activation/code", json={**body, "email": "autre@exemple.fr", **await challenge(client)}
    )
    assert reused.status_code == 202
    assert db_session.exec(select(MailOutbox).where(MailOutbox.to == "autre@exemple.fr")).first() is None  # used


# --- what the beneficiary sees -------------------------------------------------------------------------


async def test_the_beneficiary_sees_only_their_own_care_and_never_the_principals_data(client, make):
    world = household(make)
    samuel = bearer(make.session_token(own_access(make, world["samuel"])))
    claims = world["claims"]
    assert _claim_ids(await client.get("/api/v1/me/claims", headers=samuel)) == {claims["samuel"].id}
    assert (await client.get(f"/api/v1/me/claims/{claims['samuel'].id}", headers=samuel)).status_code == 200
    for other in ("alice", "lea"):
        assert (await client.get(f"/api/v1/me/claims/{claims[other].id}", headers=samuel)).status_code == 404
    options = (await client.get("/api/v1/me/claims/options", headers=samuel)).json()
    assert [b["name"] for b in options["beneficiaries"]] == ["Samuel Durand"]
    export = await client.get("/api/v1/me/claims/export", headers=samuel)
    assert "Samuel" in export.text and "Léa" not in export.text
    for path in ("/me/profile", "/me/bank-accounts", "/me/family", "/me/contributions", "/me/statements/annual/2026"):
        refused = await client.get(f"/api/v1{path}", headers=samuel)
        assert refused.status_code == 403 and refused.json()["code"] == "principal_only", path
    card = (await client.get("/api/v1/me/card", headers=samuel)).json()
    assert [b["name"] for b in card["beneficiaries"]] == ["Durand Samuel"]  # nobody else's NIR
    guarantees = (await client.get("/api/v1/me/guarantees", headers=samuel)).json()
    assert [b["first_name"] for b in guarantees["beneficiaries"]] == ["Samuel"]
    dashboard = (await client.get("/api/v1/me/dashboard", headers=samuel)).json()
    assert dashboard["first_name"] == "Samuel" and dashboard["alerts"] == []
    assert {c["beneficiary_name"] for c in dashboard["latest_claims"]} == {"Samuel Durand"}
    assert [b["first_name"] for c in dashboard["contracts"] for b in c["beneficiaries"]] == ["Samuel"]


async def test_each_side_has_its_own_conversations(client, make):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    samuel = bearer(make.session_token(own_access(make, world["samuel"])))
    message = {"subject": "Ma question", "category": "other", "body": "Bonjour, une question."}
    mine = await client.post("/api/v1/me/threads", json=message, headers=samuel)
    assert mine.status_code == 201, mine.text
    theirs = await client.post("/api/v1/me/threads", json={**message, "subject": "Alice écrit"}, headers=alice)
    assert [t["subject"] for t in (await client.get("/api/v1/me/threads", headers=samuel)).json()["threads"]] == [
        "Ma question"
    ]
    assert [t["subject"] for t in (await client.get("/api/v1/me/threads", headers=alice)).json()["threads"]] == [
        "Alice écrit"
    ]
    assert (await client.get(f"/api/v1/me/threads/{mine.json()['id']}", headers=alice)).status_code == 404
    exported = (await client.get("/api/v1/me/data-export", headers=alice)).json()["message_threads"]
    assert [t["subject"] for t in exported] == ["Alice écrit"]
    assert (await client.get(f"/api/v1/me/threads/{theirs.json()['id']}", headers=samuel)).status_code == 404
    linked = await client.post(
        "/api/v1/me/threads", json={**message, "claim_id": world["claims"]["lea"].id}, headers=samuel
    )
    assert linked.status_code == 422  # another beneficiary's care cannot be named either


# --- confidentiality ----------------------------------------------------------------------------------


async def test_confidentiality_hides_the_care_from_the_principal_in_words_and_is_reversible(client, make):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    samuel = bearer(make.session_token(own_access(make, world["samuel"])))
    claims = world["claims"]
    everyone = {claims["alice"].id, claims["samuel"].id, claims["lea"].id}
    assert _claim_ids(await client.get("/api/v1/me/claims", headers=alice)) == everyone
    assert (await client.put("/api/v1/me/access/privacy", json={"private": True}, headers=alice)).status_code == 403
    hidden = await client.put("/api/v1/me/access/privacy", json={"private": True}, headers=samuel)
    assert hidden.status_code == 200 and hidden.json()["care_private"] is True
    assert "ne sont plus visibles par Alice Durand" in hidden.json()["message"]
    listed = await client.get("/api/v1/me/claims", headers=alice)
    assert _claim_ids(listed) == everyone - {claims["samuel"].id} and listed.json()["notices"] == [HIDDEN]
    assert (await client.get(f"/api/v1/me/claims/{claims['samuel'].id}", headers=alice)).status_code == 404
    dashboard = (await client.get("/api/v1/me/dashboard", headers=alice)).json()
    assert dashboard["notices"] == [HIDDEN]
    assert "Samuel Durand" not in {c["beneficiary_name"] for c in dashboard["latest_claims"]}
    assert "Consultation de Samuel" not in (await client.get("/api/v1/me/claims/export", headers=alice)).text
    family = (await client.get("/api/v1/me/family", headers=alice)).json()
    assert family["notices"] == [HIDDEN]
    guarantees = (await client.get("/api/v1/me/guarantees", headers=alice)).json()
    assert "Samuel" not in [b["first_name"] for b in guarantees["beneficiaries"]]
    mine = (await client.get("/api/v1/me/data-export", headers=alice)).json()  # « Mes données » too
    assert claims["samuel"].id not in {c["id"] for c in mine["claims"]} and claims["lea"].id in {
        c["id"] for c in mine["claims"]
    }
    own = await client.get("/api/v1/me/claims", headers=samuel)
    assert _claim_ids(own) == {claims["samuel"].id} and "à votre demande" in own.json()["notices"][0]
    shown = await client.put("/api/v1/me/access/privacy", json={"private": False}, headers=samuel)
    assert shown.json()["care_private"] is False
    again = await client.get("/api/v1/me/claims", headers=alice)
    assert _claim_ids(again) == everyone and again.json()["notices"] == []


async def test_the_relevés_of_the_principal_leave_out_hidden_care(client, make, db_session):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    samuel = bearer(make.session_token(own_access(make, world["samuel"])))
    today = date(2026, 11, 23)

    def references() -> set[str]:
        db_session.expire_all()
        lines = claims_service.annual_statement(db_session, principal(db_session, world["alice"]), 2026, today)
        return {line.reference for line in lines}

    before = references()
    await client.put("/api/v1/me/access/privacy", json={"private": True}, headers=samuel)
    assert before - references() == {world["claims"]["samuel"].reference}
    assert (await client.get("/api/v1/me/statements/annual/2026", headers=alice)).status_code == 200
    payments = claims_service.period_statement(
        db_session, principal(db_session, world["alice"]), date(2026, 1, 1), today
    )
    assert world["claims"]["samuel"].reference not in {p.claim_reference for p in payments}


# --- the end of an access -----------------------------------------------------------------------------


async def test_asking_for_the_removal_ends_the_access_at_once(client, make, db_session):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    account = own_access(make, world["samuel"])
    samuel = bearer(make.session_token(account))
    assert (await client.get("/api/v1/me/claims", headers=samuel)).status_code == 200
    removal = await client.post(
        "/api/v1/me/family/removals",
        json={"beneficiary_id": world["samuel"].id, "reason": "Séparation"},
        headers=alice,
    )
    assert removal.status_code == 201, removal.text
    assert "L'accès personnel de Samuel est fermé." in removal.json()["message"]
    assert (await client.get("/api/v1/me/claims", headers=samuel)).status_code == 401
    db_session.refresh(account)
    assert account.state == AccountState.disabled
    login = await client.post("/api/v1/auth/login", json={"identifier": SAMUEL_EMAIL, "password": PASSWORD})
    assert login.status_code == 401


async def test_the_principal_closes_an_access_and_every_session_of_it_ends(client, make, db_session):
    world = household(make)
    alice = bearer(make.session_token(make.account(world["alice"])))
    account = own_access(make, world["samuel"])
    samuel = bearer(make.session_token(account))
    closed = await client.delete(_access(world["samuel"].id), headers=alice)
    assert closed.status_code == 200 and closed.json()["access"] == "disabled"
    assert (await client.get("/api/v1/me/access", headers=samuel)).status_code == 401
    live = db_session.exec(
        select(AuthSession).where(AuthSession.account_id == account.id, AuthSession.revoked_at.is_(None))  # type: ignore[union-attr]
    ).all()
    assert live == []
    assert (await client.delete(_access(world["samuel"].id), headers=alice)).status_code == 404
    reopened = await client.post(_access(world["samuel"].id), headers=alice)
    assert reopened.status_code == 201  # a new code by post; the old password is gone


async def test_the_conseiller_dossier_says_who_in_the_household_has_an_account(client, make):
    world = household(make)
    make.account(world["alice"])
    own_access(make, world["samuel"])
    world["samuel"].care_private_since = make.clock.now()
    make.session.add(world["samuel"])
    make.session.commit()
    agent = bearer(make.session_token(make.account(role=Role.agent)))
    await verified_call(client, agent, world["alice"])
    dossier = await client.get(f"/api/v1/agent/members/{world['alice'].id}/dossier", headers=agent)
    assert dossier.status_code == 200, dossier.text
    people = {p["name"]: (p["access"], p["care_private"]) for p in dossier.json()["household_accounts"]}
    assert people == {
        "Alice Durand": ("active", False),
        "Samuel Durand": ("active", True),
        "Léa Durand": (None, False),
    }
    # the mutuelle still sees hidden care: confidentiality is towards the assuré principal only
    claims = await client.get(f"/api/v1/agent/members/{world['alice'].id}/claims", headers=agent)
    assert world["claims"]["samuel"].id in {c["id"] for c in claims.json()["items"]}
