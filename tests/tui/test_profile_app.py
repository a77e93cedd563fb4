"""« Mon profil » in the full-screen client (Pilot at 80×24, real server app): the sections by keyboard,
and snapshots of a few sections (pytest-textual-snapshot; review the SVGs)."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Static

from models.tables import Account
from tui.app import EspaceApp

from .conftest import settle


@pytest.fixture
def coralie(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "coralie.vidal@example.fr")).one()
    return demo_make.session_token(account)


async def test_sections_by_keyboard(api, token_store, coralie):
    token_store.set(api.base_url, coralie)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("p")
        await settle(pilot)
        lines = str(app.screen.query_one("#profile-lines", Static).render())
        assert "Coordonnées" in lines and "coralie.vidal@example.fr" in lines
        await pilot.press("down", "down", "down")
        await settle(pilot)
        lines = str(app.screen.query_one("#profile-lines", Static).render())
        assert "passe par votre employeur" in lines
        await pilot.press("down", "down")
        await settle(pilot)
        lines = str(app.screen.query_one("#profile-lines", Static).render())
        assert "CARTE DE TIERS PAYANT" in lines
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.id != "profile"


def _open(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

    return run_before


@pytest.mark.parametrize(
    ("name", "keys"),
    [("contact", ("p",)), ("family", ("p", "down", "down", "down")), ("card", ("p", *["down"] * 5))],
)
def test_profile_80x24(snap_compare, api, token_store, coralie, name, keys):
    token_store.set(api.base_url, coralie)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_open(*keys))
