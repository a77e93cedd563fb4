"""Audit trail: rows are added to the caller's transaction (committed with the action, or not at all)."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from models.tables import AuditEvent
from server.clock import Clock


def record(
    session: Session,
    clock: Clock,
    action: str,
    *,
    actor_account_id: int | None = None,
    target_type: str | None = None,
    target_id: str | int | None = None,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    event = AuditEvent(
        at=clock.now(),
        actor_account_id=actor_account_id,
        action=action,
        target_type=target_type,
        target_id=None if target_id is None else str(target_id),
        detail=detail or {},
        ip=ip,
    )
    session.add(event)
    return event
