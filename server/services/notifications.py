"""Notifications: a row the client lists, and the same news by email through the outbox, both in the
caller's transaction. The email (and an SMS) follows the member's préférences of the profil (issue 8:
``server.services.profile.notification_channels``; by default the portal and the email)."""

from __future__ import annotations

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.schemas.common import NotificationKind
from models.schemas.notifications import NotificationList, NotificationOut
from models.tables import Member, Notification
from server.clock import Clock
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.settings import Settings

LIST_LIMIT = 100


def notify(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    kind: NotificationKind,
    title: str,
    body: str,
    *,
    request_id: int | None = None,
    thread_id: int | None = None,
    claim_id: int | None = None,
) -> Notification:
    assert member.id is not None
    row = Notification(
        member_id=member.id,
        kind=kind,
        title=title,
        body=body,
        created_at=clock.now(),
        request_id=request_id,
        thread_id=thread_id,
        claim_id=claim_id,
    )
    session.add(row)
    # Lazy: the profile service imports the démarches, which notify.
    from models.schemas.profile import NotificationChannel
    from server.notify.sms import send_sms
    from server.services.profile import notification_channels

    channels = notification_channels(session, member)
    if NotificationChannel.sms in channels and member.mobile:
        send_sms(
            session, clock, settings, member.mobile, f"Espace Adhérent : {title}. Le détail est dans votre espace."
        )
    if NotificationChannel.email in channels and member.email:
        enqueue_mail(
            session,
            clock,
            to=member.email,
            subject=f"Espace Adhérent : {title}",
            body=(
                f"Bonjour {member.first_name} {member.last_name},\n\n{body}\n\n"
                f"Retrouvez le détail dans votre Espace Adhérent ({settings.public_base_url}).\n\n"
                "Ce message est envoyé automatiquement : n'y répondez pas, écrivez-nous depuis la messagerie "
                "de votre espace."
            ),
        )
    return row


def _out(row: Notification) -> NotificationOut:
    return NotificationOut(
        id=row.id or 0,
        kind=row.kind,
        title=row.title,
        body=row.body,
        created_at=row.created_at,
        read=row.read_at is not None,
        request_id=row.request_id,
        thread_id=row.thread_id,
        claim_id=row.claim_id,
    )


def unread_count(session: Session, member_id: int) -> int:
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(Notification.member_id == member_id, col(Notification.read_at).is_(None))
        ).one()
    )


def list_notifications(session: Session, member: Member) -> NotificationList:
    assert member.id is not None
    rows = session.exec(
        select(Notification)
        .where(Notification.member_id == member.id)
        .order_by(col(Notification.created_at).desc(), col(Notification.id).desc())
        .limit(LIST_LIMIT)
    ).all()
    return NotificationList(unread=unread_count(session, member.id), items=[_out(r) for r in rows])


def mark_read(session: Session, clock: Clock, member: Member, notification_id: int) -> NotificationOut:
    row = session.get(Notification, notification_id)
    if row is None or row.member_id != member.id:
        raise ApiError(404, "not_found", "Cette notification n'existe pas dans votre espace.")
    if row.read_at is None:
        row.read_at = clock.now()
        session.add(row)
        session.commit()
    return _out(row)
