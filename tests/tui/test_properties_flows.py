"""Properties of the client's form parsers and filters (issue 11), on the Textual-free flows: whatever is
typed, each answers a value, None (the form then says what to write) or its documented French error, and
what the portal shows reads back as itself. Derandomized, no example database."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from models.domain import money
from models.domain.dates import format_date
from models.domain.money import format_eur
from server.services.agent.identity import spoken_amount
from tui.flows import account, request_forms
from tui.flows.actions import InvalidKey, normalize_key
from tui.flows.claims import AmountError, parse_amount_range
from tui.flows.simulator import parse_euros

PROPERTIES = settings(
    derandomize=True, database=None, max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow]
)
typed = st.text(
    alphabet=st.sampled_from("0123456789 ,.-+/€àaeE\u00a0\u202f²١") | st.characters(exclude_categories=["Cs"]),
    max_size=30,
)
euros = st.decimals(min_value=0, max_value=99999, places=2)
DATE_PARSERS = [request_forms.parse_date, account.parse_birth_date]


@PROPERTIES
@given(typed)
@example("20 à 10")
@example("²")
def test_the_amount_filter_answers_a_range_or_the_french_error(text):
    try:
        low, high = parse_amount_range(text)
    except AmountError as exc:
        assert "montant" in str(exc)
    else:
        assert low is None or high is None or low <= high


@PROPERTIES
@given(euros, euros)
def test_the_amount_filter_reads_what_the_help_shows(a, b):
    low, high = sorted((a, b))
    written = lambda v: f"{v:.2f}".replace(".", ",")  # noqa: E731 - the decimal comma people type
    assert parse_amount_range(f"{written(low)}-{written(high)}") == (low, high)
    assert parse_amount_range(f"de {written(low)} à {written(high)} €") == (low, high)
    assert parse_amount_range(f"{written(low)}-") == (low, None)
    assert parse_amount_range(f"-{written(high)}") == (None, high)
    assert parse_amount_range(written(low)) == (low, low)


def spoken(text: str) -> Decimal | None:
    """The console's identity answer, read by the server with the one reader of typed amounts."""
    try:
        return spoken_amount(text)
    except money.AmountError:
        return None


@pytest.mark.parametrize("parse", [spoken, parse_euros])
@PROPERTIES
@given(text=typed)
@example(text="NaN")
@example(text="-Infinity")
@example(text="sNaN")
def test_amount_fields_answer_a_finite_non_negative_amount_or_none(parse, text):
    value = parse(text)
    assert value is None or (value.is_finite() and value >= 0)


@pytest.mark.parametrize("parse", [spoken, parse_euros])
@PROPERTIES
@given(value=euros)
def test_an_amount_as_displayed_reads_back_as_itself(parse, value):
    assert parse(format_eur(value)) == value


@pytest.mark.parametrize("parse", DATE_PARSERS)
@PROPERTIES
@given(text=typed)
def test_date_fields_answer_a_date_or_none(parse, text):
    assert parse(text) is None or isinstance(parse(text), date)


@pytest.mark.parametrize("parse", DATE_PARSERS)
@PROPERTIES
@given(day=st.dates(date(1000, 1, 1), date(9999, 12, 31)))
def test_a_date_as_displayed_reads_back_as_itself(parse, day):
    assert parse(format_date(day)) == day
    assert parse(f" {day.day}/{day.month}/{day.year} ") == day  # without leading zeros


@PROPERTIES
@given(typed)
@example("+")
@example("ctrl++")
def test_a_key_name_is_normalized_or_refused_in_french(text):
    try:
        name = normalize_key(text)
    except InvalidKey as exc:
        assert str(exc).startswith(("touche vide", "touche inconnue"))
    else:
        assert normalize_key(name) == name  # a normalized name stays as it is


@PROPERTIES
@given(st.sampled_from(["ctrl", "Ctrl", "CTRL", "alt", "shift"]), st.sampled_from("abcdefghijklmnopqrstuvwxyz"))
def test_a_modified_letter_is_named_in_lower_case(modifier, letter):
    assert normalize_key(f"{modifier}+{letter.upper()}") == f"{modifier.lower()}+{letter}"


def test_amounts_typed_with_an_exponent_or_special_values_are_not_amounts():
    """Regression: « NaN » once escaped the conseiller's amount field as decimal.InvalidOperation."""
    assert spoken("NaN") is None
    assert spoken("Infinity") is None
    assert spoken("12,50 €") == Decimal("12.50")
