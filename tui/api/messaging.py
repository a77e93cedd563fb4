"""The messagerie, démarches and notifications of the API (issue 7), over an ``ApiClient``.

Every creating POST sends an ``Idempotency-Key`` (a fresh UUID per action the person takes; a retry of the
same action reuses it), so a retry after a lost answer never creates a second message or request.
"""

from __future__ import annotations

import uuid
from typing import Any

from pydantic import BaseModel

from models.schemas.messaging import Inbox, MessageCreate, ThreadCreate, ThreadDetail
from models.schemas.notifications import NotificationList, NotificationOut
from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    ReimbursementRequestCreate,
    RequestDetail,
    RequestList,
)
from tui.api.client import ApiClient

CREATE_PATHS: dict[type[BaseModel], str] = {
    ReimbursementRequestCreate: "/me/requests/reimbursements",
    DocumentDepositCreate: "/me/requests/documents",
    AccidentCreate: "/me/requests/accidents",
    HospitalCoverCreate: "/me/requests/hospital-covers",
    QuoteCreate: "/me/requests/quotes",
}


def new_key() -> str:
    return str(uuid.uuid4())


class MessagingApi:
    def __init__(self, api: ApiClient) -> None:
        self.api = api

    async def _get(self, path: str) -> Any:
        return await self.api._request("GET", path, auth=True)

    async def _create(self, path: str, body: BaseModel, key: str | None) -> Any:
        return await self.api._request(
            "POST",
            path,
            json=body.model_dump(mode="json", exclude_none=True),
            auth=True,
            extra_headers={"Idempotency-Key": key or new_key()},
        )

    async def inbox(self) -> Inbox:
        return self.api._parse(await self._get("/me/threads"), Inbox)

    async def thread(self, thread_id: int) -> ThreadDetail:
        return self.api._parse(await self._get(f"/me/threads/{thread_id}"), ThreadDetail)

    async def create_thread(self, body: ThreadCreate, key: str | None = None) -> ThreadDetail:
        return self.api._parse(await self._create("/me/threads", body, key), ThreadDetail)

    async def reply(self, thread_id: int, body: MessageCreate, key: str | None = None) -> ThreadDetail:
        return self.api._parse(await self._create(f"/me/threads/{thread_id}/messages", body, key), ThreadDetail)

    async def document(self, document_id: int) -> bytes:
        return (await self._get(f"/me/documents/{document_id}")).content

    async def requests(self) -> RequestList:
        return self.api._parse(await self._get("/me/requests"), RequestList)

    async def request(self, request_id: int) -> RequestDetail:
        return self.api._parse(await self._get(f"/me/requests/{request_id}"), RequestDetail)

    async def create_request(self, body: BaseModel, key: str | None = None) -> RequestDetail:
        return self.api._parse(await self._create(CREATE_PATHS[type(body)], body, key), RequestDetail)

    async def notifications(self) -> NotificationList:
        return self.api._parse(await self._get("/me/notifications"), NotificationList)

    async def mark_read(self, notification_id: int) -> NotificationOut:
        response = await self.api._request("POST", f"/me/notifications/{notification_id}/read", auth=True)
        return self.api._parse(response, NotificationOut)
