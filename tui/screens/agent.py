"""The console conseiller (full screen): the search with results as you type, then « Qui appelle ? », the
server's identity questions, the banner and the dossier; every action on one key (and in the command palette);
the queue. The call's flows and forms are ``tui.flows.agent_call``'s, run with the full-screen face
(``ScreenFace``: modal forms from a worker), as the linear mode runs them with its own. Workers call the API and
post messages; handlers change the widgets, and drop an answer about another member than the call's (a caller
switched while it was on its way). The words come from ``tui.flows.agent``."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, DataTable, Footer, Input, OptionList, TabbedContent, TabPane
from textual.widgets.option_list import Option

from models.schemas.agent import CallOut, MemberHit, QueueItem
from tui.api import errors
from tui.api.agent import AgentApi, MemberReader
from tui.bindings import agent_bindings, modal_bindings, screen_bindings
from tui.flows import agent as flow
from tui.flows import agent_call, agent_queue, forms
from tui.flows import claims as claims_flow
from tui.flows import messaging as messaging_flow
from tui.flows import simulator as simulator_flow
from tui.flows.actions import DEFAULT_REGISTRY, keys_label
from tui.screens.claims import ClaimDetailScreen
from tui.screens.forms import ScreenFace
from tui.screens.simulator import SimulatorScreen, error_slot
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static


class Result(Message):
    def __init__(self, kind: str, payload: Any = None, error: str | None = None, member_id: int | None = None) -> None:
        super().__init__()
        self.kind = kind
        self.payload = payload
        self.error = error
        self.member_id = member_id  # the member a dossier answer is about: dropped if the call moved on


def _error_text(exc: Exception) -> str:
    return str(exc) or "Erreur inattendue."


# --- modals --------------------------------------------------------------------------------------


class TextScreen(ModalScreen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [*screen_bindings("agent_text"), *modal_bindings()]
    ACTION_SCREEN = "agent_text"

    def __init__(self, lines: list[str]) -> None:
        super().__init__()
        self.lines = lines

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="agent-text"):
            yield Static("\n".join(self.lines))

    def action_close(self) -> None:
        self.dismiss(None)


def _field_words(ask: forms.Ask) -> str:
    """A field's label as the forms of the flow model show it: « (facultatif) », then its hint."""
    return ask.label + ("" if ask.required else " (facultatif)") + (f" – {ask.hint}" if ask.hint else "")


class ConsoleSimulatorScreen(SimulatorScreen):
    """The console's simulation (« s » on a dossier): the member's simulator form, for one of the dossier's
    people, with the several acts of one care (« Ajouter l'acte »), a motif and a ticket; the result gives
    each act's labelled amounts, then the totals, and the member is emailed its summary."""

    BINDINGS = screen_bindings("agent_simulator")
    ACTION_SCREEN = "agent_simulator"

    class Simulated(Message):
        def __init__(self, lines: list[str]) -> None:
            super().__init__()
            self.lines = lines

    def __init__(self, agent: AgentApi, member_id: int, people: list[tuple[int, str]]) -> None:
        super().__init__(None, today=agent.api.clock.now().date(), screen_id="console-simulator")
        self.agent, self.member_id, self.people = agent, member_id, people
        self.event = simulator_flow.CareEvent()

    async def on_mount(self) -> None:
        body, buttons = self.query_one("#simulator-body"), self.query_one("#simulator-buttons")
        await body.mount(
            Static("", id="event", markup=False),
            Label(_field_words(agent_call.REASON), markup=False),
            Input(id="reason"),
            error_slot("reason"),
            Label(_field_words(agent_call.TICKET), markup=False),
            Input(id="ticket"),
            error_slot("ticket"),
            before=buttons,
        )
        await buttons.mount(Button("Ajouter l'acte", id="add"), before="#simulate")
        self.query_one("#save", Button).display = False
        self.post_message(self.People(self.people))

    @on(Button.Pressed, "#add")
    def _add(self) -> None:
        self._read_amounts()
        if self.show_problems(self.event.add_problems(self.form)):
            return
        self.status.info("Acte ajouté : choisissez le suivant, ou Simuler.")
        self.query_one("#event", Static).update(self.event.summary())
        for widget_id in ("#charged", "#br", "#search"):
            self.query_one(widget_id, Input).value = ""

    def _start(self) -> None:
        """« Simuler »: the acts added, and the one still in the form (when there is one)."""
        if (self.form.act is not None or not self.event.lines) and self.show_problems(
            self.event.add_problems(self.form)
        ):
            return
        # the motif and the ticket of the linear mode's form, with its rules (tui.flows.agent_call.simulation_form)
        values = {name: self.query_one(f"#{name}", Input).value.strip() for name in ("reason", "ticket")}
        if (problem := forms.first_problem(agent_call.simulation_form(), values)) is not None:
            self.show_problems([(problem.field or "reason", problem.message)])
            return
        self.show_problems([])
        self.status.info("Simulation en cours…")
        reason, ticket = values["reason"], values["ticket"] or None
        self._simulate_event(list(self.event.lines), list(self.event.labels), reason, ticket)
        self.event = simulator_flow.CareEvent()

    @work(exclusive=True, group="simulator", exit_on_error=False)
    async def _simulate_event(
        self, lines: list[dict[str, Any]], labels: list[str], reason: str, ticket: str | None
    ) -> None:
        try:
            done = await self.agent.simulate(self.member_id, reason, lines, ticket)
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Simulated([done.message, "", *flow.simulation_lines(done.result, labels)]))

    @on(Simulated)
    def _simulated(self, message: Simulated) -> None:
        self.status.clear()
        self.query_one("#event", Static).update("")
        result = self.query_one("#result", Static)
        result.update("\n".join(message.lines))
        self.call_after_refresh(result.scroll_visible, top=True)  # below the buttons: brought into view


# --- the queue -----------------------------------------------------------------------------------


class QueueScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        *screen_bindings("agent_queue"),
        *agent_bindings(screen="queue"),  # prendre, répondre, note interne: from the registry
    ]
    ACTION_SCREEN = "agent_queue"

    def __init__(self, agent: AgentApi) -> None:
        super().__init__()
        self.agent = agent
        self.items: list[QueueItem] = []
        self.current: QueueItem | None = None
        self._said: str | None = None  # what an answer said, kept on the status line as the queue is read again

    def compose(self) -> ComposeResult:
        yield Label("File : messages par échéance, réclamations, rendez-vous, démarches", id="queue-title")
        yield OptionList(id="queue")
        yield VerticalScroll(Static("", id="queue-detail"))
        yield StatusLine(id="queue-status")
        yield Footer()

    def on_mount(self) -> None:
        self.load()
        self.poll_timer = self.set_interval(messaging_flow.POLL_SECONDS, self.poll, name="poll")

    def refresh_data(self) -> None:  # Ctrl+R (issue 19)
        self.load()

    def poll(self) -> None:
        """The timer's call: the queue read again (others take and answer items) while it is shown."""
        if self.app.screen is self:
            self.load()

    @work(exclusive=True, exit_on_error=False)
    async def load(self) -> None:
        try:
            self.post_message(Result("queue", await self.agent.queue()))
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))

    @property
    def status(self) -> StatusLine:
        return self.query_one("#queue-status", StatusLine)

    @on(Result)
    def _result(self, message: Result) -> None:
        status = self.status
        if message.error:
            status.error(message.error)
        elif message.kind == "queue":
            self.items = list(message.payload.items)
            options = self.query_one("#queue", OptionList)
            was = options.highlighted or 0  # a reload (a poll) keeps the conseiller's place in the file
            options.clear_options()
            options.add_options([Option(flow.queue_line(i), id=f"{i.kind}-{i.id}") for i in self.items])
            options.focus()
            if self.items:
                options.highlighted = min(was, len(self.items) - 1)
            status.info(" ".join(filter(None, (self._said, f"{len(self.items)} élément(s) en attente."))))
            if self._said and self.current is not None:
                self._after_action(self.current)
            self._said = None
        elif message.kind == "left":  # answered or decided: the item left the queue, which is read again
            self._said = message.payload
            self.current = None
            self.query_one("#queue-detail", Static).update("")
            self.load()
        elif message.kind == "thread":
            self.query_one("#queue-detail", Static).update("\n".join(flow.thread_lines(message.payload)))
        elif message.kind == "done":  # a note, an assignment: the file read again shows the item as it is now
            self._said = message.payload
            self.load()

    def _after_action(self, item: QueueItem) -> None:
        """The item acted on, as it is now: gone from the file once answered (its détail with it), else read
        again (a note, an assignment)."""
        if any((i.kind, i.id) == (item.kind, item.id) for i in self.items):
            self._open(item)
        else:
            self.current = None
            self.query_one("#queue-detail", Static).update("")

    @on(OptionList.OptionSelected, "#queue")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self.current = self.items[event.option_index]
        self._open(self.current)

    @work(exclusive=True, group="detail", exit_on_error=False)
    async def _open(self, item: QueueItem) -> None:
        try:
            if item.kind == "thread":
                self.post_message(Result("thread", await self.agent.thread(item.id)))
            else:
                req = await self.agent.request(item.id)
                lines = [
                    flow.queue_line(req.item),
                    req.description or "",
                    *(f"{k} : {v}" for k, v in req.details.items()),
                    *flow.estimate_lines(req),  # a devis: the member's estimate beside the answer
                ]
                lines += [f"Note : {n.agent_name} : {n.body}" for n in req.notes]
                self.post_message(Result("request_lines", lines))
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))

    @on(Result)
    def _request_lines(self, message: Result) -> None:
        if message.kind == "request_lines":
            self.query_one("#queue-detail", Static).update("\n".join(message.payload))

    def _selected_item(self) -> QueueItem | None:
        if self.current is None:
            options = self.query_one("#queue", OptionList)
            if options.highlighted is not None and self.items:
                self.current = self.items[options.highlighted]
        return self.current

    def action_back(self) -> None:
        self.dismiss(None)

    def action_agent_take(self) -> None:
        item = self._selected_item()
        if item is not None:
            self._run(agent_queue.take(self.agent, item))

    def action_agent_answer(self) -> None:
        """A conversation answered (a réclamation with its issue), a démarche decided: ``tui.flows.agent_queue``."""
        item = self._selected_item()
        if item is not None:
            self._run(agent_queue.handle(self.agent, self._face(), item), left=True)

    def action_agent_attachments(self) -> None:
        item = self._selected_item()
        if item is not None and item.kind == "thread":
            self._run(self._save_attachments(item))

    async def _save_attachments(self, item: QueueItem) -> str:
        thread = await self.agent.thread(item.id)
        return " ".join(await agent_call.save_attachments(self.agent, thread.messages))

    def action_agent_note(self) -> None:
        item = self._selected_item()
        if item is not None:
            self._run(agent_queue.note(self.agent, self._face(), item))

    def _face(self) -> ScreenFace:
        return ScreenFace(self, self.status)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def _run(self, flow_run: Awaitable[str | None], *, left: bool = False) -> None:
        """A queue action's flow (its forms pushed from this worker); what it says once done, then the item
        read again — or the queue, when the item ``left`` it (answered, decided)."""
        try:
            said = await flow_run
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        if said is not None:
            self.post_message(Result("left" if left else "done", said))


# --- the console ---------------------------------------------------------------------------------

# Tab titles short enough for the seven to fit 80 columns; the full words are in the registry (F1, palette).
SHORT_TITLES = {"contracts": "Contrats", "claims": "Rembours.", "security": "Accès", "requests": "Démarches"}
# The sections read from the server when first shown: section -> AgentApi method (member id).
SECTION_LOADERS = {
    "contracts": "member_guarantees",
    "claims": "member_claims",
    "threads": "member_threads",
    "requests": "member_requests",
}
CLAIMS_PAGE_KEYS = " / ".join(
    keys_label(DEFAULT_REGISTRY[action].keys) for action in ("agent_claims_next_page", "agent_claims_previous_page")
)
DOSSIER_HELP = (
    "Dossier ouvert : 1 à 7 sections, Entrée détail ; v vérification forte, u débloquer, l lien, a activation, "
    "x déconnecter, c coordonnées, e document, j noter l'appel ; F1 toutes les touches."
)


class AgentConsoleScreen(Screen[None]):
    # The registry's console actions (context "agent"); the palette and the help list them through the app.
    BINDINGS: ClassVar[list[BindingType]] = agent_bindings()

    def __init__(self, agent: AgentApi, display_name: str = "") -> None:
        super().__init__()
        self.agent = agent
        self.display_name = display_name
        self.hits: list[MemberHit] = []
        self.call: CallOut | None = None  # the call in progress: its level lasts as long as it does
        self.member_id: int | None = None  # the member whose dossier is on screen (the call's, once checked)
        self._keep_status = False
        self.dossier: Any = None
        self.guarantees: Any = None
        self.loaded: set[str] = set()
        self.claims: Any = None  # the page of reimbursements shown (ClaimList)
        self.claims_page = 1

    def compose(self) -> ComposeResult:
        yield Label(f"Console conseiller {('— ' + self.display_name) if self.display_name else ''}", id="console-title")
        yield Input(placeholder="Qui appelle ? n° adhérent, nom prénom (date), NIR, e-mail, mobile", id="search")
        yield OptionList(id="hits")
        yield Static("", id="banner")
        # The dossier: the member's own views (the claims table and détail, the messagerie's and the
        # démarches' lines, the garanties), then what only the conseiller sees. One key per section (1-7).
        with TabbedContent(id="dossier"):
            for number, (section, title) in enumerate(flow.SECTIONS, start=1):
                with TabPane(f"{number} {SHORT_TITLES.get(section, title)}", id=f"sec-{section}"):
                    if section == "claims":
                        yield DataTable(id="dossier-claims", cursor_type="row", zebra_stripes=True)
                        yield Static("", id="dossier-claims-totals")
                    elif section in ("threads", "requests"):
                        yield OptionList(id=f"dossier-{section}")
                    else:
                        yield VerticalScroll(Static("", id=f"text-{section}"), id=f"scroll-{section}")
        yield StatusLine(id="console-status")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#dossier", TabbedContent).display = False
        self.query_one("#search", Input).focus()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#console-status", StatusLine)

    def _face(self) -> ScreenFace:
        return ScreenFace(self, self.status)

    # search as you type
    @on(Input.Changed, "#search")
    def _typed(self, event: Input.Changed) -> None:
        if len(event.value.strip()) >= 2:
            self._search(event.value)

    @on(Input.Submitted, "#search")
    def _to_results(self) -> None:
        hits = self.query_one("#hits", OptionList)
        hits.focus()
        if self.hits:
            hits.highlighted = 0

    @work(exclusive=True, group="search", exit_on_error=False)
    async def _search(self, query: str) -> None:
        try:
            self.post_message(Result("hits", await self.agent.search(query)))
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))

    @on(OptionList.OptionSelected, "#hits")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        self._switch_caller()
        self._call_flow(self.hits[event.option_index])

    def _switch_caller(self) -> None:
        """Another caller: whatever was on its way about the previous one is cancelled, and dropped if it
        still arrives (``Result.member_id``); the previous dossier leaves the screen at once."""
        for group in ("dossier", "section", "detail"):
            self.workers.cancel_group(self, group)
        self.member_id = None
        self.dossier = None
        self.query_one("#banner", Static).update("")
        self.query_one("#dossier", TabbedContent).display = False

    @work(exclusive=True, group="call", exit_on_error=False)
    async def _call_flow(self, hit: MemberHit) -> None:
        face = self._face()
        try:
            call = await agent_call.start(self.agent, face, hit, self.call)
            if call is None:
                return
            self.post_message(Result("call", call))
            call = await agent_call.verify(self.agent, face, call)
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        self.post_message(Result("call", call))
        if call.level != "none":
            self.post_message(Result("open", call.summary.id))

    @work(exclusive=True, group="dossier", exit_on_error=False)
    async def _load_dossier(self, member_id: int) -> None:
        try:  # one request after the other: the sections the dossier opens are read once both are in
            dossier = await self.agent.dossier(member_id)
            call = await self.agent.current_call()
            self.post_message(Result("call", call, member_id=member_id))
            self.post_message(Result("dossier", dossier, member_id=member_id))
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))

    def _stale(self, message: Result) -> bool:
        return message.member_id is not None and message.member_id != self.member_id

    @on(Result)
    def _result(self, message: Result) -> None:
        status = self.status
        if self._stale(message):
            return  # about the previous caller: never drawn under this one's banner
        if message.error:
            status.error(message.error)
            return
        if message.kind == "hits":
            self.hits = list(message.payload.hits)
            options = self.query_one("#hits", OptionList)
            options.clear_options()
            options.add_options([Option(flow.hit_line(h)) for h in self.hits])
            status.info(f"{len(self.hits)} résultat(s)" + (" (affinez)" if message.payload.truncated else ""))
        elif message.kind == "call":
            self._show_call(message.payload)
        elif message.kind == "open":
            self.member_id = message.payload
            self._load_dossier(message.payload)
        elif message.kind == "dossier":
            self._show_dossier(message.payload)
            if not self._keep_status:
                status.info(DOSSIER_HELP)
            self._keep_status = False
        elif message.kind in SECTION_LOADERS:
            self._show_section(message.kind, message.payload)
        elif message.kind == "done":
            if message.payload:
                status.info(message.payload)
            if self.member_id is not None:
                self._keep_status = True
                self.loaded = set()  # every section is read again: what the action changed shows at once
                self._load_dossier(self.member_id)
        elif message.kind == "ended":
            self.call = None
            self.action_agent_search(keep_status=True)

    def refresh_data(self) -> None:
        """Ctrl+R / F5 (issue 19): the dossier and its section shown read again, as after an action."""
        if self.member_id is None:
            return
        self.status.info("Actualisation du dossier…")
        self._keep_status = True
        self.loaded = set()
        self._load_dossier(self.member_id)

    def _show_call(self, call: CallOut | None) -> None:
        self.call = call
        if call is not None and self.dossier is None:
            self.query_one("#banner", Static).update("\n".join(agent_call.call_lines(call)))

    # the dossier and its sections
    def _show_dossier(self, dossier: Any) -> None:
        first = self.dossier is None or self.dossier.banner.member_id != dossier.banner.member_id
        self.dossier = dossier
        self.query_one("#hits", OptionList).clear_options()
        for widget_id in ("#search", "#hits"):  # the call is about this member now: room for the dossier
            self.query_one(widget_id).display = False
        self.query_one("#banner", Static).update("\n".join(flow.banner_lines(dossier.banner)))
        for section, lines in (
            ("profile", flow.profile_lines(dossier)),
            ("security", flow.security_lines(dossier)),
            ("calls", flow.calls_lines(dossier)),
            ("contracts", flow.contracts_lines(dossier, self.guarantees)),
        ):
            self.query_one(f"#text-{section}", Static).update("\n".join(lines))
        tabs = self.query_one("#dossier", TabbedContent)
        tabs.display = True
        if first:
            self.loaded = set()
            self.guarantees = None
            self.claims, self.claims_page = None, 1
            self._open_section("contracts")
        else:
            self._load_section(tabs.active.removeprefix("sec-"), again=True)

    def _open_section(self, section: str) -> None:
        if self._need_dossier() is None:
            return
        tabs = self.query_one("#dossier", TabbedContent)
        tabs.active = f"sec-{section}"
        self._load_section(section)
        pane = self.query_one(f"#sec-{section}", TabPane)
        target = pane.query("DataTable, OptionList, VerticalScroll").first()
        target.focus()

    @on(TabbedContent.TabActivated, "#dossier")
    def _tab_chosen(self, event: TabbedContent.TabActivated) -> None:
        self._load_section((event.pane.id or "").removeprefix("sec-"))

    def _load_section(self, section: str, *, again: bool = False) -> None:
        """A section the member sees is read from the server when first shown (each read is audited)."""
        if self.member_id is None or section not in SECTION_LOADERS or (section in self.loaded and not again):
            return
        self.loaded.add(section)
        self._fetch(section, self.member_id)

    @work(group="section", exit_on_error=False)
    async def _fetch(self, section: str, member_id: int) -> None:
        load = getattr(self.agent, SECTION_LOADERS[section])
        try:
            answer = await (load(member_id, self.claims_page) if section == "claims" else load(member_id))
            self.post_message(Result(section, answer, member_id=member_id))
        except errors.ApiError as exc:
            self.loaded.discard(section)
            self.post_message(Result("error", error=_error_text(exc), member_id=member_id))

    def _show_section(self, section: str, payload: Any) -> None:
        if section == "contracts":
            self.guarantees = payload
            if self.dossier is not None:
                text = flow.contracts_lines(self.dossier, payload)
                self.query_one("#text-contracts", Static).update("\n".join(text))
        elif section == "claims":
            self.claims, self.claims_page = payload, payload.page
            width = self.app.size.width
            table = self.query_one("#dossier-claims", DataTable)
            table.clear(columns=True)
            table.add_columns(*claims_flow.columns(width))
            for item in payload.items:
                table.add_row(*claims_flow.row_cells(item, width), key=str(item.id))
            totals = claims_flow.totals_line(payload.totals)
            if payload.pages > 1:
                totals += f" ; {claims_flow.page_line(payload)} ({CLAIMS_PAGE_KEYS} : changer de page)"
            self.query_one("#dossier-claims-totals", Static).update(
                totals if payload.items else f"{claims_flow.NO_CLAIMS} {totals}"
            )
        elif section == "threads":
            self._fill_options(
                "threads", [(t.id, messaging_flow.thread_line(t)) for t in payload.threads], flow.NO_THREADS
            )
        elif section == "requests":
            self._fill_options(
                "requests", [(r.id, messaging_flow.request_line(r)) for r in payload.items], flow.NO_REQUESTS
            )

    def _fill_options(self, section: str, rows: list[tuple[int, str]], empty: str) -> None:
        options = self.query_one(f"#dossier-{section}", OptionList)
        options.clear_options()
        options.add_options([Option(text, id=str(row_id)) for row_id, text in rows] or [Option(empty, disabled=True)])
        if rows:
            options.highlighted = 0

    @on(DataTable.RowSelected, "#dossier-claims")
    def _claim_chosen(self, event: DataTable.RowSelected) -> None:
        if event.row_key.value is not None and self.member_id is not None:
            self._open_claim(int(event.row_key.value))

    def _open_claim(self, claim_id: int) -> None:
        """The member's own détail screen, fed by the console's audited route."""
        assert self.member_id is not None
        self.app.push_screen(ClaimDetailScreen(MemberReader(self.agent, self.member_id), claim_id))  # type: ignore[arg-type]

    @on(OptionList.OptionSelected, "#dossier-threads, #dossier-requests")
    def _item_chosen(self, event: OptionList.OptionSelected) -> None:
        if event.option.id is not None and self.member_id is not None:
            self._show_lines(self._item_lines(event.option_list.id or "", self.member_id, int(event.option.id)))

    async def _item_lines(self, list_id: str, member_id: int, item_id: int) -> list[str]:
        if list_id == "dossier-threads":
            return flow.thread_detail_lines(await self.agent.member_thread(member_id, item_id))
        return messaging_flow.request_detail_lines(await self.agent.member_request(member_id, item_id))

    def action_agent_open_item(self) -> None:
        """Entrée on the section's tabs: the détail of the highlighted line (the table and the lists
        answer Entrée themselves)."""
        if self._need_dossier() is None:
            return
        section = self.query_one("#dossier", TabbedContent).active.removeprefix("sec-")
        if section == "claims":
            table = self.query_one("#dossier-claims", DataTable)
            if table.row_count:
                key = table.coordinate_to_cell_key(table.cursor_coordinate).row_key.value
                if key is not None:
                    self._open_claim(int(key))
        elif section in ("threads", "requests"):
            options = self.query_one(f"#dossier-{section}", OptionList)
            if options.highlighted is not None:
                option = options.get_option_at_index(options.highlighted)
                if option.id is not None and self.member_id is not None:
                    self._show_lines(self._item_lines(options.id or "", self.member_id, int(option.id)))

    def action_agent_claims_next_page(self) -> None:
        self._claims_page(+1)

    def action_agent_claims_previous_page(self) -> None:
        self._claims_page(-1)

    def _claims_page(self, step: int) -> None:
        """Another page of the remboursements section (shown if another section was on screen)."""
        if self._need_dossier() is None:
            return
        pages = self.claims.pages if self.claims is not None else 1
        page = min(max(1, self.claims_page + step), pages)
        status = self.query_one("#console-status", Static)
        if page == self.claims_page and self.claims is not None:
            status.update("Dernière page des remboursements." if step > 0 else "Première page des remboursements.")
        else:
            self.claims_page = page
            self.loaded.discard("claims")
        self._open_section("claims")

    def action_agent_section_contracts(self) -> None:
        self._open_section("contracts")

    def action_agent_section_claims(self) -> None:
        self._open_section("claims")

    def action_agent_section_threads(self) -> None:
        self._open_section("threads")

    def action_agent_section_requests(self) -> None:
        self._open_section("requests")

    def action_agent_section_profile(self) -> None:
        self._open_section("profile")

    def action_agent_section_security(self) -> None:
        self._open_section("security")

    def action_agent_section_calls(self) -> None:
        self._open_section("calls")

    # actions
    def action_agent_search(self, keep_status: bool = False) -> None:
        """A new call: back to the search (the call in progress is offered to be logged when the next one
        opens)."""
        self._switch_caller()
        for widget_id in ("#search", "#hits"):
            self.query_one(widget_id).display = True
        if self.call is not None:
            self.query_one("#banner", Static).update("\n".join(agent_call.call_lines(self.call)))
        if not keep_status:
            self.status.clear()
        search = self.query_one("#search", Input)
        search.value = ""
        search.focus()

    def _need_dossier(self) -> int | None:
        if self.member_id is None:
            self.status.error("Ouvrez d'abord un appel : recherche, « Qui appelle ? », vérification d'identité.")
        return self.member_id

    def _act(self, action: str) -> None:
        if self._need_dossier() is None:
            return
        beneficiaries = tuple(self.dossier.profile.beneficiaries) if self.dossier is not None else ()
        self._act_flow(action, agent_call.Context(beneficiaries))

    @work(exclusive=True, group="act", exit_on_error=False)
    async def _act_flow(self, action: str, context: agent_call.Context) -> None:
        try:
            done = await agent_call.act(self.agent, self._face(), self.call, action, context)
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        if done is not None:
            self.post_message(Result("done", done.message + (" L'adhérent est prévenu." if done.member_told else "")))

    def action_agent_unlock(self) -> None:
        self._act("unlock")

    def action_agent_reset_link(self) -> None:
        self._act("reset_link")

    def action_agent_activation(self) -> None:
        self._act("activation")

    def action_agent_revoke(self) -> None:
        self._act("revoke")

    def action_agent_contact(self) -> None:
        self._act("contact")

    def action_agent_send_document(self) -> None:
        self._act("send_document")

    def action_agent_alert(self) -> None:
        self._act("alert")

    def action_agent_thread(self) -> None:
        self._act("thread")

    def action_agent_strong(self) -> None:
        if self.call is None:
            self.status.error("Ouvrez d'abord un appel (« Qui appelle ? »).")
            return
        self._strong_flow(self.call)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def _strong_flow(self, call: CallOut) -> None:
        try:
            call = await agent_call.strengthen(self.agent, self._face(), call)
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        self.post_message(Result("call", call))
        self.post_message(Result("done", ""))

    def action_agent_call_log(self) -> None:
        if self.call is None:
            self.status.error("Aucun appel en cours à noter.")
            return
        self._end_flow(self.call)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def _end_flow(self, call: CallOut) -> None:
        try:
            ended = await agent_call.end(self.agent, self._face(), call)
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        if ended:
            self.post_message(Result("ended"))

    def action_agent_queue(self) -> None:
        self.app.push_screen(QueueScreen(self.agent))

    def action_agent_directory(self) -> None:  # issue 21: read to the caller (no simulation outside a dossier)
        from tui.screens.directory import DirectoryScreen

        self.app.push_screen(DirectoryScreen(self.agent.api))

    def action_agent_simulation(self) -> None:
        member_id = self._need_dossier()
        if member_id is None or self.dossier is None:
            return
        if (why := agent_call.allowed_or_why(self.call, "simulation")) is not None:
            self.status.error(why)
            return
        people = simulator_flow.beneficiary_choices(self.dossier.profile.beneficiaries)
        self.app.push_screen(ConsoleSimulatorScreen(self.agent, member_id, people))

    @work(exit_on_error=False)
    async def _show_lines(self, call: Any) -> None:
        try:
            lines = await call
            self.post_message(Result("lines", lines))
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))

    @on(Result)
    def _lines(self, message: Result) -> None:
        if message.kind == "lines" and not self._stale(message):
            self.app.push_screen(TextScreen(message.payload))

    # supervision: the same flows as the linear mode (``agent_call``), the answers in words

    def action_agent_audit(self) -> None:
        self._supervise(agent_call.audit)

    def action_agent_flagged(self) -> None:
        self._supervise(agent_call.flagged)

    def action_agent_staff(self) -> None:
        self._supervise(agent_call.staff)

    @work(exclusive=True, group="act", exit_on_error=False)
    async def _supervise(self, run: Callable[[AgentApi, ScreenFace], Any]) -> None:
        try:
            lines = await run(self.agent, self._face())
        except errors.ApiError as exc:
            self.post_message(Result("error", error=_error_text(exc)))
            return
        if lines:
            self.post_message(Result("lines", lines))
