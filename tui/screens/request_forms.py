"""The démarche forms, full screen: one screen renders any ``tui.flows.request_forms.FormSpec`` (labelled
fields, choices as selects, files through the shared attachment component); Ctrl+S checks the form in the
flow and sends it in a worker with the submission's ``Idempotency-Key``. A network error keeps the form and
the key: Ctrl+S again sends the same démarche, never a second one (the status line says so).
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Footer, Input, ListItem, ListView, Select, TextArea

from tui.api import errors
from tui.api.client import ApiClient
from tui.api.messaging import MessagingApi
from tui.bindings import screen_bindings
from tui.flows import request_forms as forms
from tui.widgets.attachments import AttachmentPicker
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static


class _Context(Message):
    def __init__(self, ctx: forms.FormContext) -> None:
        super().__init__()
        self.ctx = ctx


class _Created(Message):
    def __init__(self, detail: Any) -> None:
        super().__init__()
        self.detail = detail


class _Failed(Message):
    def __init__(self, error: errors.ApiError) -> None:
        super().__init__()
        self.error = error


class NewRequestScreen(Screen[None]):
    """« + Nouvelle démarche »: the five démarches; Entrée opens the form."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("new_request")
    ACTION_SCREEN = "new_request"

    def __init__(self, api: ApiClient, today: Any) -> None:
        super().__init__()
        self.api = api
        self.today = today

    def compose(self) -> ComposeResult:
        yield Static(f"== {forms.NEW_REQUEST.removeprefix('+ ')} ==", classes="heading", markup=False)
        yield StatusLine(id="new-request-status")
        specs = forms.forms(forms.FormContext("", (), self.today))
        yield ListView(
            *(ListItem(Label(f"{s.title} : {s.intro}", markup=False), id=s.action_id) for s in specs),
            id="request-kinds",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#request-kinds", ListView).focus()

    @on(ListView.Selected, "#request-kinds")
    def _open(self, event: ListView.Selected) -> None:
        self.app.push_screen(RequestFormScreen(self.api, event.item.id or "new_reimbursement", self.today))

    def action_back(self) -> None:
        self.dismiss(None)


class RequestFormScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("request_form")
    ACTION_SCREEN = "request_form"

    def __init__(self, api: ApiClient, action_id: str, today: Any) -> None:
        super().__init__()
        self.api = api
        self.messaging = MessagingApi(api)
        self.action_id = action_id
        self.today = today
        self.ctx = forms.FormContext("", (), today)
        self.state = forms.FormState(forms.form_for(action_id, self.ctx))

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def compose(self) -> ComposeResult:
        yield Static(f"== {self.state.spec.title} ==", classes="heading", markup=False)
        yield StatusLine(id="form-status")
        with VerticalScroll(id="form-fields"):
            yield Static(self.state.spec.intro, classes="form-intro", markup=False)
            for f in self.state.spec.fields:
                yield from self._field(f)
            yield Static("", id="form-errors", markup=False)
            yield Static("", id="form-result", markup=False)
        yield Footer(compact=True)

    def _field(self, f: forms.Field) -> ComposeResult:
        mark = "" if f.required else " (facultatif)"
        hint = f" — {f.hint}" if f.hint and f.kind != forms.FILES else ""
        yield Label(f"{f.label}{mark}{hint}", classes="form-label", markup=False)
        if f.kind == forms.CHOICE:
            yield Select(list((w, v) for v, w in f.choices), id=f.name, prompt="Choisir…")
        elif f.kind == forms.LONG:
            yield TextArea(id=f.name, show_line_numbers=False, classes="form-long")
        elif f.kind == forms.FILES:
            limit = 1 if self.state.spec.kind in (forms.RequestKind.reimbursement, forms.RequestKind.quote) else 5
            yield AttachmentPicker(self.state.files, limit=limit, id="files")
        else:
            yield Input(id=f.name, max_length=f.max_length, placeholder=f.hint or f.label)

    def on_mount(self) -> None:
        self.status.info("Chargement de vos bénéficiaires…")
        self._load_context()

    @work(exclusive=True, group="form-context", exit_on_error=False)
    async def _load_context(self) -> None:
        try:
            dashboard = await self.api.dashboard()
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))
            return
        self.post_message(_Context(forms.FormContext.from_dashboard(dashboard, self.today)))

    @on(_Context)
    def _context_loaded(self, message: _Context) -> None:
        self.ctx = message.ctx
        self.state.spec = forms.form_for(self.action_id, self.ctx)
        people = self.query_one("#beneficiary", Select)
        people.set_options([(w, v) for v, w in self.ctx.person_choices()])
        if len(self.ctx.people) == 1:
            people.value = str(self.ctx.people[0].id)
        if self.state.spec.kind == forms.RequestKind.hospital:
            self.query_one("#member_number", Input).value = self.ctx.member_number
        self.status.clear()
        first = self.query_one(f"#{self.state.spec.fields[0].name}", Widget)
        first.focus()

    @on(Select.Changed, "#category")
    def _category_changed(self, event: Select.Changed) -> None:
        types = forms.document_types(str(event.value)) if event.value is not Select.NULL else ()
        self.query_one("#document_type", Select).set_options([(w, v) for v, w in types])

    @on(Select.Changed, "#domain")
    def _domain_changed(self, event: Select.Changed) -> None:
        if event.value is Select.NULL:
            return
        acts = forms.QUOTE_ACTS[forms.QuoteDomain(str(event.value))]
        for i in range(1, forms.MAX_QUOTE_LINES + 1):
            self.query_one(f"#line{i}_act", Select).set_options([(w, v) for v, w in acts])

    def _collect(self) -> None:
        for f in self.state.spec.fields:
            if f.kind == forms.FILES:
                continue
            widget = self.query_one(f"#{f.name}", Widget)
            if isinstance(widget, Select):
                # Select.NULL is « nothing chosen » (Select.BLANK is not a value in Textual 8: comparing with
                # it kept the text « Select.NULL » and made every optional line of a devis required)
                self.state.values[f.name] = "" if widget.is_blank() else str(widget.value)
            elif isinstance(widget, TextArea):
                self.state.values[f.name] = widget.text
            elif isinstance(widget, Input):
                self.state.values[f.name] = widget.value

    def action_send(self) -> None:
        self._collect()
        errors_view = self.query_one("#form-errors", Static)
        try:
            body = forms.build(self.state, self.ctx)
        except forms.FormErrors as exc:
            errors_view.update("\n".join(f"Erreur : {s}" for s in exc.sentences()))
            self.status.error(f"{len(exc.errors)} champ(s) à corriger. {exc.sentences()[0]}")
            target = self.query_one(f"#{exc.first}", Widget)
            (target.query_one(Input) if isinstance(target, AttachmentPicker) else target).focus()
            return
        errors_view.update("")
        self.status.info("Envoi en cours…")
        self._send(body, self.state.submission.key_for(body))

    @work(exclusive=True, group="send-request", exit_on_error=False)
    async def _send(self, body: Any, key: str) -> None:
        try:
            self.post_message(_Created(await self.messaging.create_request(body, key)))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))

    @on(_Created)
    def _created(self, message: _Created) -> None:
        self.state.submission.done()
        lines = forms.created_lines(message.detail)
        self.app.notify(lines[0])
        if message.detail.estimate is not None:  # a devis: the estimate is shown here, at once
            self.query_one("#form-result", Static).update("\n".join(lines))
            self.status.info("Devis envoyé. Échap pour revenir.")
            self.query_one("#form-fields", VerticalScroll).scroll_end(animate=False)
            return
        self._close()

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        error = message.error
        if isinstance(error, errors.SessionExpired):
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(error.message)
                return
        if isinstance(error, errors.NetworkError | errors.TimeoutError):
            self.status.error(forms.network_failure(error.message) + " (Ctrl+S)")
            return
        self.status.error(f"{error.message} Rien n'a été enregistré.")

    @on(AttachmentPicker.Problem)
    def _attachment_problem(self, message: AttachmentPicker.Problem) -> None:
        self.status.error(message.text)

    @on(AttachmentPicker.Changed)
    def _attachment_changed(self, message: AttachmentPicker.Changed) -> None:
        self.status.info(message.text)

    def action_drop_attachment(self) -> None:
        self.query_one(AttachmentPicker).drop_last()

    def _close(self) -> None:
        # back to « Mes démarches » (reloaded when it shows again), past the chooser when it was used
        app = self.app
        app.pop_screen()
        if isinstance(app.screen, NewRequestScreen):
            app.pop_screen()

    def action_back(self) -> None:
        self.dismiss(None)
