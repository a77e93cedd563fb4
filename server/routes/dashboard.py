from fastapi import APIRouter

from models.schemas.dashboard import Dashboard
from server.clock import paris_today
from server.deps import ClockDep, CurrentAccount, CurrentMember, SessionDep, SettingsDep
from server.errors import error_responses
from server.services import dashboard as service

router = APIRouter(tags=["tableau de bord"])


@router.get(
    "/me/dashboard",
    response_model=Dashboard,
    responses=error_responses(401, 403),
    summary="Tableau de bord de l'adhérent connecté",
)
def my_dashboard(
    member: CurrentMember, account: CurrentAccount, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Dashboard:
    return service.dashboard(
        session, member, account, paris_today(clock), phone=settings.service_phone, hours=settings.service_hours
    )
