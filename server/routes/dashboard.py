from fastapi import APIRouter

from models.schemas.dashboard import Dashboard
from server.deps import CurrentAccount, CurrentMember, SessionDep
from server.errors import error_responses
from server.services import dashboard as service

router = APIRouter(tags=["tableau de bord"])


@router.get(
    "/me/dashboard",
    response_model=Dashboard,
    responses=error_responses(401, 403),
    summary="Tableau de bord de l'adhérent connecté",
)
def my_dashboard(member: CurrentMember, account: CurrentAccount, session: SessionDep) -> Dashboard:
    return service.dashboard(session, member, account)
