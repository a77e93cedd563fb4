"""« Mon profil » (issue 8): RIB (IBAN encrypted at rest), pending email or mobile changes, preferences,
recent second factors (step-up). Requests about ayants droit, NOEMIE, card duplicates, changes of
address with a justificatif and résiliations are ``member_request`` rows of issue 7 (one « Mes démarches »
list, documents attached there)."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.schemas.common import ContactChangeOrigin
from models.schemas.profile import BankAccountPurpose, ContactChannel, StatementChannel
from models.tables._types import enum_field, json_field, utc_field


class BankAccount(SQLModel, table=True):
    """A RIB. The current one of a purpose (and beneficiary) has ``replaced_at`` None; older rows are
    kept (history, audit). ``iban`` is AES-GCM (server.security.crypto); ``iban_masked`` is what is shown."""

    __tablename__ = "bank_account"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    purpose: BankAccountPurpose = enum_field(BankAccountPurpose)
    beneficiary_id: int | None = Field(default=None, foreign_key="beneficiary.id")
    iban: str = Field(max_length=255)
    iban_masked: str = Field(max_length=50)
    bic: str = Field(max_length=11)
    holder: str = Field(max_length=140)
    mandate_rum: str | None = Field(default=None, max_length=35)  # référence unique de mandat SEPA
    mandate_signed_on: date | None = None
    created_at: datetime = utc_field()
    replaced_at: datetime | None = utc_field(nullable=True)


class ContactChange(SQLModel, table=True):
    """A new email or mobile waiting for the code sent to it (HMAC'd); used only once confirmed. Kept after
    that as the history of the member's contacts (issue 16): who made the change (the member, or a conseiller
    and under which verification), the value it replaced, and whether the « ce n'est pas moi » link undid it.

    ``old_value`` is in clear, as ``new_value`` and the member's current e-mail and mobile are: a contact is
    personal data but not a secret, and each change's old value is the previous change's new value, so
    encrypting only this column would hide nothing (NIR, IBAN and TOTP secrets are the encrypted ones)."""

    __tablename__ = "contact_change"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    channel: ContactChannel = enum_field(ContactChannel)
    new_value: str = Field(max_length=254)
    code_hash: str = Field(max_length=64)
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    wrong_codes: int = 0
    confirmed_at: datetime | None = utc_field(nullable=True)
    cancelled_at: datetime | None = utc_field(nullable=True)
    origin: ContactChangeOrigin = enum_field(ContactChangeOrigin, default=ContactChangeOrigin.member)
    agent_account_id: int | None = Field(default=None, foreign_key="account.id")
    strong: bool = False  # made by a conseiller under strong verification (a code read back by the caller)
    old_value: str | None = Field(default=None, max_length=254)  # what the confirmation replaced
    reverted_at: datetime | None = utc_field(nullable=True)  # undone by the « ce n'est pas moi » link


class MemberPreferences(SQLModel, table=True):
    __tablename__ = "member_preferences"

    member_id: int = Field(foreign_key="member.id", primary_key=True)
    statements: StatementChannel = enum_field(StatementChannel, default=StatementChannel.email)
    channels: list[str] = json_field(default_factory=lambda: ["portal", "email"])
    updated_at: datetime = utc_field()


class StepUp(SQLModel, table=True):
    """A second factor given again during a session (before a RIB change): valid a few minutes."""

    __tablename__ = "step_up"

    id: int | None = Field(default=None, primary_key=True)
    auth_session_id: int = Field(foreign_key="auth_session.id", index=True)
    method: str = Field(max_length=16)
    code_hash: str | None = Field(default=None, max_length=64)  # None for TOTP
    created_at: datetime = utc_field()
    expires_at: datetime = utc_field()
    wrong_codes: int = 0
    verified_at: datetime | None = utc_field(nullable=True)
    cancelled_at: datetime | None = utc_field(nullable=True)  # a newer code was asked: this one is void
