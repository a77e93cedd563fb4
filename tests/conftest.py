"""Shared fixtures: a real database (SQLite by default, PostgreSQL with ESPACE_TEST_DATABASE_URL),
migrated with the project's Alembic scripts, and one transaction per test, rolled back afterwards.

Fixtures: ``engine`` (per process/xdist worker), ``db_session`` (the test's transaction-bound session),
``session_scope`` (a factory of ``with``-able sessions handing out ``db_session``: give it to code that
opens its own sessions), ``clock`` (FrozenClock, Monday 23 November 2026 10:00 Europe/Paris),
``settings`` (cheap argon2), ``app``, ``client`` (httpx.AsyncClient on the app) and ``make`` (factories
of members, accounts, contracts, claims, sessions).
"""

from __future__ import annotations

import itertools
import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url
from sqlmodel import Session, select

from models.schemas.common import (
    AccountState,
    ClaimStatus,
    ContractKind,
    ContractLevel,
    Payee,
    PaymentState,
    Relationship,
    Role,
    Sex,
)
from models.tables import (
    Account,
    AuthSession,
    Beneficiary,
    Claim,
    ClaimLine,
    ClaimLineAmc,
    Contract,
    ContractBeneficiary,
    Document,
    GuaranteeTable,
    Member,
    Payment,
)
from server.app import create_app
from server.clock import PARIS, FrozenClock
from server.db import SessionScope, create_db_engine
from server.migrate import upgrade
from server.security.passwords import hash_password
from server.security.tokens import hash_token, new_token
from server.settings import Settings

TEST_DATABASE_ENV = "ESPACE_TEST_DATABASE_URL"
TEST_NOW = datetime(2026, 11, 23, 10, 0, tzinfo=PARIS)
PASSWORD = "Correct-Cheval-Pile-42"


def _requested_url() -> str | None:
    return os.environ.get(TEST_DATABASE_ENV) or None


def pytest_report_header(config: pytest.Config) -> str:
    url = _requested_url()
    if url is None:
        return "database: sqlite (fichier jetable par processus de test)"
    parsed = make_url(url)
    return (
        f"database: {parsed.get_backend_name()} {parsed.host or ''}:{parsed.port or ''} "
        "(base jetable espace_test_<worker>_<aléa> par processus)"
    )


@contextmanager
def _throwaway_postgres(base_url: str, worker: str) -> Iterator[str]:
    name = f"espace_test_{worker}_{secrets.token_hex(4)}".lower()
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session")
def database_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    requested = _requested_url()
    if requested is None:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'espace-test.db'}"
    elif make_url(requested).get_backend_name() == "postgresql":
        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")  # gw0, gw1… under xdist
        with _throwaway_postgres(requested, worker) as url:
            yield url
    else:
        yield requested


@pytest.fixture(scope="session")
def engine(database_url: str) -> Iterator[Engine]:
    engine = create_db_engine(database_url)
    with engine.begin() as connection:
        upgrade(connection=connection)
    yield engine
    engine.dispose()


@pytest.fixture
def db_session(engine: Engine) -> Iterator[Session]:
    """The test's session: every commit only releases a savepoint; everything is rolled back after."""
    connection = engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def session_scope(db_session: Session) -> SessionScope:
    @contextmanager
    def scope() -> Iterator[Session]:
        try:
            yield db_session
        except Exception:
            # As the real scope closes its session: nothing a failed request left pending stays (only up to
            # the test's last savepoint).
            db_session.rollback()
            raise

    return scope


@pytest.fixture
def clock() -> FrozenClock:
    return FrozenClock(TEST_NOW)


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(
        database_url=database_url,
        demo_mode=True,
        argon2_time_cost=1,
        argon2_memory_cost=8,
        argon2_parallelism=1,
        log_level="WARNING",
    )


@pytest.fixture
def app(settings: Settings, clock: FrozenClock, session_scope: SessionScope) -> Any:
    return create_app(settings, clock=clock, session_scope=session_scope)


@pytest.fixture
async def client(app: Any) -> Any:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


class Factory:
    """Small builders of rows, committed (to the test's savepoint) and returned."""

    def __init__(self, session: Session, settings: Settings, clock: FrozenClock) -> None:
        self.session = session
        self.settings = settings
        self.clock = clock
        self._seq = itertools.count(1)

    def _save(self, *rows: Any) -> None:
        self.session.add_all(rows)
        self.session.commit()

    def member(self, *, first_name: str = "Camille", last_name: str = "Durand", **fields: Any) -> Member:
        n = next(self._seq)
        member = Member(
            member_number=fields.pop("member_number", f"{10_000_000 + n}"),
            first_name=first_name,
            last_name=last_name,
            birth_date=fields.pop("birth_date", date(1980, 5, 17)),
            sex=fields.pop("sex", Sex.female),
            email=fields.pop("email", f"adherent{n}@exemple.fr"),
            created_at=fields.pop("created_at", self.clock.now()),
            **fields,
        )
        self._save(member)
        principal = Beneficiary(
            member_id=member.id,
            relationship=Relationship.member,
            first_name=member.first_name,
            last_name=member.last_name,
            birth_date=member.birth_date,
            sex=member.sex,
        )
        self._save(principal)
        return member

    def principal(self, member: Member) -> Beneficiary:
        beneficiary = self.session.get(Beneficiary, self._principal_id(member))
        assert beneficiary is not None
        return beneficiary

    def _principal_id(self, member: Member) -> int:
        return self.session.exec(
            select(Beneficiary.id).where(
                Beneficiary.member_id == member.id, Beneficiary.relationship == Relationship.member
            )
        ).one()

    def account(
        self,
        member: Member | None = None,
        *,
        role: Role = Role.member,
        state: AccountState = AccountState.active,
        password: str | None = PASSWORD,
        login_email: str | None = None,
        display_name: str | None = None,
    ) -> Account:
        n = next(self._seq)
        account = Account(
            role=role,
            member_id=member.id if member else None,
            login_email=(login_email or (member.email if member else f"conseiller{n}@mutuelle.example")),
            password_hash=hash_password(self.settings, password) if password else None,
            state=state,
            display_name=display_name or (f"{member.first_name} {member.last_name}" if member else f"Conseiller {n}"),
            created_at=self.clock.now(),
        )
        self._save(account)
        return account

    def contract(self, member: Member, *, code: str = "C40SOCLE", **fields: Any) -> Contract:
        table = GuaranteeTable(code=f"T{next(self._seq)}-{code}", name=f"Garanties {code}")
        self._save(table)
        contract = Contract(
            member_id=member.id,
            code=code,
            name=fields.pop("name", "Santé Socle"),
            kind=fields.pop("kind", ContractKind.collective),
            level=fields.pop("level", ContractLevel.base),
            start_date=fields.pop("start_date", date(2024, 1, 1)),
            employer=fields.pop("employer", "Boulangeries Martin"),
            guarantee_table_id=table.id,
            **fields,
        )
        self._save(contract)
        self._save(ContractBeneficiary(contract_id=contract.id, beneficiary_id=self._principal_id(member)))
        return contract

    def claim_document(self, member_id: int, claim_id: int, filename: str, content: bytes = b"%PDF-1.4") -> Document:
        """A supporting document linked to a claim (what a demande de remboursement leaves)."""
        document = Document(
            member_id=member_id,
            kind="supporting_document",
            filename=filename,
            content_type="application/pdf",
            content=content,
            size=len(content),
            created_at=self.clock.now(),
            claim_id=claim_id,
        )
        self._save(document)
        return document

    def claim(
        self,
        member: Member,
        *,
        care_date: date,
        contract: Contract | None = None,
        charged: str = "30.00",
        amo_paid: str = "19.00",
        amc_paid: str = "9.00",
        out_of_pocket: str = "2.00",
        status: ClaimStatus = ClaimStatus.paid,
        payee: Payee | None = Payee.member,
        label: str = "Consultation chez le médecin généraliste",
    ) -> Claim:
        n = next(self._seq)
        claim = Claim(
            reference=f"R{care_date:%Y%m%d}-{n:05d}",
            member_id=member.id,
            beneficiary_id=self._principal_id(member),
            care_date=care_date,
            received_date=care_date + timedelta(days=2),
            label=label,
            care_category="soins_courants",
            status=status,
        )
        self._save(claim)
        line = ClaimLine(
            claim_id=claim.id,
            act="G",
            label=label,
            charged=Decimal(charged),
            br=Decimal("30.00"),
            amo_rate=Decimal("0.70"),
            amo_gross=Decimal("21.00"),
            deductions=Decimal("2.00"),
            amo_paid=Decimal(amo_paid),
            amc_paid=Decimal(amc_paid),
            out_of_pocket=Decimal(out_of_pocket),
            engine_result={"amo_paid": amo_paid, "amc_paid": amc_paid, "out_of_pocket": out_of_pocket},
            tariff_version="2025-12",
        )
        self._save(line)
        if contract is not None:
            self._save(ClaimLineAmc(claim_line_id=line.id, contract_id=contract.id, amount=Decimal(amc_paid)))
        if payee is not None:
            self._save(
                Payment(
                    claim_id=claim.id,
                    payee=payee,
                    payee_label="vous" if payee == Payee.member else "votre pharmacien",
                    amount=Decimal(amc_paid),
                    state=PaymentState.done,
                    payment_date=care_date + timedelta(days=4),
                    iban_suffix="4321",
                )
            )
        return claim

    def session_token(self, account: Account) -> str:
        """A live session for ``account``, without going through the login route."""
        token = new_token()
        now = self.clock.now()
        self._save(
            AuthSession(
                token_hash=hash_token(token),
                account_id=account.id,
                created_at=now,
                last_seen_at=now,
                expires_at=now + self.settings.session_absolute_lifetime,
            )
        )
        return token


@pytest.fixture
def make(db_session: Session, settings: Settings, clock: FrozenClock) -> Factory:
    return Factory(db_session, settings, clock)


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}
