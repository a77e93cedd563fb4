"""Adhérents and their ayants droit."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.domain.identifiers import fold_name
from models.schemas.common import NoemieLinkState, Relationship, Sex
from models.tables._types import enum_field, utc_field


class Member(SQLModel, table=True):
    __tablename__ = "member"
    __table_args__ = (sa.Index("ix_member_search_name", "search_last_name", "search_first_name"),)

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
    # The names as searched (``fold_name``: lower case, no accents), filled on every write (below).
    search_last_name: str = Field(default="", max_length=100)
    search_first_name: str = Field(default="", max_length=100)


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
    # issue 21: the code d'accès of this person's own access, posted to them (HMAC; None once used), and
    # since when they asked that their care be hidden from the assuré principal (None: visible).
    access_code_hash: str | None = Field(default=None, max_length=255)
    care_private_since: datetime | None = utc_field(nullable=True)


@sa.event.listens_for(Member, "before_insert")
@sa.event.listens_for(Member, "before_update")
def _fill_search_names(_mapper: object, _connection: object, member: Member) -> None:
    member.search_last_name = fold_name(member.last_name or "")
    member.search_first_name = fold_name(member.first_name or "")
