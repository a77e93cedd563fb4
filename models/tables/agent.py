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


class AgentCall(SQLModel, table=True):
    """A phone call a conseiller is taking, for one member: who calls, the questions the server chose, and the
    verification level reached. The level lasts for the call and ends with it (``ended_at``, or ``expires_at``
    for a call nobody closed); a conseiller has at most one open call."""

    __tablename__ = "agent_call"
    __table_args__ = (sa.Index("ix_agent_call_agent_open", "agent_account_id", "ended_at"),)

    id: int | None = Field(default=None, primary_key=True)
    agent_account_id: int = Field(foreign_key="account.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    caller_kind: str = Field(max_length=20)
    caller_name: str | None = Field(default=None, max_length=200)
    questions: list[str] = json_field(default_factory=list)  # chosen by the server when the call starts
    level: str = Field(default="none", max_length=20)  # models.schemas.common.VerificationLevel
    flagged: bool = Field(default=False, index=True)  # read-only on a written reason after a failed check
    reason: str | None = text_field(nullable=True, default=None)
    started_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    identity_at: datetime | None = utc_field(nullable=True)
    strong_at: datetime | None = utc_field(nullable=True)
    ended_at: datetime | None = utc_field(nullable=True)


class IdentityCheck(SQLModel, table=True):
    """One answer sheet of a call: one boolean per question the server asked, never the answers themselves.
    Failed sheets count towards closing the member's phone channel (``settings.phone_channel_failures``)."""

    __tablename__ = "identity_check"
    __table_args__ = (sa.Index("ix_identity_check_member_at", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int | None = Field(default=None, foreign_key="agent_call.id", index=True)
    agent_account_id: int = Field(foreign_key="account.id")
    member_id: int = Field(foreign_key="member.id", index=True)
    caller_kind: str = Field(max_length=20)
    caller_name: str | None = Field(default=None, max_length=200)
    method: str = Field(max_length=20)  # questions | code (the strong level's one-time code)
    checks: dict[str, Any] = json_field(default_factory=dict)
    passed: bool = False
    reason: str | None = text_field(nullable=True, default=None)
    flagged: bool = Field(default=False, index=True)
    created_at: datetime = utc_field()


class CallCode(SQLModel, table=True):
    """The strong level's one-time code: sent to a contact on file for long enough (e-mail, SMS) or posted
    (a courrier to the postal address, valid for days: the member reads it back in a later call). HMAC'd."""

    __tablename__ = "call_code"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    agent_account_id: int = Field(foreign_key="account.id")
    call_id: int | None = Field(default=None, foreign_key="agent_call.id")
    channel: str = Field(max_length=20)  # email | sms | courrier
    destination: str = Field(max_length=254)  # the exact address used (audit, the member's view)
    code_hash: str = Field(max_length=64)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    wrong_codes: int = 0
    used_at: datetime | None = utc_field(nullable=True)
    voided_at: datetime | None = utc_field(nullable=True)


class PhoneChannelReopening(SQLModel, table=True):
    """A supervisor reopened a member's phone channel, closed by failed identity checks: failures before
    ``at`` no longer count."""

    __tablename__ = "phone_channel_reopening"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    supervisor_account_id: int = Field(foreign_key="account.id")
    reason: str = text_field()
    at: datetime = utc_field()


class PartnerProfessional(SQLModel, table=True):
    """A health professional of the mutuelle's tiers payant network, identified by its FINESS number, with the
    address the mutuelle has on file for it: documents for a third party go only there (or to the member)."""

    __tablename__ = "partner_professional"

    id: int | None = Field(default=None, primary_key=True)
    finess: str = Field(max_length=9, unique=True, index=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=50)  # pharmacie, opticien, centre hospitalier…
    email: str = Field(max_length=254)
    city: str = Field(default="", max_length=100)


class CallLog(SQLModel, table=True):
    __tablename__ = "call_log"
    __table_args__ = (sa.Index("ix_call_log_member_at", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    call_id: int | None = Field(default=None, foreign_key="agent_call.id")
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
