"""The full-screen face of the flow model (``tui.flows.forms.Face``): a modal form built from a flow
``Form`` (a visible label over every field, choices, the shared attachment widget for files), checked by the
flow as the user types (``Form.check``) and before it is sent (``forms.first_problem``: the sentence is written
under the wrong field and the cursor put there); a yes/no modal; a list to pick from; and ``ScreenFace``,
which pushes them from the screen's worker and says the outcome on the screen's status line."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Footer, Input, OptionList, Select, TextArea
from textual.widgets.option_list import Option

from tui.bindings import help_binding, quit_binding, screen_bindings
from tui.flows import forms as flow
from tui.widgets.attachments import AttachmentPicker
from tui.widgets.status import ERROR_PREFIX, StatusLine
from tui.widgets.text import Label, Static


class FormScreen(ModalScreen[dict[str, Any] | None]):
    """Tab moves between fields, Entrée goes to the next field (on the last one it sends), Ctrl+S sends,
    Échap cancels. A problem is said in words on the form's status line; nothing is sent until it is gone."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("form"), help_binding(), quit_binding()]
    ACTION_SCREEN = "form"
    DEFAULT_CSS = """
    FormScreen { align: center middle; }
    #form { width: 76; height: auto; max-height: 22; border: round $accent; padding: 0 1; }
    #form-fields { height: auto; max-height: 14; }
    #form Label { margin-top: 1; }
    #form TextArea { height: 5; }
    """

    def __init__(self, form: flow.Form) -> None:
        super().__init__()
        self.form = form
        self.files: dict[str, list[str]] = {
            a.name: list(form.given.get(a.name) or []) for a in form.asks if a.kind == flow.FILE
        }

    def compose(self) -> ComposeResult:
        with Vertical(id="form"):
            yield Static(f"== {self.form.title} ==", classes="heading", markup=False)
            for line in self.form.intro:
                yield Static(line, markup=False)
            with VerticalScroll(id="form-fields"):
                for ask in self.form.asks:
                    group = f"ask-{ask.name}"  # its label and field, shown together (``_show_asked``)
                    if ask.before:
                        yield Static(ask.before, markup=False, classes=group)
                    label = ask.label + ("" if ask.required else " (facultatif)")
                    yield Label(label + (f" – {ask.hint}" if ask.hint else ""), markup=False, classes=group)
                    if ask.kind == flow.CHOICE:
                        yield Select(
                            [(words, value) for value, words in ask.choices],
                            value=self.form.given.get(ask.name, ask.default) or Select.NULL,
                            allow_blank=not ask.required or not ask.default,
                            prompt="Choisir (Entrée)",
                            id=f"field-{ask.name}",
                            classes=group,
                        )
                    elif ask.kind == flow.FILE:
                        yield AttachmentPicker(
                            self.files[ask.name],
                            limit=ask.limit,
                            input_id=f"field-{ask.name}",
                            id=f"files-{ask.name}",
                            classes=group,
                        )
                    elif ask.kind == flow.LINES:  # several lines: Entrée starts a new one, Ctrl+S sends
                        yield TextArea(ask.default, id=f"field-{ask.name}", show_line_numbers=False, classes=group)
                    else:
                        yield Input(
                            value=str(self.form.given.get(ask.name, ask.default)),
                            id=f"field-{ask.name}",
                            placeholder=ask.hint or ask.label,
                            password=ask.kind == flow.SECRET,
                            classes=group,
                        )
                    yield Static("", id=f"error-{ask.name}", classes="field-error -hidden", markup=False)
            yield StatusLine(id="form-status")
            yield Static(f"Ctrl+S : {self.form.submit.lower()} ; Échap : annuler", markup=False)
        yield Footer(compact=True)

    def first_field(self) -> str:
        """The field the cursor starts in (after a refusal of the server: the field it names instead)."""
        return self.form.asks[0].name

    def on_mount(self) -> None:
        self._show_asked(self.values())
        refused = self.form.refused
        first = refused.field if refused is not None and refused.field else self.first_field()
        self.query_one(f"#field-{first}").focus()
        if refused is not None:
            self._show_problem(refused)

    def values(self) -> dict[str, Any]:
        values: dict[str, Any] = {}
        for ask in self.form.asks:
            if ask.kind == flow.FILE:
                values[ask.name] = list(self.files[ask.name])
            elif ask.kind == flow.CHOICE:
                chosen = self.query_one(f"#field-{ask.name}", Select).value
                values[ask.name] = "" if chosen is Select.NULL else str(chosen)
            elif ask.kind == flow.LINES:
                values[ask.name] = self.query_one(f"#field-{ask.name}", TextArea).text
            else:
                values[ask.name] = self.query_one(f"#field-{ask.name}", Input).value
        return values

    def _show_problem(self, problem: flow.Problem | None) -> None:
        """The sentence under its field (and on the status line, which a screen reader announces)."""
        for slot in self.query(".field-error").results(Static):
            slot.update("")
            slot.add_class("-hidden")
        status = self.query_one("#form-status", StatusLine)
        if problem is None:
            status.clear()
            return
        status.error(problem.message)
        if problem.field is not None:
            slot = self.query_one(f"#error-{problem.field}", Static)
            slot.update(ERROR_PREFIX + problem.message)
            slot.remove_class("-hidden")

    def _show_asked(self, values: dict[str, Any]) -> None:
        """A field asked only for some answers (``Ask.when``: the call-back slots, for an appointment) is shown
        only while they hold — as the linear mode asks it only then; Tab does not stop on a hidden field."""
        for ask in self.form.asks:
            if ask.when is not None:
                shown = ask.when(values)
                for widget in self.query(f".ask-{ask.name}"):
                    widget.display = shown

    def _typed(self) -> None:
        values = self.values()
        self._show_asked(values)
        found = flow.as_problem(self.form.check(values), None) if self.form.check else None
        self._show_problem(found or self._still_refused(values))

    def _still_refused(self, values: dict[str, Any]) -> flow.Problem | None:
        """The server's refusal, while the answer it refused is the one typed before (its field's default)."""
        refused = self.form.refused
        if refused is None or refused.field is None:
            return None
        ask = next(a for a in self.form.asks if a.name == refused.field)
        return refused if str(values.get(ask.name) or "") == ask.default else None

    @on(Input.Changed)
    @on(Select.Changed)
    @on(TextArea.Changed)
    def _changed(self, event: Input.Changed | Select.Changed | TextArea.Changed) -> None:
        if isinstance(event, Input.Changed) and not (event.input.id or "").startswith("field-"):
            return
        self._typed()

    @on(Input.Submitted)
    def _next(self, event: Input.Submitted) -> None:
        ask = next((a for a in self.form.asks if f"field-{a.name}" == event.input.id), None)
        if ask is not None and ask.lookup is not None and event.value.strip():
            self._search(ask, event.value.strip())  # Entrée in a searchable field: the list to choose from
            return
        fields = [w for w in self.query("Input, Select") if w.id and w.id.startswith("field-")]
        if fields and event.input is fields[-1]:
            self.action_submit()
        else:
            self.focus_next()

    @work(exclusive=True, group="form-lookup", exit_on_error=False)
    async def _search(self, ask: flow.Ask, typed: str) -> None:
        """The lookup of a field (the directory), a list to choose from, the choice written in the fields."""
        assert ask.lookup is not None
        status = self.query_one("#form-status", StatusLine)
        status.info(f"Recherche de « {typed} »…")
        try:
            found = list(await ask.lookup(typed))
        except flow.LookupFailed as exc:
            status.error(f"{exc} « {typed} » est gardé tel que saisi.")
            return
        if not found:
            status.info(f"Aucun résultat pour « {typed} » : gardé tel que saisi.")
            self.focus_next()
            return
        options = [f.words for f in found] + [f"Aucun de ceux-ci : garder « {typed} »"]
        index = await self.app.push_screen_wait(PickScreen(f"{ask.label} : lequel ?", options))
        if index is not None and index < len(found):
            for name, value in found[index].values.items():
                for field in self.query(f"#field-{name}").results(Input):
                    field.value = value
            status.info(f"Choisi : {found[index].words}")
        self.query_one(f"#field-{ask.name}").focus()
        self.focus_next()

    @on(AttachmentPicker.Problem)
    def _file_problem(self, event: AttachmentPicker.Problem) -> None:
        self.query_one("#form-status", StatusLine).error(event.text)

    @on(AttachmentPicker.Changed)
    def _file_changed(self, event: AttachmentPicker.Changed) -> None:
        self.query_one("#form-status", StatusLine).info(event.text)

    def action_submit(self) -> None:
        values = self.values()
        problem = flow.first_problem(self.form, values)
        self._show_problem(problem)
        if problem:
            if problem.field is not None:
                self.query_one(f"#field-{problem.field}").focus()
            return
        self.dismiss(values)

    def action_cancel(self) -> None:
        if self.form.on_leave is not None:
            self.form.on_leave(self.values())  # the composer keeps it as the draft
        self.dismiss(None)


class ConfirmScreen(ModalScreen[bool]):
    """A yes/no question: « o » or Entrée on « Oui », « n » or Échap for no."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("confirm"), help_binding()]
    ACTION_SCREEN = "confirm"
    DEFAULT_CSS = """
    ConfirmScreen { align: center middle; }
    #confirm { width: 70; height: auto; border: round $warning; padding: 0 1; }
    #confirm OptionList { height: auto; }
    """

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(id="confirm"):
            yield Static(self.question, markup=False)
            yield OptionList(Option("Non", id="no"), Option("Oui", id="yes"), id="confirm-options")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(event.option.id == "yes")

    def action_answer(self, yes: bool) -> None:
        self.dismiss(yes)


class PickScreen(ModalScreen[int | None]):
    """One choice among a few (the actions of a profile section, a conseiller's choice…): arrows, Entrée;
    Échap goes back. Answers the index of the option, None for back."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("pick"), help_binding()]
    ACTION_SCREEN = "pick"
    DEFAULT_CSS = """
    PickScreen { align: center middle; }
    #pick { width: 70; height: auto; border: round $accent; padding: 0 1; }
    #pick OptionList { height: auto; }
    """

    def __init__(self, question: str, options: Sequence[str]) -> None:
        super().__init__()
        self.question = question
        self.options = list(options)

    def compose(self) -> ComposeResult:
        with Vertical(id="pick"):
            yield Static(f"== {self.question} ==", classes="heading", markup=False)
            yield OptionList(*[Option(words, id=str(n)) for n, words in enumerate(self.options)])
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionSelected)
    def _picked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


class ScreenFace:
    """``flow.Face`` over Textual: to be used from a worker of ``screen`` (``push_screen_wait``)."""

    reads_back = False  # the form shows every answer as it is typed; a flow confirms after it

    def __init__(self, screen: Screen[Any], status: StatusLine) -> None:
        self.screen = screen
        self.status = status
        self.said: list[str] = []

    async def form(self, form: flow.Form) -> dict[str, Any] | None:
        return await self.screen.app.push_screen_wait(FormScreen(form))

    async def confirm(self, question: str) -> bool:
        return bool(await self.screen.app.push_screen_wait(ConfirmScreen(question)))

    async def pick(self, question: str, options: Sequence[str]) -> int | None:
        return await self.screen.app.push_screen_wait(PickScreen(question, options))

    def say(self, text: str) -> None:
        self.said.append(text)
        self.status.info(text)

    def error(self, text: str) -> None:
        self.said.append(text)
        self.status.error(text)
