"""Première connexion (by code, by identity), email confirmation, mot de passe oublié, identifier
recovery, password change and check, sessions and trusted devices, TOTP enrolment.

Anonymous requests that could tell whether an account exists answer the same 202 whatever happened;
what happened goes to the audit and, when it should, to the member's mailbox (outbox)."""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

import pyotp
import qrcode
import sqlalchemy as sa
from sqlmodel import Session, col, select
from stdnum.fr import nir as stdnum_nir

from models.domain import password_policy
from models.schemas.auth import (
    Accepted,
    ActivationByCode,
    ActivationByIdentity,
    ChangePasswordRequest,
    ConfirmEmailRequest,
    ForgotPasswordRequest,
    PasswordCheckResult,
    PolicyViolation,
    RecoverIdentifierRequest,
    RecoveryCodes,
    ResendConfirmationRequest,
    ResetPasswordRequest,
    SessionListItem,
    TotpEnrollment,
    TrustedDeviceOut,
)
from models.schemas.common import AccountState, Role
from models.schemas.errors import ErrorDetail
from models.tables import Account, AuthSession, Beneficiary, Member, PasswordHistory, RecoveryCode, TrustedDevice
from server.clock import Clock
from server.errors import ApiError
from server.security.crypto import access_code_hash, decrypt, encrypt, keyed_hash, nir_lookup_hash, same
from server.security.passwords import hash_password, verify_password
from server.security.tokens import new_recovery_code
from server.services import audit, challenge, contacts, mails, throttle
from server.services.auth import (
    Authenticated,
    account_email,
    find_account,
    revoke_everything,
    totp_step_accepted,
)
from server.services.mail_tokens import CONFIRMATION, RESET
from server.services.mail_tokens import consume as _consume_mail_token
from server.services.mail_tokens import find as _find_mail_token
from server.services.mail_tokens import issue as _issue_mail_token
from server.settings import Settings

ACTIVATION_ACCEPTED = (
    "Si les informations saisies correspondent à un adhérent, un e-mail de confirmation vient d'être envoyé "
    "à l'adresse indiquée : ouvrez le lien ou saisissez le code reçu (valable 24 heures)."
)
FORGOT_ACCEPTED = (
    "Si un compte correspond à cet identifiant, un e-mail avec un lien et un code de réinitialisation vient "
    "d'être envoyé à son adresse (valable 24 heures, une seule fois)."
)
RECOVER_ACCEPTED = (
    "Si ces informations correspondent à un adhérent, son identifiant vient d'être envoyé à son adresse "
    "e-mail. Il n'est jamais affiché à l'écran."
)
RESEND_CONFIRMATION_ACCEPTED = (
    "Si un compte en attente de confirmation correspond à cet identifiant, un nouvel e-mail de confirmation "
    "vient d'être envoyé à son adresse : ouvrez le lien ou saisissez le code reçu (valable 24 heures)."
)
TOKEN_REFUSED = "Ce lien ou ce code n'est pas valable (déjà utilisé, expiré ou erroné) : demandez-en un nouveau."
CHALLENGE_FAILED = "La réponse à la question de vérification est manquante ou erronée : demandez une nouvelle question."

TERMS_VERSION = "2026-01"
TERMS_TITLE = "Conditions générales d'utilisation de l'Espace Adhérent"
TERMS_TEXT = """1. Objet. L'Espace Adhérent permet à l'adhérent de consulter ses garanties, ses remboursements et ses \
documents, et d'échanger avec sa mutuelle. Son accès est gratuit, hors coût de la connexion.
2. Accès. L'adhérent s'identifie avec son numéro d'adhérent (ou son adresse e-mail) et un mot de passe \
personnel, complétés d'un code envoyé par e-mail ou SMS. Il garde ces éléments secrets ; la mutuelle ne les \
lui demandera jamais. Après trois essais erronés, l'accès est bloqué 15 minutes.
3. Données personnelles. Les données de santé sont traitées pour la gestion du contrat, conformément au \
RGPD et à la loi Informatique et Libertés. L'adhérent dispose d'un droit d'accès, de rectification, \
d'effacement et de limitation, qu'il exerce auprès du délégué à la protection des données de la mutuelle.
4. Sécurité. Les échanges sont chiffrés ; les connexions et les actions sensibles sont journalisées et \
conservées un an au plus.
5. Responsabilité. Les informations affichées le sont à titre indicatif ; seuls les décomptes et le contrat \
font foi. La mutuelle peut suspendre l'accès pour maintenance ou en cas d'usage frauduleux.
6. Modification. Ces conditions peuvent évoluer ; l'adhérent est invité à accepter la nouvelle version à sa \
prochaine connexion."""


# Said to the member as it is (the clients show a field's message): what is wrong and what to do.
WRONG_CURRENT_PASSWORD = (
    "Le mot de passe actuel est incorrect : retapez-le, ou, si vous l'avez oublié, déconnectez-vous et "
    "choisissez « Mot de passe oublié ? »."
)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.strip().casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).replace("-", " ").split())


def _require_challenge(
    session: Session, settings: Settings, now: datetime, cid: str | None, answer: str | None
) -> None:
    if not challenge.consume(session, settings, now, cid, answer):
        session.commit()  # the challenge is used up even when the answer is wrong
        raise ApiError(
            422,
            "challenge_failed",
            CHALLENGE_FAILED,
            details=[ErrorDetail(field="challenge_answer", message=CHALLENGE_FAILED)],
        )


def _policy_error(violations: list[password_policy.Violation]) -> ApiError:
    return ApiError(
        422,
        "password_policy",
        "Le mot de passe ne respecte pas les règles : " + " ".join(v.message for v in violations),
        details=[ErrorDetail(field=f"password.{v.code}", message=v.message) for v in violations],
    )


def _personal(member: Member | None, account: Account | None = None) -> password_policy.PersonalData:
    if member is None:
        names = tuple(account.display_name.split()) if account else ()
        return password_policy.PersonalData(extra=names)
    return password_policy.PersonalData(
        member_number=member.member_number,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date=member.birth_date,
    )


def _set_password(session: Session, clock: Clock, settings: Settings, account: Account, password: str) -> None:
    assert account.id is not None
    account.password_hash = hash_password(settings, password)
    account.password_changed_at = clock.now()
    session.add(account)
    session.add(PasswordHistory(account_id=account.id, password_hash=account.password_hash, created_at=clock.now()))


def _reused(session: Session, settings: Settings, account: Account, password: str) -> bool:
    hashes = session.exec(
        select(PasswordHistory.password_hash)
        .where(PasswordHistory.account_id == account.id)
        .order_by(col(PasswordHistory.created_at).desc(), col(PasswordHistory.id).desc())
        .limit(settings.password_history)
    ).all()
    candidates = list(hashes) or ([account.password_hash] if account.password_hash else [])
    return any(verify_password(settings, h, password) for h in candidates)


# --- activation ----------------------------------------------------------------------------------


def _activate(
    session: Session,
    clock: Clock,
    settings: Settings,
    holder: Member | Beneficiary,
    account: Account,
    email: str,
    password_hash: str,
) -> None:
    """``holder`` is whoever the code d'accès was posted to: the adhérent, or (issue 21) an ayant droit whose
    own access the assuré principal opened — whose e-mail is their own, never written on the adhérent."""
    assert account.id is not None
    email = email.strip().lower()
    taken = session.exec(select(Account).where(Account.login_email == email, Account.id != account.id)).first()
    if taken is not None:
        audit.record(session, clock, "activation_email_taken", target_type="account", target_id=account.id)
        return
    now = clock.now()
    account.password_hash = password_hash
    account.password_changed_at = now
    account.login_email = email
    account.state = AccountState.email_unconfirmed
    if isinstance(holder, Member):
        holder.email = email
    holder.access_code_hash = None
    session.add_all([account, holder])
    session.add(PasswordHistory(account_id=account.id, password_hash=password_hash, created_at=now))
    token, code, expires = _issue_mail_token(session, clock, settings, account, CONFIRMATION)
    mails.email_confirmation(session, clock, settings, email, token, code, expires)
    audit.record(session, clock, "account_activated", target_type="account", target_id=account.id)


def _activation_common(
    session: Session,
    clock: Clock,
    settings: Settings,
    body: ActivationByCode | ActivationByIdentity,
    personal: password_policy.PersonalData,
) -> datetime:
    now = clock.now()
    if not body.accept_terms:
        raise ApiError(
            422,
            "terms_not_accepted",
            "Acceptez les conditions générales d'utilisation pour activer votre espace.",
            details=[ErrorDetail(field="accept_terms", message="Acceptez les conditions générales d'utilisation.")],
        )
    _require_challenge(session, settings, now, body.challenge_id, body.challenge_answer)
    violations = password_policy.check(body.password, personal)
    if violations:
        session.commit()
        raise _policy_error(violations)
    return now


def _member_account(session: Session, member_number: str) -> tuple[Member | None, Account | None]:
    member = session.exec(select(Member).where(Member.member_number == member_number.strip())).first()
    account = None
    if member is not None:
        account = session.exec(
            select(Account).where(Account.member_id == member.id, Account.role == Role.member)
        ).first()
    return member, account


def _pending_beneficiary_access(
    session: Session, member: Member, digest: str
) -> tuple[Beneficiary | None, Account | None]:
    """The household's ayant droit whose posted code d'accès this is, with their account not yet activated."""
    rows = session.exec(
        select(Beneficiary, Account)
        .join(Account, Account.beneficiary_id == Beneficiary.id)  # type: ignore[arg-type]
        .where(
            Beneficiary.member_id == member.id,
            col(Beneficiary.access_code_hash).is_not(None),
            Account.state == AccountState.never_activated,
        )
    ).all()
    for beneficiary, account in rows:
        if beneficiary.access_code_hash is not None and same(beneficiary.access_code_hash, digest):
            return beneficiary, account
    return None, None


def activate_by_code(
    session: Session, clock: Clock, settings: Settings, body: ActivationByCode, *, ip: str | None
) -> Accepted:
    personal = password_policy.PersonalData(member_number=body.member_number.strip())
    now = _activation_common(session, clock, settings, body, personal)
    counted = throttle.count_attempt(
        session,
        settings,
        now,
        f"activation:code:{body.member_number.strip()}",
        max_failures=settings.activation_max_failures,
        lockout=settings.activation_lockout,
    )
    member, account = _member_account(session, body.member_number)
    password_hash = hash_password(settings, body.password)  # computed in every case
    digest = access_code_hash(settings, body.access_code)
    holder: Member | Beneficiary | None = None
    if not counted.blocked and member is not None:
        if (
            account is not None
            and account.state == AccountState.never_activated
            and member.access_code_hash is not None
            and same(member.access_code_hash, digest)
        ):
            holder = member
        else:  # issue 21: the same n° adhérent with an ayant droit's own code d'accès
            holder, account = _pending_beneficiary_access(session, member, digest)
    if holder is not None and account is not None:
        _activate(session, clock, settings, holder, account, body.email, password_hash)
        throttle.reset(session, settings, f"activation:code:{body.member_number.strip()}")
    else:
        audit.record(session, clock, "activation_refused", detail={"by": "code"}, ip=ip)
    session.commit()
    return Accepted(message=ACTIVATION_ACCEPTED)


def identity_matches(member: Member, settings: Settings, last: str, first: str, birth: date, nir: str) -> bool:
    if member.nir is None or member.nir_hash is None:
        return False
    return (
        _fold(member.last_name) == _fold(last)
        and _fold(member.first_name) == _fold(first)
        and member.birth_date == birth
        and same(member.nir_hash, nir_lookup_hash(settings, nir))
    )


def _valid_nir(nir: str) -> str | None:
    compact = nir.replace(" ", "").upper()
    return compact if stdnum_nir.is_valid(compact) else None


def activate_by_identity(
    session: Session, clock: Clock, settings: Settings, body: ActivationByIdentity, *, ip: str | None
) -> Accepted:
    if _valid_nir(body.nir) is None:
        raise ApiError(
            422,
            "nir_invalid",
            "Le numéro de sécurité sociale est incomplet ou sa clé ne correspond pas : vérifiez votre carte Vitale.",
            details=[ErrorDetail(field="nir", message="numéro ou clé invalide")],
        )
    personal = password_policy.PersonalData(
        member_number=body.member_number.strip(),
        first_name=body.first_name,
        last_name=body.last_name,
        birth_date=body.birth_date,
    )
    now = _activation_common(session, clock, settings, body, personal)
    counted = throttle.count_attempt(
        session,
        settings,
        now,
        f"activation:identity:{body.member_number.strip()}",
        max_failures=settings.activation_identity_max_failures,
        lockout=settings.activation_lockout,
    )
    member, account = _member_account(session, body.member_number)
    password_hash = hash_password(settings, body.password)
    valid = (
        not counted.blocked
        and member is not None
        and account is not None
        and account.state == AccountState.never_activated
        and identity_matches(member, settings, body.last_name, body.first_name, body.birth_date, body.nir)
    )
    if valid and member is not None and account is not None:
        _activate(session, clock, settings, member, account, body.email, password_hash)
        throttle.reset(session, settings, f"activation:identity:{body.member_number.strip()}")
    else:
        audit.record(session, clock, "activation_refused", detail={"by": "identity"}, ip=ip)
    session.commit()
    return Accepted(message=ACTIVATION_ACCEPTED)


def confirm_email(
    session: Session, clock: Clock, settings: Settings, body: ConfirmEmailRequest, *, ip: str | None
) -> Accepted:
    now = clock.now()
    row = _find_mail_token(session, settings, now, CONFIRMATION, body.token, body.identifier, body.code)
    if row is None or not _consume_mail_token(session, now, row):
        session.commit()
        raise ApiError(400, "token_invalid", TOKEN_REFUSED)
    account = session.get(Account, row.account_id)
    assert account is not None
    if account.state == AccountState.email_unconfirmed:
        account.state = AccountState.active
    account.email_confirmed_at = now
    session.add(account)
    audit.record(session, clock, "email_confirmed", actor_account_id=account.id, ip=ip)
    session.commit()
    return Accepted(message="Votre adresse e-mail est confirmée : vous pouvez vous connecter.")


def resend_confirmation(
    session: Session, clock: Clock, settings: Settings, body: ResendConfirmationRequest, *, ip: str | None
) -> Accepted:
    """Always the same 202; a fresh link and code only for an account still waiting for its confirmation.
    The earlier ones stay valid until they expire (each is single use)."""
    now = clock.now()
    _require_challenge(session, settings, now, body.challenge_id, body.challenge_answer)
    account = find_account(session, body.identifier)
    sent = False
    if account is not None and account.state == AccountState.email_unconfirmed:
        counted = throttle.count_attempt(
            session, settings, now, f"resend-confirmation:{account.id}", max_failures=3, lockout=settings.login_lockout
        )
        to = account_email(session, account)
        if to and not counted.blocked:
            token, code, expires = _issue_mail_token(session, clock, settings, account, CONFIRMATION)
            mails.email_confirmation(session, clock, settings, to, token, code, expires)
            sent = True
    audit.record(
        session,
        clock,
        "email_confirmation_resent",
        detail={"sent": sent},
        target_type="account" if account else None,
        target_id=account.id if account else None,
        ip=ip,
    )
    session.commit()
    return Accepted(message=RESEND_CONFIRMATION_ACCEPTED)


# --- password forgotten, identifier ---------------------------------------------------------------


def forgot_password(
    session: Session, clock: Clock, settings: Settings, body: ForgotPasswordRequest, *, ip: str | None
) -> Accepted:
    now = clock.now()
    _require_challenge(session, settings, now, body.challenge_id, body.challenge_answer)
    account = find_account(session, body.identifier)
    sent = False
    if account is not None and account.state not in (AccountState.never_activated, AccountState.disabled):
        counted = throttle.count_attempt(
            session, settings, now, f"forgot:{account.id}", max_failures=3, lockout=settings.password_reset_ttl
        )
        to = account_email(session, account)
        member = session.get(Member, account.member_id) if account.member_id else None
        # issue 16: an address put on file a short while ago gets no reset link (a contact change then a reset
        # link is the takeover path); it is told why and to call the service adhérent. Same 202 either way.
        quarantined = contacts.reset_quarantine_until(session, clock, settings, member, to) if member and to else None
        if to and not counted.blocked and quarantined is not None:
            mails.reset_quarantined(session, clock, settings, to, quarantined)
        elif to and not counted.blocked:
            token, code, expires = _issue_mail_token(session, clock, settings, account, RESET)
            mails.password_reset(session, clock, settings, to, token, code, expires)
            sent = True
    else:
        quarantined = None
    audit.record(
        session,
        clock,
        "password_reset_requested",
        detail={"sent": sent, **({"quarantined": True} if quarantined is not None else {})},
        target_id=account.id if account else None,
        ip=ip,
    )
    session.commit()
    return Accepted(message=FORGOT_ACCEPTED)


def reset_password(
    session: Session, clock: Clock, settings: Settings, body: ResetPasswordRequest, *, ip: str | None
) -> Accepted:
    now = clock.now()
    row = _find_mail_token(session, settings, now, RESET, body.token, body.identifier, body.code)
    account = session.get(Account, row.account_id) if row is not None else None
    if (
        row is None
        or account is None
        or (account.password_changed_at is not None and row.created_at < account.password_changed_at)
    ):
        session.commit()
        raise ApiError(400, "token_invalid", TOKEN_REFUSED)
    member = session.get(Member, account.member_id) if account.member_id else None
    violations = password_policy.check(body.new_password, _personal(member, account))
    if not violations and _reused(session, settings, account, body.new_password):
        violations = [password_policy.reused_violation()]
    if violations:
        session.commit()
        raise _policy_error(violations)
    if not _consume_mail_token(session, now, row):
        session.commit()
        raise ApiError(400, "token_invalid", TOKEN_REFUSED)
    assert account.id is not None
    _set_password(session, clock, settings, account, body.new_password)
    if account.state in (AccountState.locked, AccountState.password_expired):
        account.state = AccountState.active
    account.locked_until = None
    account.failed_attempts = 0
    throttle.reset(session, settings, f"login:account:{account.id}")
    revoke_everything(session, clock, account.id)
    to = account_email(session, account)
    if to:
        mails.password_changed(session, clock, settings, to)
    audit.record(session, clock, "password_reset", actor_account_id=account.id, ip=ip)
    session.commit()
    return Accepted(message="Votre mot de passe est changé : connectez-vous avec le nouveau.")


def recover_identifier(
    session: Session, clock: Clock, settings: Settings, body: RecoverIdentifierRequest, *, ip: str | None
) -> Accepted:
    now = clock.now()
    counted = throttle.count_attempt(
        session,
        settings,
        now,
        f"recover:ip:{ip or '-'}",
        max_failures=settings.login_ip_max_attempts,
        lockout=settings.login_ip_window,
    )
    nir = _valid_nir(body.nir)
    sent = False
    if nir is not None and not counted.blocked:
        for member in session.exec(select(Member).where(Member.nir_hash == nir_lookup_hash(settings, nir))).all():
            if identity_matches(member, settings, body.last_name, body.first_name, body.birth_date, nir):
                account = session.exec(select(Account).where(Account.member_id == member.id)).first()
                to = (account_email(session, account) if account else None) or member.email
                if to:
                    mails.identifier_reminder(session, clock, to, member.member_number)
                    sent = True
    audit.record(session, clock, "identifier_recovery", detail={"sent": sent}, ip=ip)
    session.commit()
    return Accepted(message=RECOVER_ACCEPTED)


# --- logged-in account ---------------------------------------------------------------------------


def check_password(session: Session, current: Authenticated, password: str) -> PasswordCheckResult:
    account = current.account
    member = session.get(Member, account.member_id) if account.member_id else None
    violations = password_policy.check(password, _personal(member, account))
    return PasswordCheckResult(
        ok=not violations, violations=[PolicyViolation(code=v.code, message=v.message) for v in violations]
    )


def change_password(
    session: Session,
    clock: Clock,
    settings: Settings,
    current: Authenticated,
    body: ChangePasswordRequest,
    *,
    ip: str | None,
) -> Accepted:
    account = current.account
    assert account.id is not None
    if not verify_password(settings, account.password_hash, body.current_password):
        audit.record(session, clock, "password_change_refused", actor_account_id=account.id, ip=ip)
        session.commit()
        raise ApiError(
            422,
            "current_password_wrong",
            WRONG_CURRENT_PASSWORD,
            details=[ErrorDetail(field="current_password", message=WRONG_CURRENT_PASSWORD)],
        )
    member = session.get(Member, account.member_id) if account.member_id else None
    violations = password_policy.check(body.new_password, _personal(member, account))
    if not violations and _reused(session, settings, account, body.new_password):
        violations = [password_policy.reused_violation()]
    if violations:
        raise _policy_error(violations)
    _set_password(session, clock, settings, account, body.new_password)
    if account.state == AccountState.password_expired:
        account.state = AccountState.active
    revoke_everything(session, clock, account.id, keep_session_id=current.auth_session.id)
    to = account_email(session, account)
    if to:
        mails.password_changed(session, clock, settings, to)
    audit.record(session, clock, "password_changed", actor_account_id=account.id, ip=ip)
    session.commit()
    return Accepted(message="Votre mot de passe est changé.")


def list_sessions(session: Session, clock: Clock, current: Authenticated) -> list[SessionListItem]:
    now = clock.now()
    rows = session.exec(
        select(AuthSession)
        .where(
            AuthSession.account_id == current.account.id,
            col(AuthSession.revoked_at).is_(None),
            AuthSession.expires_at > now,
        )
        .order_by(col(AuthSession.created_at).desc())
    ).all()
    return [
        SessionListItem(
            id=r.id or 0,
            created_at=r.created_at,
            last_seen_at=r.last_seen_at,
            expires_at=r.expires_at,
            user_agent=r.user_agent,
            ip=r.ip,
            current=r.id == current.auth_session.id,
        )
        for r in rows
    ]


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "Cette page ou cette ressource n'existe pas.")


def _revoke_own(
    session: Session,
    clock: Clock,
    current: Authenticated,
    row: AuthSession | TrustedDevice | None,
    *,
    action: str,
    target_type: str,
    ip: str | None,
) -> None:
    """Revoke one of the member's own sessions or devices; anyone else's (or an unknown id) is a 404."""
    if row is None or row.account_id != current.account.id or row.revoked_at is not None:
        raise _not_found()
    row.revoked_at = clock.now()
    session.add(row)
    audit.record(
        session, clock, action, actor_account_id=current.account.id, target_type=target_type, target_id=row.id, ip=ip
    )
    session.commit()


def revoke_session(session: Session, clock: Clock, current: Authenticated, session_id: int, *, ip: str | None) -> None:
    row = session.get(AuthSession, session_id)
    _revoke_own(session, clock, current, row, action="session_revoked", target_type="auth_session", ip=ip)


def list_devices(session: Session, clock: Clock, current: Authenticated) -> list[TrustedDeviceOut]:
    now = clock.now()
    rows = session.exec(
        select(TrustedDevice)
        .where(
            TrustedDevice.account_id == current.account.id,
            col(TrustedDevice.revoked_at).is_(None),
            TrustedDevice.expires_at > now,
        )
        .order_by(col(TrustedDevice.created_at).desc())
    ).all()
    return [
        TrustedDeviceOut(
            id=r.id or 0, name=r.name, created_at=r.created_at, expires_at=r.expires_at, last_used_at=r.last_used_at
        )
        for r in rows
    ]


def revoke_device(session: Session, clock: Clock, current: Authenticated, device_id: int, *, ip: str | None) -> None:
    row = session.get(TrustedDevice, device_id)
    _revoke_own(session, clock, current, row, action="trusted_device_revoked", target_type="trusted_device", ip=ip)


def qr_lines(data: str) -> list[str]:
    """The QR code of ``data`` in half-block characters: two module rows per text line."""
    qr = qrcode.QRCode(border=2, error_correction=qrcode.constants.ERROR_CORRECT_M)
    qr.add_data(data)
    qr.make(fit=True)
    matrix = qr.get_matrix()
    if len(matrix) % 2:
        matrix.append([False] * len(matrix[0]))
    glyphs = {(True, True): "█", (True, False): "▀", (False, True): "▄", (False, False): " "}
    return [
        "".join(glyphs[(top, bottom)] for top, bottom in zip(matrix[i], matrix[i + 1], strict=True))
        for i in range(0, len(matrix), 2)
    ]


def totp_enroll(session: Session, clock: Clock, settings: Settings, current: Authenticated) -> TotpEnrollment:
    account = current.account
    secret = pyotp.random_base32()
    account.totp_secret = encrypt(settings, secret)
    account.totp_confirmed_at = None
    account.totp_last_step = None
    session.add(account)
    audit.record(session, clock, "totp_enrolment_started", actor_account_id=account.id)
    session.commit()
    name = account.login_email or account.display_name
    uri = pyotp.TOTP(secret).provisioning_uri(name=name, issuer_name=settings.totp_issuer)
    return TotpEnrollment(secret=secret, otpauth_uri=uri, qr_lines=qr_lines(uri))


def totp_confirm(
    session: Session, clock: Clock, settings: Settings, current: Authenticated, code: str
) -> RecoveryCodes:
    account = current.account
    assert account.id is not None
    now = clock.now()
    if account.totp_secret is None or not totp_step_accepted(session, settings, account, code.strip(), now):
        session.commit()
        raise ApiError(
            422, "code_invalid", "Code incorrect : saisissez le code à 6 chiffres affiché par l'application."
        )
    session.refresh(account)
    account.totp_confirmed_at = now
    session.add(account)
    rc = RecoveryCode.__table__  # type: ignore[attr-defined]
    session.execute(sa.delete(rc).where(rc.c.account_id == account.id))
    codes = [new_recovery_code() for _ in range(settings.recovery_code_count)]
    for c in codes:
        session.add(
            RecoveryCode(
                account_id=account.id,
                code_hash=keyed_hash(settings, "recovery-code", f"{account.id}:{c}"),
                created_at=now,
            )
        )
    audit.record(session, clock, "totp_enrolled", actor_account_id=account.id)
    session.commit()
    return RecoveryCodes(recovery_codes=codes)


def totp_secret_of(settings: Settings, account: Account) -> str | None:
    return decrypt(settings, account.totp_secret) if account.totp_secret else None
