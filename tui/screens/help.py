"""The help screen (F1 or ?): the keys of every action, read from the registry."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from tui.bindings import screen_bindings
from tui.flows.actions import Action, keys_label

TITLE = "Aide : les touches"


def help_lines(actions: list[Action]) -> list[str]:
    return [f"{keys_label(a.keys)} : {a.description}" for a in actions]


class HelpScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("help")
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
