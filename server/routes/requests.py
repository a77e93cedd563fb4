"""Démarches en ligne and "Mes démarches" (issue 7). Every creating POST accepts ``Idempotency-Key``."""

from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import APIRouter, Depends
from fastapi.responses import JSONResponse
from pydantic import BaseModel

from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    ReimbursementRequestCreate,
    RequestDetail,
    RequestList,
)
from models.tables import Member
from server.clock import Clock
from server.deps import ClockDep, CurrentAccount, CurrentMember, SessionDep, SettingsDep
from server.errors import error_responses
from server.routes._body import ParsedBody, json_body, json_body_openapi
from server.routes._idempotency import IdempotencyDep
from server.routes._links import response_links
from server.services import requests as service
from server.settings import Settings

if TYPE_CHECKING:  # a type only: routes hold no SQL
    from sqlmodel import Session

    Creator = Callable[[Session, Clock, Settings, Member, Any], RequestDetail]

router = APIRouter(tags=["démarches"])

# A démarche just created can be read back by its member and handled by a conseiller.
CREATED_LINKS = response_links(
    201,
    ("GET", "/me/requests/{request_id}"),
    ("GET", "/agent/requests/{request_id}"),
    ("POST", "/agent/requests/{request_id}/notes"),
    ("POST", "/agent/requests/{request_id}/decision"),
    parameters={"request_id": "$response.body#/id"},
)
CREATING_PATHS = (
    "/me/requests/reimbursements",
    "/me/requests/documents",
    "/me/requests/accidents",
    "/me/requests/hospital-covers",
    "/me/requests/quotes",
)


@router.get(
    "/me/requests",
    response_model=RequestList,
    responses=error_responses(401, 403),
    summary="Mes démarches : chaque demande et son statut",
)
def my_requests(member: CurrentMember, session: SessionDep) -> RequestList:
    return service.list_requests(session, member)


@router.get(
    "/me/requests/{request_id}",
    response_model=RequestDetail,
    responses=error_responses(401, 403, 404),
    summary="Une démarche, sa réponse et ses documents",
)
def my_request(request_id: int, member: CurrentMember, session: SessionDep) -> RequestDetail:
    return service.get_request(session, member, request_id)


def _creating_route(path: str, model: type[BaseModel], creator: "Creator", summary: str) -> None:
    @router.post(
        path,
        status_code=201,
        response_model=RequestDetail,
        responses={**CREATED_LINKS, **error_responses(401, 403, 413, 415, 422)},
        openapi_extra=json_body_openapi(model),
        summary=summary,
        name=f"create_{path.rsplit('/', 1)[-1]}",
    )
    def create(
        member: CurrentMember,
        account: CurrentAccount,
        session: SessionDep,
        clock: ClockDep,
        settings: SettingsDep,
        body: Annotated[ParsedBody[Any], Depends(json_body(model))],
        idempotency: IdempotencyDep,
    ) -> JSONResponse:
        return idempotency.run(
            session, clock, account, body, lambda: creator(session, clock, settings, member, body.value)
        )


_creating_route(
    "/me/requests/reimbursements",
    ReimbursementRequestCreate,
    service.create_reimbursement,
    "Demander un remboursement (facture acquittée ou décompte d'une autre mutuelle)",
)
_creating_route(
    "/me/requests/documents",
    DocumentDepositCreate,
    service.create_document_deposit,
    "Déposer des documents (un seul type de demande par dépôt)",
)
_creating_route("/me/requests/accidents", AccidentCreate, service.create_accident, "Déclarer un accident")
_creating_route(
    "/me/requests/hospital-covers",
    HospitalCoverCreate,
    service.create_hospital_cover,
    "Demander une prise en charge hospitalière",
)
_creating_route(
    "/me/requests/quotes",
    QuoteCreate,
    service.create_quote,
    "Envoyer un devis : estimation immédiate, réponse d'un conseiller ensuite",
)
