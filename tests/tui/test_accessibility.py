"""Issue 10: the audit tests that guard the accessibility rules of ../shared/design/tui-guide.md.

The registry (every action: id, key, French description, help entry, palette), the one status function,
the linear mode's bytes (no ANSI escape, no box drawing, errors on stderr), NO_COLOR, animations, the
automatic linear mode, paste into a password field, and the terminal cursor following the focus (field
or row) for braille displays.
"""

from __future__ import annotations

import argparse
import ast
import enum
import importlib
import io
import pkgutil
import re
from pathlib import Path

import pytest
from sqlmodel import select
from textual import events
from textual.containers import VerticalScroll
from textual.widgets import DataTable, Input, ListView, OptionList

import models.schemas
from models.tables import Account, Member
from tui.app import EspaceApp
from tui.flows import wording
from tui.flows.actions import (
    ACTIONS,
    AGENT,
    ANONYMOUS,
    DEFAULT_REGISTRY,
    SCREEN,
    SESSION,
    keys_label,
    normalize_key,
)
from tui.linear import LinearClient
from tui.main import wants_linear
from tui.screens.help import help_lines

from .conftest import ScriptedInput, menu_number, settle

TUI = Path(__file__).resolve().parents[2] / "tui"
LEA = "3810274"
CORALIE = "1204587"
SOPHIE = "3810522"
JULIEN = "julien.roche@mutuelle-demo.example"
AUDIT_SUPERVISOR_AREAS = [
    "dashboard",
    "claims",
    "guarantees",
    "simulator",
    "messaging",
    "requests",
    "notifications",
    "profile",
    "directory",
]


@pytest.fixture
def resume_as(demo_session, demo_make, token_store, api):
    """A live session of a demo account in the token store: the app (or the linear mode) resumes it."""

    def put(member_number: str | None = None, *, email: str | None = None) -> None:
        query = select(Account)
        if email is not None:
            query = query.where(Account.login_email == email)
        else:
            query = query.join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
        token_store.persistent = True  # resumed as from a keyring: « Quitter » keeps it (its expiry is checked)
        token_store.set(api.base_url, demo_make.session_token(demo_session.exec(query).one()))

    return put


# -- the registry -------------------------------------------------------------------------------------

FRENCH = re.compile(r"[a-zàâçéèêëîïôûùüÿœ]", re.IGNORECASE)
ENGLISH_WORDS = {"the", "open", "show", "close", "quit", "help", "search", "toggle", "back", "settings"}


@pytest.mark.parametrize("action", ACTIONS, ids=lambda a: a.id)
def test_every_action_has_an_id_a_key_a_french_description_and_a_help_entry(action):
    assert re.fullmatch(r"[a-z][a-z0-9_.]*", action.id), action.id
    assert action.keys, f"{action.id} has no key"
    for key in action.keys:
        assert normalize_key(key) == key, f"{action.id}: {key} is not a Textual key name"
        assert keys_label([key])
    assert re.search(r"[a-zàâçéèêëîïôûùüÿœ]", action.description) and action.description[0].isupper()
    assert not set(action.description.lower().split()) & ENGLISH_WORDS, action.description
    assert f"{keys_label(action.keys)} : {action.description}" in help_lines([action])


def test_every_action_is_reachable_from_the_palette():
    """The palette lists `available_actions()`: the union over a visitor, a member with every area and a
    supervisor in the console covers the whole registry (the palette itself aside)."""
    reachable = {
        a.id
        for a in (
            *DEFAULT_REGISTRY.available(logged_in=False),
            *DEFAULT_REGISTRY.available(logged_in=True, areas=AUDIT_SUPERVISOR_AREAS),
            *DEFAULT_REGISTRY.available(logged_in=True, areas=["access"]),  # issue 21: an ayant droit's own access
            *DEFAULT_REGISTRY.available(logged_in=True, console=True, supervisor=True),
            *DEFAULT_REGISTRY.available(logged_in=True, console=True, supervisor=True, screen="agent_queue"),
            # every screen's own keys, on that screen (and section: the profile's), listed there first
            *(
                a
                for a in ACTIONS
                if a.context == SCREEN
                and a in DEFAULT_REGISTRY.available(logged_in=True, screen=a.screen, section=a.section)
            ),
        )
    }
    assert {a.id for a in ACTIONS} - reachable == set()  # the palette's own entry is left out of its list
    assert {a.context for a in ACTIONS} <= {"app", SESSION, ANONYMOUS, AGENT, SCREEN}
    assert all(a.screen and a.id.startswith(f"{a.screen}.") for a in ACTIONS if a.context == SCREEN)


async def test_the_palette_shows_every_available_action_with_its_key(api, token_store, resume_as):
    from tui.commands import RegistryCommands

    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        provider = RegistryCommands(app.screen)
        hits = [hit async for hit in provider.discover()]
        shown = {str(hit.display) for hit in hits}
        expected = {a.description for a in app.available_actions() if a.id != "command_palette"}
        assert shown == expected
        assert all(hit.help and hit.help.startswith("Touche : ") for hit in hits)


async def test_the_palette_says_in_french_when_nothing_matches(api, token_store, resume_as):
    """Issue 19: not Textual's « No matches found »."""
    from textual.command import CommandList

    from tui.widgets.palette import NO_MATCHES, FrenchCommandPalette

    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert isinstance(app.screen, FrenchCommandPalette)
        await pilot.press(*"xqzw")
        await app.workers.wait_for_complete()  # the palette's search over the providers has ended
        await pilot.pause()
        app.screen.show_no_matches("xqzw")  # what the palette's countdown calls, without waiting for it
        await pilot.pause()
        options = app.screen.query_one(CommandList)
        prompts = [str(options.get_option_at_index(i).prompt.renderable) for i in range(options.option_count)]
        assert prompts == [NO_MATCHES]


# -- the one status function ----------------------------------------------------------------------------


def _schema_enums() -> list[type[enum.Enum]]:
    found: dict[str, type[enum.Enum]] = {}
    for info in pkgutil.iter_modules(models.schemas.__path__):
        module = importlib.import_module(f"models.schemas.{info.name}")
        for value in vars(module).values():
            if isinstance(value, type) and issubclass(value, enum.Enum) and value.__module__ == module.__name__:
                found[value.__name__] = value
    return sorted(found.values(), key=lambda e: e.__name__)


@pytest.mark.parametrize("schema_enum", _schema_enums(), ids=lambda e: f"{e.__module__.split('.')[-1]}.{e.__name__}")
def test_every_enumeration_of_the_schemas_has_words(schema_enum):
    for value in schema_enum:
        words = wording.status_words(value)
        assert words and FRENCH.search(words), f"{schema_enum.__name__}.{value.name}"


def _words_outside_wording() -> list[str]:
    """Dict literals keyed by a member of a schema enumeration (``ClaimStatus.paid: "…"``) whose values
    are words, anywhere in tui/ but wording.py; and comparisons of such a member that choose a word."""
    names = {e.__name__ for e in _schema_enums()}
    problems = []
    for path in sorted(TUI.rglob("*.py")):
        if path.name == "wording.py" and path.parent.name == "flows":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Dict):
                continue
            for key, value in zip(node.keys, node.values, strict=True):
                enum_key = isinstance(key, ast.Attribute) and isinstance(key.value, ast.Name) and key.value.id in names
                worded = isinstance(value, ast.Constant) and isinstance(value.value, str) and FRENCH.search(value.value)
                if enum_key and worded:
                    problems.append(f"{path.relative_to(TUI.parent)}:{node.lineno} {key.value.id}.{key.attr}")
    return problems


def test_no_module_but_wording_maps_an_enumeration_to_words():
    assert _words_outside_wording() == []


# -- the linear mode's bytes ------------------------------------------------------------------------------

ANSI = re.compile(r"\x1b|\x9b")
BOX = re.compile(r"[\u2500-\u257f\u2580-\u259f]")  # box drawing and block elements


async def test_linear_flows_emit_plain_lines_and_errors_start_with_erreur(api, token_store, resume_as):
    resume_as(LEA)
    out, err = io.StringIO(), io.StringIO()
    answers = [
        menu_number(out, "Mes remboursements"),
        "abc",  # a wrong choice: said on stderr
        "",
    ]
    stdin = ScriptedInput(answers)
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0
    text, errors_text = out.getvalue(), err.getvalue()
    assert "== Mes remboursements" in text
    for label, stream in (("stdout", text), ("stderr", errors_text)):
        assert not ANSI.search(stream), f"ANSI escape on {label}"
        assert not BOX.search(stream), f"box drawing on {label}: {BOX.findall(stream)[:5]}"
    assert errors_text and all(line.startswith("Erreur : ") for line in errors_text.splitlines())


async def test_linear_guarantees_and_dashboard_have_no_escape_nor_box(api, token_store, resume_as):
    resume_as(CORALIE)
    out, err = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(
        [menu_number(out, "Mes garanties"), menu_number(out, "Aide : comment répondre, et ce menu"), "99"]
    )
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0
    text = out.getvalue()
    assert "== Tableau de bord ==" in text and "== Aide ==" in text
    assert not ANSI.search(text + err.getvalue())
    assert not BOX.search(text), BOX.findall(text)[:5]
    assert err.getvalue().startswith("Erreur : choix invalide")


# -- the full-screen client's defaults ------------------------------------------------------------------------


async def test_no_color_is_honoured_and_animations_are_off(api, token_store, monkeypatch):
    monkeypatch.setenv("NO_COLOR", "1")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.no_color
        assert any(type(f).__name__ in ("NoColor", "Monochrome") for f in app._filters)
        assert app.animation_level == "none"


async def test_animations_are_off_without_no_color_too(api, token_store, monkeypatch):
    monkeypatch.delenv("NO_COLOR", raising=False)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert app.animation_level == "none"
        assert not app.no_color


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.mark.parametrize(
    ("linear", "env", "tty", "expected"),
    [
        (False, {"TERM": "xterm-256color"}, True, False),
        (False, {"TERM": "dumb"}, True, True),
        (False, {"TERM": "xterm"}, False, True),  # a pipe
        (True, {"TERM": "xterm"}, True, True),
        (False, {}, True, False),
    ],
)
def test_the_linear_mode_is_chosen_automatically(linear, env, tty, expected):
    stdout = _Tty() if tty else io.StringIO()
    assert wants_linear(argparse.Namespace(linear=linear), env, stdout) is expected


async def test_paste_goes_into_the_password_field(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        password = app.screen.query_one("#password", Input)
        assert password.password
        password.focus()
        await pilot.pause()
        password.post_message(events.Paste("motdepasse-colle 2026"))
        await pilot.pause()
        assert password.value == "motdepasse-colle 2026"
        assert app.cursor_position == password.cursor_screen_offset


# -- the cursor follows the focused field or row (braille displays) ------------------------------------------


def _row_y(widget) -> int:
    if isinstance(widget, DataTable):
        region = widget._get_row_region(widget.cursor_row)
        return widget.content_region.y + region.y - int(widget.scroll_offset.y)
    if isinstance(widget, OptionList):
        return widget.content_region.y + widget._index_to_line[widget.highlighted] - int(widget.scroll_offset.y)
    assert isinstance(widget, ListView)
    return widget.highlighted_child.region.y


async def test_the_cursor_follows_the_claims_table_row(api, token_store, resume_as):
    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        table = app.screen.query_one(DataTable)
        table.focus()
        await pilot.pause()
        first = app.cursor_position
        assert first.y == _row_y(table)
        await pilot.press("down", "down")
        await pilot.pause()
        assert app.cursor_position.y == _row_y(table) == first.y + 2
        for _ in range(20):  # past the visible rows: the table scrolls, the cursor stays on the row
            await pilot.press("down")
        await pilot.pause()
        assert app.cursor_position.y == _row_y(table)
        assert table.content_region.y <= app.cursor_position.y < table.content_region.bottom


async def test_the_cursor_follows_the_inbox_and_the_notifications(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        for key, list_id in (("m", "#threads"), ("n", "#notifications")):
            await pilot.press(key)
            await settle(pilot)
            listing = app.screen.query_one(list_id, ListView)
            listing.focus()
            await pilot.pause()
            if listing.highlighted_child is not None:
                assert app.cursor_position.y == _row_y(listing)
                if len(listing.children) > 1:
                    await pilot.press("down")
                    await pilot.pause()
                    assert app.cursor_position.y == _row_y(listing)
            else:
                assert app.cursor_position == listing.content_region.offset
            await pilot.press("escape")
            await settle(pilot)


async def test_the_cursor_is_on_the_first_visible_line_of_mes_garanties(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        body = app.screen.query_one("#guarantees-body", VerticalScroll)
        body.focus()
        await pilot.pause()
        assert app.cursor_position == body.content_region.offset


async def test_the_cursor_follows_the_console_search_results(api, token_store, resume_as):
    resume_as(email=JULIEN)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press(*"martin so")
        await settle(pilot)
        await pilot.press("enter")  # to the results
        await pilot.pause()
        hits = app.screen.query_one("#hits", OptionList)
        assert app.focused is hits and hits.option_count >= 2
        assert app.cursor_position.y == _row_y(hits)
        await pilot.press("down")
        await pilot.pause()
        assert app.cursor_position.y == _row_y(hits)
        assert app.cursor_position.x == hits.content_region.x


# -- the session-expiry warning in the linear mode ---------------------------------------------------------


async def test_linear_mode_warns_once_before_a_prompt_and_offers_prolonger(
    api, token_store, resume_as, client_clock, clock
):
    resume_as(CORALIE)
    out, err = io.StringIO(), io.StringIO()
    dashboard = menu_number(out, "Tableau de bord")
    help_choice = menu_number(out, "Aide : comment répondre, et ce menu")  # no request: the idle time keeps running

    def idle_until_near_expiry() -> str:
        left = api.seconds_before_idle_expiry()
        assert left is not None and left > 80
        client_clock.advance(seconds=left - 75)  # 75 s left: inside the 90 s warning window
        clock.advance(seconds=left - 75)  # the server's clock too (it is the judge of the expiry)
        return help_choice()

    stdin = ScriptedInput([idle_until_near_expiry, "1", dashboard])
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0
    text = out.getvalue()
    warning = "Sans activité, votre session se terminera à "
    assert text.count(warning) == 1  # said once, never repeated, never counted down
    assert "== Votre session va bientôt expirer ==\n1. Prolonger\n2. Ne pas prolonger\n" in text
    after = text.split("== Votre session va bientôt expirer ==", 1)[1]
    assert "Session prolongée jusqu'à " in after
    assert api.seconds_before_idle_expiry() > 80  # extended: the next prompt has no warning
    assert not re.search(r"\d+ (s|secondes) restantes", text)
    assert err.getvalue() == ""


async def test_linear_mode_warns_at_a_question_inside_a_flow_too(api, token_store, resume_as, client_clock, clock):
    """Not only before the main menu: a person who stays long on any question of a flow (here, in Mes
    remboursements, before the amount filter's question) is warned there, once, and may extend."""
    resume_as(CORALIE)
    out, err = io.StringIO(), io.StringIO()

    def idle_then(label: str):
        choose = menu_number(out, label)

        def answer() -> str:
            left = api.seconds_before_idle_expiry()
            assert left is not None and left > 80
            client_clock.advance(seconds=left - 75)  # 75 s left: inside the warning window
            clock.advance(seconds=left - 75)
            return choose()

        return answer

    stdin = ScriptedInput(
        [
            menu_number(out, "Mes remboursements"),
            idle_then("Filtrer par montant dépensé (de … à …)"),  # no request before the next question
            "1",  # Prolonger
            "",  # Montant dépensé : tous
            menu_number(out, "Revenir au menu principal"),
            menu_number(out, "Quitter"),
        ]
    )
    client = LinearClient(api, stdin=stdin, stdout=out, stderr=err, token_store=token_store)
    assert await client.run() == 0
    text = out.getvalue()
    assert text.count("Sans activité, votre session se terminera à ") == 1
    claims = text.split("== Mes remboursements", 1)[1]  # the main menu has 18 entries too (issue 21)
    after = claims.split("Votre choix (1 à 20) :\n", 1)[1].splitlines()  # answered after a long pause
    assert after[0] == "== Filtrer par montant dépensé =="  # the flow's form (issue 18), then its question
    assert after[1].startswith("Sans activité, votre session se terminera à ")  # said before the next question
    assert after[2:6] == [
        "== Votre session va bientôt expirer ==",
        "1. Prolonger",
        "2. Ne pas prolonger",
        "Votre choix (1 à 2) :",
    ]
    assert after[6].startswith("Session prolongée jusqu'à ")
    assert after[7] == "Montant dépensé (20-100, 20- ou -100 ; vide : tous) :"  # then the question, as before
    assert api.seconds_before_idle_expiry() > 80
    assert err.getvalue() == ""


# -- a screen's own keys are in the registry: help, palette, remapping ------------------------------------


def test_a_screen_key_is_remapped_from_the_config_file():
    from tui.flows.config import parse_config

    config = parse_config('[keys]\nclaims.sort = "k"\n"claims.clear" = "ctrl+e"\n')
    assert config.warnings == []
    assert config.keymap == {"claims.sort": ("k",), "claims.clear": ("ctrl+e",)}


async def test_a_remapped_screen_key_works_and_help_and_palette_list_the_screen_keys(api, token_store, resume_as):
    from tui.commands import RegistryCommands
    from tui.flows.config import parse_config
    from tui.screens.claims import ClaimsScreen
    from tui.screens.help import HelpScreen

    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store, config=parse_config('[keys]\nclaims.sort = "k"\n'))
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ClaimsScreen)
        before = screen.model.sort
        await pilot.press("o")  # the old key does nothing now
        await settle(pilot)
        assert screen.model.sort == before
        await pilot.press("k")  # the flow's list of sorts (issue 18): the next one chosen
        for _ in range(50):
            await pilot.pause()
            if app.screen is not screen:
                break
        await pilot.press("down", "enter")
        await settle(pilot)
        assert screen.model.sort != before
        hits = {str(hit.display): hit.help async for hit in RegistryCommands(screen).discover()}
        assert hits["Changer le tri"] == "Touche : k"
        assert "Filtrer par statut" in hits
        assert "Mes remboursements" not in hits  # issue 19: the dashboard's keys are not live here
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        lines = help_lines(app.screen.actions)
        assert lines[0] == "Entrée : Voir le détail du remboursement"  # this screen's keys first
        assert "k : Changer le tri" in lines and "r : Mes remboursements" not in lines


async def test_the_text_cursor_does_not_blink(api, token_store):
    """Every focused text field keeps a steady cursor (no blinking, WCAG 2.2.2)."""
    from textual.widgets import Input

    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        focused = app.focused
        assert isinstance(focused, Input)
        await pilot.pause()
        assert focused.cursor_blink is False
