"""Issue 10: every main screen at 80×24 in NO_COLOR and in the high-contrast theme (« contraste »).
`snap_compare` runs the app in its own event loop: plain `def` tests. Review the SVGs in
tests/tui/__snapshots__/test_snapshots_accessibility when they change."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.tables import Account, Member
from tui.app import EspaceApp
from tui.flows.config import ClientConfig

from .conftest import settle
from .test_agent_console import JULIEN, open_sophie
from .test_profile_actions_app import _keys as profile_keys

LEA = "3810274"  # many claims, a régularisation, a rejection

MODES = ("no_color", "contraste")


def _keys(*keys: str):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            await settle(pilot)

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
    "activation": (None, ("f3",)),
    "forgot_password": (None, ("f4",)),
}


ASKS_A_HUMAN_CHECK = {"activation", "forgot_password"}


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("screen", list(SCREENS))
def test_screen_80x24(snap_compare, api, token_store, demo_session, demo_make, monkeypatch, request, screen, mode):
    member, keys = SCREENS[screen]
    if screen in ASKS_A_HUMAN_CHECK:
        request.getfixturevalue("fixed_challenges")  # the same question on every run
    if member is not None:
        _resume(api, token_store, demo_session, demo_make, member)
    assert snap_compare(_app(api, token_store, monkeypatch, mode), terminal_size=(80, 24), run_before=_keys(*keys))


@pytest.mark.parametrize("mode", MODES)
def test_rib_form_80x24(snap_compare, api, token_store, demo_session, demo_make, monkeypatch, mode):
    """A profile form (a modal): changer le RIB de remboursement, from Mes coordonnées bancaires."""
    _resume(api, token_store, demo_session, demo_make, LEA)
    app = _app(api, token_store, monkeypatch, mode)
    # the profile tests' own key presser: a form screen keeps a worker waiting, so it pauses there
    assert snap_compare(app, terminal_size=(80, 24), run_before=profile_keys("p", "down", "down", "r"))


def _resume(api, token_store, demo_session, demo_make, member_number: str) -> None:
    account = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
    ).one()
    token_store.set(api.base_url, demo_make.session_token(account))


def _app(api, token_store, monkeypatch, mode: str) -> EspaceApp:
    if mode == "no_color":
        monkeypatch.setenv("NO_COLOR", "1")
        app = EspaceApp(api, token_store=token_store)
        assert app.no_color
        return app
    monkeypatch.delenv("NO_COLOR", raising=False)
    return EspaceApp(api, token_store=token_store, config=ClientConfig(theme="contraste"))


@pytest.mark.parametrize("mode", MODES)
def test_console_conseiller_80x24(snap_compare, api, token_store, demo_session, demo_make, monkeypatch, mode):
    """The console conseiller after a search and the identity check: the results and the dossier's banner
    (Sophie MARTIN, the demo's locked account with a rejected RIB)."""
    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    token_store.set(api.base_url, demo_make.session_token(julien))

    async def run_before(pilot) -> None:
        await open_sophie(pilot.app, pilot, demo_session)
        await settle(pilot)

    app = _app(api, token_store, monkeypatch, mode)
    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
