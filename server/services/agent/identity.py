"""Verifying the caller during a call: the knowledge questions (level *identity*); the one-time code read back
(level *strong*) is ``codes``'.

Questions are chosen by the server when the call starts, among what a caller can answer and a stranger
cannot guess: the date of birth, then the strongest others the dossier allows — the amount of one of the
last three *paid* reimbursements, the last four characters of the reimbursement RIB, the postal code. The
answers are read as an honest caller says them (« 28,50 », « 28.5 », « 28 € »), compared by the server, and
never stored: one boolean per question. Three failed checks on one member within 24 h close the phone
channel for that member until a supervisor reopens it (settings ``phone_channel_*``)."""

from __future__ import annotations

import re
from datetime import datetime
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.domain.dates import parse_date
from models.domain.money import AmountError, read_typed_amount
from models.schemas.agent import (
    CallQuestion,
    IdentityAnswers,
)
from models.schemas.common import (
    BankAccountPurpose,
    ClaimStatus,
    IdentityQuestion,
    VerificationLevel,
)
from models.schemas.errors import ErrorDetail
from models.tables import (
    Account,
    AgentCall,
    BankAccount,
    Claim,
    ClaimLine,
    IdentityCheck,
    Member,
    PhoneChannelReopening,
)
from server.clock import Clock
from server.errors import ApiError
from server.security.crypto import same
from server.services.agent.common import at_words, done_for
from server.services.agent.levels import at_least
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


def level_words(call: AgentCall, now: datetime) -> str:
    if call.level == VerificationLevel.strong.value and call.strong_at:
        return f"vérification forte à {at_words(call.strong_at, now)}"
    if call.level == VerificationLevel.identity.value and call.identity_at:
        return f"identité vérifiée à {at_words(call.identity_at, now)}"
    if call.level == VerificationLevel.read_only.value:
        return f"NON vérifiée — lecture seule sur motif : {call.reason} (signalé)"
    return "pas encore vérifiée"
