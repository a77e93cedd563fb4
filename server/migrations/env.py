"""Alembic environment: the target is ``SQLModel.metadata`` with every table of ``models.tables``.

A connection handed in ``config.attributes["connection"]`` is used as is (tests, ``espace db``);
otherwise an engine is made from ``sqlalchemy.url`` with the project's engine factory.
"""

from __future__ import annotations

from typing import Any

from alembic import context
from sqlalchemy import Connection
from sqlmodel import SQLModel

import models.tables  # noqa: F401 - registers every table
from server.migrate import compared
from server.migrations.render import render_item

config = context.config
target_metadata = SQLModel.metadata


def _configure(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_item=render_item,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
        include_name=compared,
    )


def run_migrations_online() -> None:
    connection: Any = config.attributes.get("connection")
    if connection is not None:
        _configure(connection)
        with context.begin_transaction():
            context.run_migrations()
        return
    from server.db import create_db_engine

    engine = create_db_engine(config.get_main_option("sqlalchemy.url") or "")
    try:
        with engine.connect() as connection:
            sqlite = connection.dialect.name == "sqlite"
            if sqlite:
                _sqlite_foreign_keys(connection, on=False)
            try:
                _configure(connection)
                with context.begin_transaction():
                    context.run_migrations()
                    if sqlite:
                        _check_foreign_keys(connection)
            finally:
                if sqlite:
                    _sqlite_foreign_keys(connection, on=True)
    finally:
        engine.dispose()


def _sqlite_foreign_keys(connection: Connection, *, on: bool) -> None:
    """SQLite alters a table by rebuilding it (batch mode): dropping the old copy of a referenced table
    fails while foreign keys are enforced. The pragma is a no-op inside a transaction, so it goes straight
    to the driver connection, which runs in autocommit (see server.db), before the migration begins."""
    driver_connection = connection.connection.driver_connection
    assert driver_connection is not None
    driver_connection.execute(f"PRAGMA foreign_keys={'ON' if on else 'OFF'}")


def _check_foreign_keys(connection: Connection) -> None:
    """With enforcement off, check every reference before committing: a broken one aborts the upgrade."""
    broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
    if broken:
        raise RuntimeError(f"Migration refusée : {len(broken)} référence(s) cassée(s), par exemple {broken[0]}")


if context.is_offline_mode():
    context.configure(
        url=config.get_main_option("sqlalchemy.url"),
        target_metadata=target_metadata,
        render_item=render_item,
        literal_binds=True,
    )
    with context.begin_transaction():
        context.run_migrations()
else:
    run_migrations_online()
