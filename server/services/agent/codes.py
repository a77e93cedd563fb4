"""The strong level of a call: a one-time code sent to a contact that has been on file for
``strong_contact_min_age`` (30 days) — so a contact an impostor just put on file cannot receive it — or, with no
such contact, posted to the postal address (MNPEM's code d'accès) and read back in a later call. Codes are limited
like login codes: one, then ``second_factor_max_resends`` per ``call_code_window``,
``second_factor_resend_interval`` apart, a new code voiding the old one, ``second_factor_max_wrong`` wrong codes
voiding it."""

from __future__ import annotations

import re
from datetime import datetime

from sqlmodel import Session, col, select

from models.schemas.agent import CallCodeCheck, CallCodeRequest, CodePending, CodeRoute
from models.schemas.common import CallCodeChannel, ContactChannel, VerificationLevel
from models.schemas.errors import ErrorDetail
from models.tables import Account, AgentCall, CallCode, Member, MemberAlert
from server.clock import PARIS, Clock
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.notify.sms import send_sms
from server.security.crypto import keyed_hash, same
from server.security.tokens import new_digits
from server.services import mails
from server.services.agent.common import at_words, done_for
from server.services.agent.levels import at_least
from server.services.auth import mask_email, mask_phone
from server.services.contacts import contact_since
from server.settings import Settings


def _npai(session: Session, member_id: int) -> bool:
    return (
        session.exec(
            select(MemberAlert.id).where(
                MemberAlert.member_id == member_id, MemberAlert.kind == "npai", col(MemberAlert.cleared_at).is_(None)
            )
        ).first()
        is not None
    )


def code_routes(session: Session, clock: Clock, settings: Settings, member: Member) -> list[CodeRoute]:
    """Where the code may go, and why not: the e-mail and the mobile only once on file for long enough; the
    courrier only when neither is usable, and not to an address the post has returned (NPAI)."""
    assert member.id is not None
    now = clock.now()
    days = settings.strong_contact_min_age.days
    routes: list[CodeRoute] = []
    for channel, contact, shown in (
        (CallCodeChannel.email, ContactChannel.email, mask_email(member.email) if member.email else ""),
        (CallCodeChannel.sms, ContactChannel.mobile, mask_phone(member.mobile) if member.mobile else ""),
    ):
        since = contact_since(session, member, contact)
        words = f"par e-mail ({shown})" if channel == CallCodeChannel.email else f"par SMS ({shown})"
        if since is None:
            routes.append(
                CodeRoute(channel=channel, words=words.split(" (")[0], usable=False, why_not="aucun dans le dossier")
            )
        elif since > now - settings.strong_contact_min_age:
            routes.append(
                CodeRoute(
                    channel=channel,
                    words=words,
                    usable=False,
                    why_not=f"enregistré il y a moins de {days} jours (le {since:%d/%m/%Y}) : un contact récent "
                    "ne prouve rien",
                )
            )
        else:
            routes.append(CodeRoute(channel=channel, words=words, usable=True))
    any_contact = any(r.usable for r in routes)
    postal = "par courrier à l'adresse postale (code valable "
    postal += f"{settings.call_code_courier_ttl.days} jours, à relire lors d'un prochain appel)"
    if any_contact:
        why = "un e-mail ou un mobile utilisable existe : le courrier sert quand il n'y en a pas"
    elif not (member.address_line1 and member.postal_code):
        why = "pas d'adresse postale complète dans le dossier"
    elif _npai(session, member.id):
        why = "un courrier est revenu (NPAI) : l'adresse postale est à vérifier"
    else:
        why = None
    routes.append(CodeRoute(channel=CallCodeChannel.courrier, words=postal, usable=why is None, why_not=why))
    return routes


def _pending_code(session: Session, member_id: int, now: datetime) -> CallCode | None:
    return session.exec(
        select(CallCode)
        .where(
            CallCode.member_id == member_id,
            col(CallCode.used_at).is_(None),
            col(CallCode.voided_at).is_(None),
            col(CallCode.expires_at) > now,
        )
        .order_by(col(CallCode.id).desc())
    ).first()


def _codes_in_window(session: Session, settings: Settings, member_id: int, now: datetime) -> list[CallCode]:
    return list(
        session.exec(
            select(CallCode)
            .where(CallCode.member_id == member_id, col(CallCode.created_at) > now - settings.call_code_window)
            .order_by(col(CallCode.created_at))
        ).all()
    )


def _code_words(channel: CallCodeChannel, destination: str) -> str:
    if channel == CallCodeChannel.email:
        return f"par e-mail à {mask_email(destination)}"
    if channel == CallCodeChannel.sms:
        return f"par SMS au {mask_phone(destination)}"
    return "par courrier à l'adresse postale"


def code_pending(session: Session, clock: Clock, settings: Settings, member_id: int) -> CodePending | None:
    now = clock.now()
    row = _pending_code(session, member_id, now)
    if row is None:
        return None
    sent = len(_codes_in_window(session, settings, member_id, now))
    return CodePending(
        channel=CallCodeChannel(row.channel),
        words=_code_words(CallCodeChannel(row.channel), row.destination),
        expires_at=row.expires_at,
        resends_left=max(0, settings.second_factor_max_resends + 1 - sent),
    )


def _code_hash(settings: Settings, row_id: int, code: str) -> str:
    return keyed_hash(settings, "call-code", f"{row_id}:{code}")


def send_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call: AgentCall,
    body: CallCodeRequest,
    *,
    ip: str | None,
) -> None:
    member = session.get(Member, call.member_id)
    assert member is not None and member.id is not None
    if not at_least(call.level, VerificationLevel.identity):
        raise ApiError(
            403,
            "level_required",
            "Le code de vérification forte s'envoie après les questions d'identité réussies : posez-les d'abord.",
        )
    route = next(r for r in code_routes(session, clock, settings, member) if r.channel == body.channel)
    if not route.usable:
        raise ApiError(
            409,
            "code_route_unusable",
            f"Impossible d'envoyer le code {route.words.split(' (')[0]} : {route.why_not}.",
            details=[ErrorDetail(field="channel", message=route.why_not or "")],
        )
    now = clock.now()
    recent = _codes_in_window(session, settings, member.id, now)
    if len(recent) > settings.second_factor_max_resends:
        until = recent[0].created_at + settings.call_code_window
        raise ApiError(
            429,
            "too_many_codes",
            f"Trop de codes envoyés pour cet adhérent : un nouveau code pourra partir à {at_words(until, now)}. "
            "Faites relire le dernier code reçu.",
        )
    if recent and recent[-1].created_at > now - settings.second_factor_resend_interval:
        wait = int((recent[-1].created_at + settings.second_factor_resend_interval - now).total_seconds()) + 1
        raise ApiError(429, "code_too_soon", f"Un code vient de partir : attendez {wait} s avant d'en renvoyer un.")
    for old in session.exec(
        select(CallCode).where(
            CallCode.member_id == member.id, col(CallCode.used_at).is_(None), col(CallCode.voided_at).is_(None)
        )
    ).all():
        old.voided_at = now  # a new code voids the old one, whatever its channel
        session.add(old)
    destination = {
        CallCodeChannel.email: member.email or "",
        CallCodeChannel.sms: member.mobile or "",
        CallCodeChannel.courrier: f"{member.address_line1}, {member.postal_code} {member.city}".strip(),
    }[body.channel]
    ttl = settings.call_code_courier_ttl if body.channel == CallCodeChannel.courrier else settings.call_code_ttl
    row = CallCode(
        member_id=member.id,
        agent_account_id=agent.id or 0,
        call_id=call.id,
        channel=body.channel.value,
        destination=destination,
        code_hash="",
        created_at=now,
        expires_at=now + ttl,
    )
    session.add(row)
    session.flush()
    code = new_digits(8 if body.channel == CallCodeChannel.courrier else 6)
    row.code_hash = _code_hash(settings, row.id or 0, code)
    _deliver(session, clock, settings, member, body.channel, destination, code, row.expires_at)
    done_for(
        session,
        clock,
        agent,
        "call_code_sent",
        member.id,
        detail={"call_id": call.id, "channel": body.channel.value, "to": destination},
        ip=ip,
    )
    session.commit()


def _until(moment: datetime, now: datetime) -> str:
    local, today = moment.astimezone(PARIS), now.astimezone(PARIS)
    if local.date() == today.date():
        return f"jusqu'à {local.hour} h {local:%M}"
    return f"jusqu'au {local:%d/%m/%Y} à {local.hour} h {local:%M}"


def _deliver(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    channel: CallCodeChannel,
    destination: str,
    code: str,
    expires_at: datetime,
) -> None:
    warning = (
        "Donnez-le seulement au conseiller avec qui vous êtes en ligne, après avoir vous-même appelé le service "
        f"adhérent au {settings.service_phone}. Si vous n'êtes pas en train de nous appeler, ne le communiquez à "
        "personne."
    )
    if channel == CallCodeChannel.sms:
        send_sms(
            session,
            clock,
            settings,
            destination,
            f"Espace Adhérent : code de vérification de votre appel {code}, valable {_until(expires_at, clock.now())}. "
            "Ne le donnez qu'au conseiller que vous avez appelé.",
        )
        return
    if channel == CallCodeChannel.email:
        enqueue_mail(
            session,
            clock,
            to=destination,
            subject="Votre code de vérification pour votre appel",
            body=f"Bonjour {member.first_name} {member.last_name},\n\nVotre code de vérification : {code}\n"
            f"Il est valable {_until(expires_at, clock.now())} et ne sert qu'une fois.\n{warning}" + mails.SIGNATURE,
        )
        return
    enqueue_mail(
        session,
        clock,
        to=f"courrier+{member.member_number}@{settings.sms_sink_domain}",
        subject=f"Courrier : code de vérification pour {member.first_name} {member.last_name}",
        body=(
            f"{member.first_name} {member.last_name}\n{destination}\n\nMadame, Monsieur,\n\nVous avez demandé "
            f"par téléphone une opération qui demande une vérification forte. Votre code : {code}\nIl est valable "
            f"{_until(expires_at, clock.now())}. Rappelez le service adhérent au {settings.service_phone} "
            f"({settings.service_hours}) et lisez-le au conseiller. {warning}" + mails.SIGNATURE
        ),
    )


def check_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call: AgentCall,
    body: CallCodeCheck,
    *,
    ip: str | None,
) -> None:
    if not at_least(call.level, VerificationLevel.identity):
        raise ApiError(
            403,
            "level_required",
            "La vérification forte vient après les questions d'identité réussies : posez-les d'abord.",
        )
    now = clock.now()
    row = _pending_code(session, call.member_id, now)
    if row is None:
        raise ApiError(
            422,
            "no_code_pending",
            "Aucun code en attente pour cet adhérent (ou il a expiré) : envoyez-en un.",
            details=[ErrorDetail(field="code", message="aucun code en attente")],
        )
    typed = re.sub(r"\s", "", body.code)
    if not same(_code_hash(settings, row.id or 0, typed), row.code_hash):
        row.wrong_codes += 1
        if row.wrong_codes >= settings.second_factor_max_wrong:
            row.voided_at = now
        session.add(row)
        done_for(session, clock, agent, "call_code_refused", call.member_id, detail={"call_id": call.id}, ip=ip)
        session.commit()
        ended = " Ce code est annulé après trop d'erreurs : envoyez-en un autre." if row.voided_at else ""
        raise ApiError(
            422,
            "code_refused",
            "Code incorrect : faites-le relire chiffre par chiffre." + ended,
            details=[ErrorDetail(field="code", message="code incorrect")],
        )
    row.used_at = now
    session.add(row)
    call.level = VerificationLevel.strong.value
    call.strong_at = now
    session.add(call)
    done_for(
        session,
        clock,
        agent,
        "strong_verified",
        call.member_id,
        detail={"call_id": call.id, "channel": row.channel, "to": row.destination},
        ip=ip,
    )
    session.commit()
