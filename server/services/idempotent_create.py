"""``Idempotency-Key`` for the creating POSTs of the messagerie and the démarches (security-rules.md:
every endpoint that creates something accepts it, so a client retry never creates it twice).

Stored in issue 4's ``idempotency_key`` table (scope, key, request hash, status, response body), in the
same transaction as what the request creates: either both are committed or neither. A replay with the
same key and the same body returns the stored answer; the same key with another body is refused (422).
Two concurrent first tries: the unique constraint lets one win; the other rolls back and replays it.

The key is reserved (status 0) *before* ``create`` runs, in the same transaction: a service that commits
by itself (the console conseiller's) commits its key with what it created, so a retry can never create
it twice. A retry that finds a key still reserved gets 409; a ``create`` that fails frees the key.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

import sqlalchemy as sa
from pydantic import BaseModel
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.schemas.errors import ErrorDetail
from models.tables import Account, IdempotencyKey
from server.clock import Clock
from server.errors import ApiError

KEY_MAX = 200
PENDING = 0  # status of a reserved key whose creation is not finished


def body_hash(method: str, path: str, raw: bytes) -> str:
    return hashlib.sha256(method.encode() + b" " + path.encode() + b"\n" + raw).hexdigest()


def _find(session: Session, scope: str, key: str) -> IdempotencyKey | None:
    return session.exec(select(IdempotencyKey).where(IdempotencyKey.scope == scope, IdempotencyKey.key == key)).first()


def _replay(row: IdempotencyKey, request_hash: str) -> tuple[int, Any]:
    if row.request_hash != request_hash:
        raise ApiError(
            422,
            "idempotency_key_reused",
            "Cette clé Idempotency-Key a déjà servi pour une autre demande : utilisez une nouvelle clé.",
            details=[ErrorDetail(field="Idempotency-Key", message="clé déjà utilisée pour un autre contenu")],
        )
    if row.status_code == PENDING:
        raise ApiError(
            409,
            "idempotency_key_in_progress",
            "Une demande avec cette clé Idempotency-Key est encore en cours : réessayez dans un instant.",
        )
    return row.status_code, row.response_body


def run_once(
    session: Session,
    clock: Clock,
    account: Account,
    key: str | None,
    request_hash: str,
    create: Callable[[], BaseModel],
    status_code: int = 201,
) -> tuple[int, Any]:
    """Run ``create`` (which adds rows to ``session`` without committing) once per key, then commit."""
    if key is not None and not (0 < len(key) <= KEY_MAX):
        raise ApiError(422, "invalid_request", f"En-tête Idempotency-Key invalide : 1 à {KEY_MAX} caractères.")
    scope = f"account:{account.id}"
    reserved: IdempotencyKey | None = None
    if key is not None:
        existing = _find(session, scope, key)
        if existing is not None:
            return _replay(existing, request_hash)
        reserved = IdempotencyKey(
            scope=scope,
            key=key,
            request_hash=request_hash,
            status_code=PENDING,
            response_body=None,
            created_at=clock.now(),
        )
        session.add(reserved)
        try:
            session.flush()
        except IntegrityError:
            session.rollback()
            existing = _find(session, scope, key)
            if existing is None:
                raise
            return _replay(existing, request_hash)
    try:
        body = create().model_dump(mode="json")
    except Exception:
        if reserved is not None:  # free the key, even if the service committed before failing
            session.rollback()
            table = IdempotencyKey.__table__  # type: ignore[attr-defined]
            session.execute(
                sa.delete(table).where(table.c.scope == scope, table.c.key == key, table.c.status_code == PENDING)
            )
            session.commit()
        raise
    if reserved is not None:
        reserved.status_code = status_code
        reserved.response_body = body
        session.add(reserved)
    try:
        session.commit()
    except IntegrityError:
        session.rollback()
        existing = _find(session, scope, key) if key is not None else None
        if existing is None:
            raise
        return _replay(existing, request_hash)
    return status_code, body
