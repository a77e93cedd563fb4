"""« Aide à la connexion » (login screen, F10 or its button): the questions of `tui.flows.login_help`, the
answer of the highlighted one, and a button to the flow that solves it. Dismissed with that flow's registry
id (the app runs it over the login screen), ``login_help.LOGIN`` for the login form, or None."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.widgets import Button, OptionList
from textual.widgets.option_list import Option

from tui.bindings import modal_bindings, screen_bindings
from tui.flows import login_help as flow
from tui.flows.actions import DEFAULT_REGISTRY, Registry
from tui.screens.account import AccountScreen
from tui.widgets.text import Static

HINT = "Haut, Bas : choisir une question · Entrée : lire la réponse · Tab : bouton · Échap : retour"


class LoginHelpScreen(AccountScreen):
    BINDINGS: ClassVar[list[BindingType]] = [*modal_bindings(), *screen_bindings("login_help")]  # type: ignore[assignment]
    ACTION_SCREEN = "login_help"
    TITLE_TEXT = flow.TITLE
    HINT = HINT

    def __init__(self, registry: Registry = DEFAULT_REGISTRY) -> None:
        super().__init__(id="login-help")
        self.registry = registry
        self.question = flow.QUESTIONS[0]

    def head(self) -> ComposeResult:
        yield Static(flow.INTRO, markup=False)

    def body(self) -> ComposeResult:
        yield OptionList(*(Option(q.question, id=q.id) for q in flow.QUESTIONS), id="questions")
        yield Static("", id="answer", markup=False)
        yield Button("", id="remedy", variant="primary")

    def on_mount(self) -> None:
        self.show(self.question)
        self.query_one("#questions", OptionList).focus()

    def show(self, question: flow.Question) -> None:
        self.question = question
        self.query_one("#answer", Static).update("\n".join(flow.answer_lines(question)))
        button = self.query_one("#remedy", Button)
        label = flow.remedy_label(question, self.registry)
        button.label = label or ""
        button.display = label is not None

    @on(OptionList.OptionHighlighted, "#questions")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(flow.BY_ID[event.option.id or ""])

    @on(OptionList.OptionSelected, "#questions")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.show(flow.BY_ID[event.option.id or ""])
        button = self.query_one("#remedy", Button)
        if button.display:
            button.focus()  # the answer is just above it; Entrée again opens the flow
        self.status.info(f"Réponse : {self.question.question}.")

    @on(Button.Pressed, "#remedy")
    def _remedy(self) -> None:
        self.dismiss(self.question.remedy)

    def action_focus_questions(self) -> None:
        self.query_one("#questions", OptionList).focus()
