"""How the issue 4 screens look at 80×24 (against the fake of the auth contract). Review the SVGs."""

from __future__ import annotations

from tests.conftest import TEST_NOW
from tui.api.token_store import MemoryTokenStore
from tui.app import EspaceApp
from tui.flows.clock import FrozenClock

from .fake_auth import FakeAuthServer

PASSWORD = "Tilleul-Azur-2026!"


def _app() -> tuple[EspaceApp, FakeAuthServer]:
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    return EspaceApp(fake.api(), token_store=MemoryTokenStore(), demo_maildir=None), fake


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def test_code_screen_80x24(snap_compare):
    app, _ = _app()

    async def run_before(pilot) -> None:
        await pilot.press(*"1204587", "enter", *PASSWORD, "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_trust_device_80x24(snap_compare):
    app, fake = _app()

    async def run_before(pilot) -> None:
        await pilot.press(*"1204587", "enter", *PASSWORD, "enter")
        await _settle(pilot)
        await pilot.press(*fake.last_code(), "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_login_with_challenge_80x24(snap_compare):
    app, _ = _app()

    async def run_before(pilot) -> None:
        await pilot.press(*"1204587", "enter", *"mauvais", "enter")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_activation_step1_80x24(snap_compare):
    app, _ = _app()

    async def run_before(pilot) -> None:
        await pilot.press("f3")
        await _settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_forced_change_password_live_policy_80x24(snap_compare):
    app, _ = _app()

    async def run_before(pilot) -> None:
        await pilot.press(*"3810688", "enter", *PASSWORD, "enter")
        await _settle(pilot)
        await pilot.press("tab", *"court")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_expiry_warning_80x24(snap_compare):
    app, fake = _app()

    async def run_before(pilot) -> None:
        await pilot.press(*"1204587", "enter", *PASSWORD, "enter")
        await _settle(pilot)
        await pilot.press(*fake.last_code(), "enter")
        await _settle(pilot)
        await pilot.press("n")
        await _settle(pilot)
        fake.clock.advance(minutes=13, seconds=40)
        pilot.app.check_expiry()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
