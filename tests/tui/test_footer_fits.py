"""Issue 19: the footer shows the screen's own keys first and always F1, and fits the terminal's width —
at 80 columns as at 120 — on the member's main screens and the console: nothing cut (« x Déconne »)."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator

import pytest
from textual.widgets import Footer
from textual.widgets._footer import FooterKey

from tui.app import EspaceApp

from .test_screen_keys import resume_coralie, resume_supervisor, settle  # noqa: F401  (fixtures)

MEMBER_SCREENS = {
    "dashboard": None,
    "claims": "r",
    "guarantees": "g",
    "simulator": "s",
    "messaging": "m",
    "profile": "p",
}


@contextlib.asynccontextmanager
async def app_at(width: int, api, token_store) -> AsyncIterator[tuple[EspaceApp, object]]:
    """The client at ``width`` columns (24 lines at 80, 40 at 120), its first screen settled."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(width, 24 if width == 80 else 40)) as pilot:
        await settle(pilot)
        yield app, pilot


def footer_keys(app: EspaceApp) -> list[FooterKey]:
    footer = app.screen.query_one(Footer)
    return list(footer.query(FooterKey))


def check_footer(app: EspaceApp, width: int, where: str) -> None:
    keys = footer_keys(app)
    assert keys, where
    palette = [k for k in keys if k.key == "ctrl+p"]  # docked on the right of the footer by Textual
    room = palette[0].region.x if palette else width
    shown = [(k.key, str(k.description), k.region.right) for k in keys if k.key != "ctrl+p"]
    assert max(right for *_, right in shown) <= room, f"{where}: the footer is cut at {width} columns: {shown}"
    assert any(k.key == "f1" for k in keys), f"{where}: no F1 in the footer"
    written = {k.key_display for k in keys}
    assert not written & {"esc", "enter", "⏎", "f1", "tab"}, f"{where}: Textual's key names, not French: {written}"


@pytest.mark.parametrize("width", [80, 120])
async def test_the_member_footers_fit(width, api, token_store, resume_coralie):
    resume_coralie()
    async with app_at(width, api, token_store) as (app, pilot):
        for name, key in MEMBER_SCREENS.items():
            if key is not None:
                await pilot.press(key)
                await settle(pilot)
            check_footer(app, width, name)
            if key is not None:
                await pilot.press("escape")
                await settle(pilot)


@pytest.mark.parametrize("width", [80, 120])
async def test_the_console_footer_fits(width, api, token_store, resume_supervisor):
    resume_supervisor()
    async with app_at(width, api, token_store) as (app, _pilot):
        check_footer(app, width, "console")


def _footer_width(actions) -> int:
    """Textual's compact footer: « key label » per binding, one column between; keys as the app writes them
    (``EspaceApp.get_key_display``: « Échap », « Entrée », « ^S »)."""
    from tui.flows.actions import footer_key_label

    items = [f"{footer_key_label(a.keys[0])} {a.footer_label}" for a in actions if a.footer and a.keys]
    return sum(len(i) for i in items) + len(items) - 1


def test_every_screen_and_section_fits_80_columns_beside_the_palette_key():
    """Over the registry, without a UI: each screen's footer (its keys, then the app's) fits the 66
    columns the palette's « ^p Commandes » leaves at 80, and always holds F1."""
    from tui.flows.actions import DEFAULT_REGISTRY, SCREEN

    areas = {a.area for a in DEFAULT_REGISTRY.actions if a.area}
    screens = {a.screen for a in DEFAULT_REGISTRY.actions if a.context == SCREEN} | {None}
    too_wide = []
    for screen in screens:
        sections = {a.section for a in DEFAULT_REGISTRY.actions if a.screen == screen} | {None}
        for section in sections:
            for console in (False, True):
                live = DEFAULT_REGISTRY.available(
                    logged_in=True, areas=areas, console=console, screen=screen, section=section
                )
                if _footer_width(live) > 66:
                    too_wide.append((screen, section, console, _footer_width(live)))
                if screen != "help":  # where F1 closes the help
                    assert any(a.id == "help" and a.footer for a in live), (screen, section)
    assert too_wide == []


@pytest.mark.parametrize("width", [80, 120])
async def test_the_forms_and_questions_footers_hold_f1(width, api, token_store, resume_coralie):
    """A modal form, a choice and the composer hide the app's keys: their own footers show F1 too."""
    from tui.screens.forms import PickScreen
    from tui.screens.messaging import ComposerScreen

    from .profile_helpers import until

    resume_coralie()
    async with app_at(width, api, token_store) as (app, pilot):
        for area, key, kind in (("r", "s", PickScreen), ("m", "e", ComposerScreen)):
            await pilot.press(area)
            await settle(pilot)
            await pilot.press(key)
            await until(pilot, lambda kind=kind: isinstance(app.screen, kind))
            check_footer(app, width, kind.__name__)
            await pilot.press("escape")
            await until(pilot, lambda kind=kind: not isinstance(app.screen, kind))
            await pilot.press("escape")
            await settle(pilot)
