"""``espace db backup`` / ``espace db restore``: a round trip on a committed database (SQLite file, or
a throwaway PostgreSQL database when the test database is PostgreSQL): rows written, backed up,
changed and deleted, restored — and they are back as they were."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func
from sqlmodel import Session, select

from espace.cli import main
from models.schemas.common import Sex
from models.tables import Member
from server.backup import BackupError, backup
from server.clock import SystemClock
from server.db import create_db_engine
from server.migrate import upgrade
from tests.server.live_server import committed_database


@pytest.fixture
def url(tmp_path: Path, monkeypatch) -> Iterator[str]:
    with committed_database(tmp_path, "backup") as url:
        upgrade(url)
        monkeypatch.setenv("ESPACE_DATABASE_URL", url)
        monkeypatch.setenv("ESPACE_DEMO_MODE", "1")
        yield url


def _members(url: str) -> dict[str, str]:
    engine = create_db_engine(url)
    try:
        with Session(engine) as session:
            return {m.member_number: m.last_name for m in session.exec(select(Member))}
    finally:
        engine.dispose()


def test_backup_then_restore_brings_back_the_rows_changed_and_deleted_since(url, tmp_path, capsys):
    engine = create_db_engine(url)
    with Session(engine) as session:
        for n, name in enumerate(("Sauve", "Garde", "Copie")):
            session.add(
                Member(
                    member_number=f"5000000{n}",
                    first_name="Alix",
                    last_name=name,
                    birth_date=date(1990, 1, 1 + n),
                    sex=Sex.female,
                    email=f"alix{n}@exemple.fr",
                    created_at=SystemClock().now(),
                )
            )
        session.commit()
    before = _members(url)
    dump = tmp_path / "sauvegardes" / "espace.dump"
    assert main(["db", "backup", str(dump)]) == 0
    assert "Sauvegarde écrite dans" in capsys.readouterr().err
    assert dump.stat().st_size > 0

    with Session(engine) as session:
        first = session.exec(select(Member).where(Member.member_number == "50000000")).one()
        first.last_name = "Modifié"
        session.delete(session.exec(select(Member).where(Member.member_number == "50000001")).one())
        session.commit()
    engine.dispose()
    assert _members(url) != before

    assert main(["db", "restore", str(dump)]) == 0
    assert "Base restaurée depuis" in capsys.readouterr().err
    assert _members(url) == before
    engine = create_db_engine(url)
    with Session(engine) as session:  # the restored database is usable: constraints and sequences intact
        assert session.exec(select(func.count()).select_from(Member)).one() == 3
    engine.dispose()


def test_restore_of_a_missing_file_says_so_in_french(url, tmp_path, capsys):
    assert main(["db", "restore", str(tmp_path / "absente.dump")]) == 1
    assert "La sauvegarde" in capsys.readouterr().err


def test_missing_postgresql_client_tools_are_named_in_french(monkeypatch, tmp_path):
    monkeypatch.setenv("PATH", str(tmp_path))  # no pg_dump on this PATH
    with pytest.raises(BackupError, match="L'outil pg_dump est introuvable : installez les outils clients"):
        backup("postgresql://u@127.0.0.1:1/espace", tmp_path / "x.dump")
