"""Mail outbox: written in the same transaction as the event it tells about; a job sends it."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.tables._types import text_field, utc_field


class MailOutbox(SQLModel, table=True):
    __tablename__ = "mail_outbox"

    id: int | None = Field(default=None, primary_key=True)
    to: str = Field(max_length=254)
    subject: str = Field(max_length=300)
    body: str = text_field()
    created_at: datetime = utc_field()
    sent_at: datetime | None = utc_field(nullable=True, index=True)
    attempts: int = 0
    last_error: str | None = Field(default=None, max_length=1000)
    next_attempt_at: datetime = utc_field(index=True)
