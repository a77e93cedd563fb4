"""The full-screen client paints its login form before the system keyring has opened (issue 11: importing
`keyring` and finding its backend took a third of the start-up), and its UI loop never waits for the keyring
(issue 20): the store is opened, read and written by its own thread. What the keyring holds comes in after:
the remembered identifier fills the first field unless the member has started typing, a kept session is
resumed, and what the client writes meanwhile reaches the keyring once it is open."""

from __future__ import annotations

import asyncio
import gc
import threading

import pytest
from textual.widgets import Checkbox, Input

from tui.api.token_store import (
    IDENTIFIER,
    MEMORY_ONLY_NOTICE,
    OPENING_DESCRIPTION,
    REMEMBER_MEMORY_ONLY,
    MemoryTokenStore,
    OpeningTokenStore,
    device_item,
    is_open,
)
from tui.app import EspaceApp
from tui.flows.config import ClientConfig
from tui.flows.login import REMEMBER_LABEL
from tui.main import full_screen_app
from tui.screens.account import CodeScreen, TrustScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen

from .conftest import log_in_api, settle


class WatchedStore(MemoryTokenStore):
    """An in-memory keyring that notes the thread of every call made to it."""

    def __init__(self) -> None:
        super().__init__()
        self.threads: set[str] = set()

    def _note(self) -> None:
        self.threads.add(threading.current_thread().name)

    def peek(self, server: str, name: str | None = None) -> str | None:
        """What it holds, for the test's own checks (not noted)."""
        return MemoryTokenStore.get(self, server) if name is None else MemoryTokenStore.get_item(self, server, name)

    def get(self, server: str) -> str | None:
        self._note()
        return super().get(server)

    def set(self, server: str, token: str) -> None:
        self._note()
        super().set(server, token)

    def delete(self, server: str) -> None:
        self._note()
        super().delete(server)

    def get_item(self, server: str, name: str) -> str | None:
        self._note()
        return super().get_item(server, name)

    def set_item(self, server: str, name: str, value: str) -> None:
        self._note()
        super().set_item(server, name, value)

    def delete_item(self, server: str, name: str) -> None:
        self._note()
        super().delete_item(server, name)


class GatedOpener:
    """Opens `store` only once the test lets it (the keyring still loading, without any sleep). The wait is
    bounded only so that a UI loop blocked on the keyring fails the test (``timed_out``) instead of hanging."""

    def __init__(self, store: MemoryTokenStore) -> None:
        self.store = store
        self.gate = threading.Event()
        self.calls = 0
        self.timed_out = False

    def __call__(self) -> MemoryTokenStore:
        self.calls += 1
        self.timed_out = not self.gate.wait(timeout=30)
        return self.store


def app_with_keyring(api, *, identifier: str | None = None, token: str | None = None, device: str | None = None):
    """The client with a keyring that holds `identifier` (remembered), `token` (a kept session) and
    `device` (the identifier's trusted-device token), and opens only when the test sets `opener.gate`."""
    inner = WatchedStore()
    if identifier:
        inner.set_item(api.base_url, IDENTIFIER, identifier)
        if device:
            inner.set_item(api.base_url, device_item(identifier), device)
    if token:
        inner.set(api.base_url, token)
    inner.threads.clear()
    opener = GatedOpener(inner)
    return EspaceApp(api, token_store=OpeningTokenStore(opener)), opener, inner


async def open_keyring(app: EspaceApp, opener: GatedOpener, pilot) -> None:
    """Let the keyring open, wait (off the loop) until the app has been told, then let everything settle."""
    opener.gate.set()
    assert await asyncio.to_thread(app.token_store.wait_open, 30)
    await settle(pilot)


def test_the_store_opens_once_in_its_thread_and_nothing_waits_for_it():
    inner = WatchedStore()
    inner.set("https://x", "jeton")
    inner.threads.clear()
    opener = GatedOpener(inner)
    store = OpeningTokenStore(opener)
    store.start("https://x")
    store.start("https://x")
    assert not store.ready and not is_open(store)
    # Before the opening: nothing is known yet, and nothing waits for it (the gate is still shut).
    assert store.get("https://x") is None
    assert store.persistent is False and store.description == OPENING_DESCRIPTION
    store.set_item("https://x", IDENTIFIER, "1204587")
    assert store.get_item("https://x", IDENTIFIER) == "1204587"  # what the client wrote, at once
    assert inner.peek("https://x", IDENTIFIER) is None  # not in the keyring yet
    opener.gate.set()
    assert store.wait_open(30)
    assert store.get("https://x") == "jeton"  # read by the thread once open
    store.delete("https://x")
    assert store.get("https://x") is None
    asyncio.run(store.aclose())  # what the client wrote reaches the keyring, in order
    assert inner.peek("https://x", IDENTIFIER) == "1204587" and inner.peek("https://x") is None
    assert store.ready and is_open(store) and opener.calls == 1 and not opener.timed_out
    assert store.persistent is False and store.description == inner.description
    assert inner.threads == {"token-store"}  # the keyring itself was only ever touched by the store's thread


def test_a_keyring_that_breaks_while_opening_is_said_to_be_missing():
    def broken():
        raise RuntimeError("bus gone")

    store = OpeningTokenStore(broken)
    assert store.wait_open(30)  # opened on first use, even though nobody started it
    assert store.get("https://x") is None
    assert store.persistent is False
    assert store.description == MEMORY_ONLY_NOTICE


async def test_waiting_for_the_keyring_on_the_event_loop_is_refused():
    """The rule, made structural: a wait for the keyring asked on an event loop is a bug said at once."""
    store = OpeningTokenStore(MemoryTokenStore)
    with pytest.raises(RuntimeError, match="on an event loop"):
        store.wait_open(30)


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
        await open_keyring(app, opener, pilot)
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
        await open_keyring(app, opener, pilot)
        assert app.screen.query_one("#identifier", Input).value == "lea.rimon"
        assert app.screen.query_one("#remember", Checkbox).value is False


async def test_a_session_kept_in_the_keyring_is_resumed_once_it_opens(api, coralie, read_code):
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    app, opener, _ = app_with_keyring(api, token=api.token)
    api.forget_session()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await open_keyring(app, opener, pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert not any(isinstance(s, LoginScreen) for s in app.screen_stack)  # the form gave way, not stacked
        assert app.session is not None


async def test_an_ended_session_in_the_keyring_leaves_the_form_with_the_identifier(api):
    app, opener, inner = app_with_keyring(api, identifier="1204587", token="un-jeton-que-le-serveur-ne-connait-plus")
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_keyring(app, opener, pilot)
        assert isinstance(app.screen, LoginScreen)
        assert [s for s in app.screen_stack if isinstance(s, LoginScreen)] == [app.screen]  # one form only
        assert app.screen.query_one("#identifier", Input).value == "1204587"
        assert str(app.screen.query_one("#login-status").render()) == ""  # « Reprise… » is gone
        assert inner.peek(api.base_url) is None  # the dead token is forgotten


async def test_a_kept_session_does_not_take_over_a_login_by_hand(api, coralie, read_code):
    """The member has typed their password when the keyring opens with a kept session: the form stays theirs."""
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    app, opener, _ = app_with_keyring(api, token=api.token)
    api.forget_session()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "tab", *coralie.password)
        await open_keyring(app, opener, pilot)
        assert isinstance(app.screen, LoginScreen) and app.session is None
        assert app.screen.query_one("#password", Input).value == coralie.password


async def test_remember_ticked_before_the_keyring_opens_stays_ticked_and_the_loop_goes_on(api):
    """Ticking « Se souvenir de moi » while the keyring still opens used to block the UI loop until it
    opened (this test took 30 s): now the box ticks at once, and where no keyring exists the member hears so
    once it is known."""
    app, opener, _ = app_with_keyring(api)  # nothing remembered yet; an in-memory "keyring": not persistent
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        login = app.screen
        login.query_one("#remember", Checkbox).toggle()
        await pilot.pause()
        assert login.query_one("#remember", Checkbox).value is True and not app.token_store.ready
        assert str(login.query_one("#login-status").render()) == ""  # not known yet: nothing said
        await open_keyring(app, opener, pilot)
        assert login.query_one("#remember", Checkbox).value is True
        assert login.flow.remember is True
        assert str(login.query_one("#login-status").render()) == REMEMBER_MEMORY_ONLY
    assert not opener.timed_out


async def test_the_ui_loop_never_waits_for_the_keyring_through_a_whole_login(api, coralie, read_code):
    """The rule: with the keyring still shut, the member types, ticks « Se souvenir de moi » and logs in; the
    screen answers all along (the login awaits the device token off the loop); once the keyring opens the
    login goes on, and every read and write of the keyring happened in the store's own thread."""
    app, opener, inner = app_with_keyring(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "tab", "tab", "space", "shift+tab", *coralie.password, "enter")
        await pilot.pause()
        login = app.screen
        assert isinstance(login, LoginScreen) and login.flow.remember is True
        assert str(login.query_one("#login-status").render()) == "Connexion en cours…"
        await pilot.press("tab")  # the screen still answers while the login awaits the keyring
        assert app.focused is login.query_one("#remember", Checkbox)
        assert not app.token_store.ready
        await open_keyring(app, opener, pilot)
        assert isinstance(app.screen, CodeScreen)
        await pilot.press(*read_code(coralie.member_number), "enter")
        await settle(pilot)
        assert isinstance(app.screen, TrustScreen)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        token = api.token
    # the client has exited: what it wrote meanwhile reached the keyring
    assert inner.peek(api.base_url) == token
    assert inner.peek(api.base_url, IDENTIFIER) == coralie.member_number
    assert inner.peek(api.base_url, device_item(coralie.member_number))
    assert inner.threads == {"token-store"} and not opener.timed_out


async def test_a_trusted_device_is_read_for_an_identifier_typed_by_hand(api, coralie, read_code):
    """The keyring keeps this device's token for Coralie but does not remember her identifier: typed by hand,
    it is looked up in the keyring (in the store's thread) before the login is sent, and no code is asked."""
    result = await api.login(coralie.member_number, coralie.password)
    assert result.pending is not None
    trusted = await api.second_factor(result.pending.id, read_code(coralie.member_number), trust_device=True)
    assert trusted.trusted_device_token
    api.forget_session()
    app, opener, inner = app_with_keyring(api)
    inner.set_item(api.base_url, device_item(coralie.member_number), trusted.trusted_device_token)
    inner.threads.clear()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await open_keyring(app, opener, pilot)
        await pilot.press(*coralie.member_number, "tab", *coralie.password, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # no code screen: the device is trusted
    assert inner.threads == {"token-store"}
