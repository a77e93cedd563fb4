"""Issue 19: the text search finds a claim by the words its row shows, case- and accent-blind, amounts as
people type them; every searched word must be found."""

from __future__ import annotations

from decimal import Decimal

import pytest

from models.domain import search
from models.domain.states import ClaimStatus, PaymentState

OPTICIAN = search.claim_words(
    label="Équipement optique",
    line_labels=("VERRE", "Verres (équipement libre)"),
    beneficiary_name="Zoé RIMON",
    status=ClaimStatus.rejected,
    professionals=("Optique Bellecour", None),
    amounts=(Decimal("1234.56"), Decimal("0.00")),
)
PHARMACY = search.claim_words(
    label="Frais de santé",
    beneficiary_name="Coralie VIDAL",
    status=ClaimStatus.paid,
    payment_state=PaymentState.returned,
    amounts=(Decimal("6.94"),),
)


@pytest.mark.parametrize(
    ("query", "optician", "pharmacy"),
    [
        ("optique", True, False),
        ("  OPTIQUE   bellecour ", True, False),  # every word, wherever it is shown
        ("frais de sant", False, True),
        ("FRAIS DE SANTE", False, True),
        ("zoe", True, False),
        ("rejete", True, False),  # the status word the list shows
        ("revenu impayé", False, True),  # a returned transfer reads so, not « Remboursé »
        ("6,94", False, True),
        ("6.94", False, True),
        ("6,94 €", False, True),
        ("1 234,56", True, False),  # as shown (a thin space), as typed (a plain one)
        ("1234,56", True, False),
        ("verres", True, False),  # a line's act
        ("optique pharmacie", False, False),
        ("", True, True),
    ],
)
def test_the_words_shown_are_found(query, optician, pharmacy):
    assert (search.matches(query, OPTICIAN), search.matches(query, PHARMACY)) == (optician, pharmacy)


def test_fold_ignores_case_accents_and_kinds_of_space():
    assert search.fold("  Équipement\u00a0OPTIQUE\u202f1 234,56 € ") == "equipement optique 1 234,56 €"
