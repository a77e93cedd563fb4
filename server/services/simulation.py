"""The simulator: the engine's JSON in, the engine's JSON out.

Stateless form (anyone): the request carries its guarantee lines. Member form (a logged-in member): a
request names a ``beneficiary_id`` and no guarantee; `server.services.guarantees` then takes the lines
of that beneficiary's contracts, the ceilings already used and the last équipement.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlmodel import Session

from models.schemas.common import Role
from models.schemas.errors import ErrorDetail
from models.tables import Member
from server.errors import ApiError, forbidden, not_authenticated
from server.services.auth import Authenticated


def _stateless(payload: dict[str, Any] | list[dict[str, Any]], today: date) -> Any:
    # Imported here: the engine is a pure module of its own, loaded when first needed.
    from models.domain.simulation import InvalidRequest, run_simulation_json

    try:
        return run_simulation_json(payload, today)
    except InvalidRequest as exc:
        field = getattr(exc, "field", None)
        message = getattr(exc, "message", None) or str(exc)
        prefix = f"{field} : " if field else ""
        raise ApiError(
            422,
            "invalid_request",
            f"La simulation n'a pas pu être faite : {prefix}{message}",
            details=[ErrorDetail(field=field, message=message)],
        ) from exc


def member_for_auth(session: Session, current: Authenticated | None) -> Member:
    """The member behind the caller (``server.deps.OptionalAuth``: the session already checked, the
    password-expired rule already applied), with the ``CurrentMember`` answers: 401 without a session,
    403 for staff."""
    if current is None:
        raise not_authenticated(
            message="La simulation sur vos propres contrats demande d'être connecté : identifiez-vous, "
            "ou indiquez la garantie (« guarantee »)."
        )
    account = current.account
    member = session.get(Member, account.member_id) if account.member_id is not None else None
    if account.role != Role.member or member is None:
        raise forbidden("members_only", "Cet espace est réservé aux adhérents.")
    return member


def simulate(
    payload: dict[str, Any] | list[dict[str, Any]],
    today: date,
    *,
    session: Session | None = None,
    current: Authenticated | None = None,
) -> Any:
    from server.services import guarantees

    if guarantees.is_member_form(payload):
        assert session is not None
        member = member_for_auth(session, current)
        return guarantees.member_simulation(session, member, payload, today)
    return _stateless(payload, today)
