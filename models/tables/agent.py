"""The conseiller console (issue 9): identity checks, call log, internal notes, queue assignments, the
member alerts no other table holds (courrier NPAI, tutelle), and the search indexes on ``member`` and
``audit_event`` (declared here, with the console that needs them)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables._types import json_field, text_field, utc_field
from models.tables.audit import AuditEvent
from models.tables.member import Member


class IdentityCheck(SQLModel, table=True):
    """What a caller confirmed and what the server found: one boolean per question, never the answers
    themselves. A dossier opens after a passed check, or with a written reason (``flagged``)."""

    __tablename__ = "identity_check"
    __table_args__ = (sa.Index("ix_identity_check_agent_member_at", "agent_account_id", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_account_id: int = Field(foreign_key="account.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    caller_kind: str = Field(max_length=20)
    caller_name: str | None = Field(default=None, max_length=200)
    method: str = Field(max_length=20)  # questions | nir
    checks: dict[str, Any] = json_field(default_factory=dict)
    passed: bool = False
    reason: str | None = text_field(nullable=True, default=None)
    flagged: bool = Field(default=False, index=True)
    created_at: datetime = utc_field()
    access_until: datetime | None = utc_field(nullable=True)


class CallLog(SQLModel, table=True):
    __tablename__ = "call_log"
    __table_args__ = (sa.Index("ix_call_log_member_at", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_account_id: int = Field(foreign_key="account.id", index=True)
    member_id: int = Field(foreign_key="member.id")
    caller_kind: str = Field(max_length=20)
    motif: str = Field(max_length=200)
    outcome: str = Field(max_length=20)
    note: str | None = text_field(nullable=True, default=None)
    ticket: str | None = Field(default=None, max_length=50)
    created_at: datetime = utc_field()


class InternalNote(SQLModel, table=True):
    """A note between conseillers on a thread or a démarche: no member route ever reads this table."""

    __tablename__ = "internal_note"

    id: int | None = Field(default=None, primary_key=True)
    agent_account_id: int = Field(foreign_key="account.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    thread_id: int | None = Field(default=None, foreign_key="message_thread.id", index=True)
    request_id: int | None = Field(default=None, foreign_key="member_request.id", index=True)
    body: str = text_field()
    created_at: datetime = utc_field()


class QueueAssignment(SQLModel, table=True):
    __tablename__ = "queue_assignment"
    __table_args__ = (sa.UniqueConstraint("item_kind", "item_id", name="uq_queue_assignment_item"),)

    id: int | None = Field(default=None, primary_key=True)
    item_kind: str = Field(max_length=20)  # thread | request
    item_id: int
    agent_account_id: int = Field(foreign_key="account.id", index=True)
    assigned_at: datetime = utc_field()


class MemberAlert(SQLModel, table=True):
    """Alerts that live nowhere else: courrier revenu NPAI, tutelle/curatelle (with the tuteur's name)."""

    __tablename__ = "member_alert"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=20)  # npai | guardianship
    note: str | None = Field(default=None, max_length=500)
    created_at: datetime = utc_field()
    cleared_at: datetime | None = utc_field(nullable=True)


# Search as you type: phone, and the audit by member (name prefixes: ``member.search_*``, indexed there).
_member = Member.__table__  # type: ignore[attr-defined]
_audit = AuditEvent.__table__  # type: ignore[attr-defined]
sa.Index("ix_member_mobile", _member.c.mobile)
sa.Index("ix_audit_event_target_at", _audit.c.target_type, _audit.c.target_id, _audit.c.at)
