"""Promised dates: "réponse sous 48 h ouvrées" (2 jours ouvrés, Monday–Friday without French public
holidays) and the réclamation deadlines of ACPR 2022-R-01 (10 jours ouvrables, 2 months)."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from models.domain.business_days import (
    WORKING_WEEK,
    WORKING_WEEK_WITH_SATURDAY,
    add_business_days,
    add_months,
    business_days_between,
    is_business_day,
)
from server.clock import PARIS
from server.services.business_days import (
    FRENCH_HOLIDAYS,
    answer_due,
    complaint_acknowledge_due,
    complaint_answer_due,
)
from server.settings import Settings

SETTINGS = Settings(demo_mode=True, database_url="sqlite://")


def at(day: date, hour: int = 10) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=PARIS)


def due_day(sent: date) -> date:
    return answer_due(at(sent), SETTINGS).astimezone(PARIS).date()


def test_the_holidays_come_from_the_library():
    for day in (date(2026, 7, 14), date(2026, 4, 6), date(2026, 5, 14), date(2026, 5, 25), date(2026, 12, 25)):
        assert day in FRENCH_HOLIDAYS
    assert date(2026, 7, 15) not in FRENCH_HOLIDAYS


def test_two_working_days_skip_the_weekend():
    assert due_day(date(2026, 11, 23)) == date(2026, 11, 25)  # Monday -> Wednesday
    assert due_day(date(2026, 11, 26)) == date(2026, 11, 30)  # Thursday -> Monday
    assert due_day(date(2026, 11, 27)) == date(2026, 12, 1)  # Friday -> Tuesday
    assert due_day(date(2026, 11, 28)) == date(2026, 12, 1)  # Saturday -> Tuesday


def test_friday_before_a_holiday_monday():
    # Easter Monday 6 April 2026, Pentecost Monday 25 May 2026
    assert due_day(date(2026, 4, 3)) == date(2026, 4, 8)
    assert due_day(date(2026, 5, 22)) == date(2026, 5, 27)


def test_14_july_and_ascension():
    assert due_day(date(2026, 7, 13)) == date(2026, 7, 16)  # Monday; Tuesday 14 July is off
    assert due_day(date(2026, 5, 13)) == date(2026, 5, 18)  # Wednesday; Ascension Thursday 14 May, Friday, weekend
    assert due_day(date(2026, 12, 24)) == date(2026, 12, 29)  # Christmas Friday


def test_the_due_time_is_the_end_of_the_due_day_in_paris():
    due = answer_due(at(date(2026, 11, 23), 23), SETTINGS)
    assert due.astimezone(PARIS).date() == date(2026, 11, 25)
    assert due.astimezone(PARIS).hour == 23 and due.astimezone(PARIS).minute == 59


@hsettings(max_examples=300, deadline=None, database=None)
@given(st.dates(min_value=date(2024, 1, 1), max_value=date(2030, 12, 31)))
def test_property_the_due_date_is_a_business_day_at_least_two_business_days_later(sent):
    due = due_day(sent)
    assert is_business_day(due, FRENCH_HOLIDAYS, WORKING_WEEK)
    assert business_days_between(sent, due, FRENCH_HOLIDAYS) == 2
    assert due - sent >= timedelta(days=2)


def test_complaint_acknowledged_within_10_jours_ouvrables_saturdays_count():
    received = at(date(2026, 11, 23))  # Monday
    ack = complaint_acknowledge_due(received, SETTINGS).astimezone(PARIS).date()
    # Tue 24 .. Sat 28 (5), Mon 30 .. Sat 5 Dec (6 more): the 10th is Friday 4 December
    assert ack == date(2026, 12, 4)
    # around 14 July and 15 August: both holidays are skipped
    ack_july = complaint_acknowledge_due(at(date(2026, 7, 10)), SETTINGS).astimezone(PARIS).date()
    assert ack_july == add_business_days(date(2026, 7, 10), 10, FRENCH_HOLIDAYS, WORKING_WEEK_WITH_SATURDAY)
    assert ack_july == date(2026, 7, 23)


def test_complaint_answered_within_two_months():
    assert complaint_answer_due(at(date(2026, 11, 23)), SETTINGS).astimezone(PARIS).date() == date(2027, 1, 23)
    assert add_months(date(2026, 12, 31), 2) == date(2027, 2, 28)
    assert add_months(date(2027, 12, 31), 2) == date(2028, 2, 29)
