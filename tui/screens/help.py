"""The help screen (F1 or ?): the keys of every action, read from the registry."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen

from tui.bindings import help_binding, screen_bindings
from tui.flows.actions import Action, keys_label
from tui.widgets.text import Static

TITLE = "Aide : les touches"


def help_lines(actions: list[Action]) -> list[str]:
    return [f"{keys_label(a.keys)} : {a.description}" for a in actions]


class HelpScreen(ModalScreen[None]):
    # A modal hides the app's bindings: « Aide » bound here too (its registry id, so the user's remapped key
    # applies), and it closes the help (App.action_help).
    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("help"), help_binding(show=False)]
    ACTION_SCREEN = "help"

    def __init__(self, actions: list[Action]) -> None:
        super().__init__(id="help")
        self.actions = actions

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="help-box") as box:
            box.border_title = TITLE
            yield Static("\n".join(help_lines(self.actions)), id="help-keys", markup=False)
            yield Static(
                "Tab et Maj+Tab : passer d'un élément à l'autre · Échap : fermer cette aide",
                id="help-nav",
                markup=False,
            )

    def action_close(self) -> None:
        self.dismiss(None)
