"""Adhérents and their ayants droit."""

from __future__ import annotations

from datetime import date, datetime

from sqlmodel import Field, SQLModel

from models.schemas.common import NoemieLinkState, Relationship, Sex
from models.tables._types import enum_field, utc_field


class Member(SQLModel, table=True):
    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    member_number: str = Field(max_length=16, unique=True, index=True)  # digits only
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: date
    sex: Sex = enum_field(Sex)
    nir: str | None = Field(default=None, max_length=255)  # AES-GCM (server.security.crypto)
    nir_hash: str | None = Field(default=None, max_length=64, index=True)  # HMAC, for lookups
    email: str | None = Field(default=None, max_length=254, index=True)
    mobile: str | None = Field(default=None, max_length=20)
    address_line1: str = Field(default="", max_length=200)
    address_line2: str | None = Field(default=None, max_length=200)
    postal_code: str = Field(default="", max_length=10)
    city: str = Field(default="", max_length=100)
    # The extranet access code sent by post (letters), HMAC'd (server.security.crypto); None once used.
    access_code_hash: str | None = Field(default=None, max_length=255)
    created_at: datetime = utc_field()


class Beneficiary(SQLModel, table=True):
    """A person covered by a member's contracts; the member is a beneficiary too (relationship=member)."""

    __tablename__ = "beneficiary"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    relationship: Relationship = enum_field(Relationship)
    first_name: str = Field(max_length=100)
    last_name: str = Field(max_length=100)
    birth_date: date
    sex: Sex = enum_field(Sex)
    nir: str | None = Field(default=None, max_length=255)  # AES-GCM (server.security.crypto)
    ald: bool = False
    noemie_link: NoemieLinkState = enum_field(NoemieLinkState, default=NoemieLinkState.inactive)
