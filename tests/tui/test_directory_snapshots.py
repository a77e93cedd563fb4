"""How « Trouver un professionnel de santé » looks at 80×24 (issue 21): the form on top, a search's results with
their sector, and « Que faire de ces résultats ? » under them. Review the SVG when it changes."""

from __future__ import annotations

from sqlmodel import select
from textual.widgets import OptionList

from models.tables import Account
from tui.app import EspaceApp
from tui.screens.directory import DirectoryScreen

from .conftest import settle


def test_directory_results_80x24(snap_compare, api, token_store, demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    token_store.set(api.base_url, demo_make.session_token(account))

    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("a")
        await pilot.pause()
        screen = pilot.app.screen
        assert isinstance(screen, DirectoryScreen)
        await pilot.press(*"cardio")
        screen.query_one("#field-where").focus()
        await pilot.press(*"marseille", "enter")
        for _ in range(200):  # the flow's worker waits for a choice: it does not complete
            if screen.query_one("#directory-choices", OptionList).display:
                break
            await pilot.pause()
        await pilot.pause()

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=run_before)
