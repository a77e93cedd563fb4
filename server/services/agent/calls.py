"""The call: « Qui appelle ? » starts it for one member (ending the conseiller's previous call, if any), the
server chooses the identity questions, the verification level rises during it (``identity``), and ending it
ends the level, with the call log (motif, outcome, note) or without. A call nobody ends runs out after
``settings.agent_call_limit``. Every step is audited « done for » the member."""

from __future__ import annotations

from sqlmodel import Session

from models.schemas.agent import (
    ActionDone,
    CallCodeCheck,
    CallCodeRequest,
    CallEnd,
    CallEnded,
    CallerKind,
    CallLogOut,
    CallOut,
    CallStart,
    IdentityAnswers,
    IdentityCheckOut,
    MemberHit,
    PhoneChannelReopen,
)
from models.schemas.common import CallOutcome, VerificationLevel
from models.tables import Account, AgentCall, CallLog, Member, PhoneChannelReopening
from server.clock import Clock, paris_today
from server.errors import ApiError
from server.services.agent import codes, identity
from server.services.agent.common import done_for, get_member
from server.services.agent.levels import allowed, open_call
from server.services.agent.search import hits_for
from server.settings import Settings


def _summary(session: Session, clock: Clock, member: Member) -> MemberHit:
    return hits_for(session, [member], "member_number", paris_today(clock))[0]


def call_out(session: Session, clock: Clock, settings: Settings, call: AgentCall) -> CallOut:
    member = get_member(session, call.member_id)
    now = clock.now()
    closed = identity.phone_channel_closed(session, clock, settings, call.member_id)
    verified = call.level in (VerificationLevel.identity.value, VerificationLevel.strong.value)
    return CallOut(
        id=call.id or 0,
        summary=_summary(session, clock, member),
        caller_kind=CallerKind(call.caller_kind),
        caller_name=call.caller_name,
        started_at=call.started_at,
        expires_at=call.expires_at,
        ended_at=call.ended_at,
        level=VerificationLevel(call.level),
        level_words=identity.level_words(call, now),
        flagged=call.flagged,
        reason=call.reason,
        questions=[] if closed and not verified else identity.call_questions(call),
        phone_channel_open=not closed,
        phone_channel_words=identity.channel_closed_words(settings) if closed else None,
        code_routes=codes.code_routes(session, clock, settings, member) if verified else [],
        code_pending=codes.code_pending(session, clock, settings, call.member_id) if verified else None,
        allowed=allowed(call.level) if call.ended_at is None and call.expires_at > now else [],
    )


def _end(session: Session, clock: Clock, agent: Account, call: AgentCall, why: str, ip: str | None) -> None:
    call.ended_at = clock.now()
    session.add(call)
    done_for(session, clock, agent, "call_ended", call.member_id, detail={"call_id": call.id, "why": why}, ip=ip)


def start_call(
    session: Session, clock: Clock, settings: Settings, agent: Account, body: CallStart, *, ip: str | None
) -> CallOut:
    member = get_member(session, body.member_id)
    now = clock.now()
    previous = open_call(session, agent, now)
    if previous is not None:
        _end(session, clock, agent, previous, "next_call", ip)
    call = AgentCall(
        agent_account_id=agent.id or 0,
        member_id=member.id or 0,
        caller_kind=body.caller_kind.value,
        caller_name=(body.caller_name or "").strip() or None,
        questions=[q.value for q in identity.choose_questions(session, settings, member)],
        started_at=now,
        expires_at=now + settings.agent_call_limit,
    )
    session.add(call)
    session.flush()
    done_for(
        session,
        clock,
        agent,
        "call_started",
        member.id or 0,
        detail={"call_id": call.id, "caller_kind": call.caller_kind, "caller_name": call.caller_name},
        ip=ip,
    )
    session.commit()
    return call_out(session, clock, settings, call)


def my_call(session: Session, clock: Clock, agent: Account, call_id: int) -> AgentCall:
    """This conseiller's call in progress with this id: another's call, or an ended one, is a 404."""
    call = open_call(session, agent, clock.now())
    if call is None or call.id != call_id:
        raise ApiError(404, "not_found", "Appel introuvable ou terminé : ouvrez un nouvel appel (« Qui appelle ? »).")
    return call


def current_call(session: Session, clock: Clock, settings: Settings, agent: Account) -> CallOut:
    call = open_call(session, agent, clock.now())
    if call is None:
        raise ApiError(404, "not_found", "Aucun appel en cours.")
    return call_out(session, clock, settings, call)


def check_identity(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call_id: int,
    body: IdentityAnswers,
    *,
    ip: str | None,
) -> IdentityCheckOut:
    call = my_call(session, clock, agent, call_id)
    row, message = identity.check_identity(session, clock, settings, agent, call, body, ip=ip)
    return IdentityCheckOut(
        id=row.id or 0,
        passed=row.passed,
        checks=row.checks,
        message=message,
        call=call_out(session, clock, settings, call),
    )


def send_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call_id: int,
    body: CallCodeRequest,
    *,
    ip: str | None,
) -> CallOut:
    call = my_call(session, clock, agent, call_id)
    codes.send_code(session, clock, settings, agent, call, body, ip=ip)
    return call_out(session, clock, settings, call)


def check_code(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call_id: int,
    body: CallCodeCheck,
    *,
    ip: str | None,
) -> CallOut:
    call = my_call(session, clock, agent, call_id)
    codes.check_code(session, clock, settings, agent, call, body, ip=ip)
    return call_out(session, clock, settings, call)


def end_call(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    call_id: int,
    body: CallEnd,
    *,
    ip: str | None,
) -> CallEnded:
    """End the call (its level with it) and, when given, write its log: what the next conseiller reads."""
    call = my_call(session, clock, agent, call_id)
    log_out = None
    if body.log is not None:
        row = CallLog(
            call_id=call.id,
            agent_account_id=agent.id or 0,
            member_id=call.member_id,
            caller_kind=call.caller_kind,
            motif=body.log.motif.strip(),
            outcome=body.log.outcome.value,
            note=(body.log.note or "").strip() or None,
            ticket=(body.log.ticket or "").strip() or None,
            created_at=clock.now(),
        )
        session.add(row)
        session.flush()
        done_for(
            session,
            clock,
            agent,
            "call_logged",
            call.member_id,
            detail={"call_id": call.id, "log_id": row.id, "motif": row.motif, "outcome": row.outcome},
            ip=ip,
        )
        log_out = CallLogOut(
            id=row.id or 0,
            call_id=call.id,
            at=row.created_at,
            agent_name=agent.display_name,
            caller_kind=CallerKind(call.caller_kind),
            motif=row.motif,
            outcome=CallOutcome(row.outcome),
            note=row.note,
            ticket=row.ticket,
        )
    _end(session, clock, agent, call, "logged" if log_out else "ended", ip)
    session.commit()
    return CallEnded(
        call=call_out(session, clock, settings, call),
        log=log_out,
        message="Appel noté et terminé." if log_out else "Appel terminé (sans note).",
    )


def reopen_phone_channel(
    session: Session,
    clock: Clock,
    settings: Settings,
    supervisor: Account,
    member_id: int,
    body: PhoneChannelReopen,
    *,
    ip: str | None,
) -> ActionDone:
    member = get_member(session, member_id)
    if not identity.phone_channel_closed(session, clock, settings, member_id):
        raise ApiError(409, "phone_channel_open", "Le canal téléphonique de cet adhérent n'est pas fermé.")
    session.add(
        PhoneChannelReopening(
            member_id=member.id or 0,
            supervisor_account_id=supervisor.id or 0,
            reason=body.reason.strip(),
            at=clock.now(),
        )
    )
    event = done_for(
        session, clock, supervisor, "phone_channel_reopened", member_id, detail={"reason": body.reason.strip()}, ip=ip
    )
    session.commit()
    return ActionDone(
        action="phone_channel_reopened",
        message=f"Canal téléphonique rouvert pour {member.first_name} {member.last_name}.",
        audit_id=event.id or 0,
        member_told=False,
    )
