"""Issue 19, item 10: `q` asks before losing what was typed, Échap returns where the user came from."""

from __future__ import annotations

from textual.widgets import Input, Static

from tui.app import EspaceApp
from tui.flows.actions import QUIT_QUESTION
from tui.screens.claims import ClaimDetailScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.forms import ConfirmScreen
from tui.screens.messaging import ComposerScreen

from .conftest import settle
from .profile_helpers import until


async def logged_in_app(app: EspaceApp, pilot) -> None:
    await settle(pilot)
    assert isinstance(app.screen, DashboardScreen)


async def test_q_quits_at_once_when_nothing_was_typed(api, token_store, log_in_as, coralie):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in_app(app, pilot)
        await pilot.press("q")
        await pilot.pause()
        assert app.return_code == 0 and not isinstance(app.screen, ConfirmScreen)


async def test_quitting_asks_first_when_a_field_holds_something(api, token_store, log_in_as, coralie):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in_app(app, pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))  # its worker waits: no settle
        await pilot.press(*"Remboursement osteo", "ctrl+q")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        assert str(app.screen.query_one(Static).render()) == QUIT_QUESTION
        await pilot.press("n")  # no: the message is still there
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen) and app.return_code is None
        assert app.screen.query_one("#field-subject", Input).value == "Remboursement osteo"
        await pilot.press("ctrl+q", "enter")  # Entrée answers the option shown first: Non
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen) and app.return_code is None
        await pilot.press("ctrl+q", "o")
        await pilot.pause()
        assert app.return_code == 0


async def test_escape_on_a_detail_opened_from_the_dashboard_goes_back_to_the_dashboard(
    api, token_store, log_in_as, coralie
):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await logged_in_app(app, pilot)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("r", "enter")  # the list opened by its own key: Échap on a détail comes back to it
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen.__class__.__name__ == "ClaimsScreen"
