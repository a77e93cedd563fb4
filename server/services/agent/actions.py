"""Acting for the member, on the phone, during a call at the level the action needs (``levels.OPERATIONS``):
each action takes a reason and an optional ticket, tells the member by email (or by a courrier for a new code
d'accès), and writes one audit row "done for" the member with the conseiller's identity and the call. The
conseiller never sets nor sees a password, a code or a link: they go to the member's mailbox or letterbox only,
and documents go to a professional of the network (by its FINESS number) or to the member — never to an
address typed during the call."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.domain.finess import InvalidFiness
from models.domain.finess import validate as finess_check
from models.domain.money import format_eur
from models.domain.vocabulary import status_words
from models.schemas.agent import (
    ActionDone,
    ActionReason,
    AgentSimulation,
    AgentThreadCreate,
    ContactChange,
    ContactCodeCheck,
    DocumentToThirdParty,
    MemberAlertRecord,
    PartnerOut,
    SimulationDone,
)
from models.schemas.common import AccountState, AlertKind, ContactChannel, Role, ThirdPartyDocument
from models.schemas.errors import ErrorDetail
from models.tables import Account, Beneficiary, Member, MemberAlert, PartnerProfessional
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.notify.outbox import Attachment, enqueue_mail
from server.pdf.card import card_pdf
from server.pdf.certificate import certificate_pdf
from server.services import contacts, guarantees, mails, messaging, profile_contract, profile_family, throttle
from server.services.account import CONFIRMATION, RESET, _issue_mail_token
from server.services.agent.common import done_for, locked_until, member_account
from server.services.agent.levels import require
from server.services.auth import revoke_everything
from server.services.contacts import contact_since
from server.settings import Settings

SIGNATURE = mails.SIGNATURE


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
    member, call = require(session, clock, agent, member_id, "unlock")
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
        detail={**_why(body), "was_locked_until": was.isoformat() if was else None, "call_id": call.id},
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
    member, call = require(session, clock, agent, member_id, "reset_link")
    account = _account_or_409(session, member)
    to = member.email or account.login_email
    if not to:
        raise ApiError(409, "no_email", "Aucun e-mail enregistré : changez d'abord l'e-mail (identité vérifiée).")
    if (until := contacts.reset_quarantine_until(session, clock, settings, member, to)) is not None:
        raise ApiError(409, "contact_too_recent", contacts.reset_quarantine_message(until))
    token, code, expires = _issue_mail_token(session, clock, settings, account, RESET)
    mails.password_reset(session, clock, settings, to, token, code, expires)
    event = done_for(
        session, clock, agent, "agent_reset_link", member_id, detail={**_why(body), "call_id": call.id}, ip=ip
    )
    session.commit()
    return _done(event.id, "reset_link", f"Lien de réinitialisation envoyé à {to} (valable 24 h, une fois).", True)


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
    member, call = require(session, clock, agent, member_id, "activation")
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
            detail={**_why(body), "via": "email", "call_id": call.id},
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
    mails.post_access_code(
        session,
        clock,
        settings,
        member,
        member,
        to=f"courrier+{member.member_number}@{settings.sms_sink_domain}",
        subject=f"Courrier : nouveau code d'accès pour {member.first_name} {member.last_name}",
        letter=lambda code: (
            f"Voici votre code d'accès à l'Espace Adhérent : {code}\nPour activer votre espace, saisissez votre n° "
            f"adhérent ({member.member_number}) et ce code dans « Première connexion ». L'ancien code ne fonctionne "
            "plus."
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
        detail={**_why(body), "via": "courrier", "call_id": call.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "activation", "Nouveau code d'accès envoyé par courrier (l'ancien ne marche plus).", True)


def _contact_channel(body: ContactChange) -> tuple[ContactChannel, str]:
    if bool(body.email) == bool(body.mobile):
        raise ApiError(
            422,
            "nothing_to_change",
            "Indiquez soit le nouvel e-mail, soit le nouveau mobile (un changement à la fois, chacun confirmé par "
            "son code).",
        )
    return (ContactChannel.email, body.email or "") if body.email else (ContactChannel.mobile, body.mobile or "")


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
    """A new e-mail or mobile, during a call at the strong level: a code goes to the new contact, and nothing
    changes until the caller reads it back (``confirm_contact``). The member is told at the address in use."""
    member, call = require(session, clock, agent, member_id, "contact")
    channel, value = _contact_channel(body)
    started = contacts.start_contact_change(session, clock, settings, member, channel, value, agent=agent, strong=True)
    event = done_for(
        session,
        clock,
        agent,
        "agent_contact_started",
        member_id,
        detail={**_why(body), "fields": [channel.value], "to": started.pending.destination, "call_id": call.id},
        ip=ip,
    )
    session.commit()
    return _done(
        event.id,
        "contact",
        f"{started.message} Faites lire le code par l'appelant pour confirmer.",
        member.email is not None,
    )


def confirm_contact(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: ContactCodeCheck,
    *,
    ip: str | None,
) -> ActionDone:
    """The code the caller read back: the new contact replaces the old one, which is told, with a « ce n'est pas
    moi » link that reverts the change."""
    member, call = require(session, clock, agent, member_id, "contact")
    confirmed = contacts.confirm_contact_change(session, clock, settings, member, body.channel, body.code, agent=agent)
    event = done_for(
        session,
        clock,
        agent,
        "agent_contact_changed",
        member_id,
        detail={"fields": [body.channel.value], "to": confirmed.change.new_value, "call_id": call.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "contact_confirmed", confirmed.message, member.email is not None)


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
    member, call = require(session, clock, agent, member_id, "revoke")
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
        session, clock, agent, "agent_sessions_revoked", member_id, detail={**_why(body), "call_id": call.id}, ip=ip
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
    member, call = require(session, clock, agent, member_id, "simulation")
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
        detail={**_why(body), "lines": len(body.scenarios), "call_id": call.id},
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
    """A conversation in the member's messagerie, opened for them: the first message is the conseiller's (an
    outgoing message: no accusé de réception, no queue entry — ``messaging.open_for_member``)."""
    member, call = require(session, clock, agent, member_id, "thread")
    thread = messaging.open_for_member(session, clock, settings, member, agent, body.subject, body.category, body.body)
    told = member.email is not None  # the member's notification of a new message
    event = done_for(
        session,
        clock,
        agent,
        "agent_thread_opened",
        member_id,
        detail={**_why(body), "thread_id": thread.id, "call_id": call.id},
        ip=ip,
    )
    session.commit()
    return _done(event.id, "thread", f"Conversation « {body.subject} » ouverte dans la messagerie de l'adhérent.", told)


# Why a card sent to a professional carries less than the member's own card: the professional identifies the
# patient with the carte Vitale (NIR and date of birth come from it), and needs from the mutuelle only what
# routes the tiers payant: the AMC number, the operator, the n° adhérent, the validity and the domaines of the
# person being cared for. Health data of the rest of the household are not theirs to receive (RGPD art. 5.1.c).


def partner(session: Session, finess: str) -> PartnerProfessional:
    """The network's professional with this FINESS number (its check digit verified first), or a 422 that
    says which: a mistyped number, or a professional the mutuelle has no address for."""
    try:
        number = finess_check(finess)
    except InvalidFiness as exc:
        raise ApiError(
            422, "invalid_finess", f"N° FINESS : {exc}.", details=[ErrorDetail(field="finess", message=str(exc))]
        ) from exc
    found = session.exec(select(PartnerProfessional).where(PartnerProfessional.finess == number)).first()
    if found is None:
        why = "ce professionnel n'est pas dans le réseau de tiers payant : nous n'avons pas d'adresse vérifiée pour lui"
        raise ApiError(
            422,
            "unknown_professional",
            f"N° FINESS {number} : {why}. L'adhérent peut télécharger le document dans son Espace Adhérent et le "
            "transmettre lui-même.",
            details=[ErrorDetail(field="finess", message=why)],
        )
    return found


def partners(session: Session, query: str) -> list[PartnerOut]:
    """The network's professionals whose FINESS number starts with, or whose name or town contains, ``query``."""
    q = query.strip()
    if not q:
        return []
    pattern = f"%{q.lower()}%"
    rows = session.exec(
        select(PartnerProfessional)
        .where(
            col(PartnerProfessional.finess).startswith(q.upper().replace(" ", ""))
            | func.lower(PartnerProfessional.name).like(pattern)
            | func.lower(PartnerProfessional.city).like(pattern)
        )
        .order_by(col(PartnerProfessional.name))
        .limit(20)
    ).all()
    return [PartnerOut(finess=p.finess, name=p.name, kind=p.kind, city=p.city, email=p.email) for p in rows]


def _document_pdf(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    body: DocumentToThirdParty,
    *,
    for_professional: bool,
) -> tuple[bytes, str]:
    today = paris_today(clock)
    if body.document == ThirdPartyDocument.certificate:
        return certificate_pdf(member, profile_contract.certificate_rows(session, member), today), "attestation.pdf"
    card = profile_family.card(session, clock, settings, member)
    if not card.available:
        raise ApiError(409, "no_card", card.message or "Pas de carte de tiers payant valable pour cet adhérent.")
    if body.beneficiary_id is not None:
        person = session.get(Beneficiary, body.beneficiary_id)
        if person is None or person.member_id != member.id:
            raise ApiError(
                422,
                "unknown_beneficiary",
                "Cette personne n'est pas un bénéficiaire de l'adhérent.",
                details=[ErrorDetail(field="beneficiary_id", message="bénéficiaire inconnu")],
            )
        name = f"{person.last_name} {person.first_name}"
        card = card.model_copy(update={"beneficiaries": [b for b in card.beneficiaries if b.name == name]})
    return card_pdf(member, card, today, for_professional=for_professional), "carte-tiers-payant.pdf"


def send_document(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    member_id: int,
    body: DocumentToThirdParty,
    *,
    ip: str | None,
) -> ActionDone:
    """The carte de tiers payant or the attestation, as a PDF, to a professional of the network (by FINESS: the
    address the mutuelle has on file for it) or to the member's own e-mail on file for long enough. The exact
    address goes in the member's e-mail, in « Qui a consulté mon dossier » and in the supervisor's audit."""
    member, call = require(session, clock, agent, member_id, "send_document")
    words = status_words(body.document)
    if body.finess:
        professional = partner(session, body.finess)
        to, who = professional.email, f"{professional.name} ({professional.city}, FINESS {professional.finess})"
    else:
        since = contact_since(session, member, ContactChannel.email)
        if since is None or not member.email:
            raise ApiError(
                409, "no_email", "L'adhérent n'a pas d'e-mail : il peut télécharger le document dans son espace."
            )
        if since > clock.now() - settings.strong_contact_min_age:
            raise ApiError(
                409,
                "contact_too_recent",
                f"L'e-mail de l'adhérent est enregistré depuis moins de {settings.strong_contact_min_age.days} jours : "
                "aucun document n'y part par téléphone. Il peut le télécharger dans son Espace Adhérent.",
            )
        to, who = member.email, "vous-même"
    pdf, filename = _document_pdf(session, clock, settings, member, body, for_professional=body.finess is not None)
    enqueue_mail(
        session,
        clock,
        to=to,
        subject=f"{words.capitalize()} de {member.first_name} {member.last_name}",
        body=(
            f"Bonjour,\n\nÀ la demande de {member.first_name} {member.last_name} (n° adhérent "
            f"{member.member_number}), voici sa {words} en pièce jointe (PDF)." + SIGNATURE
        ),
        attachments=[Attachment(filename, "application/pdf", pdf)],
    )
    told = _tell(
        session,
        clock,
        member,
        f"Votre {words} a été envoyée",
        f"Votre {words} a été envoyée par e-mail à {who}, à l'adresse {to}.",
        agent,
    )
    event = done_for(
        session,
        clock,
        agent,
        "agent_document_sent",
        member_id,
        detail={
            **_why(body),
            "document": body.document.value,
            "to": to,
            **({"finess": body.finess.replace(" ", "").upper()} if body.finess else {}),
            "call_id": call.id,
        },
        ip=ip,
    )
    session.commit()
    return _done(event.id, "send_document", f"{words.capitalize()} envoyée à {who} ({to}).", told)


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
    member, call = require(session, clock, agent, member_id, "alert")
    now = clock.now()
    open_rows = session.exec(
        select(MemberAlert).where(
            MemberAlert.member_id == member_id, MemberAlert.kind == body.kind, col(MemberAlert.cleared_at).is_(None)
        )
    ).all()
    words = status_words(AlertKind(body.kind))
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
        detail={**_why(body), "kind": body.kind, "call_id": call.id},
        ip=ip,
    )
    session.commit()
    return ActionDone(action="alert", message=message, audit_id=event.id or 0, member_told=told)
