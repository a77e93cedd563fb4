"""Properties of the domain's parsers (issue 11): whatever a person types, each one answers a value or its
documented French error, never another exception; what the portal displays reads back as the same value;
and the result agrees with a simple reference. Derandomized profile in conftest.py."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from hypothesis import example, given
from hypothesis import strategies as st
from stdnum.fr import nir as stdnum_nir

from models.domain import finess
from models.domain.contact import (
    ContactError,
    format_mobile,
    mask_iban,
    validate_bic,
    validate_email,
    validate_iban,
    validate_mobile,
    validate_postal_code,
)
from models.domain.dates import format_date, parse_date
from models.domain.identifiers import NirError, fold_name, make_nir, nir_matches, validate_nir
from models.domain.money import (
    AmountError,
    cents,
    format_eur,
    from_cents,
    parse_amount,
    round_half_up,
    to_json_amount,
)

# What people type, with the characters that trip parsers: separators, signs, Unicode digits (١, ²),
# spaces of every width, letters of IBANs and NIRs.
typed = st.text(
    alphabet=st.sampled_from("0123456789 ,.-+€éAaBbFfRrXxZz@_/\u00a0\u202f\t²١٣e")
    | st.characters(codec="utf-8", exclude_categories=["Cs"]),
    max_size=40,
)
amounts = st.decimals(min_value=Decimal("-99999.99"), max_value=Decimal("99999.99"), places=2)


# --- money ------------------------------------------------------------------------------------------


@given(typed)
@example("²")  # a digit for str.isdigit(), not for Decimal: once escaped as decimal.InvalidOperation
@example("+-5")
@example("NaN")
def test_parse_amount_answers_a_finite_decimal_or_the_french_error(text):
    try:
        value = parse_amount(text)
    except AmountError as exc:
        assert str(exc).endswith("n'est pas un montant")
    else:
        assert value.is_finite()


@given(amounts)
def test_a_displayed_amount_reads_back_as_itself(value):
    assert parse_amount(format_eur(value)) == value
    assert parse_amount(to_json_amount(value)) == value
    assert from_cents(cents(value)) == value


@given(st.decimals(min_value=-(10**6), max_value=10**6, allow_nan=False, places=4))
def test_rounding_to_the_cent_agrees_with_integer_arithmetic(value):
    """Reference: half up on the absolute value, computed on integers of ten-thousandths."""
    units = abs(int(value * 10000))
    expected_cents = (units + 50) // 100
    sign = -1 if value < 0 else 1
    assert round_half_up(value) == sign * Decimal(expected_cents) / 100


@given(amounts)
def test_the_display_groups_thousands_with_no_break_spaces(value):
    shown = format_eur(value)
    assert shown.endswith("\u00a0€")
    integer = shown.removesuffix("\u00a0€").split(",")[0].lstrip("-")
    assert integer.replace("\u00a0", "") == str(abs(int(value)))
    assert all(len(group) == 3 for group in integer.split("\u00a0")[1:])


# --- contact details ----------------------------------------------------------------------------------


@pytest.mark.parametrize("validator", [validate_iban, validate_mobile, validate_email, validate_postal_code])
@given(text=typed)
def test_contact_validators_answer_a_value_or_a_french_error(validator, text):
    try:
        value = validator(text)
    except ContactError as exc:
        assert str(exc) and str(exc)[0].islower()  # a French clause, shown after the field's label
    else:
        assert validator(value) == value  # what is stored passes again unchanged


@given(typed, st.sampled_from(["", "FR7630006000011234567890189"]))
def test_the_bic_answers_a_value_or_a_french_error(text, iban):
    try:
        bic = validate_bic(text, iban or None)
    except ContactError:
        return
    assert re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", bic)


@given(st.sampled_from("67"), st.from_regex(r"[4-9][0-9]{7}", fullmatch=True))
def test_a_mobile_shown_reads_back_as_itself(prefix, digits):
    stored = validate_mobile(f"+33{prefix}{digits}")
    assert validate_mobile(format_mobile(stored)) == stored


def _french_iban(bank: str, branch: str, account: str) -> str:
    """Reference: the clé RIB and the IBAN key computed from their published formulas."""
    rib = f"{bank}{branch}{account}{97 - (89 * int(bank) + 15 * int(branch) + 3 * int(account)) % 97:02d}"
    return f"FR{98 - int(rib + '152700') % 97:02d}{rib}"  # F=15, R=27, then 00


@given(st.from_regex(r"[0-9]{21}", fullmatch=True))
def test_a_french_iban_written_in_groups_is_read_compact_and_masked_to_its_ends(digits):
    iban = _french_iban(digits[:5], digits[5:10], digits[10:])
    grouped = " ".join(iban[i : i + 4] for i in range(0, len(iban), 4)).lower()
    assert validate_iban(grouped) == iban
    masked = mask_iban(iban).replace(" ", "")
    assert masked[:4] == iban[:4] and masked[-4:] == iban[-4:] and set(masked[4:-4]) == {"*"}


@given(st.from_regex(r"[0-9]{5}", fullmatch=True))
def test_a_postal_code_with_spaces_reads_as_its_five_digits(code):
    assert validate_postal_code(f" {code[:2]} {code[2:]} ") == code


# --- identifiers ------------------------------------------------------------------------------------


@given(typed)
@example("2A")
@example("1" * 15)
def test_validate_nir_answers_a_value_or_the_french_error(text):
    try:
        number = validate_nir(text)
    except NirError as exc:
        assert "numéro de sécurité sociale" in str(exc) or "chiffre" in str(exc) or "mois" in str(exc)
    else:
        assert len(number) == 15 and validate_nir(number) == number


@given(
    st.sampled_from("MF"),
    st.dates(dt.date(1900, 1, 1), dt.date(2026, 12, 31)),
    st.sampled_from([("75", 56), ("2A", "004"), ("971", "05"), ("13", 1)]),
    st.integers(1, 999),
)
def test_a_built_nir_is_valid_and_matches_its_person(sex, birth, place, order):
    nir = make_nir(sex, birth, place[0], place[1], order)
    assert validate_nir(nir) == nir
    assert stdnum_nir.is_valid(nir)  # reference: python-stdnum
    assert nir_matches(nir, sex, birth)
    assert not nir_matches(nir, "F" if sex == "M" else "M", birth)


@given(st.text(max_size=30))
def test_folding_a_name_is_idempotent_and_plain(text):
    folded = fold_name(text)
    assert fold_name(folded) == folded
    assert folded == folded.strip() and "  " not in folded


# --- FINESS -----------------------------------------------------------------------------------------


def _luhn_reference(digits: str) -> bool:
    doubled = [int(c) * (2 if i % 2 else 1) for i, c in enumerate(reversed(digits))]
    return sum(d // 10 + d % 10 for d in doubled) % 10 == 0


@given(typed)
@example("2A0000018")
def test_finess_answers_a_number_or_the_french_error(text):
    try:
        number = finess.validate(text)
    except finess.InvalidFiness as exc:
        assert "FINESS" in str(exc)
    else:
        assert len(number) == 9 and finess.validate(number) == number


@given(st.from_regex(r"[0-9]{9}", fullmatch=True))
def test_the_finess_key_agrees_with_a_reference_luhn(digits):
    assert finess.luhn_valid(digits) == _luhn_reference(digits)


# --- dates ------------------------------------------------------------------------------------------


@given(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)))
def test_the_short_date_is_dd_mm_yyyy(day):
    day_part, month_part, year_part = format_date(day).split("/")
    assert (len(day_part), len(month_part), len(year_part)) == (2, 2, 4)
    assert dt.date(int(year_part), int(month_part), int(day_part)) == day


@given(typed)
@example("31/02/2024")  # written right, not a real day
@example("٠١/٠٢/٢٠٢٤")  # Unicode digits are still digits for int()
@example("00/00/0000")
def test_parse_date_answers_a_date_or_none(text):
    assert parse_date(text) is None or isinstance(parse_date(text), dt.date)


@given(st.dates(dt.date(1, 1, 1), dt.date(9999, 12, 31)), st.sampled_from("/.- "), st.booleans())
def test_a_date_typed_with_any_usual_separator_reads_back(day, separator, zeros):
    d, m = (f"{day.day:02d}", f"{day.month:02d}") if zeros else (str(day.day), str(day.month))
    assert parse_date(f" {d}{separator}{m}{separator}{day.year:04d} ") == day
    assert parse_date(format_date(day)) == day


@given(st.integers(1, 12), st.integers(1000, 9998))
def test_a_day_past_the_end_of_its_month_is_not_a_date(month, year):
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    assert parse_date(f"{last}/{month}/{year}") == dt.date(year, month, last)
    assert parse_date(f"{last + 1}/{month}/{year}") is None
