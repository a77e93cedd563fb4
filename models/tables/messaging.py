"""Messagerie sécurisée: threads between a member and the service adhérent."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.schemas.common import ComplaintOutcome, ThreadStatus
from models.tables._types import enum_field, enum_type, text_field, utc_field


class MessageThread(SQLModel, table=True):
    __tablename__ = "message_thread"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    subject: str = Field(max_length=200)
    category: str = Field(max_length=50)
    status: ThreadStatus = enum_field(ThreadStatus, default=ThreadStatus.sent)
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    created_at: datetime = utc_field()
    answer_due_at: datetime | None = utc_field(nullable=True)
    # issue 7: a link to a saved simulation, the réclamation's deadlines (ACPR 2022-R-01) and outcome,
    # the preferred slots of a demande de rendez-vous téléphonique.
    simulation_id: int | None = Field(default=None, foreign_key="saved_simulation.id")
    acknowledge_due_at: datetime | None = utc_field(nullable=True)
    acknowledged_at: datetime | None = utc_field(nullable=True)
    outcome: ComplaintOutcome | None = Field(default=None, sa_type=enum_type(ComplaintOutcome), nullable=True)
    preferred_slots: str | None = Field(default=None, max_length=300)
    last_message_at: datetime | None = utc_field(nullable=True)
    # issue 21: a conversation opened by a beneficiary's own access: theirs, not the assuré principal's
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id", index=True)


class Message(SQLModel, table=True):
    __tablename__ = "message"

    id: int | None = Field(default=None, primary_key=True)
    thread_id: int = Field(foreign_key="message_thread.id", index=True)
    author_account_id: int | None = Field(default=None, foreign_key="account.id")
    body: str = text_field()
    sent_at: datetime = utc_field()
    read_by_member_at: datetime | None = utc_field(nullable=True)
    read_by_agent_at: datetime | None = utc_field(nullable=True)
