"""Issue 19, item 9: no English binding text reaches a footer — Textual's own included (« esc Dismiss menu »)."""

from __future__ import annotations

import importlib
import pkgutil

from textual.binding import Binding
from textual.dom import DOMNode
from textual.widgets import Select

import tui.screens
from tui.app import EspaceApp
from tui.flows.actions import DEFAULT_REGISTRY
from tui.screens.messaging import ComposerScreen
from tui.widgets.french import FRENCH_BINDINGS, speak_french

from .conftest import settle
from .profile_helpers import until


def every_class() -> list[type[DOMNode]]:
    for module in pkgutil.iter_modules(tui.screens.__path__, "tui.screens."):
        importlib.import_module(module.name)  # every screen, with the Textual widgets it uses
    found, todo = [], [DOMNode]
    while todo:
        cls = todo.pop()
        found.append(cls)
        todo += cls.__subclasses__()
    return found


def french_words(classes: list[type[DOMNode]]) -> set[str]:
    """The registry's words, Textual's said in French, and the words the client's own widgets declare."""
    registry = DEFAULT_REGISTRY.with_demo(True)
    own = {
        binding.description
        for cls in classes
        if cls.__module__.startswith("tui.")
        for binding in Binding.make_bindings(cls.__dict__.get("BINDINGS", []))
    }
    catalogue = {w for words in FRENCH_BINDINGS.values() for w in words.values()}
    return {a.footer_label for a in registry.actions} | catalogue | own


def test_every_binding_a_footer_can_show_speaks_french():
    """Every class of every screen (the client's and Textual's widgets they use): a binding shown in a footer
    is one of the registry's (French) or one of Textual's said in French by tui.widgets.french."""
    classes = every_class()
    speak_french()
    french = french_words(classes)
    english = sorted(
        f"{cls.__module__}.{cls.__qualname__}: {binding.key} « {binding.description} »"
        for cls in classes
        if cls._merged_bindings is not None
        and cls.__module__.startswith(("tui.", "textual."))
        and "playground" not in cls.__module__  # Textual's developer tool, never shown by the client
        for bindings in cls._merged_bindings.key_to_bindings.values()  # type: ignore[union-attr]
        for binding in bindings
        if binding.show and binding.description not in french
    )
    assert english == []


async def test_an_open_select_list_says_how_to_close_it_in_french(api, token_store, log_in_as, coralie):
    await log_in_as(coralie.member_number)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))  # its worker waits: no settle
        app.screen.query_one("#field-category", Select).focus()
        await pilot.pause()
        await pilot.press("enter")  # the list opens
        await pilot.pause()
        shown = [b.description for _, b, _, _ in app.screen.active_bindings.values() if b.show]
        assert "Fermer la liste" in shown and "Dismiss menu" not in shown


async def test_ctrl_c_says_how_to_quit_in_french(api, token_store):
    """Textual's own answer to Ctrl+C is « Press q to quit the app » under « Do you want to quit? »."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24), notifications=True) as pilot:
        await pilot.pause()
        app.action_help_quit()
        await pilot.pause()
        [notice] = list(app._notifications)
        assert (notice.title, notice.message) == ("Quitter ?", "Pour quitter : q ou Ctrl+Q.")
