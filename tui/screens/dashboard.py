"""The tableau de bord: greeting, contract in words, the 3 latest reimbursements as labelled lines,
unread messages. The words come from `tui.flows.dashboard`; this screen only lays them out."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer
from textual.worker import Worker, WorkerState

from tui.api import errors
from tui.api.errors import UNEXPECTED
from tui.bindings import screen_bindings
from tui.flows.actions import DEFAULT_REGISTRY, Registry, keys_label
from tui.flows.dashboard import (
    CONTRACTS_HEADING,
    HEADING,
    LOADING,
    NO_CLAIMS,
    NO_CONTRACT,
    SERVICES_HEADING,
    DashboardView,
    build_view,
)
from tui.flows.session import AuthenticatedSession
from tui.widgets.records import RecordLines
from tui.widgets.status import StatusLine
from tui.widgets.text import Static


class DashboardScreen(Screen[None]):
    # issue 6: the 3 latest reimbursements open their détail in Mes remboursements
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("dashboard")
    ACTION_SCREEN = "dashboard"

    class Loaded(Message):
        def __init__(self, view: DashboardView, areas: list[str], claim_ids: tuple[int, ...] = ()) -> None:
            super().__init__()
            self.view = view
            self.areas = areas
            self.claim_ids = claim_ids

    class Failed(Message):
        def __init__(self, error: errors.ApiError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, session: AuthenticatedSession, registry: Registry = DEFAULT_REGISTRY) -> None:
        super().__init__(id="dashboard")
        self.session = session
        self.registry = registry
        self.view: DashboardView | None = None

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="dashboard-body"):
            yield Static(HEADING, id="heading", classes="heading", markup=False)
            yield StatusLine(id="dashboard-status")
            yield Static("", id="greeting", markup=False)
            yield Static("", id="unread", markup=False)
            yield Vertical(id="warnings")
            yield Static(CONTRACTS_HEADING, id="contracts-heading", classes="heading", markup=False)
            yield Vertical(id="contracts")
            yield Static("", id="claims-heading", classes="heading", markup=False)
            yield Vertical(id="claims")
            yield Static(SERVICES_HEADING, id="services-heading", classes="heading -hidden", markup=False)
            yield Vertical(id="services")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_data()

    def action_open_latest(self, index: int) -> None:
        ids = getattr(self, "latest_claim_ids", ())
        if index < len(ids) and hasattr(self.app, "open_claims"):
            self.app.open_claims(ids[index])

    @property
    def status(self) -> StatusLine:
        return self.query_one("#dashboard-status", StatusLine)

    def refresh_data(self) -> None:
        self.status.info(LOADING)
        self._load()

    @work(exclusive=True, group="dashboard", exit_on_error=False)
    async def _load(self) -> None:
        try:
            dashboard = await self.session.api.dashboard()
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        claim_ids = tuple(c.id for c in dashboard.latest_claims[:3])
        self.post_message(self.Loaded(build_view(dashboard, registry=self.registry), dashboard.areas, claim_ids))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        view = self.view = message.view
        self.status.clear()
        self.query_one("#greeting", Static).update(view.greeting)
        self.query_one("#unread", Static).update(view.unread)
        warnings = self.query_one("#warnings", Vertical)
        await warnings.remove_children()
        await warnings.mount_all(Static(w, markup=False, classes="warning") for w in view.warnings)
        contracts = self.query_one("#contracts", Vertical)
        await contracts.remove_children()
        if not view.contracts:
            await contracts.mount(Static(NO_CONTRACT, markup=False))
        for contract in view.contracts:
            await contracts.mount(Static(f"{contract.sentence}\n{contract.people}", markup=False))
        self.query_one("#claims-heading", Static).update(view.claims_heading)
        claims = self.query_one("#claims", Vertical)
        await claims.remove_children()
        if not view.claims:
            await claims.mount(Static(NO_CLAIMS, markup=False))
        await claims.mount_all(RecordLines(record, classes="claim") for record in view.claims)
        services = self.query_one("#services", Vertical)
        await services.remove_children()
        self.query_one("#services-heading").set_class(not view.services, "-hidden")
        await services.mount_all(Static(line, markup=False) for line in view.services)
        self.latest_claim_ids = message.claim_ids
        if view.claims and "claims" in message.areas:
            hint = f"Touches 1 à {len(view.claims)} : le détail ; {keys_label(self.registry['claims'].keys)} : tous"
            await claims.mount(Static(hint + " mes remboursements", markup=False, classes="hint"))
        app = self.app
        if hasattr(app, "set_areas"):
            app.set_areas(message.areas)

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        if isinstance(message.error, errors.SessionExpired):
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(message.error.message)
                return
        retry = keys_label(self.registry["refresh"].keys)
        self.status.error(f"{message.error.message} ({retry} : réessayer)")

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state is WorkerState.ERROR and event.worker.group == "dashboard":
            self.status.error(UNEXPECTED)
