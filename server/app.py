"""The FastAPI application factory."""

from __future__ import annotations

import gc
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import HTMLResponse
from fastapi.routing import APIRoute, iter_route_contexts
from pydantic import BaseModel
from sqlalchemy import Engine
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from models.schemas.messaging import MessageCreate, ThreadCreate
from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    ReimbursementRequestCreate,
)
from models.schemas.simulation import SimulationResult
from server.clock import Clock, SystemClock
from server.db import SessionScope, connections_of, create_db_engine, read_engine, session_scope_for
from server.errors import install_error_handlers
from server.http_headers import SecurityHeaders
from server.logs import configure_logging
from server.pages import page
from server.routes import api_router
from server.settings import Settings

API_TITLE = "Espace Adhérent"
API_VERSION = "1"
# Models described in the document although no route validates them (the simulator passes the
# engine's JSON through untouched).
DOCUMENTED_MODELS: tuple[type[BaseModel], ...] = (
    SimulationResult,
    # issue 7: bodies read by hand (streamed with a size limit), declared here
    ThreadCreate,
    MessageCreate,
    ReimbursementRequestCreate,
    DocumentDepositCreate,
    AccidentCreate,
    HospitalCoverCreate,
    QuoteCreate,
)

access_log = logging.getLogger("espace.access")


class AccessLog:
    """One log line per request (method, path, status, duration). A plain ASGI middleware rather than
    ``@app.middleware("http")`` (Starlette's BaseHTTPMiddleware), which adds a task group and a stream to
    every request: measured on the claims list, that was a visible share of a few-millisecond answer."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = time.perf_counter()
        status = 500  # an exception escaping the app is answered 500 by the outer error middleware

        async def send_and_note(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_and_note)
        finally:
            access_log.info(
                "request",
                extra={
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "duration_ms": round((time.perf_counter() - started) * 1000, 1),
                },
            )


def _openapi(app: FastAPI) -> Callable[[], dict[str, Any]]:
    def build() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = get_openapi(title=API_TITLE, version=API_VERSION, routes=app.routes, description=app.description)
            components = schema.setdefault("components", {}).setdefault("schemas", {})
            for model in DOCUMENTED_MODELS:
                model_schema = model.model_json_schema(ref_template="#/components/schemas/{model}")
                components.update(model_schema.pop("$defs", {}))
                components[model.__name__] = model_schema
            # path parameters make FastAPI add its own 422 model; this app answers every error with ErrorResponse
            for operations in schema.get("paths", {}).values():
                for operation in operations.values():
                    for code, response in operation.get("responses", {}).items():
                        content = response.get("content", {}).get("application/json", {})
                        if code.startswith("4") and content.get("schema", {}).get("$ref", "").endswith(
                            "/HTTPValidationError"
                        ):
                            content["schema"] = {"$ref": "#/components/schemas/ErrorResponse"}
                            response["description"] = "Demande invalide"
                    # issue 11 (fuzzing): a body that is not even text (invalid UTF-8) answers 400 bad_request
                    # on every route that reads one; declared where it was missing
                    if "requestBody" in operation and "400" not in operation.get("responses", {}):
                        operation["responses"]["400"] = {
                            "description": "La demande est mal formée.",
                            "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorResponse"}}},
                        }
            for unused in ("HTTPValidationError", "ValidationError"):
                components.pop(unused, None)
            schema["components"]["schemas"] = dict(sorted(components.items()))
            app.openapi_schema = schema
        return app.openapi_schema

    return build


def create_app(
    settings: Settings,
    clock: Clock | None = None,
    engine: Engine | None = None,
    session_scope: SessionScope | None = None,
    read_scope: SessionScope | None = None,
) -> FastAPI:
    """``session_scope`` (a factory of ``with``-able sessions) wins over ``engine``; tests pass one
    that hands out their transaction-bound session. Without either, an engine is built from
    ``settings.database_url``. ``read_scope``: the sessions of the requests that only read (``read_engine``);
    by default ``session_scope``'s when that is given, else the read engine's."""
    configure_logging(settings.log_level)
    read_connections = None
    if session_scope is None:
        engine = engine or create_db_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
            pool_recycle=settings.db_pool_recycle_seconds,
        )
        session_scope = session_scope_for(engine)
        if read_scope is None:
            reads = read_engine(engine)
            read_scope, read_connections = session_scope_for(reads), reads.connect
    docs = docs_enabled(settings)
    app = FastAPI(
        title=API_TITLE,
        version=API_VERSION,
        description="API de l'Espace Adhérent : les adhérents et les conseillers, dans le terminal.",
        # issue 16: FastAPI's /docs and /redoc load their script from a CDN; off everywhere. The document itself
        # only in demo and development; ``app.openapi()`` builds it anyway (the committed openapi.json).
        docs_url=None,
        redoc_url=None,
        openapi_url=OPENAPI_URL if docs else None,
    )
    app.state.settings = settings
    app.state.clock = clock or SystemClock()
    app.state.engine = engine
    app.state.session_scope = session_scope
    app.state.read_scope = read_scope or session_scope
    # the pages that read on a Core connection (``RequestContext.reading``)
    app.state.read_connections = read_connections or connections_of(app.state.read_scope)
    install_error_handlers(app)
    app.include_router(api_router)
    app.openapi = _openapi(app)  # type: ignore[method-assign]

    if docs:
        app.add_route(DOCS_URL, _docs_page(app), include_in_schema=False)
    app.add_middleware(SecurityHeaders)
    app.add_middleware(AccessLog)

    return app


OPENAPI_URL = "/openapi.json"
DOCS_URL = "/docs"


def docs_enabled(settings: Settings) -> bool:
    """The API's documents are served in demo mode, or in development when ``api_docs`` is set; a production
    server does not describe its routes to whoever asks."""
    return settings.demo_mode or settings.api_docs


def _docs_page(app: FastAPI) -> Callable[[Request], Awaitable[HTMLResponse]]:
    """The operations of the API, listed by tag, on a page without any script (no CDN): the full document is
    ``/openapi.json``, for the tools that read OpenAPI."""

    async def docs_page(_request: Request) -> HTMLResponse:
        groups: dict[str, list[dict[str, str]]] = {}
        for path, operations in app.openapi().get("paths", {}).items():
            for method, operation in operations.items():
                tag = (operation.get("tags") or ["autres"])[0]
                groups.setdefault(tag, []).append(
                    {"method": method.upper(), "path": path, "summary": operation.get("summary", "")}
                )
        return page(
            "docs.html",
            title="Documentation de l'API",
            description=app.description,
            openapi_url=OPENAPI_URL,
            groups=sorted(groups.items()),
        )

    return docs_page


def app_factory() -> FastAPI:
    """For ``uvicorn --factory server.app:app_factory``: settings from the environment."""
    app = create_app(Settings())
    freeze_startup_heap()
    return app


def freeze_startup_heap() -> None:
    """What start-up built (FastAPI, Pydantic, SQLAlchemy and our modules: ~245 000 objects tracked by the
    collector) lives as long as the process: moved out of the collector's reach once, so that a full
    collection during a request scans what requests made, not all of that (measured: a full collection of the
    start-up heap takes ~120 ms on the development machine; issue 20)."""
    gc.collect()
    gc.freeze()


def api_operations(app: FastAPI) -> set[tuple[str, str]]:
    """Every (method, path) the app's API routes answer, included routers flattened (the access
    matrix test compares it with its rows)."""
    return {
        (method, context.path)
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        for method in (context.methods or set()) - {"HEAD", "OPTIONS"}
    }
