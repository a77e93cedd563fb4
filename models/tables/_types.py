"""Column types and field helpers shared by every table.

- ``UTCDateTime``: timezone-aware UTC datetimes on every database. SQLite keeps no offset, so values
  are normalised to UTC on the way in and given back their UTC tzinfo on the way out; a naive
  datetime is refused (it would be ambiguous).
- ``Money``: ``Numeric(12, 2)``, exact ``Decimal`` on SQLite and PostgreSQL alike.
- ``StrEnumType``: enumerations stored as their string values (VARCHAR, no native enum type), so the
  migrations stay identical on both databases.
"""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.types import TypeDecorator
from sqlmodel import Field, SQLModel

# Stable constraint names on every database, so migrations can name what they alter or drop.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

MONEY = sa.Numeric(12, 2)
RATE = sa.Numeric(6, 4)


class UTCDateTime(TypeDecorator[datetime]):
    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: use an aware UTC datetime (server.clock)")
        value = value.astimezone(UTC)
        if dialect.name == "sqlite":
            return value.replace(tzinfo=None)
        return value

    def process_result_value(self, value: datetime | None, dialect: sa.Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


def enum_type(enum_cls: type[StrEnum]) -> sa.Enum:
    """Stored as VARCHAR (no CHECK, no native type): adding a value is not a migration."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda cls: [member.value for member in cls],
        validate_strings=True,
    )


def utc_field(*, nullable: bool = False, index: bool = False, default: Any = None) -> Any:
    return Field(default=default, sa_type=UTCDateTime, nullable=nullable, index=index)


def money_field(*, nullable: bool = False, default: Decimal | None = None) -> Any:
    if default is None and not nullable:
        return Field(sa_type=MONEY, nullable=False)
    return Field(default=default, sa_type=MONEY, nullable=nullable)


def enum_field(enum_cls: type[StrEnum], *, default: Any = ..., index: bool = False) -> Any:
    return Field(default=default, sa_type=enum_type(enum_cls), nullable=False, index=index)


def json_field(*, nullable: bool = False, default_factory: Any = None) -> Any:
    if default_factory is None:
        return Field(default=None, sa_type=sa.JSON, nullable=nullable)
    return Field(default_factory=default_factory, sa_type=sa.JSON, nullable=nullable)


def text_field(*, nullable: bool = False, default: Any = ...) -> Any:
    return Field(default=default, sa_type=sa.Text, nullable=nullable)
