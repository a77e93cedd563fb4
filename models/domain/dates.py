"""French display of dates and times. No clock here: callers pass the values."""

from __future__ import annotations

import calendar
from datetime import date, time

MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)


def format_date(value: date) -> str:
    """Short form used in tables and explanations: 15/07/2025."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date_long(value: date) -> str:
    """Form read out by the linear mode: "15 juillet 2025"; French says "1er" for the first day."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_time(value: time) -> str:
    """French time of day: "14 h 32", "9 h 05" (hours without a leading zero, as French writes them).

    Plain spaces, exactly the form of the design guide; screens that must not wrap it can swap them.
    """
    return f"{value.hour} h {value.minute:02d}"


def add_years(value: date, years: int) -> date:
    """Same day `years` later; 29 February becomes 1 March, so a renewal is never granted early."""
    try:
        return value.replace(year=value.year + years)
    except ValueError:
        return date(value.year + years, 3, 1)


def add_months(value: date, months: int) -> date:
    """Same day `months` later, as a French legal delay counts (« de quantième à quantième »): when that
    month has no such day, the last day of the month (Code de procédure civile, art. 641)."""
    index = value.month - 1 + months
    year, month = value.year + index // 12, index % 12 + 1
    return date(year, month, min(value.day, calendar.monthrange(year, month)[1]))
