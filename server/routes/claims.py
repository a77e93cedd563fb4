"""Mes remboursements: thin routes over `server.services.claims` and `server.pdf.statements`."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Path, Query, Response

from models.schemas.claims import ClaimDetail, ClaimList, ClaimOptions, ClaimQuery
from models.schemas.query import QueryDate
from server.clock import paris_today
from server.deps import ClockDep, CurrentViewer, MemberContext, PrincipalViewer, SessionDep
from server.errors import error_responses
from server.pdf import statements as pdf
from server.routes._files import PDF_RESPONSE, file_response
from server.routes._links import response_links
from server.routes.requests import CREATING_PATHS
from server.services import claims as service

router = APIRouter(tags=["remboursements"])

CSV_RESPONSE: dict[int | str, dict[str, Any]] = {
    200: {
        "content": {"text/csv": {"schema": {"type": "string"}}},
        "description": "CSV (UTF-8 avec BOM, séparateur « ; », virgule décimale)",
    }
}


@router.get(
    "/me/claims",
    response_model=ClaimList,
    responses=error_responses(401, 403, 422),
    summary="Mes remboursements : liste filtrée, triée, paginée, avec les totaux du filtre",
)
async def my_claims(context: MemberContext, query: Annotated[ClaimQuery, Query()]) -> ClaimList:
    # async + one hop to the thread pool for authentication and the database work: FastAPI then checks the
    # response on the event loop instead of in a second thread-pool hop (the most used list of the app)
    today = context.today
    return await context.reading(lambda call: service.claims_page(call.connection, call.viewer, query, today))


@router.get(
    "/me/claims/options",
    response_model=ClaimOptions,
    # Each démarche names one of these beneficiaries.
    responses={
        **response_links(
            200,
            *(("POST", path) for path in CREATING_PATHS),
            request_body={"beneficiary_id": "$response.body#/beneficiaries/0/id"},
        ),
        **error_responses(401, 403),
    },
    summary="Ce que les filtres et les relevés peuvent proposer à ce foyer",
)
def my_claim_options(viewer: CurrentViewer, session: SessionDep, clock: ClockDep) -> ClaimOptions:
    return service.options(session, viewer, paris_today(clock))


@router.get(
    "/me/claims/export",
    response_class=Response,
    responses={**CSV_RESPONSE, **error_responses(401, 403, 422)},
    summary="Export CSV de la liste filtrée (toutes les pages)",
)
def export_my_claims(
    viewer: CurrentViewer, session: SessionDep, clock: ClockDep, query: Annotated[ClaimQuery, Query()]
) -> Response:
    today = paris_today(clock)
    _applied, items = service.all_claims(session, viewer, query, today)
    return file_response(service.claims_csv(items), "text/csv; charset=utf-8", f"remboursements-{today:%Y-%m-%d}.csv")


@router.get(
    "/me/claims/{claim_id}",
    response_model=ClaimDetail,
    responses=error_responses(401, 403, 404),
    summary="Le détail d'un remboursement, ligne par ligne",
)
async def my_claim(context: MemberContext, claim_id: int) -> ClaimDetail:
    return await context.as_member(lambda call: service.claim_detail(call.session, call.viewer, claim_id))


@router.get(
    "/me/payments/{payment_id}/statement",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403, 404)},
    summary="Relevé de prestations d'un paiement (PDF)",
)
def my_payment_statement(viewer: PrincipalViewer, session: SessionDep, clock: ClockDep, payment_id: int) -> Response:
    items = service.payment_statement(session, viewer, payment_id)
    content = pdf.payment_statement_pdf(viewer.member, items, paris_today(clock))
    return file_response(content, "application/pdf", f"releve-prestations-{items[0].payment.payment_date:%Y-%m-%d}.pdf")


@router.get(
    "/me/statements/period",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403, 422)},
    summary="Relevé de prestations de tous les paiements d'une période, en un fichier (PDF)",
)
def my_period_statement(
    viewer: PrincipalViewer,
    session: SessionDep,
    clock: ClockDep,
    date_from: Annotated[
        QueryDate | None, Query(description="premier jour (paiements) ; défaut : il y a 24 mois")
    ] = None,
    date_to: Annotated[QueryDate | None, Query(description="dernier jour (paiements) ; défaut : aujourd'hui")] = None,
) -> Response:
    today = paris_today(clock)
    start = date_from or service.months_before(today, service.DEFAULT_MONTHS)
    end = date_to or today
    items = service.period_statement(session, viewer, start, end)
    content = pdf.period_statement_pdf(viewer.member, items, start, end, today)
    return file_response(content, "application/pdf", f"releve-prestations-{start:%Y-%m-%d}-au-{end:%Y-%m-%d}.pdf")


@router.get(
    "/me/statements/annual/{year}",
    response_class=Response,
    responses={**PDF_RESPONSE, **error_responses(401, 403, 404, 422)},
    summary="Relevé annuel des prestations d'une année civile (les 7 dernières années) (PDF)",
)
def my_annual_statement(
    viewer: PrincipalViewer, session: SessionDep, clock: ClockDep, year: Annotated[int, Path(ge=1900, le=2999)]
) -> Response:
    today = paris_today(clock)
    lines = service.annual_statement(session, viewer, year, today)
    return file_response(
        pdf.annual_statement_pdf(viewer.member, year, lines, today), "application/pdf", f"releve-annuel-{year}.pdf"
    )
