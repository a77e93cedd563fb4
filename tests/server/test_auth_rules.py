"""Rules of security-rules.md not covered elsewhere: confirmation mail resent, identifier recovery, TOTP
replay, staff second factor, the per-address limit behind a trusted proxy, the SMS providers."""

from __future__ import annotations

from datetime import date

import httpx
import pyotp
from sqlmodel import col, select

from models.schemas.common import AccountState, Role
from models.tables import Account, AuditEvent, MailOutbox, TrustedDevice
from server.app import create_app
from server.notify.sms import FileSms, OutboxSms, provider_for
from server.security.crypto import encrypt, nir_lookup_hash
from server.security.tokens import hash_token, new_token
from tests.conftest import PASSWORD
from tests.server.auth_helpers import LOGIN, SECOND, challenge, code_in, espace_logs, last_mail, login_fully

RESEND_CONFIRMATION = "/api/v1/auth/confirm-email/resend"
CONFIRM = "/api/v1/auth/confirm-email"
RECOVER = "/api/v1/auth/identifier/recover"
NIR = "280057512345674"  # key checked by python-stdnum
SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


def _mails_to(db, to: str) -> list[MailOutbox]:
    return list(db.exec(select(MailOutbox).where(MailOutbox.to == to).order_by(col(MailOutbox.id))).all())


# --- Renvoyer l'e-mail de confirmation -----------------------------------------------------------


async def test_resend_confirmation_same_202_and_a_fresh_mail_only_for_an_unconfirmed_account(client, make, db_session):
    waiting = make.member(member_number="41000001", email="attente@exemple.fr")
    make.account(waiting, state=AccountState.email_unconfirmed)
    active = make.member(member_number="41000002", email="actif@exemple.fr")
    make.account(active)
    answers = [
        await client.post(RESEND_CONFIRMATION, json={"identifier": who, **await challenge(client)})
        for who in ("41000001", "41000002", "49999990", "inconnu@exemple.fr")
    ]
    assert {(r.status_code, r.content) for r in answers} == {(202, answers[0].content)}  # nothing tells them apart
    assert _mails_to(db_session, "actif@exemple.fr") == []
    [mail] = _mails_to(db_session, "attente@exemple.fr")
    assert "confirm-email?token=" in mail.body
    r = await client.post(CONFIRM, json={"identifier": "41000001", "code": code_in(mail, 8)})
    assert r.status_code == 200, r.text
    db_session.expire_all()
    account = db_session.exec(select(Account).where(Account.login_email == "attente@exemple.fr")).one()
    assert account.state == AccountState.active
    first = await client.post(LOGIN, json={"identifier": "attente@exemple.fr", "password": PASSWORD})
    assert first.json()["status"] == "second_factor_required"


async def test_resend_confirmation_needs_the_human_check_and_is_limited(client, make, db_session):
    waiting = make.member(member_number="41000003", email="limite@exemple.fr")
    make.account(waiting, state=AccountState.email_unconfirmed)
    assert (await client.post(RESEND_CONFIRMATION, json={"identifier": "41000003"})).status_code == 422
    assert _mails_to(db_session, "limite@exemple.fr") == []
    for _ in range(5):
        r = await client.post(RESEND_CONFIRMATION, json={"identifier": "41000003", **await challenge(client)})
        assert r.status_code == 202
    assert len(_mails_to(db_session, "limite@exemple.fr")) == 3  # then the same 202 but no more mail


# --- Retrouver mon identifiant --------------------------------------------------------------------


async def test_identifier_recovery_same_answer_found_or_not_and_the_identifier_only_by_mail(
    client, make, settings, db_session
):
    member = make.member(member_number="41000010", email="retrouve@exemple.fr", birth_date=date(1980, 5, 17))
    member.nir, member.nir_hash = encrypt(settings, NIR), nir_lookup_hash(settings, NIR)
    db_session.add(member)
    db_session.commit()
    make.account(member)
    base = {"last_name": "DURAND", "first_name": "camille", "birth_date": "1980-05-17", "nir": NIR}
    found = await client.post(RECOVER, json=base)
    wrong_birth = await client.post(RECOVER, json={**base, "birth_date": "1980-05-18"})
    wrong_name = await client.post(RECOVER, json={**base, "last_name": "Dupont"})
    unknown_nir = await client.post(RECOVER, json={**base, "nir": "180057512345627"})
    answers = [found, wrong_birth, wrong_name, unknown_nir]
    assert {(r.status_code, r.content) for r in answers} == {(202, found.content)}
    assert all("41000010" not in r.text for r in answers)  # never on the screen
    [mail] = _mails_to(db_session, "retrouve@exemple.fr")  # one mail: only the matching request sent one
    assert "41000010" in mail.body


# --- TOTP: a code is accepted once ----------------------------------------------------------------


def _with_totp(make, settings, account: Account) -> Account:
    account.totp_secret = encrypt(settings, SECRET)
    account.totp_confirmed_at = make.clock.now()
    make.session.add(account)
    make.session.commit()
    return account


async def test_the_same_totp_code_twice_the_second_is_refused(client, make, settings, db_session, clock):
    member = make.member(member_number="41000020", email="totp@exemple.fr")
    account = _with_totp(make, settings, make.account(member))
    totp = pyotp.TOTP(SECRET)
    code = totp.at(clock.now())
    first = (await client.post(LOGIN, json={"identifier": "41000020", "password": PASSWORD})).json()
    assert first["pending"]["method"] == "totp"
    ok = await client.post(SECOND, json={"pending_id": first["pending"]["id"], "code": code})
    assert ok.status_code == 200, ok.text
    db_session.expire_all()
    step = int(clock.now().timestamp()) // totp.interval
    assert db_session.get(Account, account.id).totp_last_step == step  # the accepted step is stored
    clock.advance(seconds=10)  # a second login, still in the same 30-second step
    assert int(clock.now().timestamp()) // totp.interval == step and totp.at(clock.now()) == code
    again = (await client.post(LOGIN, json={"identifier": "41000020", "password": PASSWORD})).json()
    replay = await client.post(SECOND, json={"pending_id": again["pending"]["id"], "code": code})
    assert replay.status_code == 401
    clock.advance(seconds=totp.interval)  # the next step's code is accepted
    later = (await client.post(LOGIN, json={"identifier": "41000020", "password": PASSWORD})).json()
    r = await client.post(SECOND, json={"pending_id": later["pending"]["id"], "code": totp.at(clock.now())})
    assert r.status_code == 200, r.text


# --- staff: the second factor at every login ------------------------------------------------------


async def test_staff_give_the_totp_at_every_login_and_no_trusted_device_skips_it(
    client, make, settings, db_session, clock
):
    for role in (Role.agent, Role.supervisor):
        staff = _with_totp(make, settings, make.account(role=role, login_email=f"{role.value}@mutuelle.example"))
        email = staff.login_email
        first = (await client.post(LOGIN, json={"identifier": email, "password": PASSWORD})).json()
        assert first["status"] == "second_factor_required"
        assert first["pending"]["methods"] == ["totp"]  # the app only: no emailed code for staff
        done = await client.post(
            SECOND,
            json={
                "pending_id": first["pending"]["id"],
                "code": pyotp.TOTP(SECRET).at(clock.now()),
                "trust_device": True,
            },
        )
        assert done.status_code == 200, done.text
        assert done.json().get("trusted_device_token") is None  # no trusted device is handed to staff
        token = new_token()  # even a device row that exists (written by hand) skips nothing
        db_session.add(
            TrustedDevice(
                account_id=staff.id,
                token_hash=hash_token(token),
                name="poste",
                created_at=clock.now(),
                expires_at=clock.now() + settings.trusted_device_lifetime,
            )
        )
        db_session.commit()
        clock.advance(seconds=30)
        again = await client.post(
            LOGIN, json={"identifier": email, "password": PASSWORD, "trusted_device_token": token}
        )
        assert again.status_code == 200 and again.json()["status"] == "second_factor_required"


async def test_the_pending_login_says_whether_the_device_can_be_trusted(client, make, settings):
    """The client asks « Se fier à cet appareil ? » only when the server would honour the answer."""
    by_code = make.member(member_number="41000030", email="code@exemple.fr")
    make.account(by_code)
    with_app = make.member(member_number="41000031", email="appli@exemple.fr")
    _with_totp(make, settings, make.account(with_app))
    _with_totp(make, settings, make.account(role=Role.agent, login_email="agent.confiance@mutuelle.example"))
    allowed = {}
    for identifier in ("41000030", "41000031", "agent.confiance@mutuelle.example"):
        r = await client.post(LOGIN, json={"identifier": identifier, "password": PASSWORD})
        assert r.status_code == 200, r.text
        pending = r.json()["pending"]
        allowed[identifier] = (pending["method"], pending["trust_device_allowed"])
    assert allowed == {
        "41000030": ("email", True),
        "41000031": ("totp", True),  # a member with an authenticator may still trust the device
        "agent.confiance@mutuelle.example": ("totp", False),  # staff: the second factor at every login
    }


# --- the per-address limit and the trusted proxy --------------------------------------------------


def _client(settings, clock, session_scope, peer: str, **overrides) -> httpx.AsyncClient:
    app = create_app(settings.model_copy(update=overrides), clock=clock, session_scope=session_scope)
    transport = httpx.ASGITransport(app=app, client=(peer, 50000))
    return httpx.AsyncClient(transport=transport, base_url="http://testserver")


async def _bad_login(client, n: int, xff: str | None = None) -> int:
    headers = {"X-Forwarded-For": xff} if xff else {}
    r = await client.post(LOGIN, json={"identifier": f"4990{n:04d}", "password": "faux"}, headers=headers)
    return r.status_code


async def test_the_lock_mail_counts_the_tries_of_the_setting(settings, clock, session_scope, make, db_session):
    member = make.member(member_number="20240090", email="cinq.essais@exemple.fr")
    make.account(member)
    async with _client(settings, clock, session_scope, "203.0.113.9", login_max_failures=5) as direct:
        for _ in range(5):
            extra = await challenge(direct)
            r = await direct.post(LOGIN, json={"identifier": "20240090", "password": "mauvais", **extra})
            assert r.status_code == 401
    mail = last_mail(db_session, "cinq.essais@exemple.fr")
    assert mail.subject == "Votre accès est bloqué temporairement"
    assert mail.body.startswith(
        "Bonjour,\n\n5 essais de mot de passe erronés ont bloqué l'accès à votre Espace Adhérent jusqu'au "
    )


async def test_the_per_address_limit_answers_429_and_a_spoofed_forwarded_for_is_ignored(
    settings, clock, session_scope, db_session
):
    limits = {"login_ip_max_attempts": 3, "trusted_proxies": ["10.0.0.1"]}
    async with _client(settings, clock, session_scope, "203.0.113.7", **limits) as direct:
        # a client that is not a proxy changes X-Forwarded-For at every try: still one address
        statuses = [await _bad_login(direct, n, xff=f"198.51.100.{n}") for n in range(5)]
    assert statuses == [401, 401, 401, 429, 429]
    ips = db_session.exec(select(AuditEvent.ip).where(AuditEvent.action == "login_attempt")).all()
    assert set(ips) == {"203.0.113.7"}
    clock.advance(settings.login_ip_window)  # the window runs out
    async with _client(settings, clock, session_scope, "203.0.113.7", **limits) as direct:
        assert await _bad_login(direct, 10) == 401


async def test_behind_a_trusted_proxy_the_limit_is_per_forwarded_client(settings, clock, session_scope, db_session):
    limits = {"login_ip_max_attempts": 3, "trusted_proxies": ["10.0.0.1"]}
    async with _client(settings, clock, session_scope, "10.0.0.1", **limits) as proxy:
        # the left-most hop is what the client wrote: only the hop the proxy added counts
        statuses = [await _bad_login(proxy, n, xff=f"1.2.3.{n}, 198.51.100.20") for n in range(4)]
        other = await _bad_login(proxy, 20, xff="198.51.100.21")
    assert statuses == [401, 401, 401, 429]
    assert other == 401  # another client behind the same proxy is not blocked
    ips = db_session.exec(select(AuditEvent.ip).where(AuditEvent.action == "login_attempt")).all()
    assert set(ips) == {"198.51.100.20", "198.51.100.21"}


# --- SMS ------------------------------------------------------------------------------------------


def test_the_outbox_provider_writes_a_mail_to_the_sink_address_and_logs_no_code(settings, clock, db_session):
    provider = provider_for(settings)
    assert isinstance(provider, OutboxSms)
    with espace_logs() as logs:
        provider.send(db_session, clock, "06 12 34 56 78", "Espace Adherent : votre code de connexion est 482913.")
    db_session.commit()
    [mail] = _mails_to(db_session, f"sms+0612345678@{settings.sms_sink_domain}")
    assert "482913" in mail.body and mail.subject == "SMS pour 06 12 34 56 78"
    text = "\n".join(logs)
    assert "06 ** ** ** 78" in text  # the send is logged, masked
    assert "482913" not in text and "12 34 56" not in text


def test_the_file_provider_appends_one_line_per_sms_and_logs_no_code(settings, clock, db_session, tmp_path):
    path = tmp_path / "sms" / "sms.log"
    file_settings = settings.model_copy(update={"sms_provider": "file", "sms_file": str(path)})
    provider = provider_for(file_settings)
    assert isinstance(provider, FileSms)
    with espace_logs() as logs:
        provider.send(db_session, clock, "+33612345678", "code 111222")
        provider.send(db_session, clock, "+33612345678", "code 333444")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert len(lines) == 2 and lines[0].endswith("\tcode 111222") and lines[1].endswith("\tcode 333444")
    assert lines[0].startswith(clock.now().isoformat())
    text = "\n".join(logs)
    assert len(logs) == 2 and "06 ** ** ** 78" in text
    assert "111222" not in text and "333444" not in text and "612345678" not in text
    assert db_session.exec(select(MailOutbox)).all() == []


async def test_a_second_factor_by_sms_reaches_the_sink_and_the_logs_hold_no_code(client, make, db_session, clock):
    member = make.member(member_number="41000030", email="sms@exemple.fr", mobile="06 98 76 54 32")
    make.account(member)
    first = (await client.post(LOGIN, json={"identifier": "41000030", "password": PASSWORD})).json()
    clock.advance(seconds=30)
    with espace_logs() as logs:
        r = await client.post(
            "/api/v1/auth/second-factor/resend", json={"pending_id": first["pending"]["id"], "method": "sms"}
        )
    assert r.status_code == 200, r.text
    assert any("06 ** ** ** 32" in line for line in logs)
    assert r.json()["destination"] == "06 ** ** ** 32"
    code = code_in(last_mail(db_session, "sms+0698765432@sms.demo.invalid"))
    assert not [line for line in logs if code in line]
    done = await client.post(SECOND, json={"pending_id": first["pending"]["id"], "code": code})
    assert done.status_code == 200, done.text


async def test_login_fully_helper_still_works_for_members(client, make, db_session):
    member = make.member(member_number="41000040", email="helper@exemple.fr")
    make.account(member)
    assert (await login_fully(client, db_session, "41000040", PASSWORD, "helper@exemple.fr"))["session"]["token"]


# --- « Se fier à cet appareil ? » once the code is accepted (issue 19) ------------------------------

TRUST = "/api/v1/auth/second-factor/trust"


async def _pending_then_session(client, db_session, number: str, email: str) -> tuple[str, str]:
    """A login whose code was accepted: the pending login's id and the session's token."""
    first = (await client.post(LOGIN, json={"identifier": number, "password": PASSWORD})).json()
    pending_id = first["pending"]["id"]
    done = await client.post(SECOND, json={"pending_id": pending_id, "code": code_in(last_mail(db_session, email))})
    assert done.status_code == 200, done.text
    assert done.json()["trusted_device_token"] is None
    return pending_id, done.json()["session"]["token"]


async def test_trust_after_the_code_once_by_the_same_account_within_ten_minutes(client, make, db_session, clock):
    for number, email in (("41000040", "confiance@exemple.fr"), ("41000041", "autre@exemple.fr")):
        make.account(make.member(member_number=number, email=email))
    pending_id, token = await _pending_then_session(client, db_session, "41000040", "confiance@exemple.fr")
    _, other_token = await _pending_then_session(client, db_session, "41000041", "autre@exemple.fr")
    body = {"pending_id": pending_id, "device_name": "Terminal"}
    assert (await client.post(TRUST, json=body)).status_code == 401  # a session is needed
    stolen = await client.post(TRUST, json=body, headers={"Authorization": f"Bearer {other_token}"})
    assert stolen.status_code == 409  # another account's login trusts nothing
    mine = {"Authorization": f"Bearer {token}"}
    trusted = await client.post(TRUST, json=body, headers=mine)
    assert trusted.status_code == 200, trusted.text
    assert (await client.post(TRUST, json=body, headers=mine)).status_code == 409  # once
    device_token = trusted.json()["trusted_device_token"]
    again = await client.post(
        LOGIN, json={"identifier": "41000040", "password": PASSWORD, "trusted_device_token": device_token}
    )
    assert again.json()["status"] == "authenticated"  # the device skips the code from now on
    late_pending, late_token = await _pending_then_session(client, db_session, "41000040", "confiance@exemple.fr")
    clock.advance(minutes=11)
    late = await client.post(
        TRUST, json={"pending_id": late_pending}, headers={"Authorization": f"Bearer {late_token}"}
    )
    assert late.status_code == 409 and "prochaine connexion" in late.json()["message"]


async def test_staff_cannot_trust_a_device_after_the_code(client, make, settings, db_session, clock):
    staff = _with_totp(make, settings, make.account(role=Role.agent, login_email="poste@mutuelle.example"))
    first = (await client.post(LOGIN, json={"identifier": staff.login_email, "password": PASSWORD})).json()
    done = await client.post(
        SECOND, json={"pending_id": first["pending"]["id"], "code": pyotp.TOTP(SECRET).at(clock.now())}
    )
    headers = {"Authorization": f"Bearer {done.json()['session']['token']}"}
    refused = await client.post(TRUST, json={"pending_id": first["pending"]["id"]}, headers=headers)
    assert refused.status_code == 403
    assert db_session.exec(select(TrustedDevice).where(TrustedDevice.account_id == staff.id)).first() is None
