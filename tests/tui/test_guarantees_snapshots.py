"""How Mes garanties and the simulator look at 80×24 (pytest-textual-snapshot; review the SVGs)."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import Account
from tui.app import EspaceApp


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


def _open(key: str):
    async def run_before(pilot) -> None:
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()
        await pilot.press(key)
        for _ in range(3):
            await pilot.app.workers.wait_for_complete()
            await pilot.pause()

    return run_before


def test_guarantees_80x24(snap_compare, api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_open("g"))


def test_simulator_80x24(snap_compare, api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_open("s"))
