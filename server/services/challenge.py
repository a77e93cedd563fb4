"""The human check: a text question, stored server side (the answer HMAC'd), single use, short-lived.
Checking consumes it whatever the answer."""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session

from models.domain.human_check import make_question, normalise_answer
from models.schemas.auth import HumanChallenge
from models.tables import HumanChallengeRow
from server.clock import Clock
from server.security.crypto import keyed_hash, same
from server.settings import Settings

_rng = secrets.SystemRandom()
T = HumanChallengeRow.__table__  # type: ignore[attr-defined]


def _answer_hash(settings: Settings, challenge_id: str, answer: str) -> str:
    return keyed_hash(settings, "challenge", f"{challenge_id}:{normalise_answer(answer)}")


def issue(session: Session, clock: Clock, settings: Settings) -> HumanChallenge:
    question, answer = make_question(_rng)
    challenge_id = secrets.token_urlsafe(18)
    expires_at = clock.now() + settings.challenge_ttl
    session.add(
        HumanChallengeRow(
            id=challenge_id, answer_hash=_answer_hash(settings, challenge_id, answer), expires_at=expires_at
        )
    )
    session.commit()
    return HumanChallenge(id=challenge_id, question=question, expires_at=expires_at)


def consume(session: Session, settings: Settings, now: datetime, challenge_id: str | None, answer: str | None) -> bool:
    """True when the challenge exists, is unused and unexpired, and the answer is right. Marks it used
    in one conditional UPDATE (two parallel uses: at most one sees it)."""
    if not challenge_id or answer is None:
        return False
    stored = session.execute(
        sa.update(T)
        .where(T.c.id == challenge_id, T.c.used_at.is_(None), T.c.expires_at > now)
        .values(used_at=now)
        .returning(T.c.answer_hash)
    ).scalar_one_or_none()
    return stored is not None and same(stored, _answer_hash(settings, challenge_id, answer))
