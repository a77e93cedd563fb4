"""Readiness: the database answers and its schema is at the migrations' head (issue 11).

Liveness (``/health``) says the process runs; readiness says it may be given traffic: a load balancer
takes a process out of rotation while this answers 503 (database down, or migrations not applied yet
during an upgrade)."""

from __future__ import annotations

import logging
from functools import cache

from sqlalchemy import text
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from server.errors import ApiError

log = logging.getLogger("espace.server")


@cache
def migration_heads() -> frozenset[str]:
    from alembic.script import ScriptDirectory

    from server.migrate import alembic_config

    return frozenset(ScriptDirectory.from_config(alembic_config()).get_heads())


def check_ready(session: Session) -> None:
    """Raise a 503 ``ApiError`` unless the database is reachable and at the migrations' head."""
    try:
        applied = set(session.execute(text("SELECT version_num FROM alembic_version")).scalars())
    except SQLAlchemyError as exc:
        log.warning("not ready: database", extra={"error": type(exc).__name__})
        raise ApiError(
            503,
            "database_unavailable",
            "La base de données ne répond pas, ou n'est pas initialisée : le service n'est pas prêt.",
            headers={"Retry-After": "5"},
        ) from None
    if applied != migration_heads():
        raise ApiError(
            503,
            "migrations_pending",
            "La base de données n'est pas à jour : appliquez les migrations (espace db upgrade).",
            headers={"Retry-After": "5"},
        )
