"""Login, sessions and logout."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.schemas.common import AccountState, Role
from models.tables import AuditEvent, AuthSession
from server.security.tokens import hash_token
from tests.conftest import PASSWORD, bearer

LOGIN = "/api/v1/auth/login"
ME = "/api/v1/me/session"


async def test_login_by_member_number_and_by_email(client, make):
    member = make.member(member_number="20240001", email="Camille.Durand@Exemple.fr")
    make.account(member, login_email="camille.durand@exemple.fr")
    for identifier in ("20240001", " 20240001 ", "camille.durand@exemple.fr", "CAMILLE.Durand@exemple.fr"):
        response = await client.post(LOGIN, json={"identifier": identifier, "password": PASSWORD})
        assert response.status_code == 200, (identifier, response.text)
        body = response.json()
        assert body["role"] == "member"
        assert body["display_name"] == "Camille Durand"
        me = await client.get(ME, headers=bearer(body["token"]))
        assert me.status_code == 200
        assert me.json()["member_number"] == "20240001"


async def test_wrong_password_and_unknown_identifier_look_the_same(client, make, db_session):
    member = make.member(member_number="20240002")
    account = make.account(member)
    answers = [
        await client.post(LOGIN, json={"identifier": "20240002", "password": "mauvais"}),
        await client.post(LOGIN, json={"identifier": "99999999", "password": "mauvais"}),
        await client.post(LOGIN, json={"identifier": "personne@exemple.fr", "password": PASSWORD}),
        await client.post(LOGIN, json={"identifier": "n'importe quoi", "password": PASSWORD}),
    ]
    assert {a.status_code for a in answers} == {401}
    assert len({a.content for a in answers}) == 1
    assert answers[0].json()["code"] == "invalid_credentials"
    assert answers[0].json()["message"] == "Identifiant ou mot de passe incorrect."
    db_session.refresh(account)
    assert account.failed_attempts == 1
    failures = db_session.exec(select(AuditEvent).where(AuditEvent.action == "login_failure")).all()
    assert len(failures) == 4
    assert all("mauvais" not in str(f.detail) and PASSWORD not in str(f.detail) for f in failures)


async def test_refused_account_states_get_403_with_what_to_do(client, make):
    cases = {
        AccountState.never_activated: ("account_not_activated", "code d'accès"),
        AccountState.locked: ("account_locked", "Mot de passe oublié"),
        AccountState.disabled: ("account_disabled", "service adhérent"),
        AccountState.email_unconfirmed: ("email_unconfirmed", "e-mail"),
    }
    for state, (code, hint) in cases.items():
        member = make.member()
        make.account(member, state=state, password=None if state == AccountState.never_activated else PASSWORD)
        response = await client.post(LOGIN, json={"identifier": member.member_number, "password": PASSWORD})
        assert response.status_code == 403, state
        assert response.json()["code"] == code
        assert hint in response.json()["message"]


async def test_a_temporary_lock_that_has_run_out_lets_the_member_in(client, make, clock):
    member = make.member()
    account = make.account(member, state=AccountState.locked)
    account.locked_until = clock.now() - timedelta(seconds=1)
    make._save(account)
    response = await client.post(LOGIN, json={"identifier": member.member_number, "password": PASSWORD})
    assert response.status_code == 200


async def test_token_is_stored_hashed_only_and_login_is_audited(client, make, db_session):
    member = make.member()
    account = make.account(member)
    response = await client.post(LOGIN, json={"identifier": member.member_number, "password": PASSWORD})
    token = response.json()["token"]
    assert len(token) >= 43  # 32 random bytes, url-safe
    stored = db_session.exec(select(AuthSession).where(AuthSession.account_id == account.id)).one()
    assert stored.token_hash == hash_token(token)
    assert token not in {str(v) for v in stored.model_dump().values()}
    events = db_session.exec(select(AuditEvent).where(AuditEvent.actor_account_id == account.id)).all()
    assert [e.action for e in events] == ["login_success"]


async def test_session_idle_expiry_moves_with_activity(client, make, clock):
    member = make.member()
    make.account(member)
    login = (await client.post(LOGIN, json={"identifier": member.member_number, "password": PASSWORD})).json()
    headers = bearer(login["token"])
    assert login["idle_expires_at"] != login["expires_at"]
    clock.advance(minutes=14)
    assert (await client.get(ME, headers=headers)).status_code == 200
    clock.advance(minutes=14)
    assert (await client.get(ME, headers=headers)).status_code == 200  # 28 min after login, 14 idle
    clock.advance(minutes=15)
    expired = await client.get(ME, headers=headers)
    assert expired.status_code == 401
    assert expired.json()["code"] == "session_expired"
    assert "reconnectez-vous" in expired.json()["message"]


async def test_session_absolute_expiry_despite_activity(client, make, clock, settings):
    member = make.member()
    make.account(member)
    token = (await client.post(LOGIN, json={"identifier": member.member_number, "password": PASSWORD})).json()["token"]
    steps = int(settings.session_absolute_lifetime / timedelta(minutes=10))
    for _ in range(steps - 1):
        clock.advance(minutes=10)
        assert (await client.get(ME, headers=bearer(token))).status_code == 200
    clock.advance(minutes=10)  # exactly 12 h after login
    response = await client.get(ME, headers=bearer(token))
    assert response.status_code == 401
    assert response.json()["code"] == "session_expired"


async def test_logout_revokes_the_session(client, make, db_session, clock):
    member = make.member()
    account = make.account(member)
    token = make.session_token(account)
    assert (await client.post("/api/v1/auth/logout", headers=bearer(token))).status_code == 204
    again = await client.get(ME, headers=bearer(token))
    assert again.status_code == 401
    assert again.json()["code"] == "session_invalid"
    stored = db_session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).one()
    assert stored.revoked_at == clock.now()
    actions = db_session.exec(select(AuditEvent.action).where(AuditEvent.actor_account_id == account.id)).all()
    assert actions == ["logout"]


async def test_missing_or_bad_token_is_401_with_bearer_challenge(client):
    for headers in ({}, bearer("pas-un-jeton"), {"Authorization": "Basic abc"}):
        response = await client.get(ME, headers=headers)
        assert response.status_code == 401
        assert response.headers["www-authenticate"] == "Bearer"
        assert response.json()["message"].endswith("continuer.") or "reconnectez" in response.json()["message"]


async def test_staff_get_a_session_with_their_role_and_no_member_area(client, make):
    agent = make.account(role=Role.agent, login_email="agent@mutuelle.example", display_name="Léa Conseil")
    response = await client.post(LOGIN, json={"identifier": "agent@mutuelle.example", "password": PASSWORD})
    assert response.status_code == 200
    assert response.json()["role"] == "agent"
    headers = bearer(response.json()["token"])
    assert (await client.get(ME, headers=headers)).json()["account_id"] == agent.id
    dashboard = await client.get("/api/v1/me/dashboard", headers=headers)
    assert dashboard.status_code == 403
    assert dashboard.json()["code"] == "members_only"


async def test_staff_cannot_log_in_with_a_member_number(client, make):
    make.account(role=Role.supervisor, login_email="chef@mutuelle.example")
    response = await client.post(LOGIN, json={"identifier": "12345678", "password": PASSWORD})
    assert response.status_code == 401
