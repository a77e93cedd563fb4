"""The one ``Idempotency-Key`` mechanism of the app (security-rules.md: every POST that creates something
accepts it, so a client retry never creates it twice).

A creating route takes ``idempotency: IdempotencyDep`` and ends with
``return idempotency.run(session, clock, account, body, lambda: service.create(...))``: ``body`` is the
route's parsed body (a ``ParsedBody`` of ``_body.json_body``, hashed from the raw bytes while streaming,
or any pydantic model FastAPI parsed, hashed from its canonical JSON). The stored answer and the unique
``(scope, key)`` constraint live in ``server.services.idempotent_create.run_once``.

``tests/server/test_idempotency.py`` walks every POST route answering 201 and fails for one that does
not take this dependency or is missing from its list of replay cases.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from models.tables import Account
from server.clock import Clock
from server.routes._body import IdempotencyKeyHeader, ParsedBody
from server.services.idempotent_create import body_hash, run_once

HEADER = "Idempotency-Key"

if TYPE_CHECKING:  # a type only: routes hold no SQL
    from sqlmodel import Session


@dataclass(frozen=True)
class Idempotency:
    key: str | None
    method: str
    path: str

    def digest(self, body: ParsedBody[BaseModel] | BaseModel | None) -> str:
        if isinstance(body, ParsedBody):
            return body.digest
        raw = body.model_dump_json().encode() if body is not None else b""
        return body_hash(self.method, self.path, raw)

    def run(
        self,
        session: Session,
        clock: Clock,
        account: Account,
        body: ParsedBody[BaseModel] | BaseModel | None,
        create: Callable[[], BaseModel],
        status_code: int = 201,
    ) -> JSONResponse:
        status, content = run_once(session, clock, account, self.key, self.digest(body), create, status_code)
        return JSONResponse(content, status_code=status)


def idempotency(request: Request, key: IdempotencyKeyHeader = None) -> Idempotency:
    return Idempotency(key=key, method=request.method, path=request.url.path)


IdempotencyDep = Annotated[Idempotency, Depends(idempotency)]
