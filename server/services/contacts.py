"""Changes of the member's e-mail and mobile (issue 8, hardened by issue 16), by the member or by a conseiller.

The path of a change, whoever makes it:

1. ``start_contact_change``: a code goes to the NEW contact (the member types it in « Mon profil »; on the phone,
   the caller reads it back to the conseiller). The member's own start needs a fresh second factor first
   (``start_member_change``: a stolen session must not even get a code sent to an attacker's address). Codes are
   limited like login codes (``server.services.code_limits``), per member and channel.
2. ``confirm_contact_change``: the right code puts the new value on file; the OLD contact is told, with a « ce
   n'est pas moi » link and code (``server.services.mail_tokens``, purpose ``contact_revert``).
3. ``revert_contact_change`` (the link or the code): the old value comes back, every later change of that channel
   is undone too, every session and trusted device ends, and the account stays locked until a password reset.

Each confirmed change stays as a ``contact_change`` row: the history (origin, conseiller, strong verification,
old value, reverted). ``contact_since`` reads it, and ``reset_link_allowed`` refuses a reset link to an address
on file for less than ``contact_reset_quarantine`` (72 h) unless a conseiller made that change under strong
verification (``contact_quarantine_exempt_strong``).

The functions that succeed leave the commit to their caller (the route's Idempotency-Key commits with them, a
conseiller's action commits with its own audit row); a wrong code is counted and committed before the refusal.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlmodel import Session, col, select

from models.domain.contact import ContactError, format_mobile, validate_email, validate_mobile
from models.schemas.auth import Accepted, ContactRevertRequest
from models.schemas.common import AccountState, ContactChangeOrigin, Role
from models.schemas.profile import ContactChannel, PendingContact, PendingStarted
from models.tables import Account, ContactChange, Member
from server.clock import Clock
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.notify.sms import send_sms
from server.security.crypto import keyed_hash, same
from server.security.tokens import new_digits
from server.services import audit, code_limits, mail_tokens, mails
from server.services.auth import mask_email, mask_phone, revoke_everything
from server.services.notices import SIGNATURE, at, invalid, tell
from server.settings import Settings

EMAIL_CODE_TTL = timedelta(hours=24)  # as the email confirmation of issue 4
SMS_CODE_TTL = timedelta(minutes=10)
CODE_REFUSED = "Code incorrect ou expiré : vérifiez-le, ou demandez un nouveau code."
TOKEN_REFUSED = "Ce lien ou ce code n'est pas valable (déjà utilisé, expiré ou erroné)."
REVERTED = (
    "Le changement est annulé : l'ancienne coordonnée est rétablie, toutes les connexions à l'espace sont fermées "
    "et l'accès reste bloqué jusqu'au choix d'un nouveau mot de passe. Choisissez « Mot de passe oublié » à la "
    "connexion pour le débloquer."
)


def member_account(session: Session, member: Member) -> Account | None:
    return session.exec(select(Account).where(Account.member_id == member.id, Account.role == Role.member)).first()


def _shown(channel: ContactChannel, value: str) -> str:
    return value if channel == ContactChannel.email else format_mobile(value)


def current_value(member: Member, channel: ContactChannel) -> str | None:
    return member.email if channel == ContactChannel.email else member.mobile


# --- pending changes -----------------------------------------------------------------------------------


def pending_changes(session: Session, clock: Clock, settings: Settings, member: Member) -> list[ContactChange]:
    return list(
        session.exec(
            select(ContactChange)
            .where(
                ContactChange.member_id == member.id,
                col(ContactChange.confirmed_at).is_(None),
                col(ContactChange.cancelled_at).is_(None),
                ContactChange.expires_at > clock.now(),
                ContactChange.wrong_codes < settings.second_factor_max_wrong,
            )
            .order_by(col(ContactChange.id))
        ).all()
    )


def pending_out(row: ContactChange) -> PendingContact:
    shown = _shown(row.channel, row.new_value)
    return PendingContact(channel=row.channel, destination=shown, expires_at=row.expires_at)


def _code_hash(settings: Settings, member: Member, channel: ContactChannel, value: str, code: str) -> str:
    return keyed_hash(settings, "contact-change", f"{member.id}:{channel.value}:{value}:{code}")


def validated(member: Member, channel: ContactChannel, value: str) -> str:
    """The value as stored, or 422 with what is wrong (not a valid address or number, or the one on file)."""
    field = channel.value
    try:
        checked = validate_email(value) if channel == ContactChannel.email else validate_mobile(value)
    except ContactError as error:
        raise invalid(field, error) from None
    current = current_value(member, channel)
    if channel == ContactChannel.email and current and checked == current.lower():
        raise invalid(field, "adresse inchangée", "C'est déjà l'adresse e-mail enregistrée.")
    if channel == ContactChannel.mobile and current and checked == validate_mobile(current):
        raise invalid(field, "numéro inchangé", "C'est déjà le numéro de mobile enregistré.")
    return checked


def _limit_codes(session: Session, clock: Clock, settings: Settings, member: Member, channel: ContactChannel) -> None:
    now = clock.now()
    sent = session.exec(
        select(ContactChange.created_at).where(
            ContactChange.member_id == member.id,
            ContactChange.channel == channel,
            ContactChange.created_at > code_limits.window_start(settings, now),
        )
    ).all()
    code_limits.check(settings, now, list(sent))


# --- start ---------------------------------------------------------------------------------------------


def start_contact_change(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    channel: ContactChannel,
    value: str,
    *,
    agent: Account | None = None,
    strong: bool = False,
) -> PendingStarted:
    """A code to the new ``value`` (e-mail or mobile); the member is told at the address in use that a change was
    asked. ``agent``: a conseiller makes the change on the phone (the caller reads the code back to them),
    ``strong``: under strong verification (kept in the history; it exempts the new address from the reset-link
    quarantine). The caller commits. 422 for a value that is not valid or unchanged, 429 when too many codes
    were asked (``code_limits``)."""
    checked = validated(member, channel, value)
    _limit_codes(session, clock, settings, member, channel)
    now = clock.now()
    for old in pending_changes(session, clock, settings, member):
        if old.channel == channel:  # a new code voids the previous one
            old.cancelled_at = now
            session.add(old)
    code = new_digits(6)
    row = ContactChange(
        member_id=member.id or 0,
        channel=channel,
        new_value=checked,
        code_hash=_code_hash(settings, member, channel, checked, code),
        created_at=now,
        expires_at=now + (EMAIL_CODE_TTL if channel == ContactChannel.email else SMS_CODE_TTL),
        origin=ContactChangeOrigin.agent if agent is not None else ContactChangeOrigin.member,
        agent_account_id=agent.id if agent is not None else None,
        strong=strong and agent is not None,
    )
    session.add(row)
    give = "lisez ce code au conseiller qui vous a au téléphone" if agent else "saisissez ce code dans « Mon profil »"
    if channel == ContactChannel.email:
        enqueue_mail(
            session,
            clock,
            to=checked,
            subject="Confirmez votre nouvelle adresse e-mail",
            body=(
                f"Bonjour {member.first_name} {member.last_name},\n\nPour confirmer cette adresse pour votre Espace "
                f"Adhérent, {give} : {code}\nIl est valable jusqu'au {at(row.expires_at)}. Tant qu'il n'est pas "
                "donné, l'ancienne adresse reste utilisée." + SIGNATURE
            ),
        )
        requested = f"Une nouvelle adresse e-mail ({mask_email(checked)})"
        subject = "Demande de changement de votre adresse e-mail"
    else:
        send_sms(
            session,
            clock,
            settings,
            checked,
            f"Espace Adhérent : votre code de confirmation du nouveau numéro est {code} "
            f"(valable jusqu'au {at(row.expires_at)})."
            + (" Lisez-le au conseiller qui vous a au téléphone." if agent else ""),
        )
        requested = f"Un nouveau numéro de mobile ({mask_phone(checked)})"
        subject = "Demande de changement de votre numéro de mobile"
    by = " par un conseiller du service adhérent" if agent else ""
    tell(
        session,
        clock,
        member,
        subject,
        f"{requested} a été demandé{'e' if channel == ContactChannel.email else ''} pour votre Espace Adhérent"
        f"{by} le {at(now)}. {'Elle' if channel == ContactChannel.email else 'Il'} ne sera "
        f"utilisé{'e' if channel == ContactChannel.email else ''} qu'après la saisie du code qui lui a été envoyé.",
    )
    account = member_account(session, member)
    audit.record(
        session,
        clock,
        f"{channel.value}_change_started",
        actor_account_id=agent.id if agent is not None else (account.id if account else None),
        target_type="member",
        target_id=member.id,
        detail={"origin": row.origin.value, "strong": row.strong},
    )
    session.flush()
    shown = _shown(channel, checked)
    if agent is not None:
        message = f"Un code a été envoyé à {shown} : demandez à l'appelant de vous le lire."
    elif channel == ContactChannel.email:
        message = f"Un code a été envoyé à {shown}. Saisissez-le pour confirmer la nouvelle adresse."
    else:
        message = f"Un code a été envoyé par SMS au {shown}. Saisissez-le pour confirmer le numéro."
    return PendingStarted(message=message, pending=pending_out(row))


# --- confirm -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ContactConfirmed:
    message: str
    change: ContactChange


def _tell_old_contact(
    session: Session, clock: Clock, settings: Settings, member: Member, account: Account | None, row: ContactChange
) -> None:
    """The contact that was replaced learns of the change, with the « ce n'est pas moi » link and code. A new
    mobile is also told to the e-mail on file (an SMS link is easy to miss); a first contact of a channel (no
    old value) is told to the other channel."""
    assert row.id is not None
    email_change = row.channel == ContactChannel.email
    what = (
        f"L'adresse e-mail de votre Espace Adhérent a été remplacée par {mask_email(row.new_value)} le "
        f"{at(row.confirmed_at or clock.now())}"
        if email_change
        else f"Le numéro de mobile de votre Espace Adhérent a été remplacé par {mask_phone(row.new_value)} le "
        f"{at(row.confirmed_at or clock.now())}"
    ) + (" par un conseiller du service adhérent, à votre demande au téléphone." if row.agent_account_id else ".")
    email_to = row.old_value if email_change else member.email
    sms_to = row.old_value if not email_change else (member.mobile if not row.old_value else None)
    if account is None or not (email_to or sms_to):
        return
    token, code, expires = mail_tokens.issue(
        session, clock, settings, account, mail_tokens.REVERT, contact_change_id=row.id
    )
    if email_to:
        mails.contact_changed_not_me(
            session,
            clock,
            settings,
            email_to,
            what=what,
            member_number=member.member_number,
            token=token,
            code=code,
            expires_at=expires,
        )
    if sms_to:
        send_sms(session, clock, settings, sms_to, mails.contact_changed_not_me_sms(settings, token, code))


def confirm_contact_change(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    channel: ContactChannel,
    code: str,
    *,
    agent: Account | None = None,
) -> ContactConfirmed:
    """The code the new contact received. Only a change started the same way is confirmed (by the member in
    their space, or by a conseiller: ``agent``). The caller commits. 422 for no change waiting or a wrong code
    (counted; ``second_factor_max_wrong`` wrong codes end the change), 409 for an address that is another
    account's login."""
    origin = ContactChangeOrigin.agent if agent is not None else ContactChangeOrigin.member
    row = next(
        (
            r
            for r in reversed(pending_changes(session, clock, settings, member))
            if r.channel == channel and r.origin == origin
        ),
        None,
    )
    if row is None:
        raise invalid(
            "code", "aucun changement en attente", "Aucun changement en attente (ou le code a expiré) : recommencez."
        )
    if not same(_code_hash(settings, member, channel, row.new_value, code.strip()), row.code_hash):
        row.wrong_codes += 1
        session.add(row)
        session.commit()
        if row.wrong_codes >= settings.second_factor_max_wrong:
            raise invalid(
                "code",
                "trop de codes erronés",
                f"{row.wrong_codes} codes erronés : ce changement est annulé. Recommencez pour recevoir un nouveau "
                "code.",
            )
        raise invalid("code", "code incorrect", CODE_REFUSED)
    account = member_account(session, member)
    now = clock.now()
    if channel == ContactChannel.email:
        taken = session.exec(
            select(Account.id).where(
                Account.login_email == row.new_value, Account.id != (account.id if account else None)
            )
        ).first()
        if taken is not None:
            raise ApiError(409, "email_taken", "Cette adresse e-mail est déjà l'identifiant d'un autre compte.")
    row.confirmed_at = now
    row.old_value = current_value(member, channel)
    session.add(row)
    session.flush()
    _tell_old_contact(session, clock, settings, member, account, row)
    if channel == ContactChannel.email:
        member.email = row.new_value
        if account is not None and account.login_email is not None:
            account.login_email = row.new_value
            account.email_confirmed_at = now
            session.add(account)
        message = (
            "La nouvelle adresse e-mail est confirmée : c'est aussi l'identifiant de connexion de l'adhérent."
            if agent
            else "Votre nouvelle adresse e-mail est confirmée : c'est aussi votre identifiant de connexion."
        )
    else:
        member.mobile = row.new_value
        message = ("Le" if agent else "Votre") + " nouveau numéro de mobile est confirmé."
    session.add(member)
    audit.record(
        session,
        clock,
        f"{channel.value}_changed",
        actor_account_id=agent.id if agent is not None else (account.id if account else None),
        target_type="member",
        target_id=member.id,
        detail={"origin": row.origin.value, "strong": row.strong, "change_id": row.id},
    )
    return ContactConfirmed(message=message, change=row)


# --- history: since when, and the reset-link quarantine ---------------------------------------------------


def _latest_confirmed(
    session: Session, member: Member, channel: ContactChannel, value: str | None = None
) -> ContactChange | None:
    statement = select(ContactChange).where(
        ContactChange.member_id == member.id,
        ContactChange.channel == channel,
        col(ContactChange.confirmed_at).is_not(None),
        col(ContactChange.reverted_at).is_(None),
    )
    if value is not None:
        statement = statement.where(ContactChange.new_value == value)
    newest_first = (col(ContactChange.confirmed_at).desc(), col(ContactChange.id).desc())
    return session.exec(statement.order_by(*newest_first)).first()


def contact_since(session: Session, member: Member, channel: ContactChannel) -> datetime | None:
    """When the member's current e-mail or mobile was put on file: the confirmation of the latest change to it
    that was not undone, else the member's creation (activation and the file's import set contacts without a
    change). None when the member has no such contact."""
    current = current_value(member, channel)
    if not current:
        return None
    change = _latest_confirmed(session, member, channel)
    if change is not None and change.new_value == current and change.confirmed_at is not None:
        return change.confirmed_at
    return member.created_at


def reset_quarantine_until(
    session: Session, clock: Clock, settings: Settings, member: Member, address: str
) -> datetime | None:
    """Until when no reset link may go to ``address`` (None: it may now). An address put on file by a change
    less than ``contact_reset_quarantine`` ago is quarantined, unless a conseiller made that change under strong
    verification and ``contact_quarantine_exempt_strong`` holds."""
    change = _latest_confirmed(session, member, ContactChannel.email, address.strip().lower())
    if change is None or change.confirmed_at is None:
        return None
    if change.strong and change.origin == ContactChangeOrigin.agent and settings.contact_quarantine_exempt_strong:
        return None
    until = change.confirmed_at + settings.contact_reset_quarantine
    return until if clock.now() < until else None


def reset_link_allowed(session: Session, clock: Clock, settings: Settings, member: Member, address: str) -> bool:
    """May a password-reset link go to ``address`` now? Every reset link passes here: the member's « mot de passe
    oublié » and the conseiller's."""
    return reset_quarantine_until(session, clock, settings, member, address) is None


def reset_quarantine_message(until: datetime) -> str:
    """What a conseiller is told when the reset link is refused (409)."""
    return (
        "Cette adresse e-mail a été enregistrée trop récemment : aucun lien de réinitialisation n'y part "
        f"avant le {at(until)} (protection contre la prise de compte par changement d'adresse). Si l'appelant ne "
        "peut pas attendre, vérifiez son identité par un code (vérification forte) avant toute autre action, ou "
        "proposez-lui de rappeler après cette date."
    )


# --- « ce n'est pas moi » ----------------------------------------------------------------------------------


def revert_contact_change(
    session: Session, clock: Clock, settings: Settings, body: ContactRevertRequest, *, ip: str | None
) -> Accepted:
    """The link's token, or the member's identifier and the code: undoes the change (and every later change of
    the same channel), cancels the changes waiting for a code, ends every session and trusted device, and locks
    the account until a password reset. Single use (one conditional UPDATE). 400 otherwise, one message."""
    now = clock.now()
    token = mail_tokens.find(session, settings, now, mail_tokens.REVERT, body.token, body.identifier, body.code)
    change = session.get(ContactChange, token.contact_change_id) if token and token.contact_change_id else None
    usable = token is not None and change is not None and change.reverted_at is None
    if not usable or token is None or change is None or not mail_tokens.consume(session, now, token):
        session.commit()  # a code try was counted
        raise ApiError(400, "token_invalid", TOKEN_REFUSED)
    member = session.get(Member, change.member_id)
    account = session.get(Account, token.account_id)
    assert member is not None and account is not None and account.id is not None
    undone = session.exec(
        select(ContactChange).where(
            ContactChange.member_id == member.id,
            ContactChange.channel == change.channel,
            col(ContactChange.confirmed_at).is_not(None),
            col(ContactChange.reverted_at).is_(None),
            col(ContactChange.id) >= change.id,
        )
    ).all()
    for row in undone:
        row.reverted_at = now
        session.add(row)
    mail_tokens.void_for_changes(session, now, [r.id for r in undone if r.id is not None])
    for waiting in pending_changes(session, clock, settings, member):
        waiting.cancelled_at = now
        session.add(waiting)
    restored = change.old_value
    if change.channel == ContactChannel.email:
        member.email = restored
        if account.login_email is not None:
            taken = (
                restored
                and session.exec(
                    select(Account.id).where(Account.login_email == restored, Account.id != account.id)
                ).first()
            )
            account.login_email = restored if restored and not taken else None
        what = "Le changement d'adresse e-mail de votre Espace Adhérent est annulé : cette adresse est rétablie."
    else:
        member.mobile = restored
        what = "Le changement de numéro de mobile de votre Espace Adhérent est annulé : l'ancien numéro est rétabli."
    session.add(member)
    if account.state != AccountState.disabled:
        account.state = AccountState.locked
        account.locked_until = None  # until a password reset (or a conseiller's unlock)
    session.add(account)
    revoke_everything(session, clock, account.id)
    if member.email:
        mails.contact_change_undone(session, clock, settings, member.email, what)
    audit.record(
        session,
        clock,
        "contact_change_reverted",
        target_type="member",
        target_id=member.id,
        detail={"channel": change.channel.value, "change_id": change.id, "undone": len(undone)},
        ip=ip,
    )
    session.commit()
    return Accepted(message=REVERTED)
