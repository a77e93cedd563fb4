"""Bodies of the messagerie and démarches routes, read by hand: the JSON (files as base64 inside) is
streamed and counted, and refused with 413 as soon as it passes the limit — before it is all read, and
before Content-Length is believed or not. Then it is validated with the route's schema (French errors as
for any body), and hashed for ``Idempotency-Key``.

The body is declared in the OpenAPI document by ``json_body_openapi`` (the schema's component)."""

from __future__ import annotations

import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Header, Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from server.errors import ApiError
from server.services.documents import base64_limit, too_large
from server.services.idempotent_create import body_hash
from server.settings import Settings

M = TypeVar("M", bound=BaseModel)


@dataclass(frozen=True)
class ParsedBody(Generic[M]):
    value: M
    digest: str


IdempotencyKeyHeader = Annotated[
    str | None,
    Header(
        alias="Idempotency-Key",
        description="Clé choisie par le client (ex. un UUID) : un nouvel envoi avec la même clé ne crée rien de plus "
        "et renvoie la même réponse.",
    ),
]


async def read_limited(request: Request, limit: int, settings: Settings) -> bytes:
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large(settings)
    chunks: list[bytes] = []
    total = 0
    async for chunk in request.stream():
        total += len(chunk)
        if total > limit:
            raise too_large(settings)
        chunks.append(chunk)
    return b"".join(chunks)


def json_body(model: type[M]) -> Callable[[Request], Awaitable[ParsedBody[M]]]:
    async def dependency(request: Request) -> ParsedBody[M]:
        settings: Settings = request.app.state.settings
        content_type = request.headers.get("content-type", "")
        if content_type.split(";")[0].strip().lower() not in ("application/json", ""):
            raise ApiError(415, "unsupported_media_type", "Format de demande non pris en charge : envoyez du JSON.")
        raw = await read_limited(request, base64_limit(settings), settings)
        try:
            data: Any = json.loads(raw or b"null")
        except ValueError as exc:
            raise RequestValidationError([{"type": "json_invalid", "loc": ("body",), "msg": "JSON invalide"}]) from exc
        try:
            value = model.model_validate(data)
        except ValidationError as exc:
            errors = [{**e, "loc": ("body", *e["loc"])} for e in exc.errors()]
            raise RequestValidationError(errors) from exc
        return ParsedBody(value, body_hash(request.method, request.url.path, raw))

    return dependency


def json_body_openapi(model: type[BaseModel]) -> dict[str, Any]:
    return {
        "requestBody": {
            "required": True,
            "content": {"application/json": {"schema": {"$ref": f"#/components/schemas/{model.__name__}"}}},
        }
    }
