"""Promised dates of the messagerie and of réclamations, on the French public-holiday calendar.

The arithmetic is pure (``models.domain.business_days``); this module only supplies the calendar from
the maintained ``holidays`` library (metropolitan France: the Alsace-Moselle extra days are not counted)
and turns Paris dates into the UTC datetimes the tables store (the end of the due day, Paris time).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from functools import lru_cache

import holidays

from models.domain.business_days import WORKING_WEEK, WORKING_WEEK_WITH_SATURDAY, add_business_days, add_months
from server.clock import PARIS
from server.settings import Settings


@lru_cache(maxsize=64)
def _year(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("FR", years=year).keys())


class FrenchHolidays:
    """A ``Container[date]`` over every year, loaded lazily."""

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and day in _year(day.year)


FRENCH_HOLIDAYS = FrenchHolidays()


def end_of_day(day: date) -> datetime:
    return datetime.combine(day + timedelta(days=1), time(0, 0), tzinfo=PARIS) - timedelta(seconds=1)


def paris_date(at: datetime) -> date:
    return at.astimezone(PARIS).date()


def answer_due(sent_at: datetime, settings: Settings) -> datetime:
    """ "Réponse sous 48 h ouvrées": the end of the 2nd jour ouvré (Mon–Fri, holidays excluded) after."""
    due = add_business_days(paris_date(sent_at), settings.message_answer_business_days, FRENCH_HOLIDAYS, WORKING_WEEK)
    return end_of_day(due)


def complaint_acknowledge_due(received_at: datetime, settings: Settings) -> datetime:
    """ACPR 2022-R-01: acknowledged within 10 jours ouvrables (Mon–Sat, holidays excluded)."""
    due = add_business_days(
        paris_date(received_at),
        settings.complaint_acknowledge_business_days,
        FRENCH_HOLIDAYS,
        WORKING_WEEK_WITH_SATURDAY,
    )
    return end_of_day(due)


def complaint_answer_due(received_at: datetime, settings: Settings) -> datetime:
    """ACPR 2022-R-01: answered within 2 months of receipt."""
    return end_of_day(add_months(paris_date(received_at), settings.complaint_answer_months))
