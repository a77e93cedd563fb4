"""The client against a REAL server app: the FastAPI app of `server.app.create_app` on a temporary
SQLite file, migrated and loaded with the demo world (`fixtures.demo.seed_demo`) once per test process,
one rolled-back transaction per test, reached in process through `httpx.ASGITransport` (no sockets).
The server's and the client's clocks are frozen (Monday 23 November 2026, 10:00, Paris); the client's
token store is in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fixtures.demo import seed_demo
from fixtures.world import DEMO_PASSWORD
from server.app import create_app
from server.db import create_db_engine
from server.migrate import upgrade
from server.security.passwords import hash_password
from server.settings import Settings
from tests.conftest import TEST_NOW, Factory
from tui.api.client import ApiClient
from tui.api.token_store import MemoryTokenStore
from tui.flows.clock import FrozenClock

SERVER = "http://testserver"


@dataclass(frozen=True)
class DemoMember:
    member_number: str
    email: str
    password: str
    first_name: str


@pytest.fixture
def client_clock() -> FrozenClock:
    return FrozenClock(TEST_NOW)


@pytest.fixture
def token_store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite file of its own, migrated and loaded with the demo world once per test process (the
    shared test database must stay empty for the server's tests)."""
    cheap = Settings(demo_mode=True, argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1)
    engine = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp('tui-db') / 'demo.db'}")
    with engine.begin() as connection:
        upgrade(connection=connection)
    with Session(engine) as session:
        report = seed_demo(session, TEST_NOW.date(), hasher=lambda secret: hash_password(cheap, secret))
        session.commit()
    assert report.seeded
    yield engine
    engine.dispose()


@pytest.fixture
def demo_session(demo_engine: Engine) -> Iterator[Session]:
    """The test's session on the demo database: everything it writes is rolled back afterwards."""
    connection = demo_engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def demo_app(settings: Settings, clock: Any, demo_session: Session) -> Any:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield demo_session

    return create_app(settings, clock=clock, session_scope=scope)


@pytest.fixture
def demo_make(demo_session: Session, settings: Settings, clock: Any) -> Factory:
    return Factory(demo_session, settings, clock)


@pytest.fixture
def coralie() -> DemoMember:
    """The demo world's Coralie (MNPEM's example): her latest reimbursement is "Frais de santé 6,94 €"."""
    return DemoMember("1204587", "coralie.vidal@example.fr", DEMO_PASSWORD, "Coralie")


@pytest.fixture
def api_factory(demo_app: Any, client_clock: FrozenClock) -> Callable[[], ApiClient]:
    def build() -> ApiClient:
        return ApiClient(SERVER, transport=httpx.ASGITransport(app=demo_app), clock=client_clock)

    return build


@pytest.fixture
def api(api_factory: Callable[[], ApiClient]) -> ApiClient:
    return api_factory()


def unreachable_api(clock: FrozenClock) -> ApiClient:
    """A client whose every request fails to connect, as when the server is not started."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    return ApiClient("http://127.0.0.1:8765", transport=httpx.MockTransport(refuse), clock=clock)
