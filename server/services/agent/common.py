"""Shared by the console's services: audit "done for" a member, lookups, the account state in words."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlmodel import Session, select

from models.domain.vocabulary import inline_words
from models.schemas.common import AccountState, Role
from models.tables import Account, AuditEvent, LoginThrottle, Member
from server.clock import PARIS, Clock
from server.errors import ApiError
from server.services import audit
from server.services.throttle import throttle_key
from server.settings import Settings

STAFF = (Role.agent, Role.supervisor)


def member_not_found() -> ApiError:
    return ApiError(404, "not_found", "Adhérent introuvable.")


def get_member(session: Session, member_id: int) -> Member:
    member = session.get(Member, member_id)
    if member is None:
        raise member_not_found()
    return member


def member_account(session: Session, member_id: int) -> Account | None:
    return session.exec(select(Account).where(Account.member_id == member_id, Account.role == Role.member)).first()


def done_for(
    session: Session,
    clock: Clock,
    agent: Account,
    action: str,
    member_id: int,
    *,
    detail: dict[str, Any] | None = None,
    ip: str | None = None,
) -> AuditEvent:
    """One append-only row: who (the conseiller), for whom (the member), what, why (in ``detail``)."""
    event = audit.record(
        session,
        clock,
        action,
        actor_account_id=agent.id,
        target_type="member",
        target_id=member_id,
        detail={"done_by": agent.display_name, **(detail or {})},
        ip=ip,
    )
    session.flush()
    return event


def at_words(moment: datetime, now: datetime) -> str:
    """« 14 h 32 » today, « 24/11 à 0 h 15 » another day (Europe/Paris)."""
    local, today = moment.astimezone(PARIS), now.astimezone(PARIS)
    clock_words = f"{local.hour} h {local:%M}"
    return clock_words if local.date() == today.date() else f"{local:%d/%m} à {clock_words}"


def locked_until(session: Session, settings: Settings, account: Account, now: datetime) -> datetime | None:
    """The later of the row's lock (demo, a conseiller) and the login counter's lock, if still running."""
    ends = []
    if account.state == AccountState.locked and account.locked_until is not None and account.locked_until > now:
        ends.append(account.locked_until)
    row = session.get(LoginThrottle, throttle_key(settings, f"login:account:{account.id}"))
    if row is not None and row.locked_until is not None and row.locked_until > now:
        ends.append(row.locked_until)
    return max(ends) if ends else None


def account_words(session: Session, settings: Settings, member: Member, account: Account | None, now: datetime) -> str:
    if account is None or account.state == AccountState.never_activated:
        words = ["jamais activé"]
    else:
        until = locked_until(session, settings, account, now)
        if until is not None:
            words = [f"verrouillé jusqu'à {at_words(until, now)}"]
        else:
            words = [inline_words(account.state, "console")]
    if not member.email:
        words.append("pas d'e-mail")
    if not member.mobile:
        words.append("pas de mobile")
    return ", ".join(words)
