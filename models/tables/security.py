"""Account-security rows (issue 4): throttles, human checks, pending logins, trusted devices, mail
tokens, password history, recovery codes, idempotency keys. No secret is stored in clear: tokens as
SHA-256, short codes and answers as HMAC, TOTP secrets encrypted (on ``account``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables._types import json_field, utc_field


class LoginThrottle(SQLModel, table=True):
    """One row per HMAC(key): an identifier, a trusted device, an activation or a client address.
    Counted by one atomic ``UPDATE … RETURNING`` before anything is checked."""

    __tablename__ = "login_throttle"

    key_hash: str = Field(max_length=64, primary_key=True)
    attempts: int = 0
    window_start: datetime = utc_field()
    locked_until: datetime | None = utc_field(nullable=True, index=True)


class HumanChallengeRow(SQLModel, table=True):
    __tablename__ = "human_challenge"

    id: str = Field(max_length=64, primary_key=True)
    answer_hash: str = Field(max_length=64)
    expires_at: datetime = utc_field(index=True)
    used_at: datetime | None = utc_field(nullable=True)


class PendingLoginRow(SQLModel, table=True):
    """A login whose password was right, waiting for the second factor. ``id_hash`` is the SHA-256
    of the id given to the client; ``code_hash`` the HMAC of the current code (None for TOTP)."""

    __tablename__ = "pending_login"

    id_hash: str = Field(max_length=64, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    method: str = Field(max_length=16)
    code_hash: str | None = Field(default=None, max_length=64)
    code_expires_at: datetime = utc_field()
    wrong_codes: int = 0
    resends: int = 0
    last_sent_at: datetime = utc_field()
    created_at: datetime = utc_field()
    consumed_at: datetime | None = utc_field(nullable=True)
    ended_at: datetime | None = utc_field(nullable=True)  # too many wrong codes


class TrustedDevice(SQLModel, table=True):
    __tablename__ = "trusted_device"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    name: str = Field(max_length=100)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field(index=True)
    last_used_at: datetime | None = utc_field(nullable=True)
    revoked_at: datetime | None = utc_field(nullable=True)


class MailToken(SQLModel, table=True):
    """A link (token, SHA-256) and a code (HMAC) sent by mail for one purpose: email_confirmation,
    password_reset or contact_revert (« ce n'est pas moi », then ``contact_change_id`` names the change it
    undoes). Consumed by one conditional UPDATE."""

    __tablename__ = "mail_token"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    purpose: str = Field(max_length=32)
    token_hash: str = Field(max_length=64, unique=True, index=True)
    code_hash: str = Field(max_length=64, index=True)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field(index=True)
    used_at: datetime | None = utc_field(nullable=True)
    contact_change_id: int | None = Field(default=None, foreign_key="contact_change.id")


class PasswordHistory(SQLModel, table=True):
    __tablename__ = "password_history"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    password_hash: str = Field(max_length=255)
    created_at: datetime = utc_field()


class RecoveryCode(SQLModel, table=True):
    __tablename__ = "recovery_code"

    id: int | None = Field(default=None, primary_key=True)
    account_id: int = Field(foreign_key="account.id", index=True)
    code_hash: str = Field(max_length=64)
    created_at: datetime = utc_field()
    used_at: datetime | None = utc_field(nullable=True)


class IdempotencyKey(SQLModel, table=True):
    __tablename__ = "idempotency_key"
    __table_args__ = (sa.UniqueConstraint("scope", "key", name="uq_idempotency_key_scope_key"),)

    id: int | None = Field(default=None, primary_key=True)
    scope: str = Field(max_length=64)  # "account:<id>" or "anonymous:<hash of the client address>"
    key: str = Field(max_length=200)
    request_hash: str = Field(max_length=64)
    status_code: int
    response_body: Any = json_field(nullable=True)
    created_at: datetime = utc_field(index=True)
