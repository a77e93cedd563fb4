"""Business-day arithmetic for promised answer dates, with the public-holiday calendar passed in as data.

- *jours ouvrés*: Monday to Friday, public holidays excluded ("réponse sous 48 h ouvrées" = 2 of them);
- *jours ouvrables*: Monday to Saturday, public holidays excluded (ACPR 2022-R-01: a réclamation is
  acknowledged within 10 of them).

Pure: the caller hands in the holidays (the server builds them from the maintained `holidays` library,
French calendar); nothing here knows the clock or any library.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Container

WORKING_WEEK = frozenset({0, 1, 2, 3, 4})  # jours ouvrés: Monday–Friday
WORKING_WEEK_WITH_SATURDAY = frozenset({0, 1, 2, 3, 4, 5})  # jours ouvrables: Monday–Saturday


def is_business_day(day: dt.date, holidays: Container[dt.date], week: frozenset[int] = WORKING_WEEK) -> bool:
    return day.weekday() in week and day not in holidays


def add_business_days(
    start: dt.date, count: int, holidays: Container[dt.date], week: frozenset[int] = WORKING_WEEK
) -> dt.date:
    """The ``count``-th business day strictly after ``start`` (``count`` ≥ 1). A request received on a
    Saturday or a holiday is counted from the next business day, as are all others."""
    if count < 1:
        raise ValueError("count must be at least 1")
    day = start
    left = count
    while left:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays, week):
            left -= 1
    return day


def business_days_between(
    start: dt.date, end: dt.date, holidays: Container[dt.date], week: frozenset[int] = WORKING_WEEK
) -> int:
    """How many business days lie in (start, end]."""
    count = 0
    day = start
    while day < end:
        day += dt.timedelta(days=1)
        if is_business_day(day, holidays, week):
            count += 1
    return count


def add_months(start: dt.date, months: int) -> dt.date:
    """Same day ``months`` later, or the month's last day when it is shorter (31 Dec + 2 months = 28/29 Feb)."""
    index = start.month - 1 + months
    year, month = start.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(start.day, calendar.monthrange(year, month)[1]))
