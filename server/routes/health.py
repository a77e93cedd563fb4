from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from server.deps import SessionDep
from server.errors import error_responses
from server.services.readiness import check_ready

router = APIRouter(tags=["santé du service"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", response_model=Health, responses=error_responses(), summary="Le service répond")
def health() -> Health:
    return Health()


@router.get(
    "/ready",
    response_model=Health,
    responses=error_responses(503),
    summary="Le service est prêt : base de données joignable et à jour",
)
def ready(session: SessionDep) -> Health:
    check_ready(session)
    return Health()
