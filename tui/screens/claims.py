"""Mes remboursements: the keyboard-driven table with its filter bar written out and its totals line, and
the détail of a claim as labelled lines. Rules and words come from `tui.flows.claims`; the screens only
lay them out. A key runs the flow's one dispatch (``flow.run``, as the linear mode's menu does) in a worker
with a ``ScreenFace``: a filter's values in a list, a form in a modal, a sentence on the status line. Every
HTTP call runs in a worker that posts a message; handlers change the widgets."""

from __future__ import annotations

from datetime import date
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer
from textual.worker import Worker, WorkerState

from models.schemas.claims import ClaimDetail, ClaimList, ClaimOptions
from tui.api import errors
from tui.api.errors import UNEXPECTED
from tui.bindings import help_binding, screen_bindings
from tui.flows import claims as flow
from tui.flows.session import AuthenticatedSession
from tui.screens.forms import ScreenFace
from tui.screens.help import HelpScreen
from tui.widgets.fast_table import FastTable
from tui.widgets.status import StatusLine
from tui.widgets.text import Static


class _Failed(Message):
    def __init__(self, error: errors.ApiError, what: str) -> None:
        super().__init__()
        self.error = error
        self.what = what


class _Done(Message):
    """What an action of the flow changed (``flow.Outcome``)."""

    def __init__(self, outcome: flow.Outcome) -> None:
        super().__init__()
        self.outcome = outcome


class ClaimsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *screen_bindings("claims", skip=("claims.open",)),  # Entrée on the table: DataTable.RowSelected
        help_binding(),  # shown in this screen's footer before Quitter
    ]
    ACTION_SCREEN = "claims"
    """Its keys in the registry (help, palette): `available_actions` lists them first on this screen."""

    class Loaded(Message):
        def __init__(self, model: flow.ClaimFilterModel, result: ClaimList) -> None:
            super().__init__()
            self.model = model
            self.result = result

    class OptionsLoaded(Message):
        def __init__(self, options: ClaimOptions) -> None:
            super().__init__()
            self.options = options

    def __init__(self, session: AuthenticatedSession, today: date, *, open_claim_id: int | None = None) -> None:
        super().__init__(id="claims")
        self.session = session
        self.model = flow.ClaimFilterModel(today)
        self.options: ClaimOptions | None = None
        self.result: ClaimList | None = None
        self.open_claim_id = open_claim_id
        self.width_class = flow.WIDE_FROM

    def compose(self) -> ComposeResult:
        yield Static(flow.HEADING, id="heading", classes="heading", markup=False)
        yield Static("", id="claims-filters", markup=False)
        yield StatusLine(id="claims-status")
        # the plain cells drawn directly: a filter key repaints a whole page (tui.widgets.fast_table)
        yield FastTable(id="claims-table", cursor_type="row", zebra_stripes=True)
        yield Static("", id="claims-totals", markup=False)
        yield Footer(compact=True)

    def _set_columns(self) -> None:
        """Wide or narrow columns for the terminal's width (`tui.flows.claims.columns`)."""
        self.width_class = self.app.size.width
        table = self.table
        table.clear(columns=True)
        table.add_columns(*flow.columns(self.width_class))
        if self.result is not None:
            self._fill(self.result)

    def on_resize(self) -> None:
        if flow.columns(self.app.size.width) != flow.columns(self.width_class):
            self._set_columns()

    def on_mount(self) -> None:
        self._set_columns()
        self._show_filters()
        self.query_one(DataTable).focus()
        self._load_options()
        self.reload()
        if self.open_claim_id is not None:
            self.app.push_screen(ClaimDetailScreen(self.session, self.open_claim_id))

    @property
    def status(self) -> StatusLine:
        return self.query_one("#claims-status", StatusLine)

    @property
    def table(self) -> DataTable[str]:
        return self.query_one("#claims-table", DataTable)

    # -- loading --------------------------------------------------------------------------------------

    def reload(self) -> None:
        self.status.info(flow.LOADING)
        self._load(self.model)

    def apply(self, model: flow.ClaimFilterModel) -> None:
        self.model = model
        self._show_filters()
        self.reload()

    def _show_filters(self) -> None:
        self.query_one("#claims-filters", Static).update("Filtres : " + self.model.sentence(self.options))

    @work(exclusive=True, group="claims-list", exit_on_error=False)
    async def _load(self, model: flow.ClaimFilterModel) -> None:
        try:
            result = await self.session.api.claims(model.query())
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "list"))
            return
        self.post_message(self.Loaded(model, result))

    @work(exclusive=True, group="claims-options", exit_on_error=False)
    async def _load_options(self) -> None:
        try:
            options = await self.session.api.claim_options()
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "options"))
            return
        self.post_message(self.OptionsLoaded(options))

    @on(OptionsLoaded)
    def _options_loaded(self, message: OptionsLoaded) -> None:
        self.options = message.options
        self._show_filters()

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.model != self.model:
            return  # an older answer: a newer request is on its way
        result = self.result = message.result
        self._fill(result)
        self.query_one("#heading", Static).update(flow.heading(result))
        totals = flow.totals_line(result.totals)
        if result.pages > 1:
            totals += f" ; {flow.page_line(result)} (+ / − : changer de page)"
        # issue 21: care hidden at a beneficiary's request, said in words above the totals
        self.query_one("#claims-totals", Static).update("\n".join([*result.notices, totals]))
        if result.items:
            self.status.clear()
        else:
            self.status.info(flow.NO_CLAIMS + " (x : effacer les filtres)")

    def _fill(self, result: ClaimList) -> None:
        table = self.table
        table.clear()
        for item in result.items:
            table.add_row(*flow.row_cells(item, self.width_class), key=str(item.id))

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if isinstance(message.error, errors.SessionExpired):
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(message.error.message)
                return
        self.status.error(message.error.message)

    def action_help(self) -> None:
        """F1 here lists this screen's keys first, then the application's (both from the registry)."""
        available = getattr(self.app, "available_actions", list)
        self.app.push_screen(HelpScreen(available()))

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and str(event.worker.group).startswith("claims"):
            self.status.error(UNEXPECTED)

    # -- the table ------------------------------------------------------------------------------------

    @on(DataTable.RowSelected)
    def _row_selected(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None:
            self.app.push_screen(ClaimDetailScreen(self.session, int(event.row_key.value)))

    def action_open(self) -> None:
        self.action_flow("claims.open")  # the claim under the cursor (the linear mode asks its number)

    def action_focus_table(self) -> None:
        """« Lire la liste »: the cursor on the table, its summary said (a screen reader reads it)."""
        self.table.focus()
        if self.result is not None:
            self.status.info(flow.summary_line(self.result, self.model))

    # -- every other key: the flow's one dispatch ---------------------------------------------------

    def _cursor_claim(self) -> int | None:
        table = self.table
        if not table.row_count:
            return None
        key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
        return int(key) if key is not None else None

    def action_flow(self, action_id: str) -> None:
        self._flow(action_id)

    @work(exclusive=True, group="claims-action", exit_on_error=False)
    async def _flow(self, action_id: str) -> None:
        state = flow.ClaimsState(self.model, self.options, self.result, selected=self._cursor_claim())
        try:
            outcome = await flow.run(action_id, self.session.api, ScreenFace(self, self.status), state)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, action_id))
            return
        finally:
            self.table.focus()
        self.post_message(_Done(outcome))

    @on(_Done)
    def _done(self, message: _Done) -> None:
        outcome = message.outcome
        if outcome.claim_id is not None:
            self.app.push_screen(ClaimDetailScreen(self.session, outcome.claim_id))
        elif outcome.model is not None and outcome.model != self.model:
            self.apply(outcome.model)

    def action_back(self) -> None:
        self.dismiss()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self.reload()


class ClaimDetailScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("claim")
    ACTION_SCREEN = "claim"
    READ_ONLY = True  # back from a détail, the list or the dossier under it is not read again (each read is audited)

    class Loaded(Message):
        def __init__(self, detail: ClaimDetail) -> None:
            super().__init__()
            self.detail = detail

    def __init__(self, session: AuthenticatedSession, claim_id: int) -> None:
        super().__init__(id="claim-detail")
        self.session = session
        self.claim_id = claim_id
        self.detail: ClaimDetail | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="claim-body", can_focus=True):
            yield Static("Détail du remboursement", id="heading", classes="heading", markup=False)
            yield StatusLine(id="claim-status")
            yield Vertical(id="claim-sections")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#claim-body").focus()
        self.refresh_data()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#claim-status", StatusLine)

    def refresh_data(self) -> None:
        self.status.info("Chargement du détail…")
        self._load()

    @work(exclusive=True, group="claim-detail", exit_on_error=False)
    async def _load(self) -> None:
        try:
            detail = await self.session.api.claim(self.claim_id)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "detail"))
            return
        self.post_message(self.Loaded(detail))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # j is offered (footer, help) only for a claim that has linked documents
        if action == "flow" and parameters == ("claim.documents",):
            return bool(self.detail and self.detail.documents)
        return True

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        self.detail = message.detail
        self.refresh_bindings()
        self.status.clear()
        container = self.query_one("#claim-sections", Vertical)
        await container.remove_children()
        widgets = []
        for section in flow.detail_sections(message.detail):
            text = Text(section.title, style="bold")
            for line in section.lines:
                text.append("\n" + line)
            classes = "claim-section why" if section.title == flow.WHY_HEADING else "claim-section"
            widgets.append(Static(text, markup=False, classes=classes))
        await container.mount_all(widgets)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if isinstance(message.error, errors.SessionExpired):
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(message.error.message)
                return
        self.status.error(message.error.message)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and str(event.worker.group).startswith("claim"):
            self.status.error(UNEXPECTED)

    def action_back(self) -> None:
        self.dismiss()

    def action_flow(self, action_id: str) -> None:
        self._flow(action_id)

    @work(exclusive=True, group="claim-action", exit_on_error=False)
    async def _flow(self, action_id: str) -> None:
        # the app's clock: in the console the détail reads through the conseiller's reader, which has none
        today = self.app.clock.today()  # type: ignore[attr-defined]
        state = flow.ClaimsState(flow.ClaimFilterModel(today), detail=self.detail)
        try:
            await flow.run(action_id, self.session.api, ScreenFace(self, self.status), state)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, action_id))
