"""Verifying the caller during a call: the knowledge questions (level *identity*) and the one-time code read
back (level *strong*).

Questions are chosen by the server when the call starts, among what a caller can answer and a stranger
cannot guess: the date of birth, then the strongest others the dossier allows — the amount of one of the
last three *paid* reimbursements, the last four characters of the reimbursement RIB, the postal code. The
answers are read as an honest caller says them (« 28,50 », « 28.5 », « 28 € »), compared by the server, and
never stored: one boolean per question. Three failed checks on one member within 24 h close the phone
channel for that member until a supervisor reopens it (settings ``phone_channel_*``).

The strong level's code goes to a contact that has been on file for ``strong_contact_min_age`` (30 days), so
a contact an impostor just put on file cannot receive it; with no such contact, it is posted to the postal
address (MNPEM's code d'accès) and read back in a later call. Codes are limited like login codes: one, then
``second_factor_max_resends`` per ``call_code_window``, ``second_factor_resend_interval`` apart, a new code
voiding the old one, ``second_factor_max_wrong`` wrong codes voiding it."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.domain.dates import parse_date
from models.domain.money import AmountError, read_typed_amount
from models.schemas.agent import (
    CallCodeCheck,
    CallCodeRequest,
    CallQuestion,
    CodePending,
    CodeRoute,
    IdentityAnswers,
)
from models.schemas.common import (
    BankAccountPurpose,
    CallCodeChannel,
    ClaimStatus,
    ContactChannel,
    IdentityQuestion,
    VerificationLevel,
)
from models.schemas.errors import ErrorDetail
from models.tables import (
    Account,
    AgentCall,
    BankAccount,
    CallCode,
    Claim,
    ClaimLine,
    ContactChange,
    IdentityCheck,
    Member,
    MemberAlert,
    PhoneChannelReopening,
)
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
from server.settings import Settings

MIN_REASON = 10
PAID_CLAIMS = 3  # « one of the last three paid reimbursements »

QUESTIONS: dict[IdentityQuestion, tuple[str, str]] = {
    IdentityQuestion.birth_date: ("Date de naissance de l'adhérent", "JJ/MM/AAAA, par exemple 05/03/1962"),
    IdentityQuestion.paid_amount: (
        "Montant d'un des trois derniers remboursements versés",
        "tel que l'appelant le lit : 28,50 ou 28.5 ou 28 €",
    ),
    IdentityQuestion.rib_last4: (
        "Quatre derniers caractères du RIB de remboursement",
        "par exemple 4521",
    ),
    IdentityQuestion.postal_code: ("Code postal de l'adresse de l'adhérent", "5 chiffres, par exemple 63000"),
}
# The strongest first: a stranger who knows a name and a birth date still cannot know an amount or a RIB.
PREFERENCE = (IdentityQuestion.paid_amount, IdentityQuestion.rib_last4, IdentityQuestion.postal_code)
ANSWER_MAX = 40


# --- the questions -------------------------------------------------------------------------------------------


def paid_amounts(session: Session, member_id: int) -> set[Decimal]:
    """What an honest caller may read from the last three paid reimbursements: the mutuelle's part, or the
    total with the Sécurité sociale's (« Remboursé » on the décompte). Only amounts above zero: « 0 » is a
    guess, never a payment."""
    claims = session.exec(
        select(Claim.id)
        .where(Claim.member_id == member_id, Claim.status == ClaimStatus.paid)
        .order_by(col(Claim.care_date).desc(), col(Claim.id).desc())
    ).all()
    amounts: set[Decimal] = set()
    paid: list[int] = []
    sums = (
        session.exec(
            select(ClaimLine.claim_id, func.sum(ClaimLine.amc_paid), func.sum(ClaimLine.amo_paid))
            .where(col(ClaimLine.claim_id).in_(claims[: PAID_CLAIMS * 4]))
            .group_by(col(ClaimLine.claim_id))
        ).all()
        if claims
        else []
    )
    by_claim = {claim_id: (Decimal(str(amc or 0)), Decimal(str(amo or 0))) for claim_id, amc, amo in sums}
    for claim_id in claims:
        amc, amo = by_claim.get(claim_id, (Decimal(0), Decimal(0)))
        if amc <= 0:  # nothing was paid by the mutuelle: not a « paid reimbursement » the caller saw arrive
            continue
        paid.append(claim_id)
        amounts |= {amc.quantize(Decimal("0.01")), (amc + amo).quantize(Decimal("0.01"))}
        if len(paid) == PAID_CLAIMS:
            break
    return amounts


def rib_last4(session: Session, member_id: int) -> str | None:
    masked = session.exec(
        select(BankAccount.iban_masked).where(
            BankAccount.member_id == member_id,
            BankAccount.purpose == BankAccountPurpose.reimbursement,
            col(BankAccount.beneficiary_id).is_(None),
            col(BankAccount.replaced_at).is_(None),
        )
    ).first()
    tail = re.sub(r"[^0-9A-Za-z]", "", masked or "")[-4:]
    return tail.upper() if len(tail) == 4 else None


def choose_questions(session: Session, settings: Settings, member: Member) -> list[IdentityQuestion]:
    """The date of birth, then the strongest questions this dossier can answer, up to ``identity_questions``."""
    assert member.id is not None
    available = {
        IdentityQuestion.paid_amount: bool(paid_amounts(session, member.id)),
        IdentityQuestion.rib_last4: rib_last4(session, member.id) is not None,
        IdentityQuestion.postal_code: bool(member.postal_code),
    }
    chosen = [IdentityQuestion.birth_date]
    chosen += [q for q in PREFERENCE if available[q]][: max(0, settings.identity_questions - 1)]
    return chosen


def call_questions(call: AgentCall) -> list[CallQuestion]:
    return [
        CallQuestion(
            key=IdentityQuestion(q), label=QUESTIONS[IdentityQuestion(q)][0], hint=QUESTIONS[IdentityQuestion(q)][1]
        )
        for q in call.questions
    ]


def spoken_amount(text: str) -> Decimal:
    """An amount as a caller says it and the conseiller types it: THE reader of a typed amount (« 28,50 »,
    « 28.5 », « 28 € »), as in every form, « euros » spelled out too. AmountError with the French reason."""
    return read_typed_amount(re.sub(r"\s*euros?$", "", text.strip(), flags=re.IGNORECASE), allow_zero=True)


def _wrong_format(question: IdentityQuestion, sentence: str) -> ApiError:
    return ApiError(
        422,
        "invalid_answer",
        f"{QUESTIONS[question][0]} : {sentence} Rien n'a été compté : corrigez la réponse, puis validez.",
        details=[ErrorDetail(field=f"answers.{question.value}", message=sentence)],
    )


def _matches(session: Session, member: Member, question: IdentityQuestion, answer: str) -> bool:
    """Whether the caller's answer is right; an answer that is not even of the question's form is refused
    (422) before anything is counted: a typo is not a failed check."""
    assert member.id is not None
    text = answer.strip()
    if question == IdentityQuestion.birth_date:
        typed = parse_date(text)
        if typed is None:
            raise _wrong_format(question, "écrivez la date sous la forme JJ/MM/AAAA.")
        return typed == member.birth_date
    if question == IdentityQuestion.postal_code:
        digits = re.sub(r"\s", "", text)
        if not re.fullmatch(r"\d{5}", digits):
            raise _wrong_format(question, "un code postal compte 5 chiffres.")
        return digits == member.postal_code.replace(" ", "")
    if question == IdentityQuestion.paid_amount:
        try:
            amount = spoken_amount(text)
        except AmountError as exc:
            raise _wrong_format(question, f"{exc}.") from None
        return amount in paid_amounts(session, member.id)
    tail = re.sub(r"[\s-]", "", text).upper()
    if not re.fullmatch(r"[0-9A-Z]{4}", tail):
        raise _wrong_format(question, "tapez les 4 derniers caractères, par exemple 4521.")
    expected = rib_last4(session, member.id)
    return expected is not None and same(tail, expected)


# --- the phone channel -----------------------------------------------------------------------------------------


def failed_checks(session: Session, clock: Clock, settings: Settings, member_id: int) -> int:
    """Failed identity checks that count towards closing the phone channel: within the window, after the
    last reopening by a supervisor."""
    now = clock.now()
    since = now - settings.phone_channel_window
    reopened = session.exec(
        select(func.max(PhoneChannelReopening.at)).where(PhoneChannelReopening.member_id == member_id)
    ).one()
    if reopened is not None and reopened > since:
        since = reopened
    return session.exec(
        select(func.count())
        .select_from(IdentityCheck)
        .where(
            IdentityCheck.member_id == member_id,
            IdentityCheck.method == "questions",
            col(IdentityCheck.passed).is_(False),
            col(IdentityCheck.created_at) > since,
        )
    ).one()


def phone_channel_closed(session: Session, clock: Clock, settings: Settings, member_id: int) -> bool:
    return failed_checks(session, clock, settings, member_id) >= settings.phone_channel_max_failures


def channel_closed_words(settings: Settings) -> str:
    return (
        f"Canal téléphonique fermé pour cet adhérent : {settings.phone_channel_max_failures} vérifications "
        "d'identité manquées en 24 h. Rien ne peut être vérifié par téléphone tant qu'un superviseur ne l'a pas "
        "rouvert ; proposez d'écrire depuis l'Espace Adhérent ou par courrier."
    )


# --- the identity check ------------------------------------------------------------------------------------


def check_identity(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call: AgentCall,
    body: IdentityAnswers,
    *,
    ip: str | None,
) -> tuple[IdentityCheck, str]:
    """Compare the answers, record the sheet, raise the call's level (or open it read-only on a reason);
    the row and the sentence for the conseiller."""
    member = session.get(Member, call.member_id)
    assert member is not None and member.id is not None
    if phone_channel_closed(session, clock, settings, member.id):
        raise ApiError(409, "phone_channel_closed", channel_closed_words(settings))
    reason = (body.reason or "").strip() or None
    if not body.answers and reason is not None:
        return _read_only_on_reason(session, clock, agent, call, reason, ip=ip)
    asked = [IdentityQuestion(q) for q in call.questions]
    missing = [q for q in asked if not (body.answers.get(q) or "").strip()]
    extra = [q for q in body.answers if q not in asked]
    if missing or extra:
        raise ApiError(
            422,
            "answers_mismatch",
            "Répondez à chaque question posée, et seulement à elles : "
            + "; ".join(QUESTIONS[q][0].lower() for q in missing or extra)
            + (" manque." if missing else " n'a pas été posée."),
            details=[
                ErrorDetail(field=f"answers.{q.value}", message="réponse manquante" if q in missing else "non posée")
                for q in missing or extra
            ],
        )
    for q in asked:
        if len(body.answers[q]) > ANSWER_MAX:
            raise _wrong_format(q, f"la réponse est trop longue ({ANSWER_MAX} caractères au plus).")
    checks = {q.value: _matches(session, member, q, body.answers[q]) for q in asked}
    passed = all(checks.values())
    if not passed and reason is not None:
        _check_reason(reason)
    now = clock.now()
    read_only = not passed and reason is not None
    row = IdentityCheck(
        call_id=call.id,
        agent_account_id=agent.id or 0,
        member_id=member.id,
        caller_kind=call.caller_kind,
        caller_name=call.caller_name,
        method="questions",
        checks=checks,
        passed=passed,
        reason=reason if read_only else None,
        flagged=read_only,
        created_at=now,
    )
    session.add(row)
    if passed:
        if not at_least(call.level, VerificationLevel.identity):
            call.level = VerificationLevel.identity.value
        call.identity_at = now
    elif read_only and call.level == VerificationLevel.none.value:
        call.level = VerificationLevel.read_only.value
        call.flagged = True
        call.reason = reason
    session.add(call)
    session.flush()
    done_for(
        session,
        clock,
        agent,
        "identity_check",
        member.id,
        detail={
            "call_id": call.id,
            "check_id": row.id,
            "caller_kind": call.caller_kind,
            "passed": passed,
            "checks": checks,
            "flagged": read_only,
            **({"reason": reason} if read_only else {}),
        },
        ip=ip,
    )
    session.commit()
    closed = phone_channel_closed(session, clock, settings, member.id)
    if passed:
        message = "Identité vérifiée : le dossier est ouvert."
    else:
        wrong = ", ".join(QUESTIONS[IdentityQuestion(k)][0].lower() for k, ok in checks.items() if not ok)
        message = f"Identité non vérifiée ({wrong} : non concordant). "
        if read_only:
            message += "Dossier ouvert en lecture seule sur motif écrit, signalé au superviseur : aucune action."
        else:
            message += "Le dossier reste fermé. Reposez les questions, ou écrivez un motif (lecture seule, signalé)."
        if closed:
            message += " " + channel_closed_words(settings)
    return row, message


def _check_reason(reason: str) -> None:
    if len(reason) < MIN_REASON:
        raise ApiError(
            422,
            "reason_too_short",
            f"Écrivez un motif d'au moins {MIN_REASON} caractères : il est transmis au superviseur.",
            details=[ErrorDetail(field="reason", message=f"{MIN_REASON} caractères au moins")],
        )


def _read_only_on_reason(
    session: Session, clock: Clock, agent: Account, call: AgentCall, reason: str, *, ip: str | None
) -> tuple[IdentityCheck, str]:
    """A written reason given after this call's failed check, without answering again (which would count a
    second failure): the dossier opens read-only on that check, flagged to the supervisor."""
    _check_reason(reason)
    sheet = session.exec(
        select(IdentityCheck)
        .where(IdentityCheck.call_id == call.id, IdentityCheck.method == "questions")
        .order_by(col(IdentityCheck.id).desc())
    ).first()
    if sheet is None or sheet.passed:
        raise ApiError(
            422,
            "answers_mismatch",
            "Un motif écrit s'ajoute à une vérification manquée de cet appel : posez d'abord les questions.",
            details=[ErrorDetail(field="answers", message="aucune vérification manquée dans cet appel")],
        )
    sheet.reason, sheet.flagged = reason, True
    session.add(sheet)
    if call.level == VerificationLevel.none.value:
        call.level, call.flagged, call.reason = VerificationLevel.read_only.value, True, reason
        session.add(call)
    done_for(
        session,
        clock,
        agent,
        "identity_check",
        call.member_id,
        detail={"call_id": call.id, "check_id": sheet.id, "passed": False, "flagged": True, "reason": reason},
        ip=ip,
    )
    session.commit()
    return sheet, "Dossier ouvert en lecture seule sur motif écrit, signalé au superviseur : aucune action."


# --- the strong level's code ---------------------------------------------------------------------------------


def contact_since(session: Session, member: Member, channel: ContactChannel) -> datetime | None:
    """When the member's current e-mail or mobile was put on file: the latest confirmed change to it, else
    the dossier's creation; None when there is no such contact."""
    value = member.email if channel == ContactChannel.email else member.mobile
    if not value:
        return None
    confirmed = session.exec(
        select(func.max(ContactChange.confirmed_at)).where(
            ContactChange.member_id == member.id, ContactChange.channel == channel
        )
    ).one()
    return confirmed or member.created_at


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


def level_words(call: AgentCall, now: datetime) -> str:
    if call.level == VerificationLevel.strong.value and call.strong_at:
        return f"vérification forte à {at_words(call.strong_at, now)}"
    if call.level == VerificationLevel.identity.value and call.identity_at:
        return f"identité vérifiée à {at_words(call.identity_at, now)}"
    if call.level == VerificationLevel.read_only.value:
        return f"NON vérifiée — lecture seule sur motif : {call.reason} (signalé)"
    return "pas encore vérifiée"
