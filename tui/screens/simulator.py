"""The simulateur: the person, the poste, the act from a searchable French list, the amount, and
the question a member can answer ("Votre médecin pratique-t-il des dépassements d'honoraires ?");
the result (Sécurité sociale, each contract, what remains to pay, the explanation), saved on demand,
and the saved simulations. What to ask and what to say come from `tui.flows.simulator`."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Button, Footer, Input, OptionList, Select
from textual.widgets.option_list import Option

from tui.api import errors
from tui.bindings import screen_bindings
from tui.flows import retry
from tui.flows import simulator as flow
from tui.flows.forms import CHOICE, Ask, resolved
from tui.flows.session import AuthenticatedSession
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static

FOCUS = {flow.ACT: "search"}  # a missing act: back to the search, the list of acts below it
WIDGETS = {flow.ACT: "acts"}


def error_slot(field: str) -> Static:
    """Where a field's error is said, right under it (issue 19: not at the top of a form scrolled away)."""
    return Static("", id=f"{field}-error", classes="field-error -hidden", markup=False)


def field_widget(ask: Ask) -> Widget:
    """The widget of one declared question (``flow.Questions``): a list for the act (filtered by the search
    above it, the first act found taken as one types), a drop-down for a choice, a field for a text."""
    name = WIDGETS.get(ask.name, ask.name)
    if ask.name == flow.ACT:
        return OptionList(id=name)
    if ask.kind == CHOICE:
        words = [w for _, w in ask.choices]
        prompt = " / ".join(words) if 0 < len(words) <= 3 else "Choisir (Entrée)"
        return Select([(w, v) for v, w in ask.choices], prompt=prompt, id=name)
    return Input(placeholder=ask.hint, id=name)


class SimulatorScreen(Screen[None]):
    BINDINGS = screen_bindings("simulator")
    ACTION_SCREEN = "simulator"
    AUTO_FOCUS = "#who"  # the first field, so that typing starts the form
    DEFAULT_CSS = """
    SimulatorScreen .sim-field { height: auto; }
    """

    class People(Message):
        def __init__(self, people: list[tuple[int, str]]) -> None:
            super().__init__()
            self.people = people

    class Done(Message):
        def __init__(self, outcome: flow.Outcome) -> None:
            super().__init__()
            self.outcome = outcome

    class Saved(Message):
        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    class Failed(Message):
        def __init__(self, error: errors.ApiError, kept: str = "") -> None:
            super().__init__()
            self.error = error
            self.kept = kept  # what stays when the server does not answer (the simulation to save)

    def __init__(
        self,
        session: AuthenticatedSession | None,
        *,
        today: date | None = None,
        screen_id: str = "simulator",
        known_sector: str | None = None,
        practitioner: str = "",
    ) -> None:
        """``session``: the member's; the console's simulation (`tui.screens.agent`) has none and gives
        ``today`` from its own clock. ``known_sector``, ``practitioner``: « Simuler » from the care finder."""
        super().__init__(id=screen_id)
        self.session = session
        self.form = flow.SimulatorForm(known_sector=known_sector, practitioner=practitioner)
        self.known = flow.acts(today or session.api.clock.now().date())  # type: ignore[union-attr]
        self.questions = flow.Questions(self.known, known_sector=known_sector)
        self.found: tuple[flow.ActChoice, ...] = ()
        self.last: list[dict[str, Any]] = []
        # the member's glasses, several items simulated together (the console adds the acts of a care instead)
        self.glasses: flow.CareEvent | None = flow.CareEvent(title=flow.GLASSES_TITLE) if session else None

    def compose(self) -> ComposeResult:
        """The fields of the declared questions (``flow.Questions``), each with its label over it and its
        error under it; a field asked only for some answers (``when``) is shown only then."""
        with VerticalScroll(id="simulator-body"):
            yield Static(flow.HEADING, classes="heading", markup=False)
            yield StatusLine(id="simulator-status")
            for ask in self.questions.asks():
                hidden = "" if ask.when is None else " -hidden"
                with Vertical(id=f"{ask.name}-box", classes="sim-field" + hidden):
                    if ask.name != flow.ACT:  # the list of acts goes on under the search's label
                        yield Label(ask.label)
                    yield field_widget(ask)
                    yield error_slot(ask.name)
            if self.glasses is not None:
                yield Static("", id="glasses", classes="-hidden", markup=False)  # the items added
            with Horizontal(id="simulator-buttons"):
                yield Button("Simuler", id="simulate", variant="primary")
                yield Button("Enregistrer", id="save", disabled=True)
                if self.glasses is not None:
                    yield Button("Ajouter aux lunettes", id="add-item", classes="-hidden")
            yield Static("", id="result", markup=False)
            yield Static("", id="saved", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        if note := self.form.sector_note():
            self.status.info(note)
        self._people()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#simulator-status", StatusLine)

    # -- workers: they post messages, handlers change the widgets -----------------------------------

    @work(exclusive=True, group="simulator", exit_on_error=False)
    async def _people(self) -> None:
        assert self.session is not None
        try:
            data = await self.session.api.guarantees()
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.People(flow.beneficiary_choices(data.beneficiaries)))

    @work(exclusive=True, group="simulator", exit_on_error=False)
    async def _simulate(self, form: flow.SimulatorForm, glasses: flow.CareEvent | None) -> None:
        assert self.session is not None
        try:
            outcome = await flow.simulate(self.session.api, form, glasses)
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Done(outcome))

    @work(exclusive=True, group="simulator", exit_on_error=False)
    async def _save(self, scenarios: list[dict[str, Any]]) -> None:
        assert self.session is not None
        try:
            await self.session.api.save_simulation(scenarios, self.form.save_key(scenarios))
            self.form.saving.done()
            saved = await self.session.api.saved_simulations()
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc, flow.SAVE_KEPT))
            return
        self.post_message(self.Saved([flow.saved_heading(len(saved)), *(flow.saved_line(i) for i in saved)]))

    # -- handlers -----------------------------------------------------------------------------------

    @on(People)
    def _got_people(self, message: People) -> None:
        self.query_one("#who", Select).set_options([(name, pid) for pid, name in message.people])

    @on(Select.Changed, "#who")
    def _who(self, event: Select.Changed) -> None:
        self.form.beneficiary_id = None if event.value is Select.NULL else int(event.value)  # type: ignore[arg-type]

    @on(Select.Changed, "#poste")
    def _poste(self, event: Select.Changed) -> None:
        self.form.poste = None if event.value is Select.NULL else str(event.value)
        self._refresh_acts()

    @on(Input.Changed, "#search")
    def _search(self) -> None:
        self._refresh_acts()

    def _refresh_acts(self) -> None:
        self.found = self.questions.found({flow.POSTE: self.form.poste, flow.SEARCH: self._search_text()})
        acts = self.query_one("#acts", OptionList)
        acts.clear_options()
        acts.add_options([Option(a.label, id=a.code) for a in self.found])
        if self.found:  # type-to-select: the first act found is the choice until another is highlighted
            acts.highlighted = 0

    def _search_text(self) -> str:
        return self.query_one("#search", Input).value

    @on(Input.Submitted, "#search")
    def _search_done(self) -> None:
        """Entrée in the search: the act highlighted is taken, on to the amount (no Down needed first)."""
        if self.form.act is not None:
            self.query_one("#charged", Input).focus()

    @on(OptionList.OptionHighlighted, "#acts")
    @on(OptionList.OptionSelected, "#acts")
    def _act(self, event: OptionList.OptionHighlighted | OptionList.OptionSelected) -> None:
        self.form.act = next((a for a in self.found if a.code == event.option.id), None)
        self.form.basket = None
        basket = next(a for a in self.questions.asks() if a.name == flow.BASKET)
        choices = resolved(basket, self.form.values()).choices
        self.query_one("#basket", Select).set_options([(words, key) for key, words in choices])
        self._show_fields()

    @on(Select.Changed, "#basket")
    def _basket(self, event: Select.Changed) -> None:
        self.form.basket = None if event.value is Select.NULL else str(event.value)

    @on(Select.Changed, "#excess")
    def _excess(self, event: Select.Changed) -> None:
        self.form.excess = None if event.value is Select.NULL else str(event.value)
        self._show_fields()

    @on(Select.Changed, "#optam")
    def _optam(self, event: Select.Changed) -> None:
        self.form.optam = None if event.value is Select.NULL else str(event.value)

    def _show_fields(self) -> None:
        """Each field whose question is asked only for some answers (``when``), shown for these answers."""
        values = self.form.values()
        for ask in self.questions.asks():
            if ask.when is not None:
                self.query_one(f"#{ask.name}-box").set_class(not ask.when(values), "-hidden")
        if self.glasses is not None:
            act = self.form.act
            optics = (act is not None and act.poste == flow.OPTICS) or bool(self.glasses.lines)
            self.query_one("#add-item", Button).set_class(not optics, "-hidden")

    @on(Button.Pressed, "#simulate")
    def _submit(self) -> None:
        self._read_amounts()
        self.clear_result()  # a new attempt: the previous result would read as this one's
        self._start()

    def clear_result(self) -> None:
        self.last = []
        self.query_one("#result", Static).update("")
        self.query_one("#saved", Static).update("")
        self.query_one("#save", Button).disabled = True

    def show_problems(self, problems: list[tuple[str, str]]) -> bool:
        """Each problem said under its field, the first wrong field focused and scrolled into view; the
        status line says them too. True when there was something to correct."""
        for slot in self.query(".field-error").results(Static):
            slot.update("")
            slot.add_class("-hidden")
        if not problems:
            return False
        for field, message in problems:
            slot = self.query_one(f"#{field}-error", Static)
            slot.update(f"Erreur : {message}")
            slot.remove_class("-hidden")
        first = problems[0][0]
        self.query_one(f"#{FOCUS.get(first, first)}").focus()
        self.call_after_refresh(self.query_one(f"#{first}-error").scroll_visible)
        self.status.error(" ".join(message for _, message in problems))
        return True

    def _read_amounts(self) -> None:
        self.form.charged = self.query_one("#charged", Input).value
        self.form.br = self.query_one("#br", Input).value

    def _problems(self) -> list[tuple[str, str]]:
        """The declared checks on what the form holds, the search included (« aucun acte ne correspond »)."""
        values = {**self.form.values(), flow.SEARCH: self._search_text()}
        return [(p.field or "", p.message) for p in self.questions.problems(values)]

    def _start(self) -> None:
        """« Simuler »: the member's act, or the items of the glasses (the console adds the acts of one care,
        `ConsoleSimulatorScreen`)."""
        glasses = self.glasses
        if glasses is not None and glasses.lines and self.form.act is None:
            self.show_problems([])  # the items added are the glasses: the empty form is not one more
        elif self.show_problems(self._problems() or flow.item_problems(glasses or flow.CareEvent(), self.form)):
            return
        elif glasses is not None and glasses.lines:
            glasses.add(self.form)
        self.status.info("Simulation en cours…")
        self._simulate(self.form, glasses)
        if glasses is not None and glasses.lines:
            self.glasses = flow.CareEvent(title=flow.GLASSES_TITLE)  # the next simulation starts afresh
            self.query_one("#glasses", Static).add_class("-hidden")
            self._clear_act()

    @on(Button.Pressed, "#add-item")
    def _add_item(self) -> None:
        """« Ajouter aux lunettes »: this item kept, the form ready for the next one (issue 19)."""
        assert self.glasses is not None
        self._read_amounts()
        if self.show_problems(self._problems() or flow.item_problems(self.glasses, self.form)):
            return
        self.glasses.add(self.form)
        glasses = self.query_one("#glasses", Static)
        glasses.update(self.glasses.summary())
        glasses.remove_class("-hidden")
        self.status.info("Élément ajouté aux lunettes : choisissez le suivant, ou Simuler.")
        self._clear_act()
        self.query_one("#search", Input).focus()

    def _clear_act(self) -> None:
        for widget_id in ("#charged", "#br", "#search"):
            self.query_one(widget_id, Input).value = ""
        self.query_one("#basket", Select).clear()
        self._show_fields()

    @on(Button.Pressed, "#save")
    def _save_pressed(self) -> None:
        if self.last:
            self.status.info("Enregistrement en cours…")
            self._save(self.last)

    @on(Done)
    def _done(self, message: Done) -> None:
        outcome = message.outcome
        self.last = outcome.requests if outcome.can_save else []
        self.status.clear()
        result = self.query_one("#result", Static)
        result.update("\n".join(outcome.lines()))
        self.query_one("#save", Button).disabled = not outcome.can_save
        self.call_after_refresh(result.scroll_visible, top=True)  # below the buttons: brought into view

    @on(Saved)
    def _saved(self, message: Saved) -> None:
        self.status.info(flow.SAVED)
        self.query_one("#saved", Static).update("\n".join(message.lines))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if message.kept and retry.is_unreachable(message.error):
            self.status.error(retry.kept_sentence(message.error, message.kept, "réessayez (Enregistrer)"))
            return
        self.status.error(message.error.message)


class SavedSimulationsScreen(Screen[None]):
    """Mes simulations enregistrées (key S, the palette): the list, without saving a new one."""

    BINDINGS = screen_bindings("saved_simulations")
    ACTION_SCREEN = "saved_simulations"

    class Loaded(Message):
        def __init__(self, saved: flow.SavedList) -> None:
            super().__init__()
            self.saved = saved

    def __init__(self, session: AuthenticatedSession) -> None:
        super().__init__(id="saved-simulations")
        self.session = session

    def compose(self) -> ComposeResult:
        yield Static(flow.SAVED_TITLE, id="saved-heading", classes="heading", markup=False)
        yield StatusLine(id="saved-status")
        with VerticalScroll(id="saved-body"):
            yield Vertical(id="saved-list")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_data()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self.query_one(StatusLine).info(flow.SAVED_LOADING)
        self._load()

    @work(exclusive=True, group="saved-simulations", exit_on_error=False)
    async def _load(self) -> None:
        self.post_message(self.Loaded(await flow.load_saved(self.session.api)))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        saved, status = message.saved, self.query_one(StatusLine)
        if saved.error:
            status.error(saved.error)
            return
        status.clear()
        self.query_one("#saved-heading", Static).update(saved.heading)
        box = self.query_one("#saved-list", Vertical)
        await box.remove_children()
        if not saved.lines:
            await box.mount(Static(flow.NO_SAVED, markup=False))
        for line in saved.lines:
            await box.mount(Static(line, markup=False, classes="saved-simulation"))
