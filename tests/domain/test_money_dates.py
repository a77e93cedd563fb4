import datetime as dt
from decimal import Decimal

import pytest

from models.domain.dates import add_months, add_years, format_date, format_date_long, format_time, unbreakable_times
from models.domain.money import AmountError, cents, format_eur, format_percent, parse_amount, round_half_up

NB = "\u00a0"


@pytest.mark.parametrize(
    ("amount", "shown"),
    [
        ("1234.56", f"1{NB}234,56{NB}€"),
        ("0", f"0,00{NB}€"),
        ("-12", f"-12,00{NB}€"),
        ("1234567.891", f"1{NB}234{NB}567,89{NB}€"),
        ("999.995", f"1{NB}000,00{NB}€"),
        ("-0.004", f"0,00{NB}€"),
    ],
)
def test_format_eur(amount, shown):
    assert format_eur(Decimal(amount)) == shown


def test_round_half_up_rounds_the_half_cent_up_not_to_even():
    assert round_half_up(Decimal("0.125")) == Decimal("0.13")
    assert round_half_up(Decimal("16.125")) == Decimal("16.13")
    assert round_half_up(Decimal("-0.125")) == Decimal("-0.13")
    assert cents(Decimal("19.005")) == 1901


@pytest.mark.parametrize(
    ("raw", "value"),
    [("62,50", "62.50"), ("62.50", "62.50"), (f"1{NB}234,56 €", "1234.56"), (30, "30"), (30.1, "30.1")],
)
def test_parse_amount(raw, value):
    assert parse_amount(raw) == Decimal(value)


@pytest.mark.parametrize("raw", ["", "abc", "1.2.3", True, None, "nan", float("inf")])
def test_parse_amount_refuses_what_is_not_an_amount(raw):
    with pytest.raises(AmountError, match="n'est pas un montant"):
        parse_amount(raw)


def test_format_percent():
    assert format_percent(Decimal("0.70")) == f"70{NB}%"
    assert format_percent(Decimal("0.625")) == f"62,5{NB}%"


def test_dates_in_french():
    assert format_date(dt.date(2025, 7, 15)) == "15/07/2025"
    assert format_date_long(dt.date(2025, 7, 15)) == "15 juillet 2025"
    assert format_date_long(dt.date(2026, 1, 1)) == "1er janvier 2026"
    assert format_date_long(dt.date(2026, 8, 2)) == "2 août 2026"
    assert format_time(dt.time(14, 32)) == "14 h 32"
    assert format_time(dt.time(9, 5)) == "9 h 05"


def test_times_in_a_sentence_become_unbreakable_and_nothing_else_does():
    early, late = format_time(dt.time(9, 5)), format_time(dt.time(14, 32))
    sentence = f"Code valable jusqu'à {early}, puis à {late} : 3 h de plus."
    assert unbreakable_times(sentence) == (f"Code valable jusqu'à 9{NB}h{NB}05, puis à 14{NB}h{NB}32 : 3 h de plus.")
    # one character for one: offsets of styles and selections stay valid
    assert len(unbreakable_times(sentence, "_")) == len(sentence)
    assert unbreakable_times("à 123 h 45 ou 1 h 5") == "à 123 h 45 ou 1 h 5"


def test_add_years_never_grants_a_renewal_early():
    assert add_years(dt.date(2025, 3, 12), 2) == dt.date(2027, 3, 12)
    assert add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 3, 1)


def test_add_months_counts_from_day_to_day_and_stops_at_the_months_end():
    assert add_months(dt.date(2026, 11, 23), 1) == dt.date(2026, 12, 23)
    assert add_months(dt.date(2026, 12, 15), 1) == dt.date(2027, 1, 15)
    assert add_months(dt.date(2027, 1, 31), 1) == dt.date(2027, 2, 28)
    assert add_months(dt.date(2028, 1, 31), 1) == dt.date(2028, 2, 29)
