"""The call log: each call's motif, outcome and note, visible to the next conseiller in the dossier. A call
can be logged without an open dossier (a caller who failed the identity check is still a call)."""

from __future__ import annotations

from sqlmodel import Session

from models.schemas.agent import CallLogCreate, CallLogOut
from models.tables import Account, CallLog
from server.clock import Clock
from server.services.agent.common import done_for, get_member


def log_call(
    session: Session, clock: Clock, agent: Account, member_id: int, body: CallLogCreate, *, ip: str | None
) -> CallLogOut:
    get_member(session, member_id)
    row = CallLog(
        agent_account_id=agent.id or 0,
        member_id=member_id,
        caller_kind=body.caller_kind.value,
        motif=body.motif.strip(),
        outcome=body.outcome.value,
        note=(body.note or "").strip() or None,
        ticket=(body.ticket or "").strip() or None,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()
    done_for(session, clock, agent, "call_logged", member_id, detail={"call_id": row.id, "motif": row.motif}, ip=ip)
    session.commit()
    return CallLogOut(
        id=row.id or 0,
        at=row.created_at,
        agent_name=agent.display_name,
        caller_kind=body.caller_kind,
        motif=row.motif,
        outcome=body.outcome,
        note=row.note,
        ticket=row.ticket,
    )
