"""Alembic, configured in code (no alembic.ini): the scripts live in ``server/migrations``."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from models.tables.directory import outside_metadata

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(database_url: str | None = None, connection: Connection | None = None) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    if database_url is not None:
        config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    if connection is not None:
        config.attributes["connection"] = connection
    return config


def upgrade(database_url: str | None = None, *, connection: Connection | None = None, revision: str = "head") -> None:
    command.upgrade(alembic_config(database_url, connection), revision)


def compared(name: str | None, type_: str, _parent_names: object) -> bool:
    """Alembic's ``include_name`` for a schema comparison (autogenerate, the tests that check the migrations give
    exactly the tables of the models): every table and index but those the models do not describe (the directory's
    word indexes, ``models.tables.directory.outside_metadata``)."""
    return not (type_ in ("table", "index") and outside_metadata(name))


def schema_diff(connection: Connection, *, compare_type: bool = True) -> list[object]:
    """What the database's schema lacks or has beyond the models (``SQLModel.metadata``), tables the models do not
    describe left out (``compared``): empty when the migrations give exactly the models' tables."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlmodel import SQLModel

    import models.tables  # noqa: F401 - registers every table

    context = MigrationContext.configure(connection, opts={"compare_type": compare_type, "include_name": compared})
    return list(compare_metadata(context, SQLModel.metadata))
