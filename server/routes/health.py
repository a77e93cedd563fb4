from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel

from server.errors import error_responses

router = APIRouter(tags=["santé du service"])


class Health(BaseModel):
    status: Literal["ok"] = "ok"


@router.get("/health", response_model=Health, responses=error_responses(), summary="Le service répond")
def health() -> Health:
    return Health()
