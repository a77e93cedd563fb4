"""Login (password, second factor, trusted device), lockout, enumeration parity, sessions."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher
from sqlmodel import select

from models.schemas.common import AccountState
from models.tables import AuditEvent
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import LOGIN, SECOND, challenge, code_in, last_mail, login_fully

ME = "/api/v1/me/session"


@pytest.fixture
def hashes(monkeypatch):
    calls: list[str] = []
    original = PasswordHasher.verify

    def spy(self, hash_, password):
        calls.append(hash_)
        return original(self, hash_, password)

    monkeypatch.setattr(PasswordHasher, "verify", spy)
    return calls


async def test_login_by_member_number_and_by_email_with_the_emailed_code(client, make, db_session):
    member = make.member(member_number="20240001", email="camille.durand@exemple.fr")
    make.account(member, login_email="camille.durand@exemple.fr")
    for identifier in ("20240001", "CAMILLE.Durand@exemple.fr"):
        body = await login_fully(client, db_session, identifier, PASSWORD, "camille.durand@exemple.fr")
        me = await client.get(ME, headers=bearer(body["session"]["token"]))
        assert me.status_code == 200 and me.json()["member_number"] == "20240001"


async def test_refusals_are_identical_and_cost_one_hash_each(client, make, hashes, settings):
    known = make.member(member_number="20240002")
    make.account(known)
    locked = make.member(member_number="20240003")
    make.account(locked, state=AccountState.locked)
    inactive = make.member(member_number="20240004")
    make.account(inactive, state=AccountState.disabled)
    unconfirmed = make.member(member_number="20240005")
    make.account(unconfirmed, state=AccountState.email_unconfirmed)
    answers = []
    for identifier, password in (
        ("20240002", "mauvais"),
        ("99999999", "mauvais"),
        ("20240003", PASSWORD),
        ("20240004", PASSWORD),
        ("20240005", PASSWORD),
        ("n'importe quoi", PASSWORD),
    ):
        before = len(hashes)
        answers.append(await client.post(LOGIN, json={"identifier": identifier, "password": password}))
        assert len(hashes) - before == 1, identifier
    assert {a.status_code for a in answers} == {401}
    assert len({a.content for a in answers}) == 1
    body = answers[0].json()
    assert body["code"] == "invalid_credentials"
    assert body["message"].startswith(
        "Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué 15 minutes"
    )
    assert settings.service_phone in body["message"]
    assert body["details"][0]["field"] == "challenge"


async def test_locked_after_three_free_at_fifteen_minutes_and_emailed(client, make, db_session, clock, hashes):
    member = make.member(member_number="20240010", email="l.lock@exemple.fr")
    account = make.account(member)
    real = account.password_hash
    for _ in range(3):
        extra = await challenge(client)
        r = await client.post(LOGIN, json={"identifier": "20240010", "password": "mauvais", **extra})
        assert r.status_code == 401
    assert hashes.count(real) == 3  # the first attempt needs no challenge; the others answered one
    assert "bloqué" in last_mail(db_session, "l.lock@exemple.fr").subject
    extra = await challenge(client)
    r = await client.post(LOGIN, json={"identifier": "20240010", "password": PASSWORD, **extra})
    assert r.status_code == 401 and hashes.count(real) == 3  # locked: the right password is not even checked
    clock.advance(minutes=15, seconds=1)
    r = await client.post(LOGIN, json={"identifier": "20240010", "password": PASSWORD})
    assert r.status_code == 200 and r.json()["status"] == "second_factor_required"


async def test_human_check_missing_or_reused_is_refused_without_checking_the_password(client, make, hashes):
    member = make.member(member_number="20240011")
    account = make.account(member)
    await client.post(LOGIN, json={"identifier": "20240011", "password": "mauvais"})
    r = await client.post(LOGIN, json={"identifier": "20240011", "password": PASSWORD})
    assert r.status_code == 401 and hashes.count(account.password_hash) == 1
    extra = await challenge(client)
    r = await client.post(LOGIN, json={"identifier": "20240011", "password": "mauvais", **extra})
    assert hashes.count(account.password_hash) == 2
    r = await client.post(LOGIN, json={"identifier": "20240011", "password": PASSWORD, **extra})  # reused
    assert r.status_code == 401 and hashes.count(account.password_hash) == 2


async def test_second_factor_resend_voids_the_old_code_and_codes_are_bound_to_their_login(
    client, make, db_session, clock, caplog
):
    member = make.member(member_number="20240020", email="sf@exemple.fr")
    make.account(member)
    a = (await client.post(LOGIN, json={"identifier": "20240020", "password": PASSWORD})).json()["pending"]
    assert a["destination"] == "s****f@exemple.fr" or a["destination"].startswith("s")
    code_a = code_in(last_mail(db_session, "sf@exemple.fr"))
    b = (await client.post(LOGIN, json={"identifier": "20240020", "password": PASSWORD})).json()["pending"]
    code_b = code_in(last_mail(db_session, "sf@exemple.fr"))
    if code_a != code_b:
        r = await client.post(SECOND, json={"pending_id": b["id"], "code": code_a})
        assert r.status_code == 401  # the code of login A does not open login B
    r = await client.post("/api/v1/auth/second-factor/resend", json={"pending_id": a["id"]})
    assert r.status_code == 429  # 30 s between two sends
    clock.advance(seconds=30)
    r = await client.post("/api/v1/auth/second-factor/resend", json={"pending_id": a["id"]})
    assert r.status_code == 200 and r.json()["resends_left"] == 2
    new_a = code_in(last_mail(db_session, "sf@exemple.fr"))
    if new_a != code_a:
        assert (await client.post(SECOND, json={"pending_id": a["id"], "code": code_a})).status_code == 401
    clock.advance(minutes=10, seconds=1)
    assert (await client.post(SECOND, json={"pending_id": a["id"], "code": new_a})).status_code == 401  # TTL
    for text in caplog.messages:
        assert code_a not in text and new_a not in text


async def test_five_wrong_codes_end_the_pending_login(client, make, db_session):
    member = make.member(member_number="20240021", email="five@exemple.fr")
    make.account(member)
    pending = (await client.post(LOGIN, json={"identifier": "20240021", "password": PASSWORD})).json()["pending"]
    code = code_in(last_mail(db_session, "five@exemple.fr"))
    wrong = "000000" if code != "000000" else "111111"
    for _ in range(5):
        await client.post(SECOND, json={"pending_id": pending["id"], "code": wrong})
    assert (await client.post(SECOND, json={"pending_id": pending["id"], "code": code})).status_code == 401


async def test_trusted_device_skips_the_code_until_90_days_and_is_not_blocked_by_others(
    client, make, db_session, clock
):
    member = make.member(member_number="20240030", email="td@exemple.fr")
    make.account(member)
    other = make.member(member_number="20240031", email="other@exemple.fr")
    make.account(other)
    body = await login_fully(client, db_session, "20240030", PASSWORD, "td@exemple.fr", trust_device=True)
    token = body["trusted_device_token"]
    other_token = (await login_fully(client, db_session, "20240031", PASSWORD, "other@exemple.fr", trust_device=True))[
        "trusted_device_token"
    ]
    for _ in range(4):  # a stranger locks the member number
        await client.post(LOGIN, json={"identifier": "20240030", "password": "mauvais"})
    r = await client.post(LOGIN, json={"identifier": "20240030", "password": PASSWORD, "trusted_device_token": token})
    assert r.status_code == 200 and r.json()["status"] == "authenticated"
    r = await client.post(LOGIN, json={"identifier": "20240031", "password": PASSWORD, "trusted_device_token": token})
    assert r.json()["status"] == "second_factor_required"  # another member's token
    del other_token
    clock.advance(days=90, seconds=1)
    r = await client.post(LOGIN, json={"identifier": "20240030", "password": PASSWORD, "trusted_device_token": token})
    assert r.json()["status"] == "second_factor_required"


async def test_idle_expiry_and_logout_then_reuse(client, make, clock):
    account = make.account(make.member())
    token = make.session_token(account)
    assert (await client.get(ME, headers=bearer(token))).status_code == 200
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    assert (await client.get(ME, headers=bearer(token))).status_code == 401
    token = make.session_token(account)
    clock.advance(minutes=15, seconds=1)
    assert (await client.get(ME, headers=bearer(token))).status_code == 401


async def test_session_absolute_expiry_despite_activity(client, make, clock):
    account = make.account(make.member())
    token = make.session_token(account)
    for _ in range(60):
        clock.advance(minutes=14)
        r = await client.post("/api/v1/auth/session/extend", headers=bearer(token))
        if r.status_code == 401:
            break
    assert (await client.get(ME, headers=bearer(token))).status_code == 401


async def test_expired_password_gives_a_restricted_session(client, make, clock, db_session):
    member = make.member()
    account = make.account(member)
    account.password_changed_at = clock.now()
    db_session.add(account)
    db_session.commit()
    token = make.session_token(account)
    assert (await client.get("/api/v1/me/dashboard", headers=bearer(token))).status_code == 200
    clock.advance(days=180)
    token = make.session_token(account)
    r = await client.get("/api/v1/me/dashboard", headers=bearer(token))
    assert r.status_code == 403 and r.json()["code"] == "password_expired"
    assert (await client.get("/api/v1/me/trusted-devices", headers=bearer(token))).status_code == 403
    assert (await client.get(ME, headers=bearer(token))).json()["password_expired"] is True
    new = "Autre-Chemin-Vert-77"
    r = await client.post(
        "/api/v1/auth/password/change", json={"current_password": PASSWORD, "new_password": new}, headers=bearer(token)
    )
    assert r.status_code == 200, r.text
    assert (await client.get("/api/v1/me/dashboard", headers=bearer(token))).status_code == 200


async def test_audit_holds_no_password(client, make, db_session):
    make.account(make.member(member_number="20240040"))
    await client.post(LOGIN, json={"identifier": "20240040", "password": "mauvais-secret"})
    events = db_session.exec(select(AuditEvent)).all()
    assert events and all("mauvais-secret" not in str(e.detail) for e in events)


async def test_after_the_third_failure_the_same_words_say_what_happens_for_any_identifier(client, make, settings):
    """Issue 19: after the last allowed try, an existing account and an unknown identifier get the same answer,
    which says what happens (suspended 15 minutes, an e-mail if the account exists) — even to the right password."""
    make.account(make.member(member_number="20240020", email="s.susp@exemple.fr"))
    answers = {}
    for identifier in ("20240020", "99999999"):
        for attempt in range(4):
            extra = await challenge(client) if attempt else {}
            password = PASSWORD if attempt == 3 else "mauvais"
            answers[identifier, attempt] = await client.post(
                LOGIN, json={"identifier": identifier, "password": password, **extra}
            )
    for identifier in ("20240020", "99999999"):
        assert answers[identifier, 1].json()["message"].startswith("Identifiant ou mot de passe incorrect.")
        for attempt in (2, 3):  # the third failure, then the right password while suspended
            body = answers[identifier, attempt].json()
            assert answers[identifier, attempt].status_code == 401 and body["code"] == "invalid_credentials"
            assert body["message"].startswith("Après 3 essais, l'accès est suspendu 15 minutes ; si ce compte existe")
    assert answers["20240020", 3].content == answers["99999999", 3].content  # nothing tells them apart
