"""Issue 10: one registry for every key. Every screen of the client (member and anonymous ones, and the
console conseiller's) binds only keys declared in
`tui.flows.actions`, and F1 (and ? outside a text field) opens the help listing that screen's keys first.
A screen key is remapped from the config file like any other action."""

from __future__ import annotations

import asyncio
import contextlib
import importlib
import inspect
import pkgutil
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

import pytest
from sqlmodel import select
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Input, TextArea
from textual.worker import WorkerCancelled

import tui.screens
from models.schemas.auth import PendingLogin, SecondFactorMethod
from models.tables import Account, Member
from tests.tui.profile_helpers import until
from tui.api.agent import AgentApi
from tui.app import EspaceApp
from tui.flows import messaging as messaging_flow
from tui.flows import profile as profile_flow
from tui.flows.account import ExpiryWatch
from tui.flows.actions import DEFAULT_REGISTRY, SCREEN, keys_label
from tui.flows.config import parse_config
from tui.flows.login import LoginFlow, Step
from tui.screens import (
    account,
    agent,
    claims,
    confirmation,
    dashboard,
    directory,
    forms,
    guarantees,
    login,
    login_help,
    messaging,
    profile,
    request_forms,
    simulator,
    welcome,
)
from tui.screens.help import HelpScreen, help_lines
from tui.widgets import attachments

from .conftest import settle

CORALIE = "1204587"
ISABELLE = "isabelle.morin@mutuelle-demo.example"  # the demo's supervisor

# Textual's own keys on every screen (Tab, Maj+Tab, copy): not the portal's actions.
TEXTUAL_ACTIONS = {b.action for b in Screen.BINDINGS}

# Bases that only their subclasses make complete (a flow to set, a heading to give): no screen of their own.
ABSTRACT = {"ChallengeRequestScreen"}  # bases that are never shown themselves


def client_screens() -> dict[str, type[Screen]]:
    """Every Screen subclass of tui.screens, the console conseiller's included. (The file picker of
    tui.widgets binds registry keys too, see the next test; its DirectoryTree keeps a loader running that
    Pilot cannot wait for.)"""
    found: dict[str, type[Screen]] = {}
    for package in (tui.screens,):
        for info in pkgutil.iter_modules(package.__path__):
            module = importlib.import_module(f"{package.__name__}.{info.name}")
            for name, value in vars(module).items():
                if not (inspect.isclass(value) and issubclass(value, Screen) and value.__module__ == module.__name__):
                    continue
                if name.startswith("_") or name in ABSTRACT or value is HelpScreen:
                    continue
                found[name] = value
    return found


Factory = Callable[[EspaceApp, Any], Screen | Awaitable[Screen]]


def _pending_code(app: EspaceApp) -> account.CodeScreen:
    flow = LoginFlow(app.api)
    flow.identifier = CORALIE
    flow.step = Step.CODE
    flow.pending = PendingLogin(
        id="pending",
        methods=[SecondFactorMethod.email],
        method=SecondFactorMethod.email,
        destination="c****e@example.org",
        code_expires_at=app.clock.now() + timedelta(minutes=10),
        resends_left=3,
        trust_device_allowed=True,
    )
    return account.CodeScreen(flow)


async def _request_form(app: EspaceApp) -> Screen:
    """A démarche's screen: its flow opens the form over it at once; the form given up (Échap), the screen
    stays, saying nothing was sent — its own keys are then checked."""
    screen = request_forms.RequestFormScreen(app.session.api, "new_reimbursement", app.clock.today())
    await app.push_screen(screen)
    for _ in range(100_000):  # event-loop turns while the flow loads the beneficiaries (no clock)
        if isinstance(app.screen, forms.FormScreen) and app.screen.focused is not None:
            break
        await asyncio.sleep(0)
    app.screen.dismiss(None)
    with contextlib.suppress(WorkerCancelled):  # the dashboard's first load, cancelled by its reload
        await app.workers.wait_for_complete()
    return screen


def _shown(app: EspaceApp, kind: type[Screen]) -> Screen:
    assert isinstance(app.screen, kind)
    return app.screen


# (the session it needs: False none, True a member's, SUPERVISOR a supervisor's (every console key is
# live for them); how to build the screen). Anonymous screens are shown before logging in.
SUPERVISOR = "supervisor"
FACTORIES: dict[str, tuple[bool | str, Factory]] = {
    "WelcomeScreen": (False, lambda app, tmp: welcome.WelcomeScreen()),
    "LoginScreen": (False, lambda app, tmp: _shown(app, login.LoginScreen)),  # the app opens on it
    "AccountScreen": (False, lambda app, tmp: account.AccountScreen()),
    "TrustScreen": (False, lambda app, tmp: account.TrustScreen()),
    "CodeScreen": (False, lambda app, tmp: _pending_code(app)),
    "ActivationScreen": (False, lambda app, tmp: account.ActivationScreen(app.api)),
    "ForgotPasswordScreen": (False, lambda app, tmp: account.ForgotPasswordScreen(app.api)),
    "RecoverIdentifierScreen": (False, lambda app, tmp: account.RecoverIdentifierScreen(app.api)),
    "NotMeScreen": (False, lambda app, tmp: account.NotMeScreen(app.api)),
    "LoginHelpScreen": (False, lambda app, tmp: login_help.LoginHelpScreen()),
    "ResendConfirmationScreen": (False, lambda app, tmp: confirmation.ResendConfirmationScreen(app.api)),
    "MailboxScreen": (False, lambda app, tmp: account.MailboxScreen(tmp)),
    "ChangePasswordScreen": (True, lambda app, tmp: account.ChangePasswordScreen(app.session.api)),
    "ExpiryWarningScreen": (True, lambda app, tmp: account.ExpiryWarningScreen(ExpiryWatch(app.session.api))),
    "SecurityScreen": (True, lambda app, tmp: account.SecurityScreen(app.session.api)),
    "TotpScreen": (True, lambda app, tmp: account.TotpScreen(app.session.api)),
    "DashboardScreen": (True, lambda app, tmp: _shown(app, dashboard.DashboardScreen)),  # where a session lands
    "ClaimsScreen": (True, lambda app, tmp: claims.ClaimsScreen(app.session, app.clock.today())),
    "ClaimDetailScreen": (True, lambda app, tmp: claims.ClaimDetailScreen(app.session, 0)),  # not found: said
    "GuaranteesScreen": (True, lambda app, tmp: guarantees.GuaranteesScreen(app.session)),
    "SimulatorScreen": (True, lambda app, tmp: simulator.SimulatorScreen(app.session)),
    "SavedSimulationsScreen": (True, lambda app, tmp: simulator.SavedSimulationsScreen(app.session)),
    "DirectoryScreen": (True, lambda app, tmp: directory.DirectoryScreen(app.session.api, app.session)),  # issue 21
    "ProfileScreen": (True, lambda app, tmp: profile.ProfileScreen(app.session)),
    "FormScreen": (True, lambda app, tmp: forms.FormScreen(profile_flow.family_add_form())),
    "ConfirmScreen": (True, lambda app, tmp: forms.ConfirmScreen("Retirer cet ayant droit ?")),
    "PickScreen": (
        True,
        lambda app, tmp: forms.PickScreen("Coordonnées", [a.label for a in profile_flow.actions_of("contact")]),
    ),
    "MessagingScreen": (True, lambda app, tmp: messaging.MessagingScreen(app.session.api, messaging_flow.Drafts())),
    "ThreadScreen": (True, lambda app, tmp: messaging.ThreadScreen(app.session.api, messaging_flow.Drafts(), 0)),
    "ComposerScreen": (
        True,
        lambda app, tmp: messaging.ComposerScreen(app.session.api, messaging_flow.Drafts(), messaging_flow.NEW),
    ),
    "RequestsScreen": (True, lambda app, tmp: messaging.RequestsScreen(app.session.api, messaging_flow.Drafts())),
    "NotificationsScreen": (
        True,
        lambda app, tmp: messaging.NotificationsScreen(app.session.api, messaging_flow.Drafts()),
    ),
    "NewRequestScreen": (True, lambda app, tmp: request_forms.NewRequestScreen(app.session.api, app.clock.today())),
    "RequestFormScreen": (True, lambda app, tmp: _request_form(app)),
    # the console conseiller
    "AgentConsoleScreen": (SUPERVISOR, lambda app, tmp: _shown(app, agent.AgentConsoleScreen)),  # staff land there
    "QueueScreen": (SUPERVISOR, lambda app, tmp: agent.QueueScreen(AgentApi(app.session.api))),
    "TextScreen": (SUPERVISOR, lambda app, tmp: agent.TextScreen(["Simulation : 6,94 €"])),
    "ConsoleSimulatorScreen": (
        SUPERVISOR,
        lambda app, tmp: agent.ConsoleSimulatorScreen(AgentApi(app.session.api), 1, [(1, "Coralie VIDAL")]),
    ),
}


@pytest.fixture
def resume_coralie(demo_session, demo_make, token_store, api):
    def put() -> None:
        query = select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == CORALIE)
        token_store.set(api.base_url, demo_make.session_token(demo_session.exec(query).one()))

    return put


@pytest.fixture
def resume_supervisor(demo_session, demo_make, token_store, api):
    def put() -> None:
        account = demo_session.exec(select(Account).where(Account.login_email == ISABELLE)).one()
        token_store.set(api.base_url, demo_make.session_token(account))

    return put


def test_every_screen_of_the_client_is_covered():
    """A new screen must join the test below (and so bind only registry keys and answer F1)."""
    assert set(client_screens()) == set(FACTORIES)
    assert "LoginScreen" in FACTORIES and "ClaimsScreen" in FACTORIES


def test_every_screen_that_names_its_keys_has_them_in_the_registry():
    registered = {a.screen for a in DEFAULT_REGISTRY.actions if a.context == SCREEN}
    screens = (*client_screens().values(), HelpScreen, attachments.FilePickerScreen)
    named = {getattr(cls, "ACTION_SCREEN", None) for cls in screens} - {None}
    assert named <= registered, named - registered
    # and every screen key of the registry is bound by a screen that names it
    assert registered <= named | {"queue"}, registered - named


def _bound(screen: Screen) -> list[Binding]:
    return [b for bindings in screen._bindings.key_to_bindings.values() for b in bindings]


async def _open_help(app: EspaceApp, pilot, key: str) -> list[str]:
    await pilot.press(key)
    await pilot.pause()
    assert isinstance(app.screen, HelpScreen), f"{key} did not open the help"
    return help_lines(app.screen.actions)


@pytest.mark.parametrize("name", sorted(FACTORIES))
async def test_f1_and_question_mark_list_the_keys_of_every_screen(
    name, api, token_store, resume_coralie, resume_supervisor, tmp_path
):
    logged_in, make = FACTORIES[name]
    if logged_in == SUPERVISOR:
        resume_supervisor()
    elif logged_in:
        resume_coralie()
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert (app.session is not None) is bool(logged_in)
        built = make(app, tmp_path)
        screen = await built if inspect.isawaitable(built) else built
        if app.screen is not screen:
            await app.push_screen(screen)
            await settle(pilot)
        assert app.screen is screen

        # every key the screen binds is an action of the registry (its id), none declared aside
        bound = [b for b in _bound(screen) if b.action not in TEXTUAL_ACTIONS]
        stray = [(b.key, b.action) for b in bound if b.id is None or b.id not in {a.id for a in app.registry.actions}]
        assert stray == [], f"{name} binds keys outside the registry: {stray}"

        name_of_keys = getattr(screen, "ACTION_SCREEN", None)
        own = [a for a in app.registry.actions if a.context == SCREEN and a.screen == name_of_keys]
        # issue 19: each key once, for what it does here (no « s : Filtrer par statut » beside « s : Simuler »)
        live = app.available_actions(screen)
        keys = [key for action in live for key in action.keys]
        assert sorted({k for k in keys if keys.count(k) > 1}) == [], f"{name}: a key for two actions"
        own = [a for a in live if a.context == SCREEN]
        lines = await _open_help(app, pilot, "f1")
        assert lines[: len(own)] == help_lines(own)  # this screen's keys first
        shown = {a.id: a for a in live}
        for action_id in {b.id for b in bound}:
            action = shown.get(action_id)
            if action is None:  # a key of another section of the screen (the profile): live there only
                assert app.registry[action_id].section not in (None, getattr(screen, "section", None)), action_id
                continue
            assert f"{keys_label(action.keys)} : {action.description}" in lines, action_id
        assert "F1 ou ? : Aide : liste des touches" in lines
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen

        if isinstance(app.focused, Input | TextArea):
            return  # ? is typed into the field there; F1 works (checked above)
        assert await _open_help(app, pilot, "question_mark") == lines


async def test_a_remapped_messaging_key_opens_the_composer_and_the_help_shows_it(api, token_store, resume_coralie):
    resume_coralie()
    config = parse_config('[keys]\n"messaging.write" = "w"\n')
    assert config.warnings == []
    app = EspaceApp(api, token_store=token_store, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, messaging.MessagingScreen)
        await pilot.press("e")  # the default key does nothing now
        await settle(pilot)
        assert isinstance(app.screen, messaging.MessagingScreen)
        lines = await _open_help(app, pilot, "f1")
        assert "w : Écrire un message" in lines and "e : Écrire un message" not in lines
        await pilot.press("escape")
        await pilot.press("w")
        await until(pilot, lambda: isinstance(app.screen, messaging.ComposerScreen))


def test_a_screen_key_may_reuse_another_screens_key_but_not_one_that_works_everywhere():
    same_as_other_screen = parse_config('[keys]\n"messaging.write" = "o"\n')  # "o" sorts the claims elsewhere
    assert same_as_other_screen.warnings == [] and same_as_other_screen.keymap == {"messaging.write": ("o",)}
    hides_help = parse_config('[keys]\n"messaging.write" = "F1"\n')
    assert hides_help.keymap == {}
    assert hides_help.warnings == [
        "[keys] messaging.write : la touche F1 sert déjà à « Aide : liste des touches » ; touche par défaut conservée."
    ]
    same_screen = parse_config('[keys]\n"composer.send" = "ctrl+j"\n')  # Joindre, on the same screen
    assert same_screen.keymap == {} and len(same_screen.warnings) == 1


async def test_the_help_closes_with_the_aide_key_as_remapped_by_the_user(api, token_store, resume_coralie):
    """Whatever key opens the help closes it too: a person who moved « Aide » to F11 in the config file
    closes it with F11 (and still with Échap), on a member screen as on the login screen."""
    config = parse_config('[keys]\nhelp = "F11"\n')
    assert config.warnings == [] and config.keymap == {"help": ("f11",)}
    for logged_in in (False, True):
        if logged_in:
            resume_coralie()
        app = EspaceApp(api, token_store=token_store, config=config)
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            before = app.screen
            lines = await _open_help(app, pilot, "f11")
            assert "F11 : Aide : liste des touches" in lines
            await pilot.press("f11")
            await pilot.pause()
            assert app.screen is before, "F11 did not close the help"
            await _open_help(app, pilot, "f11")
            await pilot.press("escape")
            await pilot.pause()
            assert app.screen is before


def test_tab_moves_between_the_fields_of_every_screen():
    """A screen that does not inherit Textual's bindings (to bind its own Échap, Ctrl+S) lost Tab and Maj+Tab
    with them: in the message composer Tab did nothing. Every screen of the client keeps both."""
    lost = [
        name
        for name, cls in client_screens().items()
        if not {"tab", "shift+tab"} <= set(cls._merge_bindings().key_to_bindings)
    ]
    assert lost == []
