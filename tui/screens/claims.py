"""Mes remboursements: the keyboard-driven table with its filter bar written out and its totals line, and
the détail of a claim as labelled lines. Rules and words come from `tui.flows.claims`; the screens only
lay them out. Every HTTP call runs in a worker that posts a message; handlers change the widgets."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import ClassVar

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import DataTable, Footer, Input, OptionList
from textual.widgets.option_list import Option
from textual.worker import Worker, WorkerState

from models.schemas.claims import ClaimDetail, ClaimList, ClaimOptions
from tui.api import errors
from tui.api.client import Download
from tui.api.errors import UNEXPECTED
from tui.bindings import help_binding, screen_bindings
from tui.flows import claims as flow
from tui.flows import wording
from tui.flows.session import AuthenticatedSession
from tui.screens.help import HelpScreen
from tui.widgets.fast_table import FastTable
from tui.widgets.status import StatusLine
from tui.widgets.text import Static

INPUTS = ("#claims-search", "#claims-amount", "#claims-dates")
"""The one-line fields the screen opens under its filters (search, amounts, dates)."""


class _Failed(Message):
    def __init__(self, error: errors.ApiError, what: str) -> None:
        super().__init__()
        self.error = error
        self.what = what


class _Saved(Message):
    def __init__(self, sentence: str) -> None:
        super().__init__()
        self.sentence = sentence


async def _save(download: Download, what: str) -> str:
    path: Path = flow.save_download(download.content, download.filename, flow.download_dir())
    return flow.saved_sentence(path, what)


class YearScreen(ModalScreen[int | None]):
    """Choose the year of the relevé annuel (the last 7)."""

    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("year"), help_binding(show=False)]
    ACTION_SCREEN = "year"

    def __init__(self, years: list[int]) -> None:
        super().__init__(id="year-choice")
        self.years = years

    def compose(self) -> ComposeResult:
        with Vertical(id="year-box"):
            yield Static("Relevé annuel des prestations : quelle année ?", id="year-title", markup=False)
            yield OptionList(*(Option(f"Année {y}", id=str(y)) for y in self.years), id="years")
            yield Static("Entrée : télécharger ; Échap : annuler", markup=False)

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(int(event.option.id or 0))

    def action_dismiss_none(self) -> None:
        self.dismiss(None)


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
        yield Input(placeholder=f"{flow.SEARCH_PROMPT}, puis Entrée", id="claims-search")
        yield Input(placeholder="Montant dépensé : 20-100, 20- ou -100, puis Entrée", id="claims-amount")
        yield Input(placeholder=f"{flow.DATES_PROMPT}, puis Entrée", id="claims-dates")
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
        for input_id in INPUTS:
            self.query_one(input_id, Input).display = False
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

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        self.status.info(message.sentence)
        self.notify(message.sentence, timeout=8)

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
        table = self.table
        if table.row_count:
            key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
            if key is not None:
                self.app.push_screen(ClaimDetailScreen(self.session, int(key)))

    # -- filters and sort -----------------------------------------------------------------------------

    def action_status(self) -> None:
        self.apply(self.model.next_status())

    def action_person(self) -> None:
        if self.options is not None:
            self.apply(self.model.next_beneficiary(self.options))

    def action_category(self) -> None:
        if self.options is not None:
            self.apply(self.model.next_category(self.options))

    def action_period(self) -> None:
        self.apply(self.model.next_period())

    def action_payee(self) -> None:
        self.apply(self.model.next_payee())

    def action_regularisation(self) -> None:
        self.apply(self.model.toggle_regularisation())

    def action_sort(self) -> None:
        self.apply(self.model.next_sort())

    def action_reverse(self) -> None:
        self.apply(self.model.reversed())

    def action_clear(self) -> None:
        self.apply(self.model.cleared())

    def action_next_page(self) -> None:
        if self.result is not None and self.model.page < self.result.pages:
            self.apply(self.model.next_page(self.result.pages))

    def action_previous_page(self) -> None:
        if self.model.page > 1:
            self.apply(self.model.previous_page())

    def _open_input(self, input_id: str, value: str) -> None:
        field = self.query_one(input_id, Input)
        field.value = value
        field.display = True
        field.focus()

    def action_search(self) -> None:
        self._open_input("#claims-search", self.model.text)

    def action_amount(self) -> None:
        self._open_input("#claims-amount", "")

    def action_dates(self) -> None:
        self._open_input("#claims-dates", "")

    def _close_inputs(self) -> None:
        for input_id in INPUTS:
            self.query_one(input_id, Input).display = False
        self.table.focus()

    @on(Input.Submitted, "#claims-search")
    def _search_submitted(self, event: Input.Submitted) -> None:
        self._close_inputs()
        self.apply(self.model.with_text(event.value))

    @on(Input.Submitted, "#claims-amount")
    def _amount_submitted(self, event: Input.Submitted) -> None:
        try:
            model = self.model.with_amounts(event.value)
        except flow.AmountError as exc:
            self.status.error(str(exc).capitalize())
            return
        self._close_inputs()
        self.apply(model)

    @on(Input.Submitted, "#claims-dates")
    def _dates_submitted(self, event: Input.Submitted) -> None:
        try:
            model = self.model.with_dates(event.value)
        except flow.DateRangeError as exc:
            self.status.error(str(exc).capitalize())
            return
        self._close_inputs()
        self.apply(model)

    def action_back(self) -> None:
        if any(self.query_one(i, Input).display for i in INPUTS):
            self._close_inputs()
            return
        self.dismiss()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self.reload()

    # -- exports --------------------------------------------------------------------------------------

    def action_export_csv(self) -> None:
        self.status.info("Export CSV en cours…")
        self._export_csv(self.model)

    @work(exclusive=True, group="claims-export", exit_on_error=False)
    async def _export_csv(self, model: flow.ClaimFilterModel) -> None:
        try:
            download = await self.session.api.claims_csv(model.query())
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "export"))
            return
        self.post_message(_Saved(await _save(download, "Fichier CSV")))

    def action_period_statement(self) -> None:
        self.status.info("Préparation du relevé de prestations de la période…")
        period = self.model.period
        date_from = period.date_from or (self.options.default_date_from if self.options else None)
        self._period_statement(date_from, period.date_to)

    @work(exclusive=True, group="claims-export", exit_on_error=False)
    async def _period_statement(self, date_from: date | None, date_to: date | None) -> None:
        try:
            download = await self.session.api.period_statement(date_from, date_to)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "statement"))
            return
        self.post_message(_Saved(await _save(download, "Relevé de prestations")))

    def action_annual_statement(self) -> None:
        years = self.options.statement_years if self.options else [self.model.today.year - i for i in range(7)]
        self.app.push_screen(YearScreen(years), self._year_chosen)

    def _year_chosen(self, year: int | None) -> None:
        if year:
            self.status.info(f"Préparation du relevé annuel {year}…")
            self._annual_statement(year)

    @work(exclusive=True, group="claims-export", exit_on_error=False)
    async def _annual_statement(self, year: int) -> None:
        try:
            download = await self.session.api.annual_statement(year)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "statement"))
            return
        self.post_message(_Saved(await _save(download, f"Relevé annuel {year}")))


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
        if action == "documents":
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

    @on(_Saved)
    def _saved(self, message: _Saved) -> None:
        self.status.info(message.sentence)
        self.notify(message.sentence, timeout=8)

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and str(event.worker.group).startswith("claim"):
            self.status.error(UNEXPECTED)

    def action_back(self) -> None:
        self.dismiss()

    def action_payment_statement(self) -> None:
        payment = flow.statement_payment(self.detail) if self.detail else None
        if payment is None:
            # why there is none, by the claim's state (a rejected claim will never have one)
            self.status.info(wording.no_statement_sentence(self.detail.status) if self.detail else UNEXPECTED)
            return
        self.status.info("Préparation du relevé de prestations…")
        self._statement(payment.id)

    @work(exclusive=True, group="claim-statement", exit_on_error=False)
    async def _statement(self, payment_id: int) -> None:
        try:
            download = await self.session.api.payment_statement(payment_id)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "statement"))
            return
        self.post_message(_Saved(await _save(download, "Relevé de prestations")))

    def action_documents(self) -> None:
        if not (self.detail and self.detail.documents):
            self.status.info(flow.NO_DOCUMENTS)
            return
        self.status.info("Enregistrement des documents joints…")
        self._documents(self.detail)

    @work(exclusive=True, group="claim-documents", exit_on_error=False)
    async def _documents(self, detail: ClaimDetail) -> None:
        try:
            sentences = await flow.save_documents(self.session.api, detail)
        except errors.ApiError as exc:
            self.post_message(_Failed(exc, "documents"))
            return
        self.post_message(_Saved("\n".join(sentences)))
