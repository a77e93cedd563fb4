from fastapi import APIRouter

from models.schemas.dashboard import Dashboard
from server.clock import paris_today
from server.deps import ClockDep, CurrentAccount, CurrentViewer, SessionDep, SettingsDep
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
    viewer: CurrentViewer, account: CurrentAccount, session: SessionDep, clock: ClockDep, settings: SettingsDep
) -> Dashboard:
    return service.dashboard(
        session, viewer, account, paris_today(clock), phone=settings.service_phone, hours=settings.service_hours
    )
