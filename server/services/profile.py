"""« Mon profil » (issue 8): coordonnées, préférences, second facteur récent (step-up), RIB.

Every change is written in the caller's transaction with its audit row and its mails (outbox), and the
member is told at the address in use *before* the change. Ayants droit, télétransmission, cotisations,
carte, attestation and contract life are in ``server.services.family`` and ``server.services.contract_life``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Session, col, select

from models.domain.contact import (
    ContactError,
    format_mobile,
    mask_iban,
    validate_bic,
    validate_iban,
    validate_postal_code,
)
from models.domain.dates import format_date
from models.schemas.common import ContractKind, ContractLevel, ContractState, DocumentType, RequestKind
from models.schemas.errors import ErrorDetail
from models.schemas.profile import (
    NO_STEP_UP_CODE_PENDING,
    Address,
    AddressChange,
    BankAccountIn,
    BankAccountOut,
    BankAccountPurpose,
    BankAccounts,
    ChangeResult,
    ContactChannel,
    NotificationChannel,
    PendingStarted,
    Preferences,
    Profile,
    StatementChannel,
    StepUpChallenge,
    StepUpMethod,
    StepUpStatus,
)
from models.tables import (
    Account,
    AuthSession,
    BankAccount,
    Beneficiary,
    Contract,
    Member,
    MemberPreferences,
    StepUp,
)
from server.clock import PARIS, Clock, paris_today
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.notify.sms import send_sms
from server.security.crypto import encrypt, keyed_hash, same
from server.security.tokens import new_digits
from server.services import audit, code_limits, contacts, documents
from server.services.auth import Authenticated, mask_email, mask_phone, totp_step_accepted
from server.services.notices import NOT_YOU, SIGNATURE, invalid
from server.services.notices import at as _at
from server.services.notices import tell as _tell
from server.services.requests import _new_request
from server.settings import Settings

# A RIB change, and (issue 16) a change of login e-mail or mobile, needs a recent second factor (MESE: 5 minutes;
# ASVS 6.4 re-authentication): the window and the code's validity are settings (``step_up_window``,
# ``step_up_code_ttl``), told to the client in minutes.
IN_FORCE = (ContractState.active, ContractState.suspended, ContractState.portability)


def step_up_minutes(settings: Settings) -> int:
    """The step-up window in whole minutes, as the member reads it (at least 1)."""
    return max(1, int(settings.step_up_window.total_seconds() // 60))


def step_up_required(settings: Settings) -> str:
    minutes = step_up_minutes(settings)
    return (
        "Pour modifier un RIB, votre adresse e-mail ou votre numéro de mobile, confirmez d'abord que c'est bien "
        "vous : demandez un code (second facteur) puis saisissez-le ; il vous laisse "
        f"{minutes} minute{'s' if minutes > 1 else ''} pour enregistrer le changement."
    )


# --- contracts -------------------------------------------------------------------------------------


def contracts_in_force(session: Session, member: Member) -> list[Contract]:
    return list(
        session.exec(
            select(Contract)
            .where(Contract.member_id == member.id, col(Contract.state).in_(IN_FORCE))
            .order_by(col(Contract.start_date), col(Contract.id))
        ).all()
    )


def collective_contract(session: Session, member: Member) -> Contract | None:
    for contract in contracts_in_force(session, member):
        if contract.kind == ContractKind.collective and contract.level == ContractLevel.base:
            return contract
    return None


def individual_contract(session: Session, member: Member) -> Contract | None:
    for contract in contracts_in_force(session, member):
        if contract.kind == ContractKind.individual and contract.level == ContractLevel.base:
            return contract
    return None


# --- préférences -----------------------------------------------------------------------------------


def preferences_of(session: Session, member: Member) -> Preferences:
    row = session.get(MemberPreferences, member.id)
    if row is None:
        return Preferences(
            statements=StatementChannel.email, channels=[NotificationChannel.portal, NotificationChannel.email]
        )
    return Preferences(statements=row.statements, channels=[NotificationChannel(c) for c in row.channels])


def notification_channels(session: Session, member: Member) -> list[NotificationChannel]:
    """Where a notification goes besides the portal (issue 7 may call this): the member's choice,
    without a channel the member has no address for. The portal is always there."""
    chosen = preferences_of(session, member).channels
    usable = [NotificationChannel.portal]
    if NotificationChannel.email in chosen and member.email:
        usable.append(NotificationChannel.email)
    if NotificationChannel.sms in chosen and member.mobile:
        usable.append(NotificationChannel.sms)
    return usable


def set_preferences(
    session: Session, clock: Clock, settings: Settings, member: Member, account: Account, body: Preferences
) -> Profile:
    channels = sorted({NotificationChannel.portal, *body.channels}, key=list(NotificationChannel).index)
    if NotificationChannel.sms in channels and not member.mobile:
        raise invalid(
            "channels", "aucun mobile enregistré", "Enregistrez d'abord un numéro de mobile pour recevoir des SMS."
        )
    if body.statements == StatementChannel.email and not member.email:
        raise invalid("statements", "aucune adresse e-mail", "Enregistrez d'abord une adresse e-mail.")
    row = session.get(MemberPreferences, member.id) or MemberPreferences(
        member_id=member.id or 0, updated_at=clock.now()
    )
    row.statements = body.statements
    row.channels = [c.value for c in channels]
    row.updated_at = clock.now()
    session.add(row)
    audit.record(
        session, clock, "preferences_changed", actor_account_id=account.id, target_type="member", target_id=member.id
    )
    session.commit()
    return profile(session, clock, settings, member)


# --- coordonnées -----------------------------------------------------------------------------------


def profile(session: Session, clock: Clock, settings: Settings, member: Member) -> Profile:
    collective = collective_contract(session, member)
    address = (
        Address(
            line1=member.address_line1,
            line2=member.address_line2,
            postal_code=member.postal_code,
            city=member.city,
        )
        if member.address_line1 and member.postal_code and member.city
        else None
    )
    return Profile(
        member_number=member.member_number,
        first_name=member.first_name,
        last_name=member.last_name,
        birth_date=member.birth_date,
        sex=member.sex,
        address=address,
        email=member.email,
        mobile=format_mobile(member.mobile) if member.mobile else None,
        pending=[contacts.pending_out(r) for r in contacts.pending_changes(session, clock, settings, member)],
        preferences=preferences_of(session, member),
        collective=collective is not None,
        employer=collective.employer if collective else None,
    )


def _address_lines(line1: str, line2: str | None, postal_code: str, city: str) -> str:
    return "\n".join(x for x in (line1, line2, f"{postal_code} {city}".strip()) if x)


def change_address(
    session: Session, clock: Clock, settings: Settings, member: Member, account: Account, body: AddressChange
) -> ChangeResult:
    """Applied at once. A move to another commune (postal code changes) needs a justificatif de domicile,
    filed as a démarche « Changement d'adresse » that a conseiller checks."""
    try:
        postal_code = validate_postal_code(body.address.postal_code)
    except ContactError as error:
        raise invalid("address.postal_code", error) from None
    line1, city = body.address.line1.strip(), body.address.city.strip().upper()
    line2 = (body.address.line2 or "").strip() or None
    if not line1:
        raise invalid("address.line1", "champ obligatoire", "Saisissez le numéro et la voie.")
    if not city:
        raise invalid("address.city", "champ obligatoire", "Saisissez la commune.")
    moves = postal_code != member.postal_code
    if moves and body.proof is None:
        raise invalid(
            "proof",
            "justificatif de domicile requis",
            "Pour un changement de commune, joignez un justificatif de domicile de moins de 3 mois (facture "
            "d'énergie, de téléphone, quittance de loyer, avis d'imposition) : PDF, JPEG ou PNG.",
        )
    files = documents.check_files([body.proof], settings, field="proof") if body.proof else []
    old = _address_lines(member.address_line1, member.address_line2, member.postal_code, member.city)
    new = _address_lines(line1, line2, postal_code, city)
    _tell(
        session,
        clock,
        member,
        "Votre adresse postale a été modifiée",
        f"L'adresse postale de votre Espace Adhérent a été modifiée le {_at(clock.now())}.\n\nAncienne adresse :\n"
        f"{old or '(aucune)'}\n\nNouvelle adresse :\n{new}",
    )
    member.address_line1, member.address_line2, member.postal_code, member.city = line1, line2, postal_code, city
    session.add(member)
    reference = None
    if files:
        row = _new_request(
            session,
            clock,
            member,
            RequestKind.address_change,
            "Changement d'adresse",
            beneficiary=None,
            details={"postal_code": postal_code, "city": city},
        )
        documents.store(
            session,
            clock,
            member.id or 0,
            files,
            kind=DocumentType.proof_of_address.value,
            stem=f"justificatif-domicile-{row.id}",
            request_id=row.id,
        )
        reference = row.reference
    audit.record(
        session, clock, "address_changed", actor_account_id=account.id, target_type="member", target_id=member.id
    )
    session.commit()
    message = "Votre adresse est enregistrée."
    if reference:
        message += f" Le justificatif est transmis à un conseiller (démarche {reference})."
    return ChangeResult(message=message, request_reference=reference, profile=profile(session, clock, settings, member))


def start_member_change(
    session: Session,
    clock: Clock,
    settings: Settings,
    current: Authenticated,
    member: Member,
    channel: ContactChannel,
    value: str,
) -> PendingStarted:
    """The member's own change of login e-mail or mobile: a fresh second factor first (issue 16: a stolen
    session must not get a code sent to an attacker's address), then ``contacts.start_contact_change``."""
    contacts.validated(member, channel, value)  # a typing mistake is said before a code is asked
    require_step_up(session, clock, settings, current)
    started = contacts.start_contact_change(session, clock, settings, member, channel, value)
    session.commit()
    return started


def confirm_member_change(
    session: Session, clock: Clock, settings: Settings, member: Member, channel: ContactChannel, code: str
) -> ChangeResult:
    confirmed = contacts.confirm_contact_change(session, clock, settings, member, channel, code)
    session.commit()
    return ChangeResult(message=confirmed.message, profile=profile(session, clock, settings, member))


# --- second facteur récent (step-up) -----------------------------------------------------------------


def step_up_valid_until(session: Session, clock: Clock, settings: Settings, current: Authenticated) -> datetime | None:
    verified = session.exec(
        select(StepUp.verified_at)
        .where(StepUp.auth_session_id == current.auth_session.id, col(StepUp.verified_at).is_not(None))
        .order_by(col(StepUp.verified_at).desc())
    ).first()
    if verified is None:
        return None
    until = verified + settings.step_up_window
    return until if clock.now() <= until else None


def require_step_up(session: Session, clock: Clock, settings: Settings, current: Authenticated) -> None:
    if step_up_valid_until(session, clock, settings, current) is None:
        raise ApiError(403, "step_up_required", step_up_required(settings))


def _step_up_hash(settings: Settings, row_id: int, code: str) -> str:
    return keyed_hash(settings, "step-up", f"{row_id}:{code}")


def start_step_up(
    session: Session, clock: Clock, settings: Settings, current: Authenticated, member: Member
) -> StepUpChallenge:
    account, now = current.account, clock.now()
    if account.totp_secret and account.totp_confirmed_at:
        method = StepUpMethod.totp
    elif member.mobile:
        method = StepUpMethod.sms
    elif member.email:
        method = StepUpMethod.email
    else:
        raise ApiError(422, "no_second_factor", "Aucun moyen de vous envoyer un code : appelez le service adhérent.")
    earlier = session.exec(
        select(StepUp)
        .join(AuthSession, col(AuthSession.id) == StepUp.auth_session_id)
        .where(AuthSession.account_id == account.id, StepUp.created_at > code_limits.window_start(settings, now))
    ).all()
    code_limits.check(settings, now, [r.created_at for r in earlier])
    for old in earlier:  # a new code voids the previous ones
        if old.verified_at is None and old.cancelled_at is None:
            old.cancelled_at = now
            session.add(old)
    row = StepUp(
        auth_session_id=current.auth_session.id or 0,
        method=method.value,
        created_at=now,
        expires_at=now + settings.step_up_code_ttl,
    )
    session.add(row)
    session.flush()
    destination = None
    if method == StepUpMethod.totp:
        message = "Saisissez le code à 6 chiffres de votre application d'authentification."
    else:
        code = new_digits(6)
        row.code_hash = _step_up_hash(settings, row.id or 0, code)
        text = f"Espace Adhérent : code de confirmation {code} (modification de vos coordonnées)."
        if method == StepUpMethod.sms:
            destination = mask_phone(member.mobile or "")
            send_sms(session, clock, settings, member.mobile or "", text)
        else:
            destination = mask_email(member.email or "")
            enqueue_mail(
                session,
                clock,
                to=member.email or "",
                subject="Votre code de confirmation",
                body=(
                    f"Bonjour,\n\nVotre code pour confirmer une modification de vos coordonnées (RIB, e-mail ou "
                    f"mobile) : {code}\n"
                    f"Il est valable jusqu'au {_at(row.expires_at)} et ne sert qu'une fois." + NOT_YOU + SIGNATURE
                ),
            )
        message = f"Un code a été envoyé {'par SMS au' if method == StepUpMethod.sms else 'à'} {destination}."
    session.add(row)
    audit.record(session, clock, "step_up_started", actor_account_id=account.id, detail={"method": method.value})
    session.commit()
    return StepUpChallenge(
        method=method,
        destination=destination,
        expires_at=row.expires_at,
        window_minutes=step_up_minutes(settings),
        message=message,
    )


def verify_step_up(
    session: Session, clock: Clock, settings: Settings, current: Authenticated, code: str
) -> StepUpStatus:
    now = clock.now()
    # only the latest code asked in this session counts: an older one was voided by it
    row = session.exec(
        select(StepUp).where(StepUp.auth_session_id == current.auth_session.id).order_by(col(StepUp.id).desc())
    ).first()
    if (
        row is None
        or row.verified_at is not None
        or row.cancelled_at is not None
        or row.expires_at <= now
        or row.wrong_codes >= settings.second_factor_max_wrong
    ):
        raise invalid("code", NO_STEP_UP_CODE_PENDING, "Aucun code en attente (ou il a expiré) : demandez un code.")
    code = code.strip()
    if row.method == StepUpMethod.totp.value:
        accepted = totp_step_accepted(session, settings, current.account, code, now)
    else:
        accepted = row.code_hash is not None and same(_step_up_hash(settings, row.id or 0, code), row.code_hash)
    if not accepted:
        row.wrong_codes += 1
        session.add(row)
        audit.record(session, clock, "step_up_failure", actor_account_id=current.account.id)
        session.commit()
        raise invalid("code", "code incorrect", contacts.CODE_REFUSED)
    row.verified_at = now
    session.add(row)
    audit.record(session, clock, "step_up_verified", actor_account_id=current.account.id)
    session.commit()
    until = now + settings.step_up_window
    return StepUpStatus(
        valid_until=until,
        message=(
            "Identité confirmée : vous pouvez modifier un RIB, votre adresse e-mail ou votre mobile jusqu'à "
            f"{until.astimezone(PARIS):%H h %M}."
        ),
    )


# --- RIB -----------------------------------------------------------------------------------------------


def _bank_out(session: Session, row: BankAccount) -> BankAccountOut:
    beneficiary = session.get(Beneficiary, row.beneficiary_id) if row.beneficiary_id else None
    return BankAccountOut(
        id=row.id or 0,
        purpose=row.purpose,
        iban_masked=row.iban_masked,
        bic=row.bic,
        holder=row.holder,
        beneficiary_id=row.beneficiary_id,
        beneficiary_name=f"{beneficiary.first_name} {beneficiary.last_name}" if beneficiary else None,
        since=row.created_at.astimezone(PARIS).date(),
        mandate_rum=row.mandate_rum,
        mandate_signed_on=row.mandate_signed_on,
    )


def _current_accounts(session: Session, member: Member) -> list[BankAccount]:
    return list(
        session.exec(
            select(BankAccount)
            .where(BankAccount.member_id == member.id, col(BankAccount.replaced_at).is_(None))
            .order_by(col(BankAccount.beneficiary_id).is_not(None), col(BankAccount.id))
        ).all()
    )


def bank_accounts(
    session: Session, clock: Clock, settings: Settings, current: Authenticated, member: Member
) -> BankAccounts:
    rows = _current_accounts(session, member)
    allowed = individual_contract(session, member) is not None
    return BankAccounts(
        reimbursement=[_bank_out(session, r) for r in rows if r.purpose == BankAccountPurpose.reimbursement],
        direct_debit=next((_bank_out(session, r) for r in rows if r.purpose == BankAccountPurpose.direct_debit), None),
        direct_debit_allowed=allowed,
        step_up_valid_until=step_up_valid_until(session, clock, settings, current),
        step_up_window_minutes=step_up_minutes(settings),
        message=None
        if allowed
        else "Vos cotisations ne sont pas prélevées par la mutuelle (contrat collectif : sur votre bulletin de "
        "salaire).",
    )


def _member_beneficiary(session: Session, member: Member, beneficiary_id: int, field: str) -> Beneficiary:
    beneficiary = session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or beneficiary.member_id != member.id:
        raise ApiError(
            404,
            "not_found",
            "Cette personne n'est pas un bénéficiaire de vos contrats.",
            details=[ErrorDetail(field=field, message="bénéficiaire inconnu")],
        )
    return beneficiary


def set_bank_account(
    session: Session,
    clock: Clock,
    settings: Settings,
    current: Authenticated,
    member: Member,
    purpose: BankAccountPurpose,
    body: BankAccountIn,
) -> BankAccounts:
    try:
        iban = validate_iban(body.iban)
    except ContactError as error:
        raise invalid("iban", error) from None
    try:
        bic = validate_bic(body.bic, iban)
    except ContactError as error:
        raise invalid("bic", error) from None
    holder = " ".join(body.holder.split())
    if len(holder) < 2:
        raise invalid("holder", "titulaire manquant", "Saisissez le nom du titulaire du compte.")
    beneficiary = None
    if body.beneficiary_id is not None:
        if purpose == BankAccountPurpose.direct_debit:
            raise invalid(
                "beneficiary_id", "un seul RIB de prélèvement", "Le RIB de prélèvement vaut pour tout le contrat."
            )
        beneficiary = _member_beneficiary(session, member, body.beneficiary_id, "beneficiary_id")
    if purpose == BankAccountPurpose.direct_debit and individual_contract(session, member) is None:
        raise ApiError(
            403,
            "no_direct_debit",
            "Vos cotisations sont réglées sur votre bulletin de salaire (contrat collectif) : il n'y a pas de RIB de "
            "prélèvement à enregistrer.",
        )
    require_step_up(session, clock, settings, current)
    now = clock.now()
    for old in _current_accounts(session, member):
        if old.purpose == purpose and old.beneficiary_id == (beneficiary.id if beneficiary else None):
            old.replaced_at = now
            session.add(old)
    row = BankAccount(
        member_id=member.id or 0,
        purpose=purpose,
        beneficiary_id=beneficiary.id if beneficiary else None,
        iban=encrypt(settings, iban),
        iban_masked=mask_iban(iban),
        bic=bic,
        holder=holder[:140],
        created_at=now,
    )
    if purpose == BankAccountPurpose.direct_debit:
        row.mandate_rum = f"ESP-{member.member_number}-{now.astimezone(PARIS):%Y%m%d%H%M%S}"
        row.mandate_signed_on = paris_today(clock)
    session.add(row)
    what = (
        "Le RIB de prélèvement de vos cotisations"
        if purpose == BankAccountPurpose.direct_debit
        else "Le RIB de remboursement"
        + (f" de {beneficiary.first_name} {beneficiary.last_name}" if beneficiary else " de votre contrat")
    )
    mandate = (
        f"\nUn nouveau mandat de prélèvement SEPA a été signé en ligne (RUM {row.mandate_rum}, le "
        f"{format_date(row.mandate_signed_on or date.today())})."
        if row.mandate_rum
        else ""
    )
    _tell(
        session,
        clock,
        member,
        "Vos coordonnées bancaires ont été modifiées",
        f"{what} a été modifié le {_at(now)} : {row.iban_masked} ({holder}).{mandate}",
    )
    audit.record(
        session,
        clock,
        "bank_account_changed",
        actor_account_id=current.account.id,
        target_type="member",
        target_id=member.id,
        detail={"purpose": purpose.value, "beneficiary_id": row.beneficiary_id},
    )
    session.commit()
    return bank_accounts(session, clock, settings, current, member)
