"""The queue: threads waiting for an answer (by due date: 48 h ouvrées, ACPR deadlines for réclamations,
rendez-vous téléphoniques with their slots) and démarches to process (remboursement, documents, accident,
prise en charge hospitalière, devis). Assign to me; answer the member, or write an internal note the member
never sees (its own table, read by no member route); accept or refuse a démarche with a reason, which the
member sees and is notified of. Written requests need no phone identity check (the member wrote from their
authenticated space); every opening and every answer is audited."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlmodel import Session, col, select

from models.domain.vocabulary import inline_words
from models.schemas.agent import (
    ActionDone,
    AgentAnswer,
    InternalNoteCreate,
    InternalNoteOut,
    Queue,
    QueueItem,
    QueueKind,
    QueueRequest,
    QueueThread,
    RequestDecision,
)
from models.schemas.common import RequestKind, RequestStatus, ThreadCategory, ThreadStatus
from models.tables import (
    Account,
    Document,
    InternalNote,
    Member,
    MemberRequest,
    Message,
    MessageThread,
    QueueAssignment,
)
from server.clock import Clock
from server.errors import ApiError
from server.services import lifecycle, messaging
from server.services.agent.common import done_for
from server.services.agent.levels import require
from server.settings import Settings

WAITING_THREADS = (ThreadStatus.sent, ThreadStatus.in_progress)
WAITING_REQUESTS = (RequestStatus.received, RequestStatus.in_progress)
LIMIT = 200


def _not_found() -> ApiError:
    return ApiError(404, "not_found", "Élément introuvable dans la file.")


def _assignments(session: Session, kind: QueueKind, ids: list[int]) -> dict[int, tuple[int, str]]:
    if not ids:
        return {}
    rows = session.exec(
        select(QueueAssignment.item_id, Account.id, Account.display_name)
        .join(Account, Account.id == QueueAssignment.agent_account_id)  # type: ignore[arg-type]
        .where(QueueAssignment.item_kind == kind.value, col(QueueAssignment.item_id).in_(ids))
    ).all()
    return {item_id: (account_id or 0, name) for item_id, account_id, name in rows}


def _thread_item(
    thread: MessageThread, member: Member, now: datetime, who: tuple[int, str] | None, me: int
) -> QueueItem:
    due = thread.answer_due_at
    if thread.category == ThreadCategory.reclamation and thread.acknowledged_at is None and thread.acknowledge_due_at:
        due = thread.acknowledge_due_at  # first the accusé de réception (10 jours ouvrables)
    return QueueItem(
        kind=QueueKind.thread,
        id=thread.id or 0,
        member_id=member.id or 0,
        member_number=member.member_number,
        member_name=f"{member.last_name} {member.first_name}",
        title=thread.subject,
        category=ThreadCategory(thread.category)
        if thread.category in ThreadCategory.__members__
        else ThreadCategory.other,
        thread_status=thread.status,
        received_at=thread.created_at,
        due_at=due,
        # issue 19: late only while it waits — an answered réclamation no longer says « EN RETARD »
        overdue=thread.status in WAITING_THREADS and due is not None and due < now,
        preferred_slots=thread.preferred_slots,
        assigned_to=who[1] if who else None,
        assigned_to_me=who is not None and who[0] == me,
    )


def _request_item(row: MemberRequest, member: Member, who: tuple[int, str] | None, me: int) -> QueueItem:
    return QueueItem(
        kind=QueueKind.request,
        id=row.id or 0,
        member_id=member.id or 0,
        member_number=member.member_number,
        member_name=f"{member.last_name} {member.first_name}",
        title=f"{row.reference} — {row.title}",
        request_kind=RequestKind(row.kind),
        request_status=row.status,
        received_at=row.created_at,
        assigned_to=who[1] if who else None,
        assigned_to_me=who is not None and who[0] == me,
    )


def queue(session: Session, clock: Clock, agent: Account, *, mine: bool = False) -> Queue:
    now = clock.now()
    me = agent.id or 0
    threads = session.exec(
        select(MessageThread, Member)
        .join(Member, Member.id == MessageThread.member_id)  # type: ignore[arg-type]
        .where(col(MessageThread.status).in_(WAITING_THREADS))
        .order_by(sa.nulls_last(col(MessageThread.answer_due_at).asc()), col(MessageThread.id))
        .limit(LIMIT)
    ).all()
    requests = session.exec(
        select(MemberRequest, Member)
        .join(Member, Member.id == MemberRequest.member_id)  # type: ignore[arg-type]
        .where(col(MemberRequest.status).in_(WAITING_REQUESTS))
        .order_by(col(MemberRequest.created_at), col(MemberRequest.id))
        .limit(LIMIT)
    ).all()
    t_who = _assignments(session, QueueKind.thread, [t.id or 0 for t, _ in threads])
    r_who = _assignments(session, QueueKind.request, [r.id or 0 for r, _ in requests])
    items = [_thread_item(t, m, now, t_who.get(t.id or 0), me) for t, m in threads]
    items += [_request_item(r, m, r_who.get(r.id or 0), me) for r, m in requests]
    items.sort(key=lambda i: (i.due_at is None, i.due_at or i.received_at, i.received_at))
    if mine:
        items = [i for i in items if i.assigned_to_me]
    return Queue(items=items)


def _gate(session: Session, clock: Clock, agent: Account, member_id: int, waiting: bool, operation: str) -> str:
    """How this conseiller may reach an item: « queue » while it waits, else through their call on the member
    at the level of ``operation``; 404 otherwise (an unknown id and a forbidden one look the same)."""
    if waiting:
        return "queue"
    try:
        require(session, clock, agent, member_id, operation)
    except ApiError:
        raise _not_found() from None
    return "call"


def _thread(
    session: Session, clock: Clock, agent: Account, thread_id: int, operation: str = "read"
) -> tuple[MessageThread, Member, str]:
    thread = session.get(MessageThread, thread_id)
    member = session.get(Member, thread.member_id) if thread else None
    if thread is None or member is None:
        raise _not_found()
    via = _gate(session, clock, agent, member.id or 0, thread.status in WAITING_THREADS, operation)
    return thread, member, via


def _request(
    session: Session, clock: Clock, agent: Account, request_id: int, operation: str = "read"
) -> tuple[MemberRequest, Member, str]:
    row = session.get(MemberRequest, request_id)
    member = session.get(Member, row.member_id) if row else None
    if row is None or member is None:
        raise _not_found()
    via = _gate(session, clock, agent, member.id or 0, row.status in WAITING_REQUESTS, operation)
    return row, member, via


def assign(
    session: Session, clock: Clock, agent: Account, kind: QueueKind, item_id: int, *, ip: str | None
) -> QueueItem:
    if kind == QueueKind.thread:
        thread, member, via = _thread(session, clock, agent, item_id)
    else:
        row, member, via = _request(session, clock, agent, item_id)
    if via != "queue":
        raise _not_found()  # only what waits in the queue is taken from it
    existing = session.exec(
        select(QueueAssignment).where(QueueAssignment.item_kind == kind.value, QueueAssignment.item_id == item_id)
    ).first()
    if existing is None:
        existing = QueueAssignment(
            item_kind=kind.value, item_id=item_id, agent_account_id=agent.id or 0, assigned_at=clock.now()
        )
    else:
        existing.agent_account_id = agent.id or 0
        existing.assigned_at = clock.now()
    session.add(existing)
    done_for(
        session, clock, agent, "queue_assigned", member.id or 0, detail={"kind": kind.value, "item_id": item_id}, ip=ip
    )
    session.commit()
    who = (agent.id or 0, agent.display_name)
    if kind == QueueKind.thread:
        return _thread_item(thread, member, clock.now(), who, agent.id or 0)
    return _request_item(row, member, who, agent.id or 0)


def _notes(session: Session, **where: int) -> list[InternalNoteOut]:
    statement = select(InternalNote, Account.display_name).join(
        Account,
        Account.id == InternalNote.agent_account_id,  # type: ignore[arg-type]
    )
    for name, value in where.items():
        statement = statement.where(getattr(InternalNote, name) == value)
    rows = session.exec(statement.order_by(col(InternalNote.created_at), col(InternalNote.id))).all()
    return [InternalNoteOut(id=n.id or 0, at=n.created_at, agent_name=name, body=n.body) for n, name in rows]


def _who(session: Session, kind: QueueKind, item_id: int) -> tuple[int, str] | None:
    return _assignments(session, kind, [item_id]).get(item_id)


def read_thread(
    session: Session, clock: Clock, settings: Settings, agent: Account, thread_id: int, *, ip: str | None
) -> QueueThread:
    thread, member, via = _thread(session, clock, agent, thread_id)
    detail = messaging._detail(session, clock, settings, thread, messaging._member_account_ids(session, member.id or 0))
    now = clock.now()
    mt = Message.__table__  # type: ignore[attr-defined]
    session.execute(
        sa.update(mt).where(mt.c.thread_id == thread.id, mt.c.read_by_agent_at.is_(None)).values(read_by_agent_at=now)
    )
    done_for(session, clock, agent, "thread_opened", member.id or 0, detail={"thread_id": thread_id, "via": via}, ip=ip)
    session.commit()
    return QueueThread(
        item=_thread_item(thread, member, now, _who(session, QueueKind.thread, thread_id), agent.id or 0),
        messages=[m.model_dump(mode="json") for m in detail.messages],
        notes=_notes(session, thread_id=thread_id),
        mediator=messaging.mediator_paragraph(settings) if thread.category == ThreadCategory.reclamation else None,
    )


def answer(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    thread_id: int,
    body: AgentAnswer,
    *,
    ip: str | None,
) -> ActionDone:
    thread, member, via = _thread(session, clock, agent, thread_id, "thread")
    if thread.status == ThreadStatus.closed:
        raise ApiError(409, "thread_closed", "Cette conversation est close.")
    if thread.category == ThreadCategory.reclamation and body.outcome is None:
        raise ApiError(
            422,
            "outcome_required",
            "Une réclamation se conclut : fondée, partiellement fondée ou refusée (un refus nomme le médiateur).",
        )
    messaging.answer_thread(session, clock, settings, thread, body.body.strip(), agent.id, body.outcome)
    event = done_for(
        session,
        clock,
        agent,
        "thread_answered",
        member.id or 0,
        detail={"thread_id": thread_id, "via": via, **({"outcome": body.outcome.value} if body.outcome else {})},
        ip=ip,
    )
    session.commit()
    return ActionDone(
        action="answer",
        message="Réponse envoyée ; l'adhérent est prévenu.",
        audit_id=event.id or 0,
        member_told=member.email is not None,
    )


def add_note(
    session: Session,
    clock: Clock,
    agent: Account,
    kind: QueueKind,
    item_id: int,
    body: InternalNoteCreate,
    *,
    ip: str | None,
) -> InternalNoteOut:
    if kind == QueueKind.thread:
        _, member, via = _thread(session, clock, agent, item_id)
    else:
        _, member, via = _request(session, clock, agent, item_id)
    note = InternalNote(
        agent_account_id=agent.id or 0,
        member_id=member.id or 0,
        thread_id=item_id if kind == QueueKind.thread else None,
        request_id=item_id if kind == QueueKind.request else None,
        body=body.body.strip(),
        created_at=clock.now(),
    )
    session.add(note)
    session.flush()
    done_for(
        session,
        clock,
        agent,
        "internal_note",
        member.id or 0,
        detail={"kind": kind.value, "item_id": item_id, "note_id": note.id, "via": via},
        ip=ip,
    )
    session.commit()
    return InternalNoteOut(id=note.id or 0, at=note.created_at, agent_name=agent.display_name, body=note.body)


def read_request(session: Session, clock: Clock, agent: Account, request_id: int, *, ip: str | None) -> QueueRequest:
    row, member, via = _request(session, clock, agent, request_id)
    done_for(
        session, clock, agent, "request_opened", member.id or 0, detail={"request_id": request_id, "via": via}, ip=ip
    )
    session.commit()
    return QueueRequest(
        item=_request_item(row, member, _who(session, QueueKind.request, request_id), agent.id or 0),
        description=row.description,
        details=dict(row.details or {}),
        answer=row.answer,
        notes=_notes(session, request_id=request_id),
        estimate=row.estimate,  # a devis: the conseiller answers with the member's estimate beside
    )


def decide(
    session: Session,
    clock: Clock,
    settings: Settings,
    agent: Account,
    request_id: int,
    body: RequestDecision,
    *,
    ip: str | None,
) -> ActionDone:
    row, member, _via = _request(session, clock, agent, request_id, "thread")
    if row.status not in WAITING_REQUESTS:
        raise ApiError(409, "already_decided", "Cette démarche est déjà traitée.")
    # One state machine (server.services.lifecycle): a remboursement's démarche is decided with its claim,
    # and the notification's words are the vocabulary's.
    status = lifecycle.decide_request(session, clock, settings, row, accept=body.accept, answer=body.answer.strip())
    words = inline_words(status)
    event = done_for(
        session,
        clock,
        agent,
        "request_decided",
        member.id or 0,
        detail={"request_id": request_id, "accepted": body.accept},
        ip=ip,
    )
    session.commit()
    return ActionDone(
        action="decision",
        message=f"Démarche {words} ; l'adhérent est prévenu.",
        audit_id=event.id or 0,
        member_told=member.email is not None,
    )


def open_document(session: Session, clock: Clock, agent: Account, document_id: int, *, ip: str | None) -> Document:
    """A member's file (an attachment, a justificatif) for the conseiller: through the queue while its
    conversation or démarche waits there, else through a call on the member; 404 otherwise. Audited."""
    document = session.get(Document, document_id)
    if document is None:
        raise _not_found()
    if document.thread_id is not None:
        _, _, via = _thread(session, clock, agent, document.thread_id)
    elif document.request_id is not None:
        _, _, via = _request(session, clock, agent, document.request_id)
    else:
        via = _gate(session, clock, agent, document.member_id, False, "read")
    done_for(
        session,
        clock,
        agent,
        "document_opened",
        document.member_id,
        detail={"document_id": document_id, "via": via},
        ip=ip,
    )
    session.commit()
    return document
