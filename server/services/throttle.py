"""Attempt counters shared by every server process: one row per HMAC(key), counted by one atomic
``UPDATE … RETURNING`` *before* anything is checked, so parallel attempts (several processes) each get
a distinct count and at most ``max_failures`` of them are ever checked."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session

from models.tables import LoginThrottle
from server.security.crypto import keyed_hash
from server.settings import Settings

T = LoginThrottle.__table__  # type: ignore[attr-defined]


@dataclass(frozen=True)
class Count:
    attempts: int  # this attempt's number in the current window (1 = first)
    locked_until: datetime | None
    blocked: bool  # over the limit: do not check anything
    just_locked: bool  # this attempt is the one that reached the limit


def throttle_key(settings: Settings, key: str) -> str:
    return keyed_hash(settings, "throttle", key)


def count_attempt(
    session: Session, settings: Settings, now: datetime, key: str, *, max_failures: int, lockout: timedelta
) -> Count:
    """Count one attempt for ``key`` and commit at once (the row lock is held for microseconds, not
    for the password check). A lock that has run out starts a new window."""
    key_hash = throttle_key(settings, key)
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    session.execute(
        insert(T).values(key_hash=key_hash, attempts=0, window_start=now, locked_until=None).on_conflict_do_nothing()
    )
    restart = sa.or_(
        sa.and_(T.c.locked_until.is_not(None), T.c.locked_until <= now),
        sa.and_(T.c.locked_until.is_(None), T.c.window_start <= now - lockout),
    )
    lock_end = now + lockout
    row = session.execute(
        sa.update(T)
        .where(T.c.key_hash == key_hash)
        .values(
            attempts=sa.case((restart, 1), else_=T.c.attempts + 1),
            window_start=sa.case((restart, now), else_=T.c.window_start),
            locked_until=sa.case(
                (restart, sa.case((sa.literal(max_failures) <= 1, lock_end), else_=sa.null())),
                (sa.and_(T.c.locked_until.is_(None), T.c.attempts + 1 >= max_failures), lock_end),
                else_=T.c.locked_until,
            ),
        )
        .returning(T.c.attempts, T.c.locked_until)
    ).one()
    session.commit()
    attempts, locked_until = row
    return Count(
        attempts=attempts,
        locked_until=locked_until,
        blocked=attempts > max_failures,
        just_locked=attempts == max_failures,
    )


def reset(session: Session, settings: Settings, *keys: str) -> None:
    """Forget the failures of ``keys`` (a success, a password reset). Added to the caller's transaction."""
    hashes = [throttle_key(settings, key) for key in keys]
    session.execute(sa.delete(T).where(T.c.key_hash.in_(hashes)))


def is_locked(session: Session, settings: Settings, now: datetime, key: str) -> bool:
    row = session.get(LoginThrottle, throttle_key(settings, key))
    return row is not None and row.locked_until is not None and row.locked_until > now
