"""Acting for the member, on the phone, after the identity check: each action takes a reason and an
optional ticket, tells the member by email (or by a courrier for a new code d'accès), and writes one audit
row "done for" the member with the conseiller's identity. The conseiller never sets nor sees a password,
a code or a link: they go to the member's mailbox or letterbox only."""

from __future__ import annotations

import secrets
import string
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from models.domain.contact import ContactError, validate_email
from models.domain.money import format_eur
from models.schemas.agent import (
    ActionDone,
    ActionReason,
    AgentSimulation,
    AgentThreadCreate,
    CardToProfessional,
    ContactChange,
    MemberAlertRecord,
    SimulationDone,
)
from models.schemas.common import AccountState, Role
from models.schemas.errors import ErrorDetail
from models.schemas.messaging import ThreadCreate
from models.tables import Account, Beneficiary, Member, MemberAlert
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.notify.outbox import Attachment, enqueue_mail
from server.pdf.card import card_pdf
from server.security.crypto import access_code_hash
from server.services import contacts, guarantees, mails, messaging, profile_family, throttle
from server.services.account import CONFIRMATION, RESET, _issue_mail_token
from server.services.agent.common import done_for, locked_until, member_account
from server.services.agent.identity import require_access
from server.services.auth import revoke_everything
from server.settings import Settings

SIGNATURE = mails.SIGNATURE
ACCESS_CODE_LETTERS = 8


def _why(body: ActionReason) -> dict[str, Any]:
    return {"reason": body.reason.strip(), **({"ticket": body.ticket.strip()} if body.ticket else {})}


def _tell(
    session: Session, clock: Clock, member: Member, subject: str, text: str, agent: Account, *, asked: bool = True
) -> bool:
    """Email the member what was done in their dossier; ``asked`` is False for what the mutuelle tells them
    on its own (a courrier returned), which no "if you asked nothing" warning fits."""
    if not member.email:
        return False
    who = f"{agent.display_name}, conseiller du service adhérent"
    closing = (
        f"Cette opération a été faite à votre demande par {who}. Si vous n'avez rien demandé, appelez-nous sans "
        "attendre."
        if asked
        else f"Ce message vous est envoyé par {who}."
    )
    enqueue_mail(
        session,
        clock,
        to=member.email,
        subject=subject,
        body=f"Bonjour {member.first_name} {member.last_name},\n\n{text}\n{closing}" + SIGNATURE,
    )
    return True


def _done(event_id: int | None, action: str, message: str, told: bool) -> ActionDone:
    if not told:
        message += " (aucun e-mail enregistré : l'adhérent n'a pas été prévenu par e-mail)"
    return ActionDone(action=action, message=message, audit_id=event_id or 0, member_told=told)


def _account_or_409(session: Session, member: Member) -> Account:
    account = member_account(session, member.id or 0)
    if account is None or account.state == AccountState.never_activated:
        raise ApiError(409, "never_activated", "Ce compte n'a jamais été activé : renvoyez plutôt un code d'accès.")
    return account


def unlock(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ActionReason,
    *,
    ip: str | None,
) -> ActionDone:
    member, access = require_access(session, clock, agent, member_id)
    account = _account_or_409(session, member)
    assert account.id is not None
    now = clock.now()
    was = locked_until(session, settings, account, now)
    if account.state == AccountState.locked:
        account.state = AccountState.active
    account.locked_until = None
    account.failed_attempts = 0
    session.add(account)
    throttle.reset(session, settings, f"login:account:{account.id}")
    revoke_everything(session, clock, account.id)  # a conseiller's unlock also ends the trusted devices
    told = _tell(
        session,
        clock,
        member,
        "Votre accès est débloqué",
        "L'accès à votre Espace Adhérent est débloqué : vous pouvez vous connecter. Par sécurité, vos appareils "
        "de confiance et vos sessions ouvertes ont été déconnectés.",
        agent,
    )
    event = done_for(
        session,
        clock,
        agent,
        "agent_unlock",
        member_id,
        detail={**_why(body), "was_locked_until": was.isoformat() if was else None, "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "unlock", "Compte débloqué ; appareils de confiance et sessions déconnectés.", told)


def send_reset_link(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ActionReason,
    *,
    ip: str | None,
) -> ActionDone:
    member, access = require_access(session, clock, agent, member_id)
    account = _account_or_409(session, member)
    to = member.email or account.login_email
    if not to:
        raise ApiError(409, "no_email", "Aucun e-mail enregistré : changez d'abord l'e-mail (identité vérifiée).")
    if (until := contacts.reset_quarantine_until(session, clock, settings, member, to)) is not None:
        raise ApiError(409, "contact_too_recent", contacts.reset_quarantine_message(until))
    token, code, expires = _issue_mail_token(session, clock, settings, account, RESET)
    mails.password_reset(session, clock, settings, to, token, code, expires)
    event = done_for(
        session, clock, agent, "agent_reset_link", member_id, detail={**_why(body), "check_id": access.id}, ip=ip
    )
    session.commit()
    return _done(event.id, "reset_link", f"Lien de réinitialisation envoyé à {to} (valable 24 h, une fois).", True)


def _new_access_code() -> str:
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(ACCESS_CODE_LETTERS))


def resend_activation(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ActionReason,
    *,
    ip: str | None,
) -> ActionDone:
    """Email not confirmed: a new confirmation email. Never activated: a new code d'accès by post (a
    courrier queued in the outbox, to the printing sink in the demo); the old code stops working."""
    member, access = require_access(session, clock, agent, member_id)
    assert member.id is not None
    account = member_account(session, member.id)
    if account is not None and account.state == AccountState.email_unconfirmed and account.login_email:
        token, code, expires = _issue_mail_token(session, clock, settings, account, CONFIRMATION)
        mails.email_confirmation(session, clock, settings, account.login_email, token, code, expires)
        event = done_for(
            session,
            clock,
            agent,
            "agent_activation_resent",
            member_id,
            detail={**_why(body), "via": "email", "check_id": access.id},
            ip=ip,
        )
        session.commit()
        return _done(event.id, "activation", f"E-mail de confirmation renvoyé à {account.login_email}.", True)
    if account is not None and account.state != AccountState.never_activated:
        raise ApiError(409, "already_active", "Ce compte est déjà activé : envoyez plutôt un lien de réinitialisation.")
    if account is None:
        account = Account(
            role=Role.member,
            member_id=member.id,
            state=AccountState.never_activated,
            display_name=f"{member.first_name} {member.last_name}",
            created_at=clock.now(),
        )
        session.add(account)
    code = _new_access_code()
    member.access_code_hash = access_code_hash(settings, code)
    session.add(member)
    address = "\n".join(
        p for p in (member.address_line1, member.address_line2, f"{member.postal_code} {member.city}") if p
    )
    enqueue_mail(
        session,
        clock,
        to=f"courrier+{member.member_number}@{settings.sms_sink_domain}",
        subject=f"Courrier : nouveau code d'accès pour {member.first_name} {member.last_name}",
        body=(
            f"{member.first_name} {member.last_name}\n{address}\n\nMadame, Monsieur,\n\nVoici votre code d'accès à "
            f"l'Espace Adhérent : {code}\nPour activer votre espace, saisissez votre n° adhérent "
            f"({member.member_number}) et ce code dans « Première connexion ». L'ancien code ne fonctionne plus."
            + SIGNATURE
        ),
    )
    _tell(
        session,
        clock,
        member,
        "Un nouveau code d'accès vous est envoyé par courrier",
        "Un nouveau code d'accès à votre Espace Adhérent part par courrier à votre adresse postale.",
        agent,
    )
    event = done_for(
        session,
        clock,
        agent,
        "agent_access_code_posted",
        member_id,
        detail={**_why(body), "via": "courrier", "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "activation", "Nouveau code d'accès envoyé par courrier (l'ancien ne marche plus).", True)


def change_contact(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ContactChange,
    *,
    ip: str | None,
) -> ActionDone:
    member, access = require_access(session, clock, agent, member_id, verified=True)
    assert member.id is not None
    if not body.email and not body.mobile:
        raise ApiError(422, "nothing_to_change", "Indiquez le nouvel e-mail ou le nouveau mobile.")
    account = member_account(session, member.id)
    changed: dict[str, Any] = {}
    old_email = member.email
    if body.email:
        email = body.email.strip().lower()
        if "@" not in email or "." not in email.rsplit("@", 1)[-1]:
            raise ApiError(
                422,
                "invalid_email",
                "Adresse e-mail invalide.",
                details=[ErrorDetail(field="email", message="adresse invalide")],
            )
        taken = session.exec(select(Account).where(Account.login_email == email)).first()
        if taken is not None and (account is None or taken.id != account.id):
            raise ApiError(409, "email_taken", "Cette adresse est déjà l'identifiant d'un autre compte.")
        member.email = email
        if account is not None and account.login_email is not None:
            account.login_email = email
            session.add(account)
        changed["email"] = True
    if body.mobile:
        digits = "".join(c for c in body.mobile if c.isdigit() or c == "+")
        if len(digits.lstrip("+")) < 9:
            raise ApiError(
                422,
                "invalid_mobile",
                "Numéro de mobile invalide.",
                details=[ErrorDetail(field="mobile", message="numéro invalide")],
            )
        member.mobile = digits
        changed["mobile"] = True
    session.add(member)
    what = " et ".join(
        w for w, k in (("votre adresse e-mail", "email"), ("votre numéro de mobile", "mobile")) if k in changed
    )
    text = f"Nous avons changé {what} dans votre dossier."
    told = _tell(session, clock, member, "Vos coordonnées ont changé", text, agent)
    if old_email and old_email != member.email:
        enqueue_mail(
            session,
            clock,
            to=old_email,
            subject="Vos coordonnées ont changé",
            body=f"Bonjour,\n\n{text} Cette adresse ne recevra plus nos messages. Si vous n'avez rien demandé, "
            "appelez-nous sans attendre." + SIGNATURE,
        )
    event = done_for(
        session,
        clock,
        agent,
        "agent_contact_changed",
        member_id,
        detail={**_why(body), "fields": sorted(changed), "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "contact", f"Coordonnées changées : {what.replace('votre ', '')}.", told)


def revoke_access(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ActionReason,
    *,
    ip: str | None,
) -> ActionDone:
    member, access = require_access(session, clock, agent, member_id)
    account = _account_or_409(session, member)
    assert account.id is not None
    revoke_everything(session, clock, account.id)
    told = _tell(
        session,
        clock,
        member,
        "Vos appareils et sessions sont déconnectés",
        "Tous vos appareils de confiance et vos sessions ouvertes ont été déconnectés : la prochaine connexion "
        "redemandera votre code.",
        agent,
    )
    event = done_for(
        session, clock, agent, "agent_sessions_revoked", member_id, detail={**_why(body), "check_id": access.id}, ip=ip
    )
    session.commit()
    return _done(event.id, "revoke", "Appareils de confiance et sessions déconnectés.", told)


# Who pays what, in the engine's answer, as the member reads it.
SHARES = {"amo_paid": "Sécurité sociale", "amc_paid": "mutuelle", "out_of_pocket": "reste à votre charge"}


def _eur(amount: object) -> str:
    return format_eur(Decimal(str(amount)))


def _shares(figures: dict[str, Any]) -> str:
    return ", ".join(f"{words} {_eur(figures[key])}" for key, words in SHARES.items())


def simulation_summary(session: Session, scenarios: list[dict[str, object]], results: list[Any], today: date) -> str:
    """The simulation in the member's words, for their mailbox: for whom, each act with what the Sécurité
    sociale, the mutuelle and the member pay, the totals of several lines. Names and amounts only: an email
    is no place for the NIR."""
    person = session.get(Beneficiary, int(str(scenarios[0].get("beneficiary_id"))))
    who = f" pour {person.first_name} {person.last_name}" if person is not None else ""
    lines = [f"Votre conseiller a réalisé une simulation de remboursement{who}, sur vos garanties en cours :"]
    for scenario, result in zip(scenarios, results, strict=True):
        label = guarantees.act_label(str(scenario.get("act", "")), today)
        lines.append(f"- {label}, {_eur(scenario['charged'])} facturés : {_shares(result)}.")
    if len(results) > 1:
        totals = {key: sum((Decimal(str(r[key])) for r in results), Decimal("0.00")) for key in SHARES}
        lines.append(f"Au total : {_shares(totals)}.")
    lines.append(
        "C'est une estimation : le remboursement réel dépend de la facture. Vous pouvez refaire ce calcul dans "
        "le « Simulateur » de votre Espace Adhérent."
    )
    return "\n".join(lines) + "\n"


def simulate(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: AgentSimulation,
    *,
    ip: str | None,
) -> SimulationDone:
    member, access = require_access(session, clock, agent, member_id)
    payload: Any = body.scenarios[0] if len(body.scenarios) == 1 else list(body.scenarios)
    today = paris_today(clock)
    result = guarantees.member_simulation(session, member, payload, today)
    told = _tell(
        session,
        clock,
        member,
        "Votre simulation de remboursement",
        simulation_summary(session, list(body.scenarios), result if isinstance(result, list) else [result], today),
        agent,
    )
    event = done_for(
        session,
        clock,
        agent,
        "agent_simulation",
        member_id,
        detail={**_why(body), "lines": len(body.scenarios), "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return SimulationDone(
        action="simulation",
        message="Simulation faite sur les contrats de l'adhérent"
        + (" ; son résumé lui est envoyé par e-mail." if told else " (aucun e-mail enregistré : résumé non envoyé)."),
        audit_id=event.id or 0,
        member_told=told,
        result=result,
    )


def open_thread(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: AgentThreadCreate,
    *,
    ip: str | None,
) -> ActionDone:
    """A thread in the member's messagerie, opened for them: the first message is the conseiller's."""
    member, access = require_access(session, clock, agent, member_id)
    detail = messaging.create_thread(
        session,
        clock,
        settings,
        member,
        agent,
        ThreadCreate(subject=body.subject, category=body.category, body=body.body),
    )
    told = member.email is not None  # create_thread queued its accusé de réception
    event = done_for(
        session,
        clock,
        agent,
        "agent_thread_opened",
        member_id,
        detail={**_why(body), "thread_id": detail.id, "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "thread", f"Conversation « {body.subject} » ouverte dans la messagerie de l'adhérent.", told)


def email_card(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: CardToProfessional,
    *,
    ip: str | None,
) -> ActionDone:
    """The carte de tiers payant (the PDF of the member's « Ma carte ») to a professional's email, as an
    attachment; the member is told to whom it went."""
    member, access = require_access(session, clock, agent, member_id)
    try:
        to = validate_email(body.email)
    except ContactError as exc:
        raise ApiError(
            422,
            "invalid_email",
            f"Adresse e-mail du professionnel invalide : {exc}.",
            details=[ErrorDetail(field="email", message=str(exc))],
        ) from exc
    card = profile_family.card(session, clock, settings, member)
    if not card.available:
        raise ApiError(409, "no_card", card.message or "Pas de carte de tiers payant valable pour cet adhérent.")
    who = (body.professional or "").strip() or to
    pdf = card_pdf(member, card, paris_today(clock))
    enqueue_mail(
        session,
        clock,
        to=to,
        subject=f"Carte de tiers payant de {member.first_name} {member.last_name}",
        body=(
            f"Bonjour,\n\nÀ la demande de {member.first_name} {member.last_name} (n° adhérent {member.member_number}), "
            "voici sa carte de tiers payant en pièce jointe (PDF)." + SIGNATURE
        ),
        attachments=[Attachment("carte-tiers-payant.pdf", "application/pdf", pdf)],
    )
    told = _tell(
        session,
        clock,
        member,
        "Votre carte de tiers payant a été envoyée",
        f"Votre carte de tiers payant a été envoyée par e-mail à {who}.",
        agent,
    )
    event = done_for(
        session,
        clock,
        agent,
        "agent_card_sent",
        member_id,
        detail={**_why(body), "to": to, "professional": body.professional, "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "card", f"Carte de tiers payant envoyée à {who} ({to}).", told)


ALERT_WORDS = {"npai": "courrier revenu NPAI", "guardianship": "tutelle / curatelle"}
NPAI_SUBJECT = "Votre adresse postale est-elle à jour ?"
NPAI_TEXT = (
    "Un courrier que nous vous avons envoyé nous est revenu avec la mention « N'habite pas à l'adresse "
    "indiquée ». Pour recevoir nos prochains courriers (carte de tiers payant, attestations), mettez à jour "
    "votre adresse postale dans « Mon profil » de votre Espace Adhérent, ou appelez-nous.\n"
)


def record_alert(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: MemberAlertRecord,
    *,
    ip: str | None,
) -> ActionDone:
    """Record (or clear) « courrier revenu NPAI » or « sous tutelle/curatelle »: the banner's alerts.
    A new NPAI alert emails the member (their email still works when their letterbox does not) to update
    the postal address in Mon profil. The tutelle is an internal flag, never emailed: the measure is known
    to the protected member already, their mail may be read by others, and what to tell goes through the
    tuteur or curateur, whom the alert's note names."""
    member, access = require_access(session, clock, agent, member_id)
    now = clock.now()
    open_rows = session.exec(
        select(MemberAlert).where(
            MemberAlert.member_id == member_id, MemberAlert.kind == body.kind, col(MemberAlert.cleared_at).is_(None)
        )
    ).all()
    words = ALERT_WORDS[body.kind]
    told = False
    if body.clear:
        if not open_rows:
            raise ApiError(409, "no_alert", f"Aucune alerte « {words} » en cours pour cet adhérent.")
        for row in open_rows:
            row.cleared_at = now
            session.add(row)
        message = f"Alerte levée : {words}."
    else:
        note = (body.note or "").strip() or None
        if open_rows:
            open_rows[0].note = note or open_rows[0].note
            session.add(open_rows[0])
        else:
            session.add(MemberAlert(member_id=member.id or 0, kind=body.kind, note=note, created_at=now))
            told = body.kind == "npai" and _tell(session, clock, member, NPAI_SUBJECT, NPAI_TEXT, agent, asked=False)
        message = f"Alerte enregistrée : {words}" + (f" ({note})." if note else ".")
        if told:
            message += " L'adhérent est invité par e-mail à mettre à jour son adresse postale."
    event = done_for(
        session,
        clock,
        agent,
        "agent_alert_cleared" if body.clear else "agent_alert_recorded",
        member_id,
        detail={**_why(body), "kind": body.kind, "check_id": access.id},
        ip=ip,
    )
    session.commit()
    return ActionDone(action="alert", message=message, audit_id=event.id or 0, member_told=told)
