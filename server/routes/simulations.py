from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from models.schemas.simulation import SimulationRequest
from server.clock import paris_today
from server.deps import ClockDep, OptionalAuth, SessionDep
from server.errors import error_responses
from server.services import simulation as service

router = APIRouter(tags=["simulateur"])

_REQUEST_SCHEMA = SimulationRequest.model_json_schema()


@router.post(
    "/simulations",
    response_model=None,
    responses={
        200: {
            "description": "Le résultat, ou la liste des résultats (une demande par ligne d'un même soin)",
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            {"$ref": "#/components/schemas/SimulationResult"},
                            {"type": "array", "items": {"$ref": "#/components/schemas/SimulationResult"}},
                        ]
                    }
                }
            },
        },
        **error_responses(401, 403, 404, 422),
    },
    openapi_extra={
        "requestBody": {
            "required": True,
            "content": {
                "application/json": {
                    "schema": {
                        "anyOf": [
                            _REQUEST_SCHEMA,
                            {"type": "array", "items": _REQUEST_SCHEMA, "minItems": 1},
                        ]
                    }
                }
            },
        }
    },
    summary="Simuler un remboursement",
    description=(
        "Sans connexion : la demande porte la garantie (« guarantee » ou « guarantees »). Un adhérent "
        "connecté peut à la place indiquer « beneficiary_id » : ses contrats, ses plafonds déjà consommés "
        "et la date de son dernier équipement sont alors utilisés (404 pour une personne d'un autre adhérent)."
    ),
)
def simulate(
    payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    clock: ClockDep,
    session: SessionDep,
    current: OptionalAuth,
) -> JSONResponse:
    today = paris_today(clock)
    return JSONResponse(service.simulate(payload, today, session=session, current=current))
