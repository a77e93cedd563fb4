"""Mail outbox: written in the same transaction as the event it tells about; a job sends it."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
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


class MailAttachment(SQLModel, table=True):
    """A file sent with an outbox mail (the carte de tiers payant to a professional), as a MIME part.
    Deleted once the mail is sent, like the body is blanked: the outbox is not an archive."""

    __tablename__ = "mail_attachment"

    id: int | None = Field(default=None, primary_key=True)
    mail_id: int = Field(foreign_key="mail_outbox.id", index=True)
    filename: str = Field(max_length=200)
    content_type: str = Field(max_length=100)
    data: bytes = Field(sa_column=sa.Column(sa.LargeBinary, nullable=False))
