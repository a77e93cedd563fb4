"""The client's clock: the only place that asks the system for the time, injectable in tests."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from functools import cache
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo


@cache
def paris() -> ZoneInfo:
    """Europe/Paris, read from the time-zone database on first use: the login form shows no time, and
    loading `zoneinfo` and the zone took about 2 ms of the client's start (issue 11)."""
    from zoneinfo import ZoneInfo

    return ZoneInfo("Europe/Paris")


class Clock(Protocol):
    def now(self) -> datetime:
        """An aware datetime in UTC."""
        ...

    def today(self) -> date:
        """Today's date in Europe/Paris (the member's calendar)."""
        ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def today(self) -> date:
        return self.now().astimezone(paris()).date()


class FrozenClock:
    """A clock that only moves when told to (tests)."""

    def __init__(self, at: datetime) -> None:
        if at.tzinfo is None:
            raise ValueError("FrozenClock needs an aware datetime")
        self._now = at.astimezone(UTC)

    def now(self) -> datetime:
        return self._now

    def today(self) -> date:
        return self._now.astimezone(paris()).date()

    def advance(self, **delta: float) -> None:
        self._now += timedelta(**delta)
