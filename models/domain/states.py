"""One state machine for a claim (remboursement), its payments and the démarche that asked for it.

Pure: no clock (the caller passes ``today``), no database. The service (``server.services.lifecycle``)
moves rows only through ``claim_after`` / ``payment_after``, and what the member reads (the démarche's
status, the notification of a change, the payment sentence) is derived from these states, so they cannot
contradict one another:

    claim:    reçu ─▶ en traitement ─▶ remboursé | rejeté | en attente de justificatif
              reçu ─▶ rejeté | en attente de justificatif ;  en attente de justificatif ─▶ en traitement | rejeté
    payment:  prévu ─▶ payé | revenu impayé          (a payment exists only once its claim is remboursé)
    démarche of a remboursement: reçue while the claim is reçu, en cours while it is being processed or
              waits for a document, acceptée once remboursé, refusée once rejeté.

``check_claim`` states the invariants a stored claim must hold on a given day (used by the demo seed,
the processing job and the property tests): a planned payment is never dated in the past, a done one
never in the future, only a remboursé claim has payments, and they pay what the mutuelle owes.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum


class ClaimStatus(StrEnum):
    received = "received"  # reçu
    awaiting_document = "awaiting_document"  # en attente de justificatif
    processing = "processing"  # en traitement
    paid = "paid"  # remboursé
    rejected = "rejected"  # rejeté (with a reason)


class Payee(StrEnum):
    member = "member"  # versé à l'adhérent
    provider = "provider"  # réglé au professionnel de santé (tiers payant)


class PaymentState(StrEnum):
    planned = "planned"
    done = "done"
    returned = "returned"  # transfer returned by the bank (bad RIB)


class PaymentKind(StrEnum):
    payment = "payment"
    overpayment_recovery = "overpayment_recovery"  # trop-perçu: a negative payment attached to a claim


class RequestStatus(StrEnum):
    received = "received"  # reçue (accusé de réception envoyé)
    in_progress = "in_progress"  # en cours de traitement
    accepted = "accepted"  # acceptée / traitée
    refused = "refused"  # refusée (with the reason)


class ClaimEvent(StrEnum):
    """What can happen to a claim; each event is allowed from some states only."""

    start = "start"  # a gestionnaire (or the demo job) takes it
    ask_document = "ask_document"  # a justificatif is missing
    document_received = "document_received"
    reimburse = "reimburse"  # computed and decided: remboursé (a payment is planned when the mutuelle pays)
    reject = "reject"


class PaymentEvent(StrEnum):
    execute = "execute"  # the transfer left on its date
    bank_return = "bank_return"  # the bank sent it back (RIB closed, wrong)


UNDECIDED = frozenset({ClaimStatus.received, ClaimStatus.processing, ClaimStatus.awaiting_document})
"""A claim whose mutuelle share is not decided yet: nothing is « remboursé », no payment exists."""
FINAL = frozenset({ClaimStatus.paid, ClaimStatus.rejected})

CLAIM_TRANSITIONS: dict[ClaimStatus, dict[ClaimEvent, ClaimStatus]] = {
    ClaimStatus.received: {
        ClaimEvent.start: ClaimStatus.processing,
        ClaimEvent.ask_document: ClaimStatus.awaiting_document,
        ClaimEvent.reject: ClaimStatus.rejected,
    },
    ClaimStatus.processing: {
        ClaimEvent.reimburse: ClaimStatus.paid,
        ClaimEvent.reject: ClaimStatus.rejected,
        ClaimEvent.ask_document: ClaimStatus.awaiting_document,
    },
    ClaimStatus.awaiting_document: {
        ClaimEvent.document_received: ClaimStatus.processing,
        ClaimEvent.reject: ClaimStatus.rejected,
    },
    ClaimStatus.paid: {},
    ClaimStatus.rejected: {},
}
PAYMENT_TRANSITIONS: dict[PaymentState, dict[PaymentEvent, PaymentState]] = {
    PaymentState.planned: {PaymentEvent.execute: PaymentState.done, PaymentEvent.bank_return: PaymentState.returned},
    PaymentState.done: {PaymentEvent.bank_return: PaymentState.returned},
    PaymentState.returned: {},
}
REQUEST_STATUS_OF_CLAIM: dict[ClaimStatus, RequestStatus] = {
    ClaimStatus.received: RequestStatus.received,
    ClaimStatus.processing: RequestStatus.in_progress,
    ClaimStatus.awaiting_document: RequestStatus.in_progress,
    ClaimStatus.paid: RequestStatus.accepted,
    ClaimStatus.rejected: RequestStatus.refused,
}
REQUEST_TRANSITIONS: dict[RequestStatus, frozenset[RequestStatus]] = {
    RequestStatus.received: frozenset({RequestStatus.in_progress, RequestStatus.accepted, RequestStatus.refused}),
    RequestStatus.in_progress: frozenset({RequestStatus.accepted, RequestStatus.refused}),
    RequestStatus.accepted: frozenset(),
    RequestStatus.refused: frozenset(),
}


class TransitionRefused(ValueError):
    """An event the current state does not allow. ``status`` is the state it is in: the service words the
    refusal for people from it (``models.domain.vocabulary``)."""

    def __init__(self, status: StrEnum, event: str) -> None:
        self.status = status
        self.event = event
        super().__init__(f"{type(status).__name__}.{status.value}: {event} is not allowed")


def claim_after(status: ClaimStatus, event: ClaimEvent) -> ClaimStatus:
    """The claim's status after ``event``, or TransitionRefused."""
    try:
        return CLAIM_TRANSITIONS[status][event]
    except KeyError:
        raise TransitionRefused(status, event.value) from None


def payment_after(state: PaymentState, event: PaymentEvent) -> PaymentState:
    try:
        return PAYMENT_TRANSITIONS[state][event]
    except KeyError:
        raise TransitionRefused(state, event.value) from None


def request_after(status: RequestStatus, new: RequestStatus) -> RequestStatus:
    """A démarche only moves forward: reçue, en cours, then acceptée or refusée once."""
    if new == status:
        return status
    if new not in REQUEST_TRANSITIONS[status]:
        raise TransitionRefused(status, new.value)
    return new


def request_status_of(claim: ClaimStatus) -> RequestStatus:
    """The status of the « demander un remboursement » démarche, read from its claim (never set apart)."""
    return REQUEST_STATUS_OF_CLAIM[claim]


@dataclass(frozen=True)
class PaymentFacts:
    amount: Decimal
    state: PaymentState
    payment_date: date
    kind: PaymentKind = PaymentKind.payment


def check_claim(
    status: ClaimStatus, payments: Sequence[PaymentFacts], amc_paid: Decimal, today: date, *, reference: str = ""
) -> list[str]:
    """What is wrong with a stored claim on ``today`` (English, for developers and tests); [] when sound."""
    who = f"claim {reference}: " if reference else ""
    problems: list[str] = []
    transfers = [p for p in payments if p.kind is PaymentKind.payment]
    if status is not ClaimStatus.paid and payments:
        problems.append(f"{who}{status.value} but has {len(payments)} payment(s): only a paid claim is paid")
    for p in payments:
        if p.state is PaymentState.planned and p.payment_date < today:
            problems.append(f"{who}payment planned on {p.payment_date} is in the past ({today})")
        if p.state is not PaymentState.planned and p.payment_date > today:
            problems.append(f"{who}payment {p.state.value} on {p.payment_date} is in the future ({today})")
        if p.kind is PaymentKind.payment and p.amount <= 0:
            problems.append(f"{who}a payment of {p.amount} (a recovery is its own kind)")
    if status is ClaimStatus.paid:
        if amc_paid > 0 and not transfers:
            problems.append(f"{who}paid {amc_paid} by the mutuelle but no payment")
        elif transfers:
            # What left and stayed (a recovery is negative) is what the mutuelle owes, unless a transfer came
            # back from the bank: the member owes a new RIB, the mutuelle still owes that amount.
            kept = sum((p.amount for p in payments if p.state is not PaymentState.returned), Decimal(0))
            returned = sum((p.amount for p in transfers if p.state is PaymentState.returned), Decimal(0))
            if kept != amc_paid and kept + returned != amc_paid:
                problems.append(f"{who}payments keep {kept} but the mutuelle's share is {amc_paid}")
    return problems
