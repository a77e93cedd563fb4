"""Mes garanties (with the PDF of the table) and the simulations kept in the member's space."""

from fastapi import APIRouter, status
from fastapi.responses import JSONResponse, Response

from models.schemas.guarantees import MyGuarantees, SavedSimulationCreate, SavedSimulationOut
from server.clock import paris_today
from server.deps import ClockDep, CurrentAccount, CurrentMember, CurrentViewer, MemberContext, SessionDep
from server.errors import error_responses
from server.routes._files import PDF_RESPONSE, file_response
from server.routes._idempotency import IdempotencyDep
from server.services import guarantees as service

router = APIRouter(tags=["garanties"])


@router.get(
    "/me/guarantees",
    response_model=MyGuarantees,
    responses=error_responses(401, 403),
    summary="Mes garanties : contrats, tableau par poste, plafonds consommés, prochains équipements",
)
async def my_guarantees(context: MemberContext) -> MyGuarantees:
    today = context.today
    return await context.as_member(lambda call: service.my_guarantees(call.session, call.viewer, today))


@router.get(
    "/me/guarantees/pdf",
    response_class=Response,
    responses={
        **PDF_RESPONSE,
        **error_responses(401, 403),
    },
    summary="Mon tableau de garanties en PDF",
)
def my_guarantees_pdf(viewer: CurrentViewer, session: SessionDep, clock: ClockDep) -> Response:
    content = service.my_guarantees_pdf(session, viewer, paris_today(clock))
    return file_response(content, "application/pdf", "tableau-de-garanties.pdf")


@router.post(
    "/me/simulations",
    response_model=SavedSimulationOut,
    status_code=status.HTTP_201_CREATED,
    responses=error_responses(401, 403, 404, 422),
    summary="Enregistrer une simulation dans mon espace (recalculée par le serveur ; Idempotency-Key accepté)",
)
def save_simulation(
    body: SavedSimulationCreate,
    member: CurrentMember,
    account: CurrentAccount,
    session: SessionDep,
    clock: ClockDep,
    idempotency: IdempotencyDep,
) -> JSONResponse:
    return idempotency.run(
        session, clock, account, body, lambda: service.save_simulation(session, member, body, clock, paris_today(clock))
    )


@router.get(
    "/me/simulations",
    response_model=list[SavedSimulationOut],
    responses=error_responses(401, 403),
    summary="Mes simulations enregistrées, les plus récentes d'abord",
)
def saved_simulations(member: CurrentMember, session: SessionDep) -> list[SavedSimulationOut]:
    return service.saved_simulations(session, member)
