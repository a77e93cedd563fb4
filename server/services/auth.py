"""Login (password, then second factor or a trusted device), sessions, logout.

Every refusal of a login is the same 401 (unknown, wrong, locked, inactive, refused human check) and
costs exactly one argon2 computation: against the stored hash when the identifier exists, is not
locked, is in a state that may log in and passed the human check; against a dummy hash otherwise.
The attempt is counted before anything is checked (``server.services.throttle``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any

import pyotp
import sqlalchemy as sa
from sqlalchemy.orm import configure_mappers
from sqlalchemy.orm.attributes import manager_of_class
from sqlmodel import Session, select

from models.schemas.auth import (
    CHALLENGE_REQUIRED_FIELD,
    PASSWORD_EXPIRED_CODE,
    LoginRequest,
    LoginResult,
    LoginStatus,
    PendingLogin,
    ResendRequest,
    SecondFactorMethod,
    SecondFactorRequest,
    SecondFactorResult,
    SessionExtended,
    SessionInfo,
    SessionOut,
    TrustDeviceRequest,
    TrustedDeviceToken,
)
from models.schemas.common import AccountState, Role
from models.schemas.errors import ErrorDetail
from models.tables import Account, AuthSession, Beneficiary, Member, PendingLoginRow, RecoveryCode, TrustedDevice
from server.clock import Clock
from server.errors import ApiError, forbidden, not_authenticated
from server.notify.sms import send_sms
from server.security.crypto import decrypt, keyed_hash, same
from server.security.passwords import hash_password, needs_rehash, verify_password
from server.security.tokens import hash_token, new_digits, new_token
from server.services import audit, challenge, mails, throttle
from server.settings import Settings

SESSION_EXPIRED = "Votre session a expiré : reconnectez-vous."
SESSION_INVALID = "Votre session n'est plus valable : reconnectez-vous."
PASSWORD_EXPIRED_MESSAGE = (
    "Votre mot de passe a expiré : changez-le pour accéder à votre espace (seul le changement de mot de "
    "passe est possible pour l'instant)."
)
CODE_REFUSED = "Code incorrect ou expiré."
PENDING_ENDED = "Trop de codes erronés ou connexion expirée : reconnectez-vous avec votre mot de passe."
TRUST_TOO_LATE = (
    "Cet appareil ne peut plus être ajouté à vos appareils de confiance pour cette connexion : "
    "répondez « Oui » à la question lors de votre prochaine connexion."
)
TRUST_QUESTION_WINDOW = timedelta(minutes=10)
"""How long after the code was accepted « Se fier à cet appareil ? » may still be answered yes."""
# Written at most this often, so that reading pages does not write a row each time.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)
CAN_LOG_IN = {AccountState.active, AccountState.password_expired, AccountState.locked}

PT = PendingLoginRow.__table__  # type: ignore[attr-defined]
AT = Account.__table__  # type: ignore[attr-defined]


def invalid_credentials_message(settings: Settings) -> str:
    return (
        "Identifiant ou mot de passe incorrect. Après 3 essais, l'accès est bloqué 15 minutes ; « Mot de passe "
        f"oublié » le débloque aussitôt. Service adhérent : {settings.service_phone}, {settings.service_hours}."
    )


def suspended_message(settings: Settings) -> str:
    """After the last allowed try: what happens now, the same words for every identifier (unknown ones are
    counted and suspended too), so that nothing tells whether the account exists (issue 19)."""
    minutes = int(settings.login_lockout.total_seconds() // 60)
    return (
        f"Après {settings.login_max_failures} essais, l'accès est suspendu {minutes} minutes ; si ce compte existe, "
        "un e-mail a été envoyé à son adresse. « Mot de passe oublié » le débloque aussitôt. Service adhérent : "
        f"{settings.service_phone}, {settings.service_hours}."
    )


def invalid_credentials(settings: Settings, *, suspended: bool = False) -> ApiError:
    return ApiError(
        401,
        "invalid_credentials",
        suspended_message(settings) if suspended else invalid_credentials_message(settings),
        details=[
            ErrorDetail(
                field=CHALLENGE_REQUIRED_FIELD,
                message="Au prochain essai, répondez d'abord à une question de vérification.",
            )
        ],
    )


@dataclass(frozen=True)
class Authenticated:
    """The caller behind a bearer token. ``member``: the account's member (None for staff), loaded by the
    same statement as the session and the account (``load_caller``)."""

    account: Account
    auth_session: AuthSession
    password_expired: bool = False
    member: Member | None = None
    # Whether a beneficiary of the account's household asked to hide their care from the assuré principal
    # (issue 21), read by the same statement: without one, who is looking needs no statement of its own.
    # True when unknown: the viewer then looks it up.
    hides_care: bool = True


# --- lookups -------------------------------------------------------------------------------------


def normalise_identifier(identifier: str) -> str:
    identifier = identifier.strip()
    return identifier.lower() if "@" in identifier else identifier.replace(" ", "")


def find_account(session: Session, identifier: str) -> Account | None:
    identifier = normalise_identifier(identifier)
    if identifier.isdigit():
        statement = (
            select(Account)
            .join(Member, Member.id == Account.member_id)  # type: ignore[arg-type]
            .where(Member.member_number == identifier, Account.role == Role.member)
        )
    elif "@" in identifier:
        statement = select(Account).where(Account.login_email == identifier)
    else:
        return None
    return session.exec(statement).first()


def account_email(session: Session, account: Account) -> str | None:
    if account.login_email:
        return account.login_email
    member = session.get(Member, account.member_id) if account.member_id else None
    return member.email if member else None


def password_is_expired(account: Account, settings: Settings, now: datetime) -> bool:
    return _password_expired(account.state, account.role, account.password_changed_at, settings, now)


def _password_expired(
    state: AccountState, role: Role, changed_at: datetime | None, settings: Settings, now: datetime
) -> bool:
    if state == AccountState.password_expired:
        return True
    max_age = settings.member_password_max_age if role == Role.member else settings.staff_password_max_age
    return max_age is not None and changed_at is not None and changed_at + max_age <= now


def _account_locked(account: Account, now: datetime) -> bool:
    """The lock a conseiller or the demo put on the account row (the counter's lock is separate)."""
    return account.state == AccountState.locked and (account.locked_until is None or account.locked_until > now)


def trust_device_allowed(account: Account) -> bool:
    """Only members may skip the code on a trusted device: conseillers give their second factor at every
    login (security-rules.md, « Conseiller actions »)."""
    return account.role == Role.member


def valid_trusted_device(
    session: Session, account: Account | None, token: str | None, now: datetime
) -> TrustedDevice | None:
    if account is None or not token or not trust_device_allowed(account):
        return None
    device = session.exec(select(TrustedDevice).where(TrustedDevice.token_hash == hash_token(token))).first()
    if device is None or device.account_id != account.id or device.revoked_at is not None or device.expires_at <= now:
        return None
    return device


# --- login ---------------------------------------------------------------------------------------


def login(
    session: Session,
    clock: Clock,
    settings: Settings,
    request: LoginRequest,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> LoginResult:
    now = clock.now()
    per_address = throttle.count_attempt(
        session,
        settings,
        now,
        f"login:ip:{ip or '-'}",
        max_failures=settings.login_ip_max_attempts,
        lockout=settings.login_ip_window,
    )
    account = find_account(session, request.identifier)
    device = valid_trusted_device(session, account, request.trusted_device_token, now)
    if device is not None:
        key = f"login:device:{device.id}"  # failures from elsewhere do not block this device
    elif account is not None:
        key = f"login:account:{account.id}"
    else:
        key = f"login:identifier:{normalise_identifier(request.identifier)}"
    count = throttle.count_attempt(
        session, settings, now, key, max_failures=settings.login_max_failures, lockout=settings.login_lockout
    )
    challenge_needed = count.attempts > 1
    challenge_ok = (not challenge_needed) or challenge.consume(
        session, settings, now, request.challenge_id, request.challenge_answer
    )
    check_stored = (
        account is not None
        and account.password_hash is not None
        and account.state in CAN_LOG_IN
        and not _account_locked(account, now)
        and not count.blocked
        and not per_address.blocked
        and challenge_ok
    )
    stored_hash = account.password_hash if check_stored and account is not None else None
    password_ok = verify_password(settings, stored_hash, request.password)  # the one argon2 computation
    reason = (
        "ok"
        if password_ok
        else "address_limit"
        if per_address.blocked
        else "locked"
        if count.blocked or (account is not None and _account_locked(account, now))
        else "challenge"
        if not challenge_ok
        else "unknown"
        if account is None
        else "state"
        if account.state not in CAN_LOG_IN
        else "wrong_password"
    )
    audit.record(
        session,
        clock,
        "login_attempt",
        actor_account_id=account.id if account else None,
        target_type="account" if account else None,
        target_id=account.id if account else None,
        detail={"checked": "stored" if check_stored else "dummy", "result": reason, "attempt": count.attempts},
        ip=ip,
    )
    if not password_ok:
        if account is not None and check_stored and count.just_locked and count.locked_until is not None:
            to = account_email(session, account)
            if to:
                mails.account_locked(session, clock, settings, to, count.locked_until)
            audit.record(session, clock, "account_locked", target_type="account", target_id=account.id, ip=ip)
        session.commit()
        if per_address.blocked:
            raise ApiError(
                429,
                "too_many_attempts",
                "Trop d'essais depuis votre adresse : patientez quelques minutes avant de réessayer.",
            )
        raise invalid_credentials(settings, suspended=count.blocked or count.just_locked)

    assert account is not None and account.id is not None and account.password_hash is not None
    throttle.reset(session, settings, key)
    if account.state == AccountState.locked:  # an expired lock of the row
        account.state = AccountState.active
        account.locked_until = None
    account.failed_attempts = 0
    if needs_rehash(settings, account.password_hash):
        account.password_hash = hash_password(settings, request.password)
    session.add(account)
    if device is not None:
        device.last_used_at = now
        session.add(device)
        out = create_session(session, clock, settings, account, ip=ip, user_agent=user_agent)
        audit.record(
            session, clock, "login_success", actor_account_id=account.id, detail={"via": "trusted_device"}, ip=ip
        )
        session.commit()
        return LoginResult(status=LoginStatus.authenticated, session=out)
    pending = _start_pending(session, clock, settings, account, ip=ip)
    session.commit()
    return LoginResult(status=LoginStatus.second_factor_required, pending=pending)


# --- second factor -------------------------------------------------------------------------------


def _methods(session: Session, account: Account) -> list[SecondFactorMethod]:
    methods: list[SecondFactorMethod] = []
    if account.totp_secret and account.totp_confirmed_at is not None:
        methods.append(SecondFactorMethod.totp)
    if account.role != Role.member and methods:
        return methods  # staff: the authenticator app every time
    if account_email(session, account):
        methods.append(SecondFactorMethod.email)
    member = session.get(Member, account.member_id) if account.member_id else None
    if member is not None and member.mobile:
        methods.append(SecondFactorMethod.sms)
    return methods


def mask_email(email: str) -> str:
    local, _, domain = email.partition("@")
    if len(local) <= 2:
        return f"{local[:1]}****@{domain}"
    return f"{local[0]}****{local[-1]}@{domain}"


def mask_phone(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return f"{digits[:2]} ** ** ** {digits[-2:]}" if len(digits) >= 4 else "** ** ** **"


def _code_hash(settings: Settings, pending_hash: str, code: str) -> str:
    return keyed_hash(settings, "second-factor", f"{pending_hash}:{code}")


def _send_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    row: PendingLoginRow,
    method: SecondFactorMethod,
) -> str | None:
    """Draws a new code (voiding the old one), sends it; returns the masked destination."""
    now = clock.now()
    row.method = method.value
    row.last_sent_at = now
    if method == SecondFactorMethod.totp:
        row.code_hash = None
        row.code_expires_at = now + settings.second_factor_code_ttl
        return None
    code = new_digits(6)
    row.code_hash = _code_hash(settings, row.id_hash, code)
    row.code_expires_at = now + settings.second_factor_code_ttl
    if method == SecondFactorMethod.email:
        to = account_email(session, account)
        assert to is not None
        mails.second_factor_code(session, clock, to, code, row.code_expires_at)
        return mask_email(to)
    member = session.get(Member, account.member_id) if account.member_id else None
    assert member is not None and member.mobile
    send_sms(session, clock, settings, member.mobile, mails.sms_code_text(code, row.code_expires_at))
    return mask_phone(member.mobile)


def _destination(session: Session, account: Account, method: SecondFactorMethod) -> str | None:
    if method == SecondFactorMethod.email:
        to = account_email(session, account)
        return mask_email(to) if to else None
    if method == SecondFactorMethod.sms:
        member = session.get(Member, account.member_id) if account.member_id else None
        return mask_phone(member.mobile) if member and member.mobile else None
    return None


def _pending_out(
    session: Session, settings: Settings, account: Account, row: PendingLoginRow, pending_id: str
) -> PendingLogin:
    method = SecondFactorMethod(row.method)
    return PendingLogin(
        id=pending_id,
        methods=_methods(session, account),
        method=method,
        destination=_destination(session, account, method),
        code_expires_at=row.code_expires_at,
        resends_left=max(settings.second_factor_max_resends - row.resends, 0),
        resend_available_at=row.last_sent_at + settings.second_factor_resend_interval,
        trust_device_allowed=trust_device_allowed(account),
    )


def _start_pending(
    session: Session, clock: Clock, settings: Settings, account: Account, *, ip: str | None
) -> PendingLogin:
    assert account.id is not None
    now = clock.now()
    methods = _methods(session, account)
    if not methods:
        raise ApiError(
            403,
            "no_second_factor",
            f"Aucun moyen de vous envoyer un code : contactez le service adhérent au {settings.service_phone}.",
        )
    pending_id = new_token()
    row = PendingLoginRow(
        id_hash=hash_token(pending_id),
        account_id=account.id,
        method=methods[0].value,
        code_expires_at=now,
        last_sent_at=now,
        created_at=now,
    )
    _send_code(session, clock, settings, account, row, methods[0])
    session.add(row)
    audit.record(
        session, clock, "second_factor_sent", actor_account_id=account.id, detail={"method": row.method}, ip=ip
    )
    return _pending_out(session, settings, account, row, pending_id)


def _live_pending(session: Session, clock: Clock, pending_id: str) -> PendingLoginRow:
    row = session.get(PendingLoginRow, hash_token(pending_id))
    if row is None or row.consumed_at is not None or row.ended_at is not None:
        raise ApiError(401, "pending_login_invalid", PENDING_ENDED)
    return row


def resend(
    session: Session, clock: Clock, settings: Settings, request: ResendRequest, *, ip: str | None
) -> PendingLogin:
    now = clock.now()
    row = _live_pending(session, clock, request.pending_id)
    account = session.get(Account, row.account_id)
    assert account is not None
    method = request.method or SecondFactorMethod(row.method)
    if method not in _methods(session, account):
        raise ApiError(
            422, "method_unavailable", "Ce moyen de recevoir un code n'est pas disponible pour votre compte."
        )
    if row.resends >= settings.second_factor_max_resends:
        raise ApiError(429, "too_many_resends", "Vous avez déjà demandé 3 nouveaux codes : reconnectez-vous.")
    if now < row.last_sent_at + settings.second_factor_resend_interval:
        raise ApiError(429, "resend_too_soon", "Patientez 30 secondes avant de demander un nouveau code.")
    row.resends += 1
    _send_code(session, clock, settings, account, row, method)  # the old code is void
    session.add(row)
    audit.record(
        session, clock, "second_factor_resent", actor_account_id=account.id, detail={"method": method.value}, ip=ip
    )
    session.commit()
    return _pending_out(session, settings, account, row, request.pending_id)


def totp_step_accepted(session: Session, settings: Settings, account: Account, code: str, now: datetime) -> bool:
    """Accepts a TOTP code once: the accepted time-step is stored by a conditional UPDATE."""
    if not account.totp_secret or not code.isdigit() or len(code) != 6:
        return False
    totp = pyotp.TOTP(decrypt(settings, account.totp_secret))
    current = int(now.timestamp()) // totp.interval
    for step in range(current - settings.totp_valid_window, current + settings.totp_valid_window + 1):
        if same(totp.at(step * totp.interval), code):
            updated = session.execute(
                sa.update(AT)
                .where(AT.c.id == account.id, sa.or_(AT.c.totp_last_step.is_(None), AT.c.totp_last_step < step))
                .values(totp_last_step=step)
            )
            return updated.rowcount == 1
    return False


def recovery_code_accepted(session: Session, settings: Settings, account: Account, code: str, now: datetime) -> bool:
    code_hash = keyed_hash(settings, "recovery-code", f"{account.id}:{code.strip().lower()}")
    rc = RecoveryCode.__table__  # type: ignore[attr-defined]
    updated = session.execute(
        sa.update(rc)
        .where(rc.c.account_id == account.id, rc.c.code_hash == code_hash, rc.c.used_at.is_(None))
        .values(used_at=now)
    )
    return updated.rowcount == 1


def second_factor(
    session: Session,
    clock: Clock,
    settings: Settings,
    request: SecondFactorRequest,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SecondFactorResult:
    now = clock.now()
    row = _live_pending(session, clock, request.pending_id)
    account = session.get(Account, row.account_id)
    assert account is not None and account.id is not None
    code = request.code.strip().replace(" ", "")
    if now >= row.code_expires_at:
        ok = False
    elif row.method == SecondFactorMethod.totp.value:
        ok = totp_step_accepted(session, settings, account, code, now) or (
            len(code) > 6 and recovery_code_accepted(session, settings, account, code, now)
        )
    else:
        ok = row.code_hash is not None and same(row.code_hash, _code_hash(settings, row.id_hash, code))
    if ok:  # consume: one conditional UPDATE (a parallel use of the same code gets nothing)
        ok = (
            session.execute(
                sa.update(PT)
                .where(PT.c.id_hash == row.id_hash, PT.c.consumed_at.is_(None), PT.c.ended_at.is_(None))
                .values(consumed_at=now)
            ).rowcount
            == 1
        )
    if not ok:
        session.execute(
            sa.update(PT)
            .where(PT.c.id_hash == row.id_hash)
            .values(
                wrong_codes=PT.c.wrong_codes + 1,
                ended_at=sa.case((PT.c.wrong_codes + 1 >= settings.second_factor_max_wrong, now), else_=PT.c.ended_at),
            )
        )
        audit.record(session, clock, "second_factor_failure", actor_account_id=account.id, ip=ip)
        session.commit()
        raise ApiError(401, "code_invalid", CODE_REFUSED)
    out = create_session(session, clock, settings, account, ip=ip, user_agent=user_agent)
    result = SecondFactorResult(session=out)
    if request.trust_device and trust_device_allowed(account):
        trusted = _add_trusted_device(session, clock, settings, account, request.device_name or user_agent, ip=ip)
        result.trusted_device_token = trusted.trusted_device_token
        result.trusted_device_expires_at = trusted.trusted_device_expires_at
    audit.record(session, clock, "login_success", actor_account_id=account.id, detail={"via": row.method}, ip=ip)
    session.commit()
    return result


def _add_trusted_device(
    session: Session, clock: Clock, settings: Settings, account: Account, name: str | None, *, ip: str | None
) -> TrustedDeviceToken:
    assert account.id is not None
    now = clock.now()
    token = new_token()
    device = TrustedDevice(
        account_id=account.id,
        token_hash=hash_token(token),
        name=(name or "Terminal")[:100],
        created_at=now,
        expires_at=now + settings.trusted_device_lifetime,
    )
    session.add(device)
    audit.record(session, clock, "trusted_device_added", actor_account_id=account.id, ip=ip)
    return TrustedDeviceToken(trusted_device_token=token, trusted_device_expires_at=device.expires_at)


def trust_after_second_factor(
    session: Session,
    clock: Clock,
    settings: Settings,
    current: Authenticated,
    request: TrustDeviceRequest,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> TrustedDeviceToken:
    """« Se fier à cet appareil ? » answered yes after the code was accepted: only by the session's own
    account, with the pending login whose code it just gave (a secret only that client holds), within
    `TRUST_QUESTION_WINDOW` of the code, once (the pending row is ended by a conditional UPDATE), and never
    for a conseiller."""
    now = clock.now()
    account = current.account
    if not trust_device_allowed(account):
        raise forbidden(
            "trust_not_allowed",
            "Un conseiller donne son second facteur à chaque connexion : pas d'appareil de confiance.",
        )
    row = session.get(PendingLoginRow, hash_token(request.pending_id))
    if (
        row is None
        or row.account_id != account.id
        or row.consumed_at is None
        or now - row.consumed_at > TRUST_QUESTION_WINDOW
    ):
        raise ApiError(409, "trust_too_late", TRUST_TOO_LATE)
    answered = session.execute(
        sa.update(PT).where(PT.c.id_hash == row.id_hash, PT.c.ended_at.is_(None)).values(ended_at=now)
    ).rowcount
    if answered != 1:
        raise ApiError(409, "trust_too_late", TRUST_TOO_LATE)
    trusted = _add_trusted_device(session, clock, settings, account, request.device_name or user_agent, ip=ip)
    session.commit()
    return trusted


# --- sessions ------------------------------------------------------------------------------------


def _idle_deadline(auth_session: AuthSession, settings: Settings) -> datetime:
    return min(auth_session.last_seen_at + settings.session_idle_timeout, auth_session.expires_at)


def create_session(
    session: Session,
    clock: Clock,
    settings: Settings,
    account: Account,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SessionOut:
    assert account.id is not None
    now = clock.now()
    token = new_token()
    auth_session = AuthSession(
        token_hash=hash_token(token),
        account_id=account.id,
        created_at=now,
        last_seen_at=now,
        expires_at=now + settings.session_absolute_lifetime,
        user_agent=(user_agent or "")[:300] or None,
        ip=ip,
    )
    session.add(auth_session)
    return SessionOut(
        token=token,
        role=account.role,
        display_name=account.display_name,
        expires_at=auth_session.expires_at,
        idle_expires_at=_idle_deadline(auth_session, settings),
        password_expired=password_is_expired(account, settings, now),
    )


def load_caller(session: Session, token: str) -> tuple[AuthSession, Account, Member | None, bool] | None:
    """The session row of a bearer token, its account, the account's member (None for staff) and whether a
    beneficiary of that household hides their care from the assuré principal, in ONE statement: every
    authenticated request runs it first (issue 20: three lookups through the ORM, then one for the hidden
    care, were a visible share of a claims page). Anything else the auth chain needs about the caller is
    joined here."""
    row = session.execute(_caller_statement(), {"token_hash": hash_token(token)}).first()
    return None if row is None else (row[0], row[1], row[2], bool(row[3]))


def _hides_care() -> Any:
    """EXISTS: a beneficiary of the account's household asked to hide their care (issue 21)."""
    bt = Beneficiary.__table__  # type: ignore[attr-defined]
    return sa.exists().where(bt.c.member_id == AT.c.member_id, bt.c.care_private_since.is_not(None))


@lru_cache(maxsize=1)
def _caller_statement() -> Any:
    """Built once, the token a bound parameter: building the statement and its cache key on every request
    cost as much as running it (measured on SQLite)."""
    return (
        select(AuthSession, Account, Member, _hides_care().label("hides_care"))
        .join(Account, Account.id == AuthSession.account_id)  # type: ignore[arg-type]
        .outerjoin(Member, Member.id == Account.member_id)  # type: ignore[arg-type]
        .where(AuthSession.token_hash == sa.bindparam("token_hash"))
    )


def authenticate(session: Session, clock: Clock, settings: Settings, token: str) -> Authenticated:
    """The account behind a bearer token, or 401. Read from the database on every request, never cached:
    a session revoked (logout, password change, a conseiller's action) is refused at the very next one.
    Bumps the session's last-seen time, at most once a minute."""
    now = clock.now()
    caller = load_caller(session, token)
    if caller is None or caller[0].revoked_at is not None:
        raise not_authenticated("session_invalid", SESSION_INVALID)
    auth_session, account, member, hides_care = caller
    if now >= auth_session.expires_at or now >= _idle_deadline(auth_session, settings):
        raise not_authenticated("session_expired", SESSION_EXPIRED)
    if account.state in (AccountState.disabled, AccountState.never_activated):
        raise not_authenticated("session_invalid", SESSION_INVALID)
    if now - auth_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        # The read above ends first: on SQLite a read transaction that then writes can fail at once when
        # another process wrote in between; a transaction that begins with the write waits its turn.
        session.commit()
        auth_session.last_seen_at = now
        session.add(auth_session)
        session.commit()
    return Authenticated(
        account=account,
        auth_session=auth_session,
        password_expired=password_is_expired(account, settings, now),
        member=member,
        hides_care=hides_care,
    )


def quick_principal(connection: sa.Connection, clock: Clock, settings: Settings, token: str) -> Member | None:
    """The quick way in for a page that only reads, on a Core connection (no ORM session, no identity map:
    issue 20, measured ~0.4 ms less than the session, ``authenticate`` and the viewer's lookup on SQLite): the member of
    the assuré principal behind ``token`` when there is nothing to say or to do — the session valid and seen
    less than ``LAST_SEEN_RESOLUTION`` ago, the account open with a fresh password, no beneficiary hiding
    their care. Otherwise None, and the caller goes the full way (``authenticate``, then the viewer), which
    refuses, bumps the last-seen time or looks the hidden care up with its own rules: this function decides
    nothing those rules would decide differently, it only recognises the case where they have nothing to do.
    The member is built from its row as the ORM builds a loaded object (the values as the database holds
    them), but belongs to no session: a page reads it, never writes it."""
    row = connection.execute(_quick_statement(), {"token_hash": hash_token(token)}).first()
    if row is None:
        return None
    facts, member_values = row[:_QUICK_FACTS], row[_QUICK_FACTS:]
    revoked_at, last_seen_at, expires_at, role, state, password_changed_at, beneficiary_id, hides_care = facts
    now = clock.now()
    if (
        revoked_at is not None
        or member_values[0] is None  # no member: staff, or an ayant droit's own access
        or role != Role.member
        or beneficiary_id is not None
        or hides_care
        or state not in (AccountState.active, AccountState.locked)
        or now - last_seen_at >= LAST_SEEN_RESOLUTION
        or now >= min(last_seen_at + settings.session_idle_timeout, expires_at)  # ``_idle_deadline``
        or _password_expired(state, role, password_changed_at, settings, now)
    ):
        return None
    member = _MEMBER_MANAGER.new_instance()  # what the ORM's loading does: the object, its state, no session
    member.__dict__.update(zip(_MEMBER_COLUMNS, member_values, strict=True))
    return member


_QUICK_FACTS = 8  # the columns of ``_quick_statement`` before the member's
_MEMBER_COLUMNS = tuple(c.key for c in Member.__table__.c)  # type: ignore[attr-defined]
_MEMBER_MANAGER = manager_of_class(Member)


@lru_cache(maxsize=1)
def _quick_statement() -> Any:
    # The mappers are set up at the first ORM statement; a process whose first request comes this way has run
    # none yet, and the member's attributes read nothing before they are.
    configure_mappers()
    st, mt = AuthSession.__table__, Member.__table__  # type: ignore[attr-defined]
    return (
        sa.select(
            st.c.revoked_at,
            st.c.last_seen_at,
            st.c.expires_at,
            AT.c.role,
            AT.c.state,
            AT.c.password_changed_at,
            AT.c.beneficiary_id,
            _hides_care(),
            *(mt.c[name] for name in _MEMBER_COLUMNS),
        )
        .select_from(st.join(AT, AT.c.id == st.c.account_id).outerjoin(mt, mt.c.id == AT.c.member_id))
        .where(st.c.token_hash == sa.bindparam("token_hash"))
    )


def require_fresh_password(current: Authenticated) -> Authenticated:
    if current.password_expired:
        raise forbidden(PASSWORD_EXPIRED_CODE, PASSWORD_EXPIRED_MESSAGE)
    return current


def extend(session: Session, clock: Clock, settings: Settings, current: Authenticated) -> SessionExtended:
    auth_session = current.auth_session
    auth_session.last_seen_at = clock.now()
    session.add(auth_session)
    session.commit()
    return SessionExtended(expires_at=auth_session.expires_at, idle_expires_at=_idle_deadline(auth_session, settings))


def logout(session: Session, clock: Clock, current: Authenticated, *, ip: str | None = None) -> None:
    auth_session = current.auth_session
    auth_session.revoked_at = clock.now()
    session.add(auth_session)
    audit.record(
        session,
        clock,
        "logout",
        actor_account_id=current.account.id,
        target_type="auth_session",
        target_id=auth_session.id,
        ip=ip,
    )
    session.commit()


def revoke_everything(session: Session, clock: Clock, account_id: int, *, keep_session_id: int | None = None) -> None:
    """Ends every session (but ``keep_session_id``) and every trusted device of the account."""
    now = clock.now()
    st = AuthSession.__table__  # type: ignore[attr-defined]
    dt = TrustedDevice.__table__  # type: ignore[attr-defined]
    condition = sa.and_(st.c.account_id == account_id, st.c.revoked_at.is_(None))
    if keep_session_id is not None:
        condition = sa.and_(condition, st.c.id != keep_session_id)
    session.execute(sa.update(st).where(condition).values(revoked_at=now))
    session.execute(
        sa.update(dt).where(dt.c.account_id == account_id, dt.c.revoked_at.is_(None)).values(revoked_at=now)
    )


def session_info(session: Session, settings: Settings, current: Authenticated) -> SessionInfo:
    account = current.account
    member = session.get(Member, account.member_id) if account.member_id is not None else None
    if account.beneficiary_id is not None:  # issue 21: an ayant droit's own access, on the household's contract
        beneficiary = session.get(Beneficiary, account.beneficiary_id)
        member = session.get(Member, beneficiary.member_id) if beneficiary is not None else None
    assert account.id is not None
    return SessionInfo(
        beneficiary_id=account.beneficiary_id,
        account_id=account.id,
        role=account.role,
        display_name=account.display_name,
        member_number=member.member_number if member else None,
        expires_at=current.auth_session.expires_at,
        idle_expires_at=_idle_deadline(current.auth_session, settings),
        password_expired=current.password_expired,
    )
