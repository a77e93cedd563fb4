"""Writing many rows at once on the driver's own connection, the fastest way each database offers:
sqlite3's ``executemany`` on SQLite, ``COPY … FROM STDIN`` on PostgreSQL (psycopg). Used by the large-dataset
generator (fixtures.generator) and the directory import (server.services.directory_import).

``db`` is the DBAPI connection under a SQLAlchemy one (``connection.connection.driver_connection``): the rows
join whatever transaction that connection is in, so the caller decides what is atomic."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any


def insert_rows(db: Any, dialect: str, table: str, columns: Sequence[str], rows: Sequence[tuple[Any, ...]]) -> None:
    if not rows:
        return
    if dialect == "postgresql":
        names = ", ".join(f'"{c}"' for c in columns)
        with db.cursor() as cursor, cursor.copy(f'COPY "{table}" ({names}) FROM STDIN') as copy:
            write_row = copy.write_row
            for row in rows:
                write_row(row)
    elif dialect == "sqlite":
        marks = ", ".join("?" * len(columns))
        db.executemany(f'INSERT INTO "{table}" ({", ".join(columns)}) VALUES ({marks})', rows)
    else:
        raise ValueError(f"base non prise en charge pour le chargement en masse : {dialect}")
