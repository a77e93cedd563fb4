"""« Trouver un professionnel de santé » in the full-screen client (issue 21), over the flow `tui.flows.directory`:
its search form sits at the top of the screen (built from the flow's ``Form``: one line per field, checked by the
flow as the member types), the results are lines under it, and « Et maintenant ? » (one choice: « Simuler » with
a practitioner, next page, new search) is a list under them, so the results stay in sight while choosing. The
flow runs in a worker started by the first « Rechercher »; its face (``DirectoryFace``) posts messages and the
handlers change the widgets. « Simuler » replaces this screen by the simulator, the practitioner's sector filled
in. Members and conseillers (from the console, without « Simuler ») share it."""

from __future__ import annotations

import asyncio
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Input, OptionList, Select
from textual.widgets.option_list import Option

from tui.api.client import ApiClient
from tui.api.directory import DirectoryApi
from tui.bindings import screen_bindings
from tui.flows import directory as flow
from tui.flows import forms
from tui.flows.session import AuthenticatedSession
from tui.screens.forms import ScreenFace
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static


class DirectoryFace(ScreenFace):
    """The profile's face, except that the search form is the one on the screen, a sentence is a line of the
    result list (a page of ten does not fit a status line), and a form of one choice is a list on the screen."""

    screen: DirectoryScreen

    def __init__(self, screen: DirectoryScreen, status: StatusLine) -> None:
        super().__init__(screen, status)
        self.answered = True  # the next sentence starts a new list (a new page, a new search)

    async def _wait(self, message: Message, answer: asyncio.Future[Any]) -> Any:
        self.screen.post_message(message)
        return await answer

    async def form(self, form: forms.Form) -> dict[str, Any] | None:
        self.answered = True
        answer: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        if form.title == flow.HEADING:  # the search form: the member types on the screen's own fields
            return await self._wait(DirectoryScreen.AskSearch(answer), answer)
        if len(form.asks) == 1 and form.asks[0].kind == forms.CHOICE:
            chosen = await self._wait(DirectoryScreen.Choices(form.asks[0], answer), answer)
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
    #directory-form Horizontal { height: 1; }
    #directory-form Label { width: 36; }
    #directory-form Input, #directory-form Select { width: 1fr; }
    #directory-form { height: auto; }
    #directory-results { height: 1fr; }
    #directory-choices { height: auto; max-height: 8; }
    """

    class Said(Message):
        def __init__(self, text: str, *, fresh: bool = False, error: bool = False) -> None:
            super().__init__()
            self.text = text
            self.fresh = fresh
            self.error = error

    class AskSearch(Message):
        def __init__(self, answer: asyncio.Future[Any]) -> None:
            super().__init__()
            self.answer = answer

    class Choices(Message):
        def __init__(self, ask: forms.Ask, answer: asyncio.Future[Any]) -> None:
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
        self.search = flow.search_form()
        self.answer: asyncio.Future[Any] | None = None  # what the flow waits for: a search, or a choice
        self.running = False

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.HEADING} ==", classes="heading", markup=False)
        for line in self.search.intro:
            yield Static(line, markup=False)
        with VerticalScroll(id="directory-form"):
            for ask in self.search.asks:
                with Horizontal():
                    yield Label(ask.label, markup=False)
                    if ask.kind == forms.CHOICE:
                        yield Select(
                            [(words, value) for value, words in ask.choices],
                            value=ask.default,
                            allow_blank=False,
                            compact=True,
                            id=f"field-{ask.name}",
                        )
                    else:
                        yield Input(placeholder=ask.hint, compact=True, id=f"field-{ask.name}")
        yield StatusLine(id="directory-status")
        yield VerticalScroll(id="directory-results")
        yield Static("", id="directory-question", markup=False)
        yield OptionList(id="directory-choices")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#directory-choices").display = False
        self.query_one("#field-q").focus()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#directory-status", StatusLine)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for ask in self.search.asks:
            if ask.kind == forms.CHOICE:
                values[ask.name] = str(self.query_one(f"#field-{ask.name}", Select).value)
            else:
                values[ask.name] = self.query_one(f"#field-{ask.name}", Input).value
        return values

    # -- the search form on the screen ---------------------------------------------------------------

    @on(Input.Changed)
    def _typed(self) -> None:
        problem = self.search.check(self.values()) if self.search.check else None
        if problem:
            self.status.error(problem)
        else:
            self.status.clear()

    @on(Input.Submitted)
    def _submitted(self) -> None:
        values = self.values()
        if problem := forms.problem(self.search, values):
            self.status.error(problem)
            return
        if not self.running:
            self.running = True
            self._run(values)
        elif self.answer is not None and not self.answer.done():
            self._reply(values)
        # else: the flow is waiting for a choice in the list; the search waits for « Nouvelle recherche »

    @work(exclusive=True, group="directory", exit_on_error=False)
    async def _run(self, first: dict[str, Any]) -> None:
        face = DirectoryFace(self, self.status)
        chosen = await flow.run(DirectoryApi(self.api), face, simulate=self.session is not None, first=first)
        self.post_message(self.Finished(chosen))

    def _reply(self, value: Any) -> None:
        if self.answer is not None and not self.answer.done():
            self.answer.set_result(value)
        self.answer = None
        self.query_one("#directory-choices").display = False
        self.query_one("#directory-question", Static).update("")

    # -- what the flow says and asks ---------------------------------------------------------------------

    @on(AskSearch)
    def _ask_search(self, message: AskSearch) -> None:
        self.answer = message.answer
        self.query_one("#field-q").focus()

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
        self.query_one("#directory-question", Static).update(f"{message.ask.label} (flèches, Entrée)")
        choices = self.query_one("#directory-choices", OptionList)
        choices.clear_options()
        choices.add_options([Option(words, id=value) for value, words in message.ask.choices])
        choices.display = True
        choices.highlighted = 0
        choices.focus()

    @on(OptionList.OptionSelected, "#directory-choices")
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self._reply(event.option.id)

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        chosen = message.chosen
        if chosen is None or self.session is None:
            self.app.pop_screen()
            return
        from tui.screens.simulator import SimulatorScreen

        simulator = SimulatorScreen(self.session, known_sector=chosen.sector, practitioner=chosen.practitioner)
        self.app.switch_screen(simulator)
