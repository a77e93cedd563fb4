"""French display of dates and times. No clock here: callers pass the values."""

from __future__ import annotations

import calendar
import re
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


# Day, month, four-digit year; people type the separator they are used to (18/04/1979, 18-04-1979,
# 18.04.1979, 18 04 1979), and leading zeros are optional.
_TYPED_DATE = re.compile(r"\s*(\d{1,2})[/.\- ](\d{1,2})[/.\- ](\d{4})\s*")


def parse_date(text: str) -> date | None:
    """A date typed as JJ/MM/AAAA -> that date; None if it is not written so or is not a real day (31/02).

    The one reader behind every date field of the client; each field says in its own words what to write."""
    match = _TYPED_DATE.fullmatch(text)
    if not match:
        return None
    day, month, year = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        return None


def format_date(value: date) -> str:
    """Short form used in tables and explanations: 15/07/2025."""
    return f"{value.day:02d}/{value.month:02d}/{value.year:04d}"


def format_date_long(value: date) -> str:
    """Form read out by the linear mode: "15 juillet 2025"; French says "1er" for the first day."""
    day = "1er" if value.day == 1 else str(value.day)
    return f"{day} {MONTHS[value.month - 1]} {value.year}"


def format_time(value: time) -> str:
    """French time of day: "14 h 32", "9 h 05" (hours without a leading zero, as French writes them).

    Plain spaces, exactly the form of the design guide (the linear mode prints it as is); screens that
    wrap lines keep it whole with `unbreakable_times`.
    """
    return f"{value.hour} h {value.minute:02d}"


# What `format_time` writes, found again inside a sentence ("… jusqu'à 14 h 32.").
_TIME_TEXT = re.compile(r"\b\d{1,2} h \d{2}\b")


def unbreakable_times(text: str, space: str = "\u00a0") -> str:
    """`text` with the spaces inside each time of `format_time` replaced by `space` (a no-break space by
    default), so that a screen wrapping the sentence never leaves "14 h" at a line's end and "32" on the
    next. One character for one, so offsets into `text` (styles, selection) stay valid."""
    return _TIME_TEXT.sub(lambda match: match.group().replace(" ", space), text)


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
