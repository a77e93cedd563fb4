"""Uploaded and generated files: the bytes live in the database with what they belong to."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables._types import utc_field


class Document(SQLModel, table=True):
    __tablename__ = "document"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str = Field(max_length=50)  # supporting_document, amo_rights_certificate, …
    filename: str = Field(max_length=255)
    content_type: str = Field(max_length=100)
    content: bytes = Field(sa_type=sa.LargeBinary, nullable=False)
    size: int
    created_at: datetime = utc_field()
    claim_id: int | None = Field(default=None, foreign_key="claim.id", index=True)
    thread_id: int | None = Field(default=None, foreign_key="message_thread.id", index=True)
    message_id: int | None = Field(default=None, foreign_key="message.id")
    request_id: int | None = Field(default=None, foreign_key="member_request.id", index=True)  # issue 7
    description: str | None = Field(default=None, max_length=1000)
