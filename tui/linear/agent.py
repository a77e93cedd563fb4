"""The console conseiller in the linear mode (no Textual): the search, the results as labelled records, « Qui
appelle ? », the server's identity questions, the banner as labelled lines, the strong verification, the
numbered actions for the member, the call's end with its log, the queue, and the supervisor's audit, flagged
calls and conseiller accounts. The call's flows and forms are ``tui.flows.agent_call``'s, run with the linear
face (``LinearFace``), as the full-screen console runs them with its own; the menus come from the action
registry."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from models.domain.dates import format_date_long
from models.schemas.agent import CallOut, MemberHit
from models.schemas.common import Role
from tui.api import errors
from tui.api.agent import AgentApi
from tui.flows import agent as flow
from tui.flows import agent_call, agent_queue, forms
from tui.flows import claims as claims_flow
from tui.flows import login as login_flow
from tui.flows import messaging as messaging_flow
from tui.flows import simulator as simulator_flow
from tui.flows.actions import Action
from tui.linear import guarantees as linear_simulator
from tui.linear.ending import EndOfInput
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.flows.session import AuthenticatedSession
    from tui.linear.client import LinearClient

TOP = (
    "agent_search",
    "agent_queue",
    "agent_directory",
    "agent_audit",
    "agent_flagged",
    "agent_staff",
    "help",
    "logout",
    "quit",
)
DOSSIER = (
    "agent_strong",
    "agent_unlock",
    "agent_reset_link",
    "agent_activation",
    "agent_revoke",
    "agent_contact",
    "agent_send_document",
    "agent_alert",
    "agent_simulation",
    "agent_thread",
    "agent_call_log",
)
SECTIONS = tuple(f"agent_section_{section}" for section, _ in flow.SECTIONS)
QUEUE = ("agent_take", "agent_answer", "agent_attachments", "agent_note")
END_CALL = "Fin de l'appel sans le noter : revenir à l'accueil de la console"
BACK = "Retour"
BACK_TO_DOSSIER = "Retour au dossier"
CLAIM_DETAIL = "Voir le détail d'un remboursement (par son numéro)"


class Console:
    def __init__(self, client: LinearClient, session: AuthenticatedSession) -> None:
        self.c = client
        self.session = session
        self.api = AgentApi(session.api)
        info = session.session
        self.supervisor = info is not None and info.role == Role.supervisor
        self.name = info.display_name if info is not None else ""
        registry = client.registry
        # the console's actions and, for its queue menu, the queue's (issue 19: each on its own screen)
        available = [
            *registry.available(logged_in=True, console=True, supervisor=self.supervisor),
            *registry.available(logged_in=True, console=True, supervisor=self.supervisor, screen="agent_queue"),
        ]
        self.actions = {a.id: a for a in available}
        self.face = LinearFace(client)
        self.current: CallOut | None = None  # the call in progress: its level lasts as long as it does

    def _menu(self, ids: tuple[str, ...]) -> list[Action]:
        return [self.actions[i] for i in ids if i in self.actions]

    async def _try(self, call: Any) -> Any:
        try:
            return await call
        except errors.ApiError as exc:
            self.c.error(exc.message)
            return None

    # -- the console's home --------------------------------------------------------------------------

    async def run(self) -> str:
        self.c.heading(f"Console conseiller – {self.name}" if self.name else "Console conseiller")
        while True:
            actions = self._menu(TOP)
            labels = [a.menu_label for a in actions]
            try:
                action = actions[await self.c.pick("Que voulez-vous faire ?", labels, top=True)]
            except EndOfInput:  # Ctrl+D at the console's home: as « Quitter »
                return await self.c.leave(self.session)
            if action.id == "logout":
                self.c.say(await login_flow.logout(self.session, self.c.token_store))
                return "logout"
            if action.id == "quit":
                return await self.c.leave(self.session)
            if action.id == "help":
                self.c.show_help(actions)
            else:
                await self.c.guarded(self._home_action(action.id))

    async def _home_action(self, action: str) -> None:
        if action == "agent_search":
            await self.call()
        elif action == "agent_queue":
            await self.queue()
        elif action == "agent_directory":  # issue 21: read to the caller; no simulation outside a dossier
            from tui.linear.directory import run_directory

            await run_directory(self.c, self.session, simulate=False)
        elif action == "agent_audit":
            await self.audit()
        elif action == "agent_flagged":
            await self.flagged()
        elif action == "agent_staff":
            await self.staff()

    # -- a call --------------------------------------------------------------------------------------

    async def call(self) -> None:
        hit = await self.find()
        if hit is None:
            return
        call = await agent_call.start(self.api, self.face, hit, self.current)
        if call is None:
            return
        self.current = await agent_call.verify(self.api, self.face, call)
        if self.current.level == "none":
            self.c.say("Dossier non ouvert : rien n'est communiqué à l'appelant.")
            if await agent_call.end(self.api, self.face, self.current):
                self.current = None
            return
        await self.dossier(hit)

    async def find(self) -> MemberHit | None:
        while True:
            values = await self.face.form(agent_call.search_form())
            query = str((values or {}).get("query") or "").strip()
            if not query:  # Entrée or « annuler »: no call
                return None
            found = await self._try(self.api.search(query))
            if found is None:
                continue
            self.c.heading(f"Résultats ({len(found.hits)})")
            if not found.hits:
                self.c.say("Aucun adhérent ne correspond. Essayez le n° adhérent ou le nom seul (Entrée : abandonner).")
                continue
            for number, hit in enumerate(found.hits, start=1):
                self.c.say(flow.hit_record(number, hit))
            if found.truncated:
                self.c.say("Liste tronquée : ajoutez le prénom ou la date de naissance.")
            chosen = forms.chosen_line(
                await self.face.form(
                    forms.number_form(
                        "Choisir un résultat", "Numéro du résultat", 1, len(found.hits), empty="nouvelle recherche"
                    )
                )
            )
            if chosen is not None:
                return found.hits[chosen - 1]

    async def dossier(self, hit: MemberHit) -> None:
        dossier = await self._try(self.api.dossier(hit.id))
        if dossier is None:
            return
        self.c.heading(f"Dossier de {hit.first_name} {hit.last_name}")
        for line in flow.banner_records(dossier.banner):
            self.c.say(line)
        for number, b in enumerate(dossier.profile.beneficiaries, start=1):
            self.c.say(f"Bénéficiaire {number} : {b.first_name} {b.last_name}")
        who = f"{hit.first_name} {hit.last_name}"
        while self.current is not None:
            actions = self._menu(SECTIONS + DOSSIER)
            options = [a.description for a in actions] + [END_CALL]
            index = await self.c.pick(f"Dossier et actions pour {who}", options)
            if index == len(actions):
                if await agent_call.end(self.api, self.face, self.current, log=False):
                    self.current = None
                return
            action = actions[index]
            if action.id in SECTIONS:
                await self.section(hit.id, action.id.removeprefix("agent_section_"), dossier)
            elif action.id == "agent_call_log":
                if await agent_call.end(self.api, self.face, self.current):
                    self.current = None
            elif action.id == "agent_strong":
                self.current = await agent_call.strengthen(self.api, self.face, self.current)
            elif action.id == "agent_simulation":
                if (why := agent_call.allowed_or_why(self.current, "simulation")) is not None:
                    self.c.error(why)
                    continue
                await self.simulate(hit, action, simulator_flow.beneficiary_choices(dossier.profile.beneficiaries))
            else:
                kind = action.id.removeprefix("agent_")
                context = agent_call.Context(tuple(dossier.profile.beneficiaries))
                if await agent_call.act(self.api, self.face, self.current, kind, context) is not None:
                    # the action changed the dossier (an unlock, new contact details…): read it again, as the
                    # full-screen console does, so that its sections do not show the state from before
                    dossier = await self._try(self.api.dossier(hit.id)) or dossier

    # -- the dossier's sections: labelled records, as the member's own linear screens write them ------

    async def section(self, member_id: int, section: str, dossier: Any) -> None:
        self.c.heading(flow.SECTION_TITLES[section])
        if section == "contracts":
            guarantees = await self._try(self.api.member_guarantees(member_id))
            lines = flow.contracts_lines(dossier, guarantees, long_dates=True)
        elif section == "profile":
            lines = flow.profile_lines(dossier, long_dates=True)
        elif section == "security":
            lines = flow.security_lines(dossier)
        elif section == "calls":
            lines = flow.calls_lines(dossier)
        else:
            await self.listing(member_id, section)
            return
        for line in lines:
            self.c.say(line.strip())

    async def claims(self, member_id: int) -> None:
        """The reimbursements, a page at a time (50, as in « Mes remboursements »): the labelled lines, then
        a menu: the détail by number, the next or previous page, back to the dossier."""
        page, result = 1, None
        while True:
            if result is None or result.page != page:
                result = await self._try(self.api.member_claims(member_id, page))
                if result is None:
                    return
                for line in flow.claims_records(result, long_dates=True):
                    self.c.say(line)
            ids = [item.id for item in result.items]
            moves = [
                (action, to)
                for action, to in (("agent_claims_next_page", page + 1), ("agent_claims_previous_page", page - 1))
                if 1 <= to <= result.pages
            ]
            if not moves:  # one page: straight to the détail, as for the messages
                await self.details(member_id, "claims", ids, flow.first_number(result))
                return
            options = [CLAIM_DETAIL, *(self.actions[action].description for action, _ in moves), BACK_TO_DOSSIER]
            index = await self.c.pick(f"Remboursements, {claims_flow.page_line(result)}", options)
            if index == 0:
                await self.details(member_id, "claims", ids, flow.first_number(result))
            elif index <= len(moves):
                page = moves[index - 1][1]
            else:
                return

    async def listing(self, member_id: int, section: str) -> None:
        """Reimbursements, messages or démarches: one labelled line each, then the détail by number."""
        if section == "claims":
            await self.claims(member_id)
            return
        if section == "threads":
            inbox = await self._try(self.api.member_threads(member_id))
            if inbox is None:
                return
            ids = [t.id for t in inbox.threads]
            summary = messaging_flow.conversations(len(ids))
            lines = [f"{n}. {messaging_flow.thread_line(t, format_date_long)}" for n, t in enumerate(inbox.threads, 1)]
        else:
            found = await self._try(self.api.member_requests(member_id))
            if found is None:
                return
            ids = [r.id for r in found.items]
            summary = messaging_flow.requests_summary(found)
            lines = [f"{n}. {messaging_flow.request_line(r, format_date_long)}" for n, r in enumerate(found.items, 1)]
        if not ids:
            self.c.say({"threads": flow.NO_THREADS, "requests": flow.NO_REQUESTS}[section])
            return
        for line in [summary, *lines]:  # the summary first (issue 18)
            self.c.say(line)
        await self.details(member_id, section, ids)

    async def details(self, member_id: int, section: str, ids: list[int], first: int = 1) -> None:
        """The détail of the lines numbered ``first`` to ``first + len(ids) - 1``, by number, until Entrée."""
        if not ids:
            return
        last = first + len(ids) - 1
        choose = forms.number_form("Voir un détail", "Numéro pour le détail", first, last, empty="retour")
        while (chosen := forms.chosen_line(await self.face.form(choose))) is not None:
            for line in await self.detail(member_id, section, ids[chosen - first]):
                self.c.say(line)

    async def detail(self, member_id: int, section: str, item_id: int) -> list[str]:
        if section == "claims":
            claim = await self._try(self.api.member_claim(member_id, item_id))
            return claims_flow.detail_text(claim, long_dates=True) if claim is not None else []
        if section == "threads":
            thread = await self._try(self.api.member_thread(member_id, item_id))
            return [x for x in flow.thread_detail_lines(thread, long_dates=True) if x] if thread is not None else []
        request = await self._try(self.api.member_request(member_id, item_id))
        return messaging_flow.request_detail_lines(request, format_date_long) if request is not None else []

    async def simulate(self, hit: MemberHit, action: Action, people: list[tuple[int, str]]) -> None:
        """The member's simulator questions for one of the dossier's people, act after act of one care (a
        range cannot be one act of it: the OPTAM question is asked again), then the motif, the ticket and
        one simulation of all the acts, read out act by act with the totals. It changes nothing in the
        dossier; the server audits it and emails the member its summary."""
        self.c.heading(action.description)
        if not people:
            self.c.say("Aucune personne couverte dans ce dossier : la simulation n'est pas possible.")
            return
        form, event = simulator_flow.SimulatorForm(), simulator_flow.CareEvent()
        known = simulator_flow.acts(self.api.api.clock.now().date())
        await linear_simulator.ask_who(self.c, form, people)
        while True:
            await linear_simulator.ask_act(self.c, form, known)
            while (problem := event.add(form)) is not None:
                self.c.error(problem)
                await linear_simulator.ask_doctor(self.c, form)
            self.c.say(event.summary())
            if not await self.face.confirm("Ajouter un autre acte ?"):
                break
        values = await self.face.form(agent_call.simulation_form())  # read back before it is sent
        if values is None:
            self.c.say(agent_call.NOTHING_SENT)
            return
        ticket = str(values.get("ticket") or "").strip() or None
        done = await self._try(self.api.simulate(hit.id, str(values["reason"]).strip(), event.lines, ticket))
        if done is not None:
            self.c.say(done.message)
            for line in flow.simulation_lines(done.result, event.labels):
                self.c.say(line)

    # -- the queue -----------------------------------------------------------------------------------

    async def queue(self) -> None:
        while True:
            queue = await self._try(self.api.queue())
            if queue is None:
                return
            self.c.heading(f"File ({len(queue.items)})")
            if not queue.items:
                self.c.say("Rien en attente.")
                return
            for number, item in enumerate(queue.items, start=1):
                self.c.say(flow.queue_record(number, item))
            choose = forms.number_form("Ouvrir un élément", "Numéro de l'élément", 1, len(queue.items), empty="retour")
            chosen = forms.chosen_line(await self.face.form(choose))
            if chosen is None:
                return
            await self.item(queue.items[chosen - 1])

    async def item(self, item: Any) -> None:
        while True:
            if item.kind == "thread":
                detail = await self._try(self.api.thread(item.id))
                lines = flow.thread_lines(detail) if detail is not None else []
            else:
                detail = await self._try(self.api.request(item.id))
                lines = [flow.queue_line(detail.item), detail.description or ""] if detail is not None else []
                if detail is not None:
                    lines += [f"{k} : {v}" for k, v in detail.details.items()]
                    lines += flow.estimate_lines(detail)  # a devis: the member's estimate beside the answer
                    lines += [f"Note interne : {n.agent_name} : {n.body}" for n in detail.notes]
            if detail is None:
                return
            self.c.heading(item.title)
            for line in lines:
                if line:
                    self.c.say(line)
            actions = self._menu(QUEUE)
            index = await self.c.pick("Que faire ?", [a.description for a in actions] + [BACK])
            if index == len(actions):
                return
            action_id = actions[index].id
            if action_id == "agent_take":
                if (said := await self._try(agent_queue.take(self.api, item))) is not None:
                    self.c.say(said)
            elif action_id == "agent_attachments":
                messages = detail.messages if item.kind == "thread" else []
                for sentence in await self._try(agent_call.save_attachments(self.api, messages)) or []:
                    self.c.say(sentence)
            elif action_id == "agent_note":
                if (said := await self._try(agent_queue.note(self.api, self.face, item))) is not None:
                    self.c.say(said)
            else:  # answered or decided, the item leaves the queue: back to the list, read again
                if (said := await self._try(agent_queue.handle(self.api, self.face, item))) is not None:
                    self.c.say(said)
                return

    # -- supervision ---------------------------------------------------------------------------------

    async def audit(self) -> None:
        for line in await self._try(agent_call.audit(self.api, self.face)) or []:
            self.c.say(line)

    async def flagged(self) -> None:
        for line in await self._try(agent_call.flagged(self.api, self.face)) or []:
            self.c.say(line)

    async def staff(self) -> None:
        await self._try(agent_call.staff(self.api, self.face))


async def run_console(client: LinearClient, session: AuthenticatedSession) -> str:
    return await Console(client, session).run()
