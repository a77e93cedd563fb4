"""The client against a REAL server app: the FastAPI app of `server.app.create_app` on the temporary,
migrated SQLite database of tests/conftest.py (one rolled-back transaction per test), reached in
process through `httpx.ASGITransport` (no sockets). The client's clock is frozen and its token store is
in memory.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from tests.conftest import PASSWORD, TEST_NOW, Factory
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


@pytest.fixture
def coralie(make: Factory) -> DemoMember:
    """A member like MNPEM's Coralie: a collective contract, three reimbursements, the latest one
    "Frais de santé 6,94 €" paid into her account."""
    member = make.member(
        first_name="Coralie",
        last_name="Martin",
        member_number="1000001",
        email="coralie.martin@exemple.fr",
    )
    make.account(member)
    contract = make.contract(member, code="C40SOCLE", name="Santé Socle", employer="Michelin")
    make.claim(member, contract=contract, care_date=date(2026, 10, 2), label="Pharmacie", amc_paid="3.20")
    make.claim(
        member,
        contract=contract,
        care_date=date(2026, 10, 20),
        label="Consultation chez le médecin généraliste",
        amc_paid="9.00",
    )
    make.claim(member, contract=contract, care_date=date(2026, 11, 10), label="Frais de santé", amc_paid="6.94")
    return DemoMember("1000001", "coralie.martin@exemple.fr", PASSWORD, "Coralie")


@pytest.fixture
def api_factory(app: Any, client_clock: FrozenClock) -> Callable[[], ApiClient]:
    def build() -> ApiClient:
        return ApiClient(SERVER, transport=httpx.ASGITransport(app=app), clock=client_clock)

    return build


@pytest.fixture
def api(api_factory: Callable[[], ApiClient]) -> ApiClient:
    return api_factory()


def unreachable_api(clock: FrozenClock) -> ApiClient:
    """A client whose every request fails to connect, as when the server is not started."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    return ApiClient("http://127.0.0.1:8765", transport=httpx.MockTransport(refuse), clock=clock)
