"""Démarches en ligne (issue 7): every request a member sends through the portal, and the
notifications the member receives.

One table for every kind of démarche (remboursement, dépôt de documents, accident, prise en charge
hospitalière, devis): "Mes démarches" is one list, and the fields specific to a kind live in ``details``
(validated by the schemas before they are stored). Uploaded files are ``document`` rows pointing here.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.schemas.common import NotificationKind, RequestKind, RequestStatus
from models.tables._types import enum_field, json_field, text_field, utc_field


class MemberRequest(SQLModel, table=True):
    __tablename__ = "member_request"
    __table_args__ = (sa.Index("ix_member_request_member_created", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    member_id: int = Field(foreign_key="member.id")
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id")
    kind: RequestKind = enum_field(RequestKind)
    status: RequestStatus = enum_field(RequestStatus, default=RequestStatus.received, index=True)
    title: str = Field(max_length=200)
    description: str | None = Field(default=None, max_length=2000)
    details: dict[str, Any] = json_field(default_factory=dict)
    estimate: Any = json_field(nullable=True)  # devis: the engine's estimate, computed at once
    answer: str | None = text_field(nullable=True, default=None)
    answer_estimate: Any = json_field(nullable=True)  # devis: the conseiller's confirmed or corrected figures
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
    created_at: datetime = utc_field()
    updated_at: datetime = utc_field()
    answered_at: datetime | None = utc_field(nullable=True)


class Notification(SQLModel, table=True):
    __tablename__ = "notification"
    __table_args__ = (sa.Index("ix_notification_member_created", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: NotificationKind = enum_field(NotificationKind)
    title: str = Field(max_length=200)
    body: str = text_field()
    created_at: datetime = utc_field()
    read_at: datetime | None = utc_field(nullable=True)
    request_id: int | None = Field(default=None, foreign_key="member_request.id")
    thread_id: int | None = Field(default=None, foreign_key="message_thread.id")
    claim_id: int | None = Field(default=None, foreign_key="claim.id")
