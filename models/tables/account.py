"""Who logs in (members and staff) and their server-side sessions."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Field, SQLModel

from models.schemas.common import AccountState, Role
from models.tables._types import enum_field, utc_field


class Account(SQLModel, table=True):
    __tablename__ = "account"

    id: int | None = Field(default=None, primary_key=True)
    role: Role = enum_field(Role)
    member_id: int | None = Field(default=None, foreign_key="member.id", unique=True)  # None for staff
    # issue 21: an adult ayant droit's own access (« accès secondaire »): member_id stays None (the
    # household's member routes refuse it), the household is the beneficiary's member.
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id", unique=True)
    login_email: str | None = Field(default=None, max_length=254, unique=True, index=True)  # lower-cased
    password_hash: str | None = Field(default=None, max_length=255)
    state: AccountState = enum_field(AccountState, default=AccountState.never_activated)
    failed_attempts: int = 0
    locked_until: datetime | None = utc_field(nullable=True)
    password_changed_at: datetime | None = utc_field(nullable=True)
    email_confirmed_at: datetime | None = utc_field(nullable=True)
    totp_secret: str | None = Field(default=None, max_length=255)  # AES-GCM (server.security.crypto)
    totp_confirmed_at: datetime | None = utc_field(nullable=True)  # None while an enrolment is pending
    totp_last_step: int | None = None  # last accepted time-step: a code is never accepted twice
    display_name: str = Field(max_length=200)
    created_at: datetime = utc_field()


class AuthSession(SQLModel, table=True):
    """An opaque session: only the SHA-256 of the token is stored. The idle timeout comes from the
    settings (last_seen_at + idle lifetime); expires_at is the absolute end."""

    __tablename__ = "auth_session"

    id: int | None = Field(default=None, primary_key=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    created_at: datetime = utc_field()
    last_seen_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    revoked_at: datetime | None = utc_field(nullable=True)
    user_agent: str | None = Field(default=None, max_length=300)
    ip: str | None = Field(default=None, max_length=64)
