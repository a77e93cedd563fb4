"""How Mes garanties and the simulator look at 80×24 (pytest-textual-snapshot; review the SVGs)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Button, Input, Select

from models.tables import Account, Beneficiary
from tui.app import EspaceApp

from .conftest import settle


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


def _open(key: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press(key)
        await settle(pilot)

    return run_before


def test_guarantees_80x24(snap_compare, api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_open("g"))


def test_simulator_80x24(snap_compare, api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_open("s"))


def test_simulator_glasses_80x24(snap_compare, api, token_store, lea_token, demo_session):
    """One item of Samuel's glasses added: the list of items above the buttons, « Ajouter aux lunettes »."""
    samuel = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Samuel")).one()

    async def run_before(pilot) -> None:
        await _open("s")(pilot)
        screen = pilot.app.screen
        screen.query_one("#who", Select).value = samuel.id
        screen.query_one("#poste", Select).value = "optique"
        screen.query_one("#search", Input).value = "monture"
        await pilot.pause()
        screen.query_one("#charged", Input).value = "150"
        screen.query_one("#basket", Select).value = "libre"
        await pilot.pause()
        screen.query_one("#add-item", Button).press()
        await pilot.pause()
        screen.query_one("#simulator-body").scroll_end(animate=False)
        await settle(pilot)

    token_store.set(api.base_url, lea_token)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=run_before)
