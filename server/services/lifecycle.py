"""THE way a claim, its payments and a démarche change state, through the one state machine of
``models.domain.states``: the démarche « demander un remboursement » follows its claim (never set apart),
a payment exists only once the claim is remboursé and is planned from today (never in the past), and each
change writes one notification whose words come from ``models.domain.vocabulary``. Everything happens in
the caller's transaction; the caller commits.

Used by the démarche services, the conseiller's decision (``server.services.agent.queue``), the demo job
(``server.services.demo_progress``) and the payment run (``settle_due_payments``).
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

from sqlmodel import Session, col, select

from models.domain import states, vocabulary
from models.domain.simulation import refused_by_mutuelle
from models.domain.states import ClaimEvent, PaymentEvent
from models.schemas.common import (
    BankAccountPurpose,
    ClaimStatus,
    NotificationKind,
    Payee,
    PaymentKind,
    PaymentState,
    RequestKind,
    RequestStatus,
)
from models.tables import BankAccount, Claim, ClaimLine, ClaimLineAmc, Member, MemberRequest, Payment
from server.clock import Clock, paris_today
from server.db import SessionScope
from server.errors import ApiError
from server.services.notifications import notify
from server.settings import Settings

ZERO = Decimal("0.00")
PAYMENT_DELAY = timedelta(days=2)
"""A remboursement decided today is transferred two days later (the demo's rhythm; never a past date)."""
REQUEST_DONE = "Demande traitée : suivez le remboursement dans « Mes remboursements »."


def refused(exc: states.TransitionRefused) -> ApiError:
    """A move the state machine does not allow, for a person: 409 with the current status in words."""
    status = exc.status
    words = vocabulary.inline_words(status) if isinstance(status, ClaimStatus | RequestStatus) else status.value
    what = "Ce remboursement" if isinstance(status, ClaimStatus) else "Cet élément"
    if isinstance(status, RequestStatus):
        what = "Cette démarche"
    return ApiError(409, "already_decided", f"{what} est déjà {words} : cette action n'est plus possible.")


def request_of(session: Session, claim: Claim) -> MemberRequest | None:
    return session.exec(select(MemberRequest).where(MemberRequest.claim_id == claim.id)).first()


def _member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    assert member is not None
    return member


def _lines(session: Session, claim: Claim) -> list[ClaimLine]:
    return list(session.exec(select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(col(ClaimLine.position))))


def _move(claim: Claim, event: ClaimEvent) -> None:
    claim.status = states.claim_after(claim.status, event)


def _follow(session: Session, clock: Clock, claim: Claim, answer: str | None = None) -> MemberRequest | None:
    """The démarche of this claim takes the status the claim gives it (no notification of its own: the
    claim's notification tells both)."""
    row = request_of(session, claim)
    if row is None:
        return None
    new = states.request_status_of(claim.status)
    if new != row.status:
        _set_status(session, clock, row, new, answer)
    return row


def _set_status(session: Session, clock: Clock, row: MemberRequest, new: RequestStatus, answer: str | None) -> None:
    """The démarche moves forward only (models.domain.states); a decision carries its answer."""
    row.status = states.request_after(row.status, new)
    now = clock.now()
    row.updated_at = now
    if new in (RequestStatus.accepted, RequestStatus.refused):
        row.answer = answer
        row.answered_at = now
    session.add(row)


def _tell(
    session: Session,
    clock: Clock,
    settings: Settings,
    claim: Claim,
    kind: NotificationKind,
    body: str,
    request: MemberRequest | None,
) -> None:
    notify(
        session,
        clock,
        settings,
        _member(session, claim.member_id),
        kind,
        vocabulary.claim_change_title(claim.reference, claim.label, claim.status),
        body,
        claim_id=claim.id,
        request_id=request.id if request is not None else None,
    )


def start_processing(session: Session, clock: Clock, settings: Settings, claim: Claim) -> None:
    """reçu (or en attente de justificatif, the document received) -> en traitement."""
    event = ClaimEvent.document_received if claim.status is ClaimStatus.awaiting_document else ClaimEvent.start
    _move(claim, event)
    session.add(claim)
    request = _follow(session, clock, claim)
    _tell(
        session,
        clock,
        settings,
        claim,
        NotificationKind.request_status,
        vocabulary.claim_change_sentence(claim.label, claim.status),
        request,
    )


def ask_document(session: Session, clock: Clock, settings: Settings, claim: Claim, what: str) -> None:
    _move(claim, ClaimEvent.ask_document)
    claim.next_step = what
    session.add(claim)
    request = _follow(session, clock, claim)
    _tell(session, clock, settings, claim, NotificationKind.request_status, f"{what}", request)


def _reimbursement_suffix(session: Session, member_id: int) -> str | None:
    masked = session.exec(
        select(BankAccount.iban_masked).where(
            BankAccount.member_id == member_id,
            BankAccount.purpose == BankAccountPurpose.reimbursement,
            col(BankAccount.replaced_at).is_(None),
        )
    ).first()
    digits = [c for c in masked or "" if c.isalnum()]
    return "".join(digits[-4:]) if len(digits) >= 4 else None


def reimburse(
    session: Session,
    clock: Clock,
    settings: Settings,
    claim: Claim,
    *,
    payee: Payee = Payee.member,
    payee_label: str | None = None,
) -> Payment | None:
    """en traitement -> remboursé: its lines are computed; the mutuelle's share is planned for payment."""
    _move(claim, ClaimEvent.reimburse)
    session.add(claim)
    amc = sum((line.amc_paid for line in _lines(session, claim)), ZERO)
    payment = None
    if amc > 0:
        payment = Payment(
            claim_id=claim.id or 0,
            payee=payee,
            payee_label=payee_label or ("vous" if payee is Payee.member else "votre professionnel de santé"),
            amount=amc,
            kind=PaymentKind.payment,
            state=PaymentState.planned,
            payment_date=paris_today(clock) + PAYMENT_DELAY,
            iban_suffix=_reimbursement_suffix(session, claim.member_id) if payee is Payee.member else None,
        )
        session.add(payment)
    words = (
        vocabulary.payment_sentence(
            payment.state,
            payment.payee,
            payment.payment_date,
            payee_label=payment.payee_label,
            account_suffix=payment.iban_suffix,
        )
        if payment is not None
        else vocabulary.no_payment_sentence(claim.status)
    )
    request = _follow(session, clock, claim, REQUEST_DONE)
    body = vocabulary.claim_change_sentence(claim.label, claim.status, amc_paid=amc, payment=words)
    _tell(session, clock, settings, claim, NotificationKind.reimbursement, body, request)
    return payment


def reject(
    session: Session, clock: Clock, settings: Settings, claim: Claim, reason: str, next_step: str | None = None
) -> None:
    """-> rejeté: the mutuelle pays nothing on it, so its share goes back to the reste à charge (the Sécurité
    sociale's part stays what it is) and no payment exists."""
    _move(claim, ClaimEvent.reject)
    claim.rejection_reason = reason
    claim.next_step = next_step
    session.add(claim)
    for line in _lines(session, claim):
        if line.amc_paid:
            line.engine_result = refused_by_mutuelle(line.engine_result or {})
            line.out_of_pocket += line.amc_paid
            line.amc_paid = ZERO
            session.add(line)
        for share in session.exec(select(ClaimLineAmc).where(ClaimLineAmc.claim_line_id == line.id)).all():
            session.delete(share)
    answer = f"{reason.rstrip('.')}." + (f" {next_step}" if next_step else "")
    request = _follow(session, clock, claim, answer)
    body = vocabulary.claim_change_sentence(claim.label, claim.status, rejection_reason=reason, next_step=next_step)
    _tell(session, clock, settings, claim, NotificationKind.rejection, body, request)


def settle_due_payments(session_scope: SessionScope, clock: Clock) -> int:
    """The payment run: a planned transfer whose day has come leaves (planned -> payé). So a « Paiement
    prévu » is never shown with a date already past."""
    today = paris_today(clock)
    with session_scope() as session:
        due = session.exec(
            select(Payment).where(Payment.state == PaymentState.planned, col(Payment.payment_date) <= today)
        ).all()
        for payment in due:
            payment.state = states.payment_after(payment.state, PaymentEvent.execute)
            payment.payment_date = min(payment.payment_date, today)
            session.add(payment)
        session.commit()
    return len(due)


# --------------------------------------------------------------------------------------------------
# Démarches


def advance_request(
    session: Session,
    clock: Clock,
    settings: Settings,
    row: MemberRequest,
    new: RequestStatus,
    answer: str | None = None,
) -> None:
    """A démarche moves forward (reçue -> en cours -> acceptée | refusée) and the member is told in the
    vocabulary's words. A « demander un remboursement » démarche never moves here: its claim moves it."""
    if row.kind == RequestKind.reimbursement and row.claim_id is not None:
        raise ValueError("a reimbursement démarche follows its claim (server.services.lifecycle)")
    _set_status(session, clock, row, new, answer)
    notify(
        session,
        clock,
        settings,
        _member(session, row.member_id),
        NotificationKind.request_status,
        vocabulary.request_change_title(row.reference, row.status),
        vocabulary.request_change_sentence(row.title, row.status, row.answer),
        request_id=row.id,
    )


def decide_request(
    session: Session,
    clock: Clock,
    settings: Settings,
    row: MemberRequest,
    *,
    accept: bool,
    answer: str,
) -> RequestStatus:
    """A conseiller's decision. For a « demander un remboursement », the decision is the claim's: refusing
    rejects it (the answer is the reason), accepting computes it with the member's guarantees and plans the
    payment; the démarche follows. Raises the 409 of ``refused`` when it is already decided."""
    try:
        if row.kind == RequestKind.reimbursement and row.claim_id is not None:
            claim = session.get(Claim, row.claim_id)
            assert claim is not None
            if not accept:
                reject(session, clock, settings, claim, answer)
                return row.status
            from server.services.requests import price_online_claim

            if claim.status in (ClaimStatus.received, ClaimStatus.awaiting_document):
                start_processing(session, clock, settings, claim)
            price_online_claim(session, clock, claim, row)
            reimburse(session, clock, settings, claim)
            row.answer = f"{REQUEST_DONE} {answer}".strip()
            session.add(row)
            return row.status
        new = RequestStatus.accepted if accept else RequestStatus.refused
        if row.kind == RequestKind.quote and accept and row.estimate is not None:
            row.answer_estimate = row.estimate
        advance_request(session, clock, settings, row, new, answer)
        return row.status
    except states.TransitionRefused as exc:
        raise refused(exc) from None
