"""Audit trail: who did what, when, from where. Written in the same transaction as the action."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Field, SQLModel

from models.tables._types import json_field, utc_field


class AuditEvent(SQLModel, table=True):
    __tablename__ = "audit_event"

    id: int | None = Field(default=None, primary_key=True)
    at: datetime = utc_field(index=True)
    actor_account_id: int | None = Field(default=None, foreign_key="account.id", index=True)
    action: str = Field(max_length=64, index=True)  # login_success, login_failure, logout…
    target_type: str | None = Field(default=None, max_length=50)
    target_id: str | None = Field(default=None, max_length=64)
    detail: dict[str, Any] = json_field(default_factory=dict)
    ip: str | None = Field(default=None, max_length=64)
