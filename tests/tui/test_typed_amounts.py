"""An amount typed by a person reads the same in every form of both front ends (issue 17): the démarche
forms (remboursement, devis lines), the simulator (montant facturé, base de remboursement), the claims
filter and the conseiller's identity check all use ``models.domain.money.read_typed_amount``; the
full-screen client and the linear mode fill these same flows."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from models.domain.money import AmountError, read_typed_amount
from server.services.agent.identity import spoken_amount
from tui.flows import claims as claims_flow
from tui.flows import request_forms as forms
from tui.flows import simulator as simulator_flow

CTX = forms.FormContext("1204587", (forms.Person(1, "Coralie VIDAL"),), date(2026, 11, 23))
ACCEPTED = {"60": "60.00", "60,50": "60.50", "60 €": "60.00", "1 200,50": "1200.50", "1\u00a0200,50\u00a0€": "1200.50"}
REFUSED = {
    "1e5": "n'est pas un montant",
    "-60": "ne peut pas être négatif",
    "100 000,01": "dépasse la limite de 100\u00a0000,00\u00a0€",
    "60,505": "plus de deux chiffres après la virgule",
}


def _reimbursement(amount: str) -> dict:
    return {"basis": "paid_invoice", "beneficiary": "1", "care_date": "15/11/2026", "label": "Soin", "amount": amount}


def _quote(amount: str) -> dict:
    return {"beneficiary": "1", "provider_name": "Dr Martin", "line1_act": "PROTHESE", "line1_amount": amount}


def _form_error(action_id: str, values: dict, name: str) -> str | None:
    """The démarche form's own check of the answer (the flow model runs it as the answer is given)."""
    form = forms.request_form(action_id, CTX, first="dental" if action_id == "new_quote" else "")
    assert form.check is not None
    found = form.check(values)
    return found.message if found is not None and found.field == name else None


def _readers():
    """Every form's reading of one typed amount: (value or None, the message shown when refused)."""

    def demarche(text):
        error = _form_error("new_reimbursement", _reimbursement(text), "amount")
        return (None, error) if error else (read_typed_amount(text), None)

    def quote(text):
        error = _form_error("new_quote", _quote(text), "line1_amount")
        return (None, error) if error else (read_typed_amount(text), None)

    def simulator(text):
        return simulator_flow.parse_euros(text), simulator_flow.amount_problem(text)

    def claims_filter(text):
        try:
            low, high = claims_flow.parse_amount_range(text)
        except claims_flow.AmountError as exc:
            return None, str(exc)
        assert low == high
        return low, None

    def agent_check(text):  # read by the server (the console's identity question), with the same reader
        return spoken_amount(text), None

    return {
        "demarche": demarche,
        "quote": quote,
        "simulator": simulator,
        "claims_filter": claims_filter,
        "agent_check": agent_check,
    }


@pytest.mark.parametrize("form", list(_readers()))
def test_every_form_accepts_the_same_amounts(form):
    read = _readers()[form]
    for text, expected in ACCEPTED.items():
        value, problem = read(text)
        assert (value, problem) == (Decimal(expected), None), (form, text)


@pytest.mark.parametrize("form", ["demarche", "quote", "simulator", "claims_filter"])
def test_every_form_refuses_the_same_amounts_and_says_why(form):
    read = _readers()[form]
    for text, words in REFUSED.items():
        if form == "claims_filter" and text.startswith("-"):
            continue  # in a range, « -60 » is « at most 60 » (test_claims_flow), never a negative amount
        value, problem = read(text)
        assert value is None and problem and words in problem, (form, text, problem)


def test_the_conseiller_check_refuses_what_is_not_an_amount():
    for text in ("1e5", "-60", "NaN", "60,505"):
        with pytest.raises(AmountError):
            spoken_amount(text)


def test_the_limit_is_named_in_the_message():
    with pytest.raises(AmountError, match="dépasse la limite de 500,00"):
        read_typed_amount("600", limit=Decimal("500"))
