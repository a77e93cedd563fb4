"""One state machine for a claim, its payments and its démarche (models.domain.states), under random event
sequences (Hypothesis, derandomized by tests/domain/conftest.py): whatever happens, in any order, the states
never contradict one another and a planned payment is never dated in the past."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from models.domain import vocabulary
from models.domain.states import (
    CLAIM_TRANSITIONS,
    FINAL,
    UNDECIDED,
    ClaimEvent,
    ClaimStatus,
    Payee,
    PaymentEvent,
    PaymentFacts,
    PaymentKind,
    PaymentState,
    RequestStatus,
    TransitionRefused,
    check_claim,
    claim_after,
    payment_after,
    request_after,
    request_status_of,
)

START = dt.date(2026, 11, 23)
DELAY = dt.timedelta(days=2)


@dataclass
class World:
    """A claim, its payments and its démarche, moved only through the machine, as the service does."""

    today: dt.date = START
    claim: ClaimStatus = ClaimStatus.received
    request: RequestStatus = RequestStatus.received
    amc: Decimal = Decimal("9.00")
    payments: list[PaymentFacts] = field(default_factory=list)
    told: list[str] = field(default_factory=list)  # the notifications' titles, in order

    def claim_event(self, event: ClaimEvent) -> None:
        self.claim = claim_after(self.claim, event)
        self.request = request_after(self.request, request_status_of(self.claim))
        if self.claim is ClaimStatus.paid and self.amc > 0:
            self.payments.append(PaymentFacts(self.amc, PaymentState.planned, self.today + DELAY))
        self.told.append(vocabulary.claim_change_title("R1", "Consultation", self.claim))

    def payment_event(self, event: PaymentEvent) -> None:
        if not self.payments:
            raise TransitionRefused(self.claim, event.value)
        last = self.payments[-1]
        if event is PaymentEvent.execute and last.payment_date > self.today:
            raise TransitionRefused(last.state, event.value)  # a transfer leaves on its day, not before
        new = payment_after(last.state, event)
        self.payments[-1] = PaymentFacts(last.amount, new, min(last.payment_date, self.today), last.kind)

    def next_day(self) -> None:
        """The clock moves; the payment run executes what is due that day (server.services.lifecycle)."""
        self.today += dt.timedelta(days=1)
        self.payments = [
            PaymentFacts(p.amount, payment_after(p.state, PaymentEvent.execute), p.payment_date, p.kind)
            if p.state is PaymentState.planned and p.payment_date <= self.today
            else p
            for p in self.payments
        ]


events = st.one_of(
    st.sampled_from(list(ClaimEvent)).map(lambda e: ("claim", e)),
    st.sampled_from(list(PaymentEvent)).map(lambda e: ("payment", e)),
    st.just(("day", None)),
)


@given(st.lists(events, max_size=30), st.sampled_from([Decimal("0.00"), Decimal("9.00"), Decimal("120.50")]))
def test_no_sequence_of_events_makes_the_states_contradict(sequence, amc):
    world = World(amc=amc)
    for kind, event in sequence:
        before = (world.claim, world.request, list(world.payments))
        try:
            if kind == "claim":
                world.claim_event(event)
            elif kind == "payment":
                world.payment_event(event)
            else:
                world.next_day()
        except TransitionRefused:
            assert (world.claim, world.request, world.payments) == before  # a refused event changes nothing
        # the démarche always says what its claim says
        assert world.request is request_status_of(world.claim)
        # no payment before the decision, no share « remboursé » before it either
        if world.claim in UNDECIDED or world.claim is ClaimStatus.rejected:
            assert world.payments == []
        if world.claim in UNDECIDED:
            assert vocabulary.share_words(world.claim, world.amc) == "à venir"
        # the stored invariants of the service and the seed
        kept = [p for p in world.payments if p.state is not PaymentState.returned]
        if world.claim is ClaimStatus.paid and not kept and world.payments:
            continue  # the bank returned it: the mutuelle still owes the share (a new RIB is awaited)
        assert check_claim(world.claim, world.payments, world.amc, world.today) == []
    # a final state is final
    if world.claim in FINAL:
        for event in ClaimEvent:
            with pytest.raises(TransitionRefused):
                claim_after(world.claim, event)


def test_the_transitions_of_the_brief():
    assert CLAIM_TRANSITIONS[ClaimStatus.received][ClaimEvent.start] is ClaimStatus.processing
    assert set(CLAIM_TRANSITIONS[ClaimStatus.processing].values()) == {
        ClaimStatus.paid,
        ClaimStatus.rejected,
        ClaimStatus.awaiting_document,
    }
    assert payment_after(PaymentState.planned, PaymentEvent.execute) is PaymentState.done
    assert payment_after(PaymentState.planned, PaymentEvent.bank_return) is PaymentState.returned
    with pytest.raises(TransitionRefused):
        request_after(RequestStatus.accepted, RequestStatus.refused)  # never acceptée then refusée


def test_check_claim_names_each_contradiction_of_the_issue():
    day = START
    planned_past = PaymentFacts(Decimal("9.00"), PaymentState.planned, day - dt.timedelta(days=2))
    # « Paiement prévu le 04/12 » shown on 06/12 for a claim still in processing
    problems = check_claim(ClaimStatus.processing, [planned_past], Decimal("9.00"), day)
    assert any("only a paid claim is paid" in p for p in problems)
    assert any("in the past" in p for p in problems)
    # a claim remboursé whose payments do not pay the mutuelle's share
    assert check_claim(ClaimStatus.paid, [], Decimal("9.00"), day) == ["paid 9.00 by the mutuelle but no payment"]
    # a trop-perçu recovery keeps the sum right
    recovered = [
        PaymentFacts(Decimal("20.00"), PaymentState.done, day),
        PaymentFacts(Decimal("-5.00"), PaymentState.done, day, PaymentKind.overpayment_recovery),
    ]
    assert check_claim(ClaimStatus.paid, recovered, Decimal("15.00"), day) == []


def test_the_notification_and_the_payment_say_what_the_state_says():
    assert vocabulary.claim_change_title("W1", "Consultation", ClaimStatus.rejected) == "Remboursement W1 : rejeté"
    assert vocabulary.request_change_title("D2026-000001", request_status_of(ClaimStatus.rejected)) == (
        "Démarche D2026-000001 : refusée"
    )
    assert vocabulary.payment_sentence(PaymentState.planned, Payee.member, START, account_suffix="1234") == (
        "Paiement prévu le 23/11/2026, sur votre compte …1234"
    )
    assert vocabulary.no_statement_sentence(ClaimStatus.rejected) == (
        "Ce remboursement est rejeté : aucun paiement, donc pas de relevé de paiement."
    )
