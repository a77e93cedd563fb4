"""Login, logout and the resolution of a bearer token into an account.

Sessions are rows (several server processes share them); the token is only ever stored hashed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, select

from models.schemas.auth import LoginRequest, SessionInfo, SessionOut
from models.schemas.common import AccountState, Role
from models.tables import Account, AuthSession, Member
from server.clock import Clock
from server.errors import ApiError, not_authenticated
from server.security.passwords import hash_password, needs_rehash, verify_password
from server.security.tokens import hash_token, new_token
from server.services import audit
from server.settings import Settings

INVALID_CREDENTIALS = "Identifiant ou mot de passe incorrect."
SESSION_EXPIRED = "Votre session a expiré : reconnectez-vous."
SESSION_INVALID = "Votre session n'est plus valable : reconnectez-vous."
# Written at most this often, so that reading pages does not write a row each time.
LAST_SEEN_RESOLUTION = timedelta(minutes=1)

_REFUSED_STATES: dict[AccountState, tuple[str, str]] = {
    AccountState.never_activated: (
        "account_not_activated",
        "Votre espace n'est pas encore activé : activez-le avec votre numéro d'adhérent et le code "
        "d'accès reçu par courrier (« Première connexion »).",
    ),
    AccountState.email_unconfirmed: (
        "email_unconfirmed",
        "Votre adresse e-mail n'est pas encore confirmée : ouvrez le lien ou saisissez le code reçu "
        "par e-mail pour terminer l'activation de votre espace.",
    ),
    AccountState.locked: (
        "account_locked",
        "Votre accès est temporairement bloqué : réessayez dans 15 minutes, ou utilisez « Mot de passe "
        "oublié » pour le débloquer aussitôt.",
    ),
    AccountState.disabled: (
        "account_disabled",
        "Votre accès est désactivé : contactez le service adhérent pour le rétablir.",
    ),
}


@dataclass(frozen=True)
class Authenticated:
    account: Account
    auth_session: AuthSession


def _find_account(session: Session, identifier: str) -> Account | None:
    identifier = identifier.strip()
    if identifier.isdigit():
        statement = (
            select(Account)
            .join(Member, Member.id == Account.member_id)  # type: ignore[arg-type]
            .where(Member.member_number == identifier, Account.role == Role.member)
        )
    elif "@" in identifier:
        statement = select(Account).where(Account.login_email == identifier.lower())
    else:
        return None
    return session.exec(statement).first()


def _refusal(account: Account, now: datetime) -> tuple[str, str] | None:
    if account.state == AccountState.locked and account.locked_until is not None and account.locked_until <= now:
        account.state = AccountState.active  # the temporary lock has run out
        account.locked_until = None
        account.failed_attempts = 0
    return _REFUSED_STATES.get(account.state)


def _idle_deadline(auth_session: AuthSession, settings: Settings) -> datetime:
    return min(auth_session.last_seen_at + settings.session_idle_timeout, auth_session.expires_at)


def login(
    session: Session,
    clock: Clock,
    settings: Settings,
    request: LoginRequest,
    *,
    ip: str | None = None,
    user_agent: str | None = None,
) -> SessionOut:
    now = clock.now()
    account = _find_account(session, request.identifier)
    refusal = _refusal(account, now) if account is not None else None
    # One hash computation per attempt: a dummy one when there is no stored hash to check.
    checked_hash = account.password_hash if account is not None and refusal is None else None
    password_ok = verify_password(settings, checked_hash, request.password)

    if account is not None and refusal is not None:
        audit.record(
            session,
            clock,
            "login_refused",
            actor_account_id=account.id,
            target_type="account",
            target_id=account.id,
            detail={"state": account.state.value},
            ip=ip,
        )
        session.commit()
        raise ApiError(403, refusal[0], refusal[1])
    if account is None or not password_ok:
        if account is not None:
            account.failed_attempts += 1
            session.add(account)
        audit.record(
            session,
            clock,
            "login_failure",
            actor_account_id=account.id if account else None,
            detail={"reason": "unknown_identifier" if account is None else "wrong_password"},
            ip=ip,
        )
        session.commit()
        raise ApiError(401, "invalid_credentials", INVALID_CREDENTIALS)

    assert account.id is not None and account.password_hash is not None
    account.failed_attempts = 0
    if needs_rehash(settings, account.password_hash):
        account.password_hash = hash_password(settings, request.password)
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
    session.add(account)
    session.add(auth_session)
    audit.record(
        session,
        clock,
        "login_success",
        actor_account_id=account.id,
        target_type="account",
        target_id=account.id,
        ip=ip,
    )
    session.commit()
    return SessionOut(
        token=token,
        role=account.role,
        display_name=account.display_name,
        expires_at=auth_session.expires_at,
        idle_expires_at=_idle_deadline(auth_session, settings),
    )


def authenticate(session: Session, clock: Clock, settings: Settings, token: str) -> Authenticated:
    """The account behind a bearer token, or 401. Bumps the session's last-seen time."""
    now = clock.now()
    auth_session = session.exec(select(AuthSession).where(AuthSession.token_hash == hash_token(token))).first()
    if auth_session is None or auth_session.revoked_at is not None:
        raise not_authenticated("session_invalid", SESSION_INVALID)
    if now >= auth_session.expires_at or now >= _idle_deadline(auth_session, settings):
        raise not_authenticated("session_expired", SESSION_EXPIRED)
    account = session.get(Account, auth_session.account_id)
    if account is None or account.state in _REFUSED_STATES:
        raise not_authenticated("session_invalid", SESSION_INVALID)
    if now - auth_session.last_seen_at >= LAST_SEEN_RESOLUTION:
        auth_session.last_seen_at = now
        session.add(auth_session)
        session.commit()
    return Authenticated(account=account, auth_session=auth_session)


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


def session_info(session: Session, settings: Settings, current: Authenticated) -> SessionInfo:
    account = current.account
    member = session.get(Member, account.member_id) if account.member_id is not None else None
    assert account.id is not None
    return SessionInfo(
        account_id=account.id,
        role=account.role,
        display_name=account.display_name,
        member_number=member.member_number if member else None,
        expires_at=current.auth_session.expires_at,
        idle_expires_at=_idle_deadline(current.auth_session, settings),
    )
