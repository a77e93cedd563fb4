"""Issue 19: the text search finds a claim by the words its row shows, case- and accent-blind, amounts as
people type them; every searched word must be found."""

from __future__ import annotations

import unicodedata
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

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


# Issue 20: the search is folded faster (ASCII left alone, the marks dropped by a table, each word folded once
# for every row that shows it); the rule itself is unchanged — checked against its plain definition.


def _fold_by_definition(text: str) -> str:
    spaced = text.translate(str.maketrans({"\u00a0": " ", "\u202f": " ", "\t": " ", "\n": " "}))
    decomposed = unicodedata.normalize("NFKD", spaced.casefold())
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).split())


def _matches_by_definition(query: str, words: list[str]) -> bool:
    haystack = " | ".join(_fold_by_definition(word) for word in words)
    return all(term in haystack for term in _fold_by_definition(query).split())


WORDISH = st.text(alphabet=st.sampled_from("aeEéÉèçœßÅﬁ ǅ̧\u0301\u00a0\u202f\t\n|,.€1 "), max_size=12)


@given(st.text(max_size=40) | WORDISH)
@example("Équipement\u00a0OPTIQUE")
@example("e\u0301 ﬁ Straße")
def test_fold_is_its_definition(text):
    assert search.fold(text) == _fold_by_definition(text)


@given(WORDISH, st.lists(WORDISH, max_size=5))
@example("e |", ["e ", ""])
@example("é", ["e", "\u0301"])
def test_matching_is_its_definition(query, words):
    assert search.matches(query, words) == _matches_by_definition(query, words)


@given(WORDISH, st.lists(WORDISH, max_size=6), st.integers(min_value=0, max_value=6))
@example("e |", ["e ", "", "x"], 1)
def test_words_joined_by_the_separator_match_as_one_by_one(query, words, cut):
    """The claims service reads a claim's acts and labels as one text « act | label | act… » (aggregated by the
    database): searching it finds what searching the words one by one finds."""
    joined = [*words[:cut], " | ".join(words[cut:])] if words[cut:] else words
    assert search.matches(query, joined) == search.matches(query, words)
