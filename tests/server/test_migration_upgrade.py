"""Upgrading a database that already holds data: what a real deployment does (migrations first).

SQLite rebuilds a table to alter it (Alembic's batch mode): with foreign keys enforced, dropping the old
copy of a referenced table fails, so the upgrade must run with them off and check them after.
"""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import text

from server.db import create_db_engine
from server.migrate import upgrade

MEMBER = (
    "INSERT INTO member (id, member_number, first_name, last_name, birth_date, sex, address_line1, postal_code, "
    "city, created_at) "
    "VALUES (1, '1000001', 'Jeanne', 'TEST', '1980-01-01', 'F', '1 rue Haute', '63000', 'Clermont', "
    "'2026-01-01 00:00:00+00:00')"
)
BENEFICIARY = (
    "INSERT INTO beneficiary (id, member_id, relationship, first_name, last_name, birth_date, sex, ald, "
    "noemie_link) VALUES (1, 1, 'member', 'Jeanne', 'TEST', '1980-01-01', 'F', 0, 'active')"
)


def test_a_populated_sqlite_database_upgrades_from_the_first_revision(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'old.db'}"
    upgrade(url, revision="0001")
    engine = create_db_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(text(MEMBER))
            connection.execute(text(BENEFICIARY))
        upgrade(url)
        with engine.connect() as connection:
            assert connection.execute(text("SELECT first_name FROM beneficiary WHERE id = 1")).scalar() == "Jeanne"
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1  # back on for the app
            assert connection.execute(text("PRAGMA foreign_key_check")).all() == []
    finally:
        engine.dispose()
