from typing import Annotated, Any

from fastapi import APIRouter, Body
from fastapi.responses import JSONResponse

from models.schemas.simulation import SimulationRequest
from server.clock import paris_today
from server.deps import ClockDep
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
        **error_responses(422),
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
    summary="Simuler un remboursement (sans connexion)",
)
def simulate(
    payload: Annotated[dict[str, Any] | list[dict[str, Any]], Body()],
    clock: ClockDep,
) -> JSONResponse:
    return JSONResponse(service.simulate(payload, paris_today(clock)))
