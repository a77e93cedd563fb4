"""The full-screen client paints its login form before the system keyring has opened (issue 11: importing
`keyring` and finding its backend took a third of the start-up). What the keyring holds comes in after:
the remembered identifier fills the first field unless the member has started typing, a kept session is
resumed, and nobody reads or writes another store than the one that lasts."""

from __future__ import annotations

import gc
import threading

from textual.widgets import Checkbox, Input

from tui.api.token_store import IDENTIFIER, MEMORY_ONLY_NOTICE, MemoryTokenStore, OpeningTokenStore, is_open
from tui.app import EspaceApp
from tui.flows.config import ClientConfig
from tui.flows.login import REMEMBER_LABEL
from tui.main import full_screen_app
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen

from .conftest import log_in_api


class GatedOpener:
    """Opens `store` only once the test lets it (the keyring still loading, without any sleep)."""

    def __init__(self, store: MemoryTokenStore) -> None:
        self.store = store
        self.gate = threading.Event()
        self.calls = 0

    def __call__(self) -> MemoryTokenStore:
        self.calls += 1
        self.gate.wait(timeout=30)
        return self.store


def app_with_keyring(api, *, identifier: str | None = None, token: str | None = None):
    """The client with a keyring that holds `identifier` (remembered) and `token` (a kept session), and
    opens only when the test sets `opener.gate`."""
    inner = MemoryTokenStore()
    if identifier:
        inner.set_item(api.base_url, IDENTIFIER, identifier)
    if token:
        inner.set(api.base_url, token)
    opener = GatedOpener(inner)
    return EspaceApp(api, token_store=OpeningTokenStore(opener)), opener, inner


async def settle(app: EspaceApp, pilot) -> None:
    for _ in range(4):  # the opening thread, then the resume worker, then the dashboard's own loading
        await app.workers.wait_for_complete()
        await pilot.pause()


def test_the_store_opens_once_in_a_thread_and_every_use_waits_for_it():
    inner = MemoryTokenStore()
    inner.set("https://x", "jeton")
    opener = GatedOpener(inner)
    store = OpeningTokenStore(opener)
    store.start()
    store.start()
    assert not store.ready and not is_open(store)
    opener.gate.set()
    assert store.get("https://x") == "jeton"  # waits for the thread, then reads the store that lasts
    store.set_item("https://x", IDENTIFIER, "1204587")
    assert inner.get_item("https://x", IDENTIFIER) == "1204587"
    store.delete("https://x")
    assert inner.get("https://x") is None
    assert store.ready and is_open(store) and opener.calls == 1
    assert store.persistent is False and store.description == inner.description


def test_a_keyring_that_breaks_while_opening_is_said_to_be_missing():
    def broken():
        raise RuntimeError("bus gone")

    store = OpeningTokenStore(broken)
    assert store.get("https://x") is None  # opened on first use, even though nobody started it
    assert store.persistent is False
    assert store.description == MEMORY_ONLY_NOTICE


def test_espace_tui_gives_the_full_screen_client_a_store_that_opens_after_the_first_paint(api):
    try:
        app = full_screen_app(api, ClientConfig())
    finally:
        gc.enable()  # paused by the real start until its first paint; this test process goes on
    assert isinstance(app.token_store, OpeningTokenStore)
    assert not app.token_store.ready  # nothing opened while building the app: the keyring waits for the paint


async def test_the_form_is_there_before_the_keyring_and_the_remembered_identifier_comes_in_after(api):
    app, opener, _ = app_with_keyring(api, identifier="1204587")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == ""  # painted without waiting
        assert not app.token_store.ready
        opener.gate.set()
        await settle(app, pilot)
        login = app.screen
        assert isinstance(login, LoginScreen)
        assert login.query_one("#identifier", Input).value == "1204587"
        remember = login.query_one("#remember", Checkbox)
        assert remember.value is True
        assert str(remember.label) == f"{REMEMBER_LABEL} : oui"
        assert app.focused is login.query_one("#password", Input)  # the next thing to type
        assert str(login.query_one("#login-status").render()) == ""  # no notice: it was recalled, not chosen


async def test_what_the_member_started_typing_is_not_replaced_by_the_remembered_identifier(api):
    app, opener, _ = app_with_keyring(api, identifier="1204587")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"lea.rimon")
        opener.gate.set()
        await settle(app, pilot)
        assert app.screen.query_one("#identifier", Input).value == "lea.rimon"
        assert app.screen.query_one("#remember", Checkbox).value is False


async def test_a_session_kept_in_the_keyring_is_resumed_once_it_opens(api, coralie, read_code):
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    app, opener, _ = app_with_keyring(api, token=api.token)
    api.forget_session()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        opener.gate.set()
        await settle(app, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not any(isinstance(s, LoginScreen) for s in app.screen_stack)  # the form gave way, not stacked
        assert app.session is not None


async def test_an_ended_session_in_the_keyring_leaves_the_form_with_the_identifier(api):
    app, opener, inner = app_with_keyring(api, identifier="1204587", token="un-jeton-que-le-serveur-ne-connait-plus")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        opener.gate.set()
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert [s for s in app.screen_stack if isinstance(s, LoginScreen)] == [app.screen]  # one form only
        assert app.screen.query_one("#identifier", Input).value == "1204587"
        assert str(app.screen.query_one("#login-status").render()) == ""  # « Reprise… » is gone
        assert inner.get(api.base_url) is None  # the dead token is forgotten


async def test_a_kept_session_does_not_take_over_a_login_by_hand(api, coralie, read_code):
    """The member has typed their password when the keyring opens with a kept session: the form stays theirs."""
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    app, opener, _ = app_with_keyring(api, token=api.token)
    api.forget_session()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "tab", *coralie.password)
        opener.gate.set()
        await settle(app, pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert app.screen.query_one("#password", Input).value == coralie.password


async def test_remember_ticked_before_the_keyring_opens_stays_ticked(api):
    app, opener, _ = app_with_keyring(api)  # nothing remembered yet
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        app.screen.query_one("#remember", Checkbox).toggle()
        await pilot.pause()
        opener.gate.set()
        await settle(app, pilot)
        assert app.screen.query_one("#remember", Checkbox).value is True
        assert app.screen.flow.remember is True
