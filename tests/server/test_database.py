"""The engine factory and the migrations, on the database of this run."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from models.tables import Beneficiary, ContributionInstalment, ContributionSchedule, Member
from server.db import create_db_engine
from server.migrate import schema_diff, upgrade


def test_sqlite_has_foreign_keys_and_wal(tmp_path):
    engine = create_db_engine(f"sqlite:///{tmp_path / 'sub' / 'x.db'}")
    try:
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA foreign_keys")).scalar() == 1
            assert connection.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    finally:
        engine.dispose()


def test_migrations_produce_exactly_the_tables_metadata(engine):
    with engine.connect() as connection:
        diff = schema_diff(connection)
    assert diff == [], "les migrations ne correspondent pas aux tables : générer une révision Alembic"


def test_migrations_apply_from_scratch_on_a_fresh_sqlite_file(tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.db'}"
    upgrade(url)
    engine = create_db_engine(url)
    try:
        with engine.connect() as connection:
            version = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
            diff = schema_diff(connection, compare_type=False)
        from alembic.script import ScriptDirectory

        from server.migrate import alembic_config

        assert version == ScriptDirectory.from_config(alembic_config()).get_current_head()
        assert diff == []
    finally:
        engine.dispose()


def test_aware_datetimes_and_exact_money_round_trip(db_session, make):
    member = make.member()
    member.created_at = datetime(2026, 3, 29, 3, 30, tzinfo=timezone(timedelta(hours=2)))
    contract = make.contract(member)
    schedule = ContributionSchedule(contract_id=contract.id, year=2026)
    make._save(member, schedule)
    make._save(
        ContributionInstalment(schedule_id=schedule.id, due_date=date(2026, 1, 5), amount=Decimal("1234567890.12"))
    )
    db_session.expire_all()
    reloaded = db_session.exec(select(Member).where(Member.id == member.id)).one()
    assert reloaded.created_at == datetime(2026, 3, 29, 1, 30, tzinfo=UTC)
    assert reloaded.created_at.tzinfo is not None
    amount = db_session.exec(select(ContributionInstalment.amount)).one()
    assert amount == Decimal("1234567890.12") and isinstance(amount, Decimal)


def test_foreign_keys_are_enforced(db_session):
    with pytest.raises(IntegrityError):
        db_session.add(
            Beneficiary(
                member_id=987654,
                relationship="child",
                first_name="X",
                last_name="Y",
                birth_date=date(2020, 1, 1),
                sex="F",
            )
        )
        db_session.flush()
    db_session.rollback()
