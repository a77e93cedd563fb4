"""Mes garanties: each contract by poste (plain French, example in euros), then each person's ceilings
as a bar AND a sentence, and the next équipement. Words come from `tui.flows.guarantees`."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer

from tui.api import errors
from tui.bindings import screen_bindings
from tui.flows.contract_services import HEADING as SERVICES_HEADING
from tui.flows.contract_services import NONE as NO_SERVICES
from tui.flows.guarantees import (
    HEADING,
    LOADING,
    NO_CONTRACT,
    PDF_PREPARING,
    GuaranteesView,
    PdfSaved,
    build_view,
    save_table_pdf,
)
from tui.flows.session import AuthenticatedSession
from tui.widgets.status import StatusLine
from tui.widgets.text import Static


class GuaranteesScreen(Screen[None]):
    BINDINGS = screen_bindings("guarantees")
    ACTION_SCREEN = "guarantees"

    class Loaded(Message):
        def __init__(self, view: GuaranteesView) -> None:
            super().__init__()
            self.view = view

    class Failed(Message):
        def __init__(self, error: errors.ApiError) -> None:
            super().__init__()
            self.error = error

    class PdfDone(Message):
        def __init__(self, saved: PdfSaved) -> None:
            super().__init__()
            self.saved = saved

    def __init__(self, session: AuthenticatedSession, *, download: bool = False) -> None:
        super().__init__(id="guarantees")
        self.session = session
        self.download_on_mount = download

    def compose(self) -> ComposeResult:
        yield Static(HEADING, classes="heading", markup=False)
        yield StatusLine(id="guarantees-status")
        with VerticalScroll(id="guarantees-body"):
            yield Static("Vos plafonds et vos prochains équipements", classes="heading", markup=False)
            yield Vertical(id="people")
            yield Vertical(id="contracts")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.refresh_data()
        if self.download_on_mount:
            self.action_download_pdf()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self.query_one(StatusLine).info(LOADING)
        self._load()

    def action_download_pdf(self) -> None:
        """Key G (action ``guarantees_pdf``): the PDF of the table into the downloads folder."""
        self.query_one(StatusLine).info(PDF_PREPARING)
        self._download_pdf()

    @work(exclusive=True, group="guarantees-pdf", exit_on_error=False)
    async def _download_pdf(self) -> None:
        self.post_message(self.PdfDone(await save_table_pdf(self.session.api)))

    @on(PdfDone)
    def _pdf_done(self, message: PdfDone) -> None:
        status = self.query_one(StatusLine)
        (status.info if message.saved.ok else status.error)(message.saved.message)

    @work(exclusive=True, group="guarantees", exit_on_error=False)
    async def _load(self) -> None:
        try:
            data = await self.session.api.guarantees()
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Loaded(build_view(data)))

    @on(Loaded)
    async def _loaded(self, message: Loaded) -> None:
        view = message.view
        if self.query_one(StatusLine).text == LOADING:  # not the PDF's sentence
            self.query_one(StatusLine).clear()
        people = self.query_one("#people", Vertical)
        await people.remove_children()
        for person in view.people:
            await people.mount(Static(person.name, classes="subheading", markup=False))
            for ceiling in person.ceilings:
                await people.mount(Static(f"{ceiling.bar} {ceiling.sentence}", markup=False, classes="ceiling"))
            for sentence in person.equipment:
                await people.mount(Static(sentence, markup=False, classes="equipment"))
        contracts = self.query_one("#contracts", Vertical)
        await contracts.remove_children()
        if not view.contracts:
            await contracts.mount(Static(NO_CONTRACT, markup=False))
        for contract in view.contracts:
            await contracts.mount(Static(contract.title, classes="heading", markup=False))
            await contracts.mount(Static(contract.sentence, markup=False))
            for category in contract.categories:
                await contracts.mount(Static(category.label, classes="subheading", markup=False))
                for line in category.lines:
                    await contracts.mount(Static("\n".join(line.lines()), markup=False, classes="guarantee-line"))
            await contracts.mount(Static(SERVICES_HEADING, classes="subheading", markup=False))
            if not contract.services:
                await contracts.mount(Static(NO_SERVICES, markup=False))
            for service in contract.services:
                await contracts.mount(Static("\n".join(service), markup=False, classes="guarantee-line"))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one(StatusLine).error(message.error.message)
