"""Notifications of a member (issue 7): a list in the client, and the same news by email."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from models.schemas.common import NotificationKind


class NotificationOut(BaseModel):
    id: int
    kind: NotificationKind
    title: str
    body: str
    created_at: datetime
    read: bool
    request_id: int | None = None
    thread_id: int | None = None
    claim_id: int | None = None


class NotificationList(BaseModel):
    unread: int
    items: list[NotificationOut]
