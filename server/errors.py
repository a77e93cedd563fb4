"""The one error model, everywhere: every failure answers with ``models.schemas.errors.ErrorResponse``.

Services raise ``ApiError``; the handlers below also turn FastAPI/Starlette errors, request validation
errors (translated into French, field by field), the engine's ``InvalidRequest`` and anything
unexpected (500, logged, no traceback sent) into that model.
"""

from __future__ import annotations

import json
import logging
import re
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from sqlalchemy.exc import SQLAlchemyError, StatementError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.schemas.errors import ErrorDetail, ErrorResponse
from models.schemas.ids import MAX_ID
from server.http_headers import security_headers

log = logging.getLogger("espace.server")


class ApiError(Exception):
    def __init__(
        self,
        status_code: int,
        code: str,
        message: str,
        details: list[ErrorDetail] | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status_code = status_code
        self.code = code
        self.message = message
        self.details = details or []
        self.headers = headers


BEARER_CHALLENGE = {"WWW-Authenticate": "Bearer"}


def not_authenticated(code: str = "not_authenticated", message: str | None = None) -> ApiError:
    return ApiError(
        401,
        code,
        message or "Vous devez être connecté : identifiez-vous pour continuer.",
        headers=BEARER_CHALLENGE,
    )


def forbidden(code: str = "forbidden", message: str | None = None) -> ApiError:
    return ApiError(403, code, message or "Cet espace ne vous est pas accessible.")


_STATUS_WORDING: dict[int, tuple[str, str]] = {
    400: ("bad_request", "La demande est mal formée."),
    401: ("not_authenticated", "Vous devez être connecté : identifiez-vous pour continuer."),
    403: ("forbidden", "Cet espace ne vous est pas accessible."),
    404: ("not_found", "Cette page ou cette ressource n'existe pas."),
    405: ("method_not_allowed", "Cette opération n'est pas permise à cette adresse."),
    413: ("payload_too_large", "La demande est trop volumineuse."),
    415: ("unsupported_media_type", "Format de demande non pris en charge : envoyez du JSON."),
    429: ("too_many_requests", "Trop de demandes : patientez un instant puis réessayez."),
}
INTERNAL_MESSAGE = (
    "Une erreur inattendue s'est produite de notre côté. Réessayez dans quelques instants ; "
    "si elle persiste, contactez le service adhérent."
)

# pydantic error type -> French message (``{…}`` filled from the error's ctx)
_FRENCH_ERRORS: dict[str, str] = {
    "missing": "champ obligatoire",
    "json_invalid": "JSON invalide : le corps de la demande n'a pas pu être lu",
    "json_type": "JSON attendu",
    "string_type": "doit être du texte",
    "string_too_short": "trop court (au moins {min_length} caractère(s))",
    "string_too_long": "trop long (au plus {max_length} caractères)",
    "string_pattern_mismatch": "format invalide",
    "int_type": "doit être un nombre entier",
    "int_parsing": "doit être un nombre entier",
    "int_from_float": "doit être un nombre entier",
    "float_type": "doit être un nombre",
    "float_parsing": "doit être un nombre",
    "decimal_type": "doit être un nombre",
    "decimal_parsing": "doit être un nombre",
    "decimal_max_digits": "nombre trop grand (au plus {max_digits} chiffres)",
    "decimal_max_places": "au plus {decimal_places} décimale(s)",
    "finite_number": "doit être un nombre fini",
    "bool_type": "doit être vrai ou faux",
    "bool_parsing": "doit être vrai ou faux",
    "date_type": "doit être une date (AAAA-MM-JJ)",
    "date_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "date_from_datetime_parsing": "date invalide (format attendu : AAAA-MM-JJ)",
    "datetime_type": "doit être une date et une heure",
    "datetime_parsing": "date et heure invalides",
    "greater_than": "doit être strictement supérieur à {gt}",
    "greater_than_equal": "doit être supérieur ou égal à {ge}",
    "less_than": "doit être strictement inférieur à {lt}",
    "less_than_equal": "doit être inférieur ou égal à {le}",
    "enum": "valeur non autorisée (valeurs possibles : {expected})",
    "literal_error": "valeur non autorisée (valeurs possibles : {expected})",
    "dict_type": "doit être un objet JSON",
    "model_type": "doit être un objet JSON",
    "model_attributes_type": "doit être un objet JSON",
    "list_type": "doit être une liste",
    "too_short": "trop peu d'éléments (au moins {min_length})",
    "too_long": "trop d'éléments (au plus {max_length})",
    "extra_forbidden": "champ inconnu",
    "union_tag_invalid": "type d'objet inconnu",
    "value_error": "valeur invalide",
}


def french_validation_message(error: dict[str, Any]) -> str:
    template = _FRENCH_ERRORS.get(error.get("type", ""), "valeur invalide")
    try:
        return template.format(**(error.get("ctx") or {}))
    except (KeyError, IndexError, ValueError):
        return template.split(" (")[0]


def _field_path(loc: tuple[Any, ...] | list[Any]) -> str | None:
    parts = list(loc)
    if parts and parts[0] in ("body", "query", "path", "header", "cookie"):
        parts = parts[1:]
    # A union body (object or list) adds the branch name to the location: drop it.
    parts = [p for p in parts if not (isinstance(p, str) and ("[" in p or p.startswith("function-")))]
    path = ""
    for part in parts:
        path += f"[{part}]" if isinstance(part, int) else (f".{part}" if path else str(part))
    return path or None


def validation_details(errors: list[dict[str, Any]]) -> list[ErrorDetail]:
    details: list[ErrorDetail] = []
    for error in errors:
        detail = ErrorDetail(field=_field_path(error.get("loc", ())), message=french_validation_message(error))
        if detail not in details:
            details.append(detail)
    return details


def _response(status_code: int, body: ErrorResponse, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse(status_code=status_code, content=body.model_dump(mode="json"), headers=headers)


def invalid_request_response(details: list[ErrorDetail]) -> JSONResponse:
    first = details[0] if details else None
    message = "La demande contient des erreurs"
    if first is not None:
        message += f" : {first.field + ' : ' if first.field else ''}{first.message}."
    return _response(422, ErrorResponse(code="invalid_request", message=message, details=details))


async def _api_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, ApiError)
    body = ErrorResponse(code=exc.code, message=exc.message, details=exc.details)
    return _response(exc.status_code, body, exc.headers)


async def _http_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code, message = _STATUS_WORDING.get(exc.status_code, ("http_error", "La demande n'a pas abouti."))
    return _response(exc.status_code, ErrorResponse(code=code, message=message), exc.headers)


async def _validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return invalid_request_response(validation_details(list(exc.errors())))


class DatabaseFailure(Exception):
    """What the log says of a database error: its kinds, its SQLSTATE and its SQL, never its parameters nor the
    driver's message (PostgreSQL's DETAIL quotes values: « Key (login_email)=(…) already exists »)."""


def _loggable(exc: BaseException) -> BaseException:
    """``exc``, or for a database error anywhere in its chain, a ``DatabaseFailure`` with the same traceback."""
    seen: BaseException | None = exc
    while seen is not None and not isinstance(seen, StatementError):
        seen = seen.__cause__ or seen.__context__
    if seen is None:
        return exc
    orig = getattr(seen, "orig", None)
    state = getattr(orig, "sqlstate", None)
    driver = f"{type(orig).__name__}{f', SQLSTATE {state}' if state else ''}" if orig is not None else "-"
    return DatabaseFailure(f"{type(seen).__name__} ({driver}) [SQL: {seen.statement}]").with_traceback(
        exc.__traceback__
    )


async def _database_error(request: Request, exc: Exception) -> JSONResponse:
    """A database error that no service turned into a French 4xx: a 500, logged without its parameters, and
    handled here rather than by Starlette's outermost middleware, which would hand the original exception (and
    the driver's message quoting values) on to the server's own log."""
    return await _unexpected_error(request, exc)


async def _unexpected_error(request: Request, exc: Exception) -> JSONResponse:
    log.error(
        "unexpected error",
        exc_info=_loggable(exc),
        extra={"path": request.url.path, "method": request.method},
    )
    # sent by Starlette's outermost middleware, around SecurityHeaders: the same headers here
    headers = security_headers(request.url.path, "application/json")
    return _response(500, ErrorResponse(code="internal_error", message=INTERNAL_MESSAGE), headers)


# issue 11 (fuzzing): an identifier in the path larger than any database integer column (PostgreSQL
# INTEGER: 2³¹ - 1) names nothing. It used to reach the query and fail there (SQLite OverflowError,
# PostgreSQL NumericValueOutOfRange): a 500. Answered 404 before routing, like any unknown identifier.


def _beyond_integer(part: str) -> bool:
    """A path segment that is a number no database integer can hold, either way (``-41518235124439`` too)."""
    digits = part.removeprefix("-")
    return digits.isdigit() and len(digits) >= 10 and not -MAX_ID - 1 <= int(part) <= MAX_ID


class IdOutOfRange:
    """Plain ASGI (not ``@app.middleware("http")``, whose task group and stream cost every request)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        path = scope.get("path", "") if scope["type"] == "http" else ""
        if any(_beyond_integer(part) for part in path.split("/")):
            code, message = _STATUS_WORDING[404]
            await _response(404, ErrorResponse(code=code, message=message))(scope, receive, send)
            return
        await self.app(scope, receive, send)


NUL_REFUSED = (
    "Le texte envoyé contient un caractère nul (invisible, souvent venu d'un copier-coller) : retirez-le, "
    "puis envoyez à nouveau."
)


def nul_refused(field: str | None = None) -> ApiError:
    """U+0000 in a text: PostgreSQL cannot store it nor compare with it (SQLite can), so it is refused the same
    way on both databases, before anything is written (found by the stateful fuzz on PostgreSQL)."""
    return ApiError(422, "invalid_request", NUL_REFUSED, details=[ErrorDetail(field=field, message="caractère nul")])


# A JSON escape of U+0000 (``\u0000`` after an even number of backslashes: ``\\u0000`` is the text « \u0000 »).
_JSON_NUL = re.compile(rb"(?<!\\)(?:\\\\)*\\u0000")
NUL_CHECKED_BODY_BYTES = 64 * 1024
"""JSON bodies up to this size are read and checked before any route runs (logins, searches, forms); larger
ones carry attachments in base64, and their texts are checked when written (``server.db``)."""


def _nul_field(body: bytes) -> str | None:
    """The field whose text holds the NUL (``files.0.filename``), to name it as validation errors do."""

    def walk(value: Any, path: tuple[str, ...]) -> tuple[str, ...] | None:
        if isinstance(value, str):
            return path if "\x00" in value else None
        items = value.items() if isinstance(value, dict) else enumerate(value) if isinstance(value, list) else ()
        for key, item in items:
            if isinstance(key, str) and "\x00" in key:
                return (*path, key)
            if (found := walk(item, (*path, str(key)))) is not None:
                return found
        return None

    try:
        found = walk(json.loads(body), ())
    except ValueError:
        return None
    return ".".join(found) if found else None


class NulInRequest:
    """A NUL in the path, the query string (``%00``) or a JSON body: refused before any route reads it, so
    that no lookup sends it to the database either (plain ASGI)."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if "\x00" in scope.get("path", "") or b"%00" in scope.get("query_string", b""):
            await self._refuse(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        length = headers.get(b"content-length", b"")
        is_json = headers.get(b"content-type", b"").split(b";")[0].strip().lower() == b"application/json"
        if not (is_json and length.isdigit() and int(length) <= NUL_CHECKED_BODY_BYTES):
            await self.app(scope, receive, send)
            return
        chunks: list[bytes] = []
        while True:
            message = await receive()
            if message["type"] != "http.request":  # the client went away
                return
            chunks.append(message.get("body", b""))
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        if _JSON_NUL.search(body):
            await self._refuse(scope, receive, send, _nul_field(body))
            return
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if replayed:
                return await receive()
            replayed = True
            return {"type": "http.request", "body": body, "more_body": False}

        await self.app(scope, replay, send)

    @staticmethod
    async def _refuse(scope: Scope, receive: Receive, send: Send, field: str | None = None) -> None:
        error = nul_refused(field)
        body = ErrorResponse(code=error.code, message=error.message, details=error.details)
        await _response(422, body)(scope, receive, send)


def install_error_handlers(app: FastAPI) -> None:
    app.add_middleware(IdOutOfRange)
    app.add_middleware(NulInRequest)
    app.add_exception_handler(ApiError, _api_error)
    app.add_exception_handler(StarletteHTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _validation_error)
    app.add_exception_handler(SQLAlchemyError, _database_error)
    app.add_exception_handler(Exception, _unexpected_error)


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` of a route: each listed status answers with ErrorResponse."""
    descriptions = {
        **{s: w[1] for s, w in _STATUS_WORDING.items()},
        422: "Demande invalide",
        500: "Erreur interne",
    }
    return {
        status: {"model": ErrorResponse, "description": descriptions.get(status, "Erreur")}
        for status in (*statuses, 500)
    }
