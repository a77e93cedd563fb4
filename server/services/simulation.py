"""The stateless simulator: the engine's JSON in, the engine's JSON out."""

from __future__ import annotations

from datetime import date
from typing import Any

from models.schemas.errors import ErrorDetail
from server.errors import ApiError


def simulate(payload: dict[str, Any] | list[dict[str, Any]], today: date) -> Any:
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
