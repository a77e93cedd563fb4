"""How the screens look (pytest-textual-snapshot). `snap_compare` runs the app in its own event loop,
so these are plain `def` tests. Review the SVGs in tests/tui/__snapshots__ when they change."""

from __future__ import annotations

from tui.app import EspaceApp

from .conftest import settle


def _log_in(coralie, login_through_ui):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)

    return run_before


def test_login_screen_80x24(snap_compare, api, token_store):
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24))


def test_login_error_80x24(snap_compare, api, token_store, coralie, fixed_challenges):
    async def run_before(pilot) -> None:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *"mauvais", "enter")
        await settle(pilot, rounds=1)

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=run_before)


def test_dashboard_80x24(snap_compare, api, token_store, coralie, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_log_in(coralie, login_through_ui))


def test_dashboard_120x40(snap_compare, api, token_store, coralie, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_log_in(coralie, login_through_ui))


def test_dashboard_no_color_80x24(snap_compare, api, token_store, coralie, monkeypatch, login_through_ui):
    monkeypatch.setenv("NO_COLOR", "1")
    app = EspaceApp(api, token_store=token_store)
    assert app.no_color
    assert snap_compare(app, terminal_size=(80, 24), run_before=_log_in(coralie, login_through_ui))


def test_help_80x24(snap_compare, api, token_store, coralie, login_through_ui):
    login = _log_in(coralie, login_through_ui)

    async def run_before(pilot) -> None:
        await login(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=run_before)


def test_dashboard_high_contrast_80x24(snap_compare, api, token_store, coralie, login_through_ui):
    from tui.flows.config import ClientConfig

    app = EspaceApp(api, token_store=token_store, config=ClientConfig(theme="contraste"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_log_in(coralie, login_through_ui))
