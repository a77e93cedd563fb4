"""The console conseiller's API (issue 9), over an ``ApiClient``: no Textual, typed answers."""

from __future__ import annotations

import uuid
from typing import Any

from models.schemas.agent import (
    ActionDone,
    AgentAnswer,
    AuditPage,
    Banner,
    CallEnded,
    CallLogCreate,
    CallOut,
    Dossier,
    FlaggedCheck,
    IdentityCheckOut,
    InternalNoteCreate,
    InternalNoteOut,
    MemberSearch,
    PartnerOut,
    Queue,
    QueueItem,
    QueueRequest,
    QueueThread,
    RequestDecision,
    SimulationDone,
    StaffCreate,
    StaffOut,
)
from models.schemas.claims import ClaimDetail, ClaimList
from models.schemas.guarantees import MyGuarantees
from models.schemas.messaging import Inbox, ThreadDetail
from models.schemas.requests import RequestDetail, RequestList
from tui.api import errors
from tui.api.client import ApiClient, Download, download_of

# Actions for the member that take only a reason and a ticket: id -> path under /agent/members/{id}/
SIMPLE_ACTIONS = {
    "unlock": "unlock",
    "reset_link": "reset-link",
    "activation": "activation",
    "revoke": "revoke",
    "contact": "contact",
    "send_document": "documents",  # + document, finess, beneficiary_id
    "alert": "alerts",  # + kind, note, clear
    "thread": "threads",  # + subject, body, category
}


class AgentApi:
    def __init__(self, api: ApiClient) -> None:
        self.api = api
        # Every POST carries an Idempotency-Key. A send the server did not answer keeps its key here (by
        # path, with its body): the same action sent again (same path, same body) reuses it, so the server
        # records it once (issue 11, Faults); any answer, or another body, starts a new key.
        self._unanswered: dict[str, tuple[Any, str]] = {}

    async def _get(self, path: str, model: Any, params: Any = None) -> Any:
        return self.api._parse(await self.api._request("GET", path, auth=True, params=params), model)

    async def _post(self, path: str, model: Any, body: Any = None) -> Any:
        json = body.model_dump(mode="json", exclude_none=True) if hasattr(body, "model_dump") else body
        kept = self._unanswered.pop(path, None)
        key = kept[1] if kept is not None and kept[0] == json else str(uuid.uuid4())
        try:
            response = await self.api._request(
                "POST", path, json=json, auth=True, extra_headers={"Idempotency-Key": key}
            )
        except (errors.NetworkError, errors.TimeoutError):
            self._unanswered[path] = (json, key)
            raise
        return self.api._parse(response, model)

    async def search(self, query: str) -> MemberSearch:
        return await self._get("/agent/members", MemberSearch, params={"q": query})

    # the call and its verification level (issue 16)
    async def start_call(self, member_id: int, caller_kind: str, caller_name: str | None = None) -> CallOut:
        body = {
            "member_id": member_id,
            "caller_kind": caller_kind,
            **({"caller_name": caller_name} if caller_name else {}),
        }
        return await self._post("/agent/calls", CallOut, body)

    async def current_call(self) -> CallOut | None:
        try:
            return await self._get("/agent/calls/current", CallOut)
        except errors.NotFound:
            return None

    async def check_answers(self, call_id: int, answers: dict[str, str], reason: str | None) -> IdentityCheckOut:
        body = {"answers": answers, **({"reason": reason} if reason else {})}
        return await self._post(f"/agent/calls/{call_id}/identity-check", IdentityCheckOut, body)

    async def send_code(self, call_id: int, channel: str) -> CallOut:
        return await self._post(f"/agent/calls/{call_id}/code", CallOut, {"channel": channel})

    async def check_code(self, call_id: int, code: str) -> CallOut:
        return await self._post(f"/agent/calls/{call_id}/code/check", CallOut, {"code": code})

    async def end_call(self, call_id: int, log: CallLogCreate | None = None) -> CallEnded:
        body = {"log": log.model_dump(mode="json", exclude_none=True)} if log is not None else {}
        return await self._post(f"/agent/calls/{call_id}/end", CallEnded, body)

    async def confirm_contact(self, member_id: int, channel: str, code: str) -> ActionDone:
        body = {"channel": channel, "code": code}
        return await self._post(f"/agent/members/{member_id}/contact/confirm", ActionDone, body)

    async def partners(self, query: str) -> list[PartnerOut]:
        response = await self.api._request("GET", "/agent/partners", auth=True, params={"q": query})
        return self.api._parse_list(response, PartnerOut)

    async def document(self, document_id: int, filename: str) -> Download:
        """A member's file (an attachment): the server checks the queue or the call allows it."""
        return download_of(await self.api._request("GET", f"/agent/documents/{document_id}", auth=True), filename)

    async def reopen_phone_channel(self, member_id: int, reason: str) -> ActionDone:
        return await self._post(f"/agent/members/{member_id}/phone-channel/reopen", ActionDone, {"reason": reason})

    async def banner(self, member_id: int) -> Banner:
        return await self._get(f"/agent/members/{member_id}/banner", Banner)

    async def dossier(self, member_id: int) -> Dossier:
        return await self._get(f"/agent/members/{member_id}/dossier", Dossier)

    # the dossier's sections, as the member sees them (each read is audited on the server)
    async def member_claims(self, member_id: int, page: int = 1) -> ClaimList:
        params = {"page": str(page)} if page > 1 else None
        return await self._get(f"/agent/members/{member_id}/claims", ClaimList, params=params)

    async def member_claim(self, member_id: int, claim_id: int) -> ClaimDetail:
        return await self._get(f"/agent/members/{member_id}/claims/{claim_id}", ClaimDetail)

    async def member_guarantees(self, member_id: int) -> MyGuarantees:
        return await self._get(f"/agent/members/{member_id}/guarantees", MyGuarantees)

    async def member_threads(self, member_id: int) -> Inbox:
        return await self._get(f"/agent/members/{member_id}/threads", Inbox)

    async def member_thread(self, member_id: int, thread_id: int) -> ThreadDetail:
        return await self._get(f"/agent/members/{member_id}/threads/{thread_id}", ThreadDetail)

    async def member_requests(self, member_id: int) -> RequestList:
        return await self._get(f"/agent/members/{member_id}/requests", RequestList)

    async def member_request(self, member_id: int, request_id: int) -> RequestDetail:
        return await self._get(f"/agent/members/{member_id}/requests/{request_id}", RequestDetail)

    async def act(
        self, member_id: int, action: str, reason: str, ticket: str | None = None, **extra: Any
    ) -> ActionDone:
        path = SIMPLE_ACTIONS.get(action, action)
        body = {"reason": reason, **({"ticket": ticket} if ticket else {}), **extra}
        return await self._post(f"/agent/members/{member_id}/{path}", ActionDone, body)

    async def queue(self, mine: bool = False) -> Queue:
        return await self._get("/agent/queue", Queue, params={"mine": "true"} if mine else None)

    async def assign(self, kind: str, item_id: int) -> QueueItem:
        return await self._post(f"/agent/queue/{kind}/{item_id}/assign", QueueItem)

    async def thread(self, thread_id: int) -> QueueThread:
        return await self._get(f"/agent/threads/{thread_id}", QueueThread)

    async def answer(self, thread_id: int, body: AgentAnswer) -> ActionDone:
        return await self._post(f"/agent/threads/{thread_id}/answer", ActionDone, body)

    async def note(self, kind: str, item_id: int, text: str) -> InternalNoteOut:
        path = "threads" if kind == "thread" else "requests"
        return await self._post(f"/agent/{path}/{item_id}/notes", InternalNoteOut, InternalNoteCreate(body=text))

    async def request(self, request_id: int) -> QueueRequest:
        return await self._get(f"/agent/requests/{request_id}", QueueRequest)

    async def decide(self, request_id: int, body: RequestDecision) -> ActionDone:
        return await self._post(f"/agent/requests/{request_id}/decision", ActionDone, body)

    async def audit(self, **filters: Any) -> AuditPage:
        params = {k: str(v) for k, v in filters.items() if v is not None}
        return await self._get("/agent/audit", AuditPage, params=params)

    async def simulate(
        self,
        member_id: int,
        reason: str,
        scenario: dict[str, object] | list[dict[str, Any]],
        ticket: str | None = None,
    ) -> SimulationDone:
        """One act, or the several acts of one care (a list), simulated together on the member's contracts."""
        scenarios = scenario if isinstance(scenario, list) else [scenario]
        body = {"reason": reason, "scenarios": scenarios, **({"ticket": ticket} if ticket else {})}
        return await self._post(f"/agent/members/{member_id}/simulations", SimulationDone, body)

    async def flagged(self) -> list[FlaggedCheck]:
        return self.api._parse_list(await self.api._request("GET", "/agent/flagged-checks", auth=True), FlaggedCheck)

    async def staff(self) -> list[StaffOut]:
        return self.api._parse_list(await self.api._request("GET", "/agent/staff", auth=True), StaffOut)

    async def create_staff(self, body: StaffCreate) -> StaffOut:
        return await self._post("/agent/staff", StaffOut, body)

    async def disable_staff(self, account_id: int) -> StaffOut:
        return await self._post(f"/agent/staff/{account_id}/disable", StaffOut)


class MemberReader:
    """One member's dossier behind the few methods the member's own screens call (``claim``,
    ``payment_statement``), so the console shows a reimbursement through the member's détail screen."""

    def __init__(self, agent: AgentApi, member_id: int) -> None:
        self.agent = agent
        self.member_id = member_id

    @property
    def api(self) -> MemberReader:  # the member screens read ``session.api``
        return self

    async def claim(self, claim_id: int) -> ClaimDetail:
        return await self.agent.member_claim(self.member_id, claim_id)

    async def payment_statement(self, payment_id: int) -> Download:
        raise errors.Forbidden(
            "Les relevés se téléchargent depuis l'espace de l'adhérent : proposez-lui de le faire, ou ouvrez une "
            "conversation (touche m) pour le lui envoyer."
        )
