from fastapi import APIRouter

from models.schemas.dashboard import Dashboard
from server.deps import MemberContext
from server.errors import error_responses
from server.services import dashboard as service

router = APIRouter(tags=["tableau de bord"])


@router.get(
    "/me/dashboard",
    response_model=Dashboard,
    responses=error_responses(401, 403),
    summary="Tableau de bord de l'adhérent connecté",
)
async def my_dashboard(context: MemberContext) -> Dashboard:
    today, settings = context.today, context.settings
    return await context.as_member(
        lambda call: service.dashboard(
            call.session, call.viewer, call.account, today, phone=settings.service_phone, hours=settings.service_hours
        )
    )
