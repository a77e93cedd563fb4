"""Issue 19, item 1: the demo mailbox (F9) is one registry binding, demo only, live on every screen that
waits for a code — the login's code screen, the e-mail change's « Code reçu » and the RIB's SMS step-up —
modal screens included; Échap brings the member back to the form, its field still focused."""

from __future__ import annotations

from pathlib import Path

from tests.tui.profile_helpers import in_section, on_form, send_a_rib, type_text, until
from tests.tui.test_app_account import demo_maildir
from tui.app import EspaceApp
from tui.bindings import bindings_from_registry
from tui.flows.actions import DEFAULT_REGISTRY
from tui.screens.account import CodeScreen

from .conftest import settle


async def _mailbox_and_back(pilot, form_screen) -> None:
    await pilot.press("f9")
    await pilot.pause()
    assert pilot.app.screen.id == "demo-mailbox", pilot.app.screen
    assert "314159" in str(pilot.app.screen.query_one("#mail-body").render())
    await pilot.press("escape")
    await pilot.pause()
    assert pilot.app.screen is form_screen


def test_one_demo_binding_live_on_modal_screens_too():
    """One binding, on the app, from the registry; checked before any screen's (Textual's priority bindings
    walk past a modal screen, which hides the app's ordinary ones)."""
    demo = [b for b in bindings_from_registry(DEFAULT_REGISTRY.with_demo(True)) if b.id == "demo_mailbox"]
    assert len(demo) == 1 and demo[0].priority and demo[0].key == "f9"
    assert not [b for b in bindings_from_registry() if b.id == "demo_mailbox"]


async def test_f9_on_the_login_code_screen(api, coralie, token_store, tmp_path: Path):
    app = EspaceApp(api, token_store=token_store, demo_maildir=demo_maildir(tmp_path))
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *coralie.password, "enter")
        await settle(pilot)
        code_screen = app.screen
        assert isinstance(code_screen, CodeScreen)
        await _mailbox_and_back(pilot, code_screen)
        assert app.focused is not None and app.focused.id == "code"


async def test_f9_on_the_email_change_code_form(api, token_store, log_in_as, read_code, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ESPACE_DEMO_MAILDIR", str(demo_maildir(tmp_path)))
    await log_in_as("1204587")
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("e")
        await until(pilot, lambda: on_form(app, "Nouvelle adresse e-mail"))
        await type_text(pilot, "coralie.v@example.org")
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))
        await _mailbox_and_back(pilot, app.screen)
        await type_text(pilot, read_code("1204587"))
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Code reçu"))
        await _mailbox_and_back(pilot, app.screen)


async def test_f9_on_the_rib_sms_step_up(api, token_store, log_in_as, tmp_path: Path, monkeypatch):
    monkeypatch.setenv("ESPACE_DEMO_MAILDIR", str(demo_maildir(tmp_path)))
    await log_in_as("1204587")
    async with in_section(api, token_store, "bank") as (app, pilot):
        await send_a_rib(app, pilot)
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))
        await _mailbox_and_back(pilot, app.screen)
