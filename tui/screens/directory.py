"""« Trouver un professionnel de santé » in the full-screen client (issue 21): the flow `tui.flows.directory` run in
a worker with this screen's face. The search form is the profile's modal form; the results are lines of the
screen, and « Et maintenant ? » (one choice: « Simuler » with a practitioner, next page, new search) is a list
under them, so the results stay in sight while choosing. « Simuler » replaces this screen by the simulator, the
practitioner's sector filled in. Members and conseillers (from the console, without « Simuler ») share it."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from tui.api.client import ApiClient
from tui.api.directory import DirectoryApi
from tui.bindings import screen_bindings
from tui.flows import directory as flow
from tui.flows import profile as forms
from tui.flows.login import AuthenticatedSession
from tui.screens.profile_forms import ScreenFace
from tui.widgets.status import StatusLine
from tui.widgets.text import Static


class DirectoryFace(ScreenFace):
    """The profile's face, with two changes: a sentence is a line of the result list (a page of ten does not fit
    a status line), and a form of one choice is a list on the screen instead of a modal. The worker posts
    messages; the screen's handlers change the widgets."""

    screen: DirectoryScreen

    def __init__(self, screen: DirectoryScreen, status: StatusLine) -> None:
        super().__init__(screen, status)
        self.answered = True  # the next sentence starts a new list (a new page, a new search)

    async def form(self, form: forms.Form) -> dict[str, Any] | None:
        self.answered = True
        if len(form.asks) == 1 and form.asks[0].kind == forms.CHOICE:
            answer: asyncio.Future[str | None] = asyncio.get_running_loop().create_future()
            self.screen.post_message(DirectoryScreen.Choices(form.asks[0], answer))
            chosen = await answer
            return None if chosen is None else {form.asks[0].name: chosen}
        return await super().form(form)

    def say(self, text: str) -> None:
        self.said.append(text)
        self.screen.post_message(DirectoryScreen.Said(text, fresh=self.answered))
        self.answered = False

    def error(self, text: str) -> None:
        self.said.append(text)
        self.screen.post_message(DirectoryScreen.Said(text, error=True))


class DirectoryScreen(Screen[None]):
    BINDINGS = screen_bindings("directory")
    ACTION_SCREEN = "directory"
    DEFAULT_CSS = """
    #directory-results { height: 1fr; }
    #directory-choices { height: auto; max-height: 8; }
    """

    class Said(Message):
        def __init__(self, text: str, *, fresh: bool = False, error: bool = False) -> None:
            super().__init__()
            self.text = text
            self.fresh = fresh
            self.error = error

    class Choices(Message):
        def __init__(self, ask: forms.Ask, answer: asyncio.Future[str | None]) -> None:
            super().__init__()
            self.ask = ask
            self.answer = answer

    class Finished(Message):
        def __init__(self, chosen: flow.SimulateWith | None) -> None:
            super().__init__()
            self.chosen = chosen

    def __init__(self, api: ApiClient, session: AuthenticatedSession | None = None) -> None:
        """``session``: the member's, for « Simuler »; the console gives none (no simulation outside a dossier)."""
        super().__init__(id="directory")
        self.api = api
        self.session = session
        self.answer: asyncio.Future[str | None] | None = None

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.HEADING} ==", classes="heading", markup=False)
        yield StatusLine(id="directory-status")
        yield VerticalScroll(id="directory-results")
        yield Static("", id="directory-question", markup=False)
        yield OptionList(id="directory-choices")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#directory-choices").display = False
        self._run()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#directory-status", StatusLine)

    @work(exclusive=True, group="directory", exit_on_error=False)
    async def _run(self) -> None:
        face = DirectoryFace(self, self.status)
        chosen = await flow.run(DirectoryApi(self.api), face, simulate=self.session is not None)
        self.post_message(self.Finished(chosen))

    @on(Said)
    async def _said(self, message: Said) -> None:
        if message.error:
            self.status.error(message.text)
            return
        self.status.clear()
        results = self.query_one("#directory-results", VerticalScroll)
        if message.fresh:
            await results.remove_children()
            results.scroll_home(animate=False)
        await results.mount(Static(message.text, markup=False, classes="directory-line"))

    @on(Choices)
    def _choices(self, message: Choices) -> None:
        self.answer = message.answer
        self.query_one("#directory-question", Static).update(message.ask.label + " (flèches, Entrée)")
        choices = self.query_one("#directory-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(words, id=value) for value, words in message.ask.choices])
        choices.display = True
        choices.highlighted = 0
        choices.focus()

    def _answer(self, value: str | None) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(value)
        self.answer = None
        self.query_one("#directory-choices").display = False
        self.query_one("#directory-question", Static).update("")

    @on(OptionList.OptionSelected, "#directory-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._answer(event.option.id)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        chosen = message.chosen
        if chosen is None or self.session is None:
            self.app.pop_screen()
            return
        from tui.screens.simulator import SimulatorScreen

        simulator = SimulatorScreen(self.session, known_sector=chosen.sector, practitioner=chosen.practitioner)
        self.app.switch_screen(simulator)
