"""Issue 10: every main screen at 80×24 in NO_COLOR and in the high-contrast theme (« contraste »).
`snap_compare` runs the app in its own event loop: plain `def` tests. Review the SVGs in
tests/tui/__snapshots__/test_snapshots_accessibility when they change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import Account, Member
from tui.app import EspaceApp
from tui.flows.config import ClientConfig

LEA = "3810274"  # many claims, a régularisation, a rejection

MODES = ("no_color", "contraste")


async def _settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await _settle(pilot)
        for key in keys:
            await pilot.press(key)
            await _settle(pilot)

    return run_before


SCREENS = {
    "login": (None, ()),
    "dashboard": (LEA, ()),
    "claims": (LEA, ("r",)),
    "claim_detail": (LEA, ("r", "enter")),
    "guarantees": (LEA, ("g",)),
    "simulator": (LEA, ("s",)),
    "messaging": (LEA, ("m",)),
    "requests": (LEA, ("d",)),
    "notifications": (LEA, ("n",)),
    "profile": (LEA, ("p",)),
    "help": (LEA, ("f1",)),
    "composer": (LEA, ("m", "e")),
    "new_request": (LEA, ("d", "plus")),
    "saved_simulations": (LEA, ("S",)),
    "change_password": (LEA, ("f7",)),
    "security": (LEA, ("f8",)),
    "thread": (LEA, ("m", "enter")),
    "request_form": (LEA, ("d", "plus", "enter")),
    "recover_identifier": (None, ("f6",)),
}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_80x24(snap_compare, api, token_store, demo_session, demo_make, monkeypatch, screen, mode):
    member, keys = SCREENS[screen]
    if member is not None:
        account = demo_session.exec(
            select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member)
        ).one()
        token_store.set(api.base_url, demo_make.session_token(account))
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
        app = EspaceApp(api, token_store=token_store)
        assert app.no_color
    else:
        monkeypatch.delenv("NO_COLOR", raising=False)
        app = EspaceApp(api, token_store=token_store, config=ClientConfig(theme="contraste"))
    assert snap_compare(app, terminal_size=(80, 24), run_before=_keys(*keys))
