"""Notifications (issue 7)."""

from fastapi import APIRouter

from models.schemas.notifications import NotificationList, NotificationOut
from server.deps import ClockDep, CurrentMember, SessionDep
from server.errors import error_responses
from server.services import notifications

router = APIRouter(tags=["notifications"])


@router.get(
    "/me/notifications",
    response_model=NotificationList,
    responses=error_responses(401, 403),
    summary="Mes notifications (les plus récentes d'abord)",
)
def my_notifications(member: CurrentMember, session: SessionDep) -> NotificationList:
    return notifications.list_notifications(session, member)


@router.post(
    "/me/notifications/{notification_id}/read",
    response_model=NotificationOut,
    responses=error_responses(401, 403, 404),
    summary="Marquer une notification comme lue",
)
def mark_read(notification_id: int, member: CurrentMember, session: SessionDep, clock: ClockDep) -> NotificationOut:
    return notifications.mark_read(session, clock, member, notification_id)
