"""Messagerie sécurisée: a member's threads with the service adhérent.

Every query is filtered by the member's id: another member's thread is "not found" (404), never 403.
A message is the member's when its author account belongs to the thread's member; otherwise it is the
service adhérent's (a conseiller, or the demo job). Promised dates come from ``business_days``:
"réponse sous 48 h ouvrées", and for a réclamation the ACPR 2022-R-01 deadlines; a refusal of a
réclamation (total or partial) always carries the médiateur's name and address, in the message itself and
in the thread's ``complaint`` block.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, func
from sqlmodel import Session, col, select

from models.domain.vocabulary import status_words
from models.schemas.common import ComplaintOutcome, NotificationKind, ThreadCategory, ThreadStatus
from models.schemas.errors import ErrorDetail
from models.schemas.messaging import (
    ComplaintDeadlines,
    Inbox,
    Mediator,
    MessageCreate,
    MessageOut,
    ThreadCreate,
    ThreadDetail,
    ThreadSummary,
)
from models.tables import Account, Claim, Member, Message, MessageThread, SavedSimulation
from server.clock import PARIS, Clock
from server.errors import ApiError
from server.notify.outbox import enqueue_mail
from server.services import documents
from server.services.business_days import answer_due, complaint_acknowledge_due, complaint_answer_due
from server.services.notifications import notify
from server.services.viewer import Viewer
from server.settings import Settings

SERVICE_NAME = "Service adhérent"
CATEGORY_SUBJECTS = {category: status_words(category) for category in ThreadCategory}  # the vocabulary's words


def mediator(settings: Settings) -> Mediator:
    return Mediator(name=settings.mediator_name, address=settings.mediator_address, website=settings.mediator_website)


def mediator_paragraph(settings: Settings) -> str:
    return (
        "Si cette réponse ne vous satisfait pas, vous pouvez saisir gratuitement le médiateur : "
        f"{settings.mediator_name}, {settings.mediator_address}, ou en ligne sur {settings.mediator_website}. "
        "Le médiateur peut être saisi au plus tard un an après votre réclamation écrite auprès de nous."
    )


def _member_account_ids(session: Session, member_id: int) -> set[int]:
    return set(session.exec(select(Account.id).where(Account.member_id == member_id)).all())  # type: ignore[arg-type]


def _own_account_ids(session: Session, viewer: Viewer) -> set[int]:
    """The accounts whose messages are « yours » in the viewer's conversations."""
    if viewer.beneficiary is not None:
        return set(session.exec(select(Account.id).where(Account.beneficiary_id == viewer.beneficiary_id)).all())  # type: ignore[arg-type]
    return _member_account_ids(session, viewer.member_id)


def thread_conditions(viewer: Viewer) -> list[ColumnElement[bool]]:
    """Issue 21: a beneficiary's own access has its own conversations; the assuré principal's are the others."""
    if viewer.staff:
        return [MessageThread.member_id == viewer.member_id]
    if viewer.beneficiary is not None:
        return [MessageThread.member_id == viewer.member_id, MessageThread.beneficiary_id == viewer.beneficiary_id]
    return [MessageThread.member_id == viewer.member_id, col(MessageThread.beneficiary_id).is_(None)]


def _thread(session: Session, viewer: Viewer, thread_id: int) -> MessageThread:
    thread = session.exec(
        select(MessageThread).where(MessageThread.id == thread_id, *thread_conditions(viewer))
    ).first()
    if thread is None:
        raise ApiError(404, "not_found", "Cette conversation n'existe pas dans votre espace.")
    return thread


def _unread_by_thread(session: Session, viewer: Viewer, own: set[int]) -> dict[int, int]:
    statement = (
        select(Message.thread_id, func.count())
        .join(MessageThread, MessageThread.id == Message.thread_id)  # type: ignore[arg-type]
        .where(*thread_conditions(viewer), col(Message.read_by_member_at).is_(None))
        .group_by(col(Message.thread_id))
    )
    if own:
        statement = statement.where(
            col(Message.author_account_id).is_(None) | col(Message.author_account_id).not_in(own)
        )
    return {thread_id: int(count) for thread_id, count in session.exec(statement).all()}


def _last_message_at(session: Session, thread: MessageThread) -> datetime:
    if thread.last_message_at is not None:
        return thread.last_message_at
    last = session.exec(select(func.max(Message.sent_at)).where(Message.thread_id == thread.id)).one()
    return last or thread.created_at


def _category(value: str) -> ThreadCategory:
    try:
        return ThreadCategory(value)
    except ValueError:  # a category of an older import ("demande"): shown as "autre"
        return ThreadCategory.other


def _overdue(thread: MessageThread, now: datetime) -> bool:
    waiting = thread.status in (ThreadStatus.sent, ThreadStatus.in_progress)
    return waiting and thread.answer_due_at is not None and thread.answer_due_at < now


def _summary_fields(session: Session, thread: MessageThread, unread: int, now: datetime) -> dict[str, object]:
    return {
        "id": thread.id or 0,
        "subject": thread.subject,
        "category": _category(thread.category),
        "status": thread.status,
        "created_at": thread.created_at,
        "last_message_at": _last_message_at(session, thread),
        "unread_count": unread,
        "answer_due_at": thread.answer_due_at,
        "overdue": _overdue(thread, now),
        "claim_id": thread.claim_id,
        "simulation_id": thread.simulation_id,
    }


def inbox(session: Session, clock: Clock, viewer: Viewer) -> Inbox:
    own = _own_account_ids(session, viewer)
    unread = _unread_by_thread(session, viewer, own)
    threads = session.exec(select(MessageThread).where(*thread_conditions(viewer))).all()
    now = clock.now()
    summaries = [
        ThreadSummary.model_validate(_summary_fields(session, t, unread.get(t.id or 0, 0), now)) for t in threads
    ]
    summaries.sort(key=lambda s: (s.last_message_at, s.id), reverse=True)
    return Inbox(unread_total=sum(unread.values()), threads=summaries)


def _detail(session: Session, clock: Clock, settings: Settings, thread: MessageThread, own: set[int]) -> ThreadDetail:
    messages = session.exec(
        select(Message).where(Message.thread_id == thread.id).order_by(col(Message.sent_at), col(Message.id))
    ).all()
    authors = {
        a.id: a.display_name
        for a in session.exec(
            select(Account).where(col(Account.id).in_({m.author_account_id for m in messages if m.author_account_id}))
        ).all()
    }
    attachments: dict[int, list[documents.AttachmentInfo]] = {}
    for doc in documents.documents_of(session, thread_id=thread.id or 0):
        if doc.message_id is not None:
            attachments.setdefault(doc.message_id, []).append(documents.info(doc))
    out = []
    unread = 0
    for m in messages:
        mine = m.author_account_id in own
        if not mine and m.read_by_member_at is None:
            unread += 1
        out.append(
            MessageOut(
                id=m.id or 0,
                from_member=mine,
                author_name="Vous" if mine else (authors.get(m.author_account_id or 0) or SERVICE_NAME),
                body=m.body,
                sent_at=m.sent_at,
                read=mine or m.read_by_member_at is not None,
                attachments=attachments.get(m.id or 0, []),
            )
        )
    complaint = None
    if thread.category == ThreadCategory.reclamation and thread.acknowledge_due_at is not None:
        refused = thread.outcome in (ComplaintOutcome.refused, ComplaintOutcome.partial)
        complaint = ComplaintDeadlines(
            acknowledge_due_at=thread.acknowledge_due_at,
            acknowledged_at=thread.acknowledged_at,
            answer_due_at=thread.answer_due_at or thread.acknowledge_due_at,
            outcome=thread.outcome,
            mediator=mediator(settings) if refused else None,
        )
    return ThreadDetail.model_validate(
        {
            **_summary_fields(session, thread, unread, clock.now()),
            "preferred_slots": thread.preferred_slots,
            "messages": out,
            "complaint": complaint,
        }
    )


def read_thread(session: Session, clock: Clock, settings: Settings, viewer: Viewer, thread_id: int) -> ThreadDetail:
    """The thread, and the service's messages in it are now read (the member opened it)."""
    thread = _thread(session, viewer, thread_id)
    own = _own_account_ids(session, viewer)
    detail = _detail(session, clock, settings, thread, own)
    now = clock.now()
    changed = False
    for m in session.exec(
        select(Message).where(Message.thread_id == thread.id, col(Message.read_by_member_at).is_(None))
    ):
        if m.author_account_id not in own:
            m.read_by_member_at = now
            session.add(m)
            changed = True
    if changed:
        session.commit()
    return detail


def _check_links(session: Session, viewer: Viewer, payload: ThreadCreate) -> None:
    if payload.claim_id is not None:
        claim = session.get(Claim, payload.claim_id)
        if claim is None or claim.member_id != viewer.member_id or not viewer.sees(claim.beneficiary_id):
            raise ApiError(
                422,
                "invalid_request",
                "Ce remboursement n'existe pas dans votre espace.",
                details=[ErrorDetail(field="claim_id", message="remboursement inconnu")],
            )
    if payload.simulation_id is not None:
        simulation = session.get(SavedSimulation, payload.simulation_id)
        # the saved simulations are the assuré principal's (a beneficiary's access has none)
        if simulation is None or simulation.member_id != viewer.member_id or viewer.beneficiary is not None:
            raise ApiError(
                422,
                "invalid_request",
                "Cette simulation n'existe pas dans votre espace.",
                details=[ErrorDetail(field="simulation_id", message="simulation inconnue")],
            )
    if payload.category == ThreadCategory.appointment and not (payload.preferred_slots or "").strip():
        raise ApiError(
            422,
            "invalid_request",
            "Indiquez les créneaux où nous pouvons vous appeler (ex. « mardi matin, jeudi après 17 h »).",
            details=[ErrorDetail(field="preferred_slots", message="champ obligatoire pour un rendez-vous")],
        )


def create_thread(
    session: Session, clock: Clock, settings: Settings, viewer: Viewer, account: Account, payload: ThreadCreate
) -> ThreadDetail:
    """Adds the thread, its first message and attachments, and the accusé de réception mail; the caller
    commits (``idempotent_create.run_once``)."""
    member = viewer.member
    assert member.id is not None
    _check_links(session, viewer, payload)
    files = documents.check_files(payload.attachments, settings)
    now = clock.now()
    thread = MessageThread(
        member_id=member.id,
        beneficiary_id=viewer.beneficiary_id,
        subject=payload.subject.strip(),
        category=payload.category.value,
        status=ThreadStatus.sent,
        claim_id=payload.claim_id,
        simulation_id=payload.simulation_id,
        preferred_slots=(payload.preferred_slots or "").strip() or None,
        created_at=now,
        last_message_at=now,
    )
    if payload.category == ThreadCategory.reclamation:
        thread.acknowledge_due_at = complaint_acknowledge_due(now, settings)
        thread.answer_due_at = complaint_answer_due(now, settings)
    else:
        thread.answer_due_at = answer_due(now, settings)
    session.add(thread)
    session.flush()
    message = Message(
        thread_id=thread.id or 0, author_account_id=account.id, body=payload.body, sent_at=now, read_by_member_at=now
    )
    session.add(message)
    session.flush()
    documents.store(
        session,
        clock,
        member.id,
        files,
        kind="message_attachment",
        stem=f"piece-jointe-{message.id}",
        thread_id=thread.id,
        message_id=message.id,
    )
    # a beneficiary's accusé de réception goes to their own address, never to the assuré principal's
    to, person = (account.login_email, viewer.beneficiary) if viewer.beneficiary is not None else (member.email, member)
    if to:
        enqueue_mail(
            session,
            clock,
            to=to,
            subject=f"Accusé de réception : {thread.subject}",
            body=(
                f"Bonjour {person.first_name} {person.last_name},\n\nNous avons bien reçu votre message "
                f"« {thread.subject} » ({CATEGORY_SUBJECTS[payload.category].lower()}). "
                + (
                    "Votre réclamation sera prise en compte sous 10 jours ouvrables et traitée dans un délai "
                    "de deux mois au plus."
                    if payload.category == ThreadCategory.reclamation
                    else "Nous vous répondrons sous 48 h ouvrées."
                )
                + "\n\nVous suivez l'échange dans la messagerie de votre Espace Adhérent."
            ),
        )
    session.flush()
    return _detail(session, clock, settings, thread, _own_account_ids(session, viewer))


def open_for_member(
    session: Session,
    clock: Clock,
    settings: Settings,
    member: Member,
    agent: Account,
    subject: str,
    category: ThreadCategory,
    body: str,
) -> MessageThread:
    """A conversation the service opens in the member's messagerie (a conseiller, after a call): its first
    message is the service's, so it is not an incoming message — no accusé de réception, no due date, no
    place in the queue (status « répondu »: it waits for the member, not for us) — and the member is notified
    as for an answer. The caller commits."""
    assert member.id is not None
    now = clock.now()
    thread = MessageThread(
        member_id=member.id,
        subject=subject.strip(),
        category=category.value,
        status=ThreadStatus.answered,
        created_at=now,
        last_message_at=now,
    )
    session.add(thread)
    session.flush()
    session.add(
        Message(
            thread_id=thread.id or 0, author_account_id=agent.id, body=body.strip(), sent_at=now, read_by_agent_at=now
        )
    )
    notify(
        session,
        clock,
        settings,
        member,
        NotificationKind.answer,
        "Nouveau message du service adhérent",
        f"Le service adhérent vous a écrit : « {thread.subject} ».",
        thread_id=thread.id,
    )
    session.flush()
    return thread


def post_message(
    session: Session,
    clock: Clock,
    settings: Settings,
    viewer: Viewer,
    account: Account,
    thread_id: int,
    payload: MessageCreate,
) -> ThreadDetail:
    member = viewer.member
    assert member.id is not None
    thread = _thread(session, viewer, thread_id)
    if thread.status == ThreadStatus.closed:
        raise ApiError(
            409, "thread_closed", "Cette conversation est close : écrivez un nouveau message pour une nouvelle demande."
        )
    files = documents.check_files(payload.attachments, settings)
    now = clock.now()
    message = Message(
        thread_id=thread.id or 0, author_account_id=account.id, body=payload.body, sent_at=now, read_by_member_at=now
    )
    session.add(message)
    session.flush()
    documents.store(
        session,
        clock,
        member.id,
        files,
        kind="message_attachment",
        stem=f"piece-jointe-{message.id}",
        thread_id=thread.id,
        message_id=message.id,
    )
    thread.last_message_at = now
    if thread.status == ThreadStatus.answered:
        thread.status = ThreadStatus.sent
        if thread.category != ThreadCategory.reclamation:
            thread.answer_due_at = answer_due(now, settings)
    session.add(thread)
    session.flush()
    return _detail(session, clock, settings, thread, _own_account_ids(session, viewer))


# -- the service adhérent's side (the demo job now, the conseiller console later) ------------------------


def acknowledge_complaint(
    session: Session, clock: Clock, settings: Settings, thread: MessageThread, author_account_id: int | None
) -> None:
    now = clock.now()
    body = (
        "Nous accusons réception de votre réclamation. Elle est transmise à notre service réclamations, qui "
        "vous répondra au plus tard le "
        f"{(thread.answer_due_at or complaint_answer_due(thread.created_at, settings)).astimezone(PARIS):%d/%m/%Y}."
    )
    session.add(Message(thread_id=thread.id or 0, author_account_id=author_account_id, body=body, sent_at=now))
    thread.acknowledged_at = now
    thread.status = ThreadStatus.in_progress
    thread.last_message_at = now
    session.add(thread)


def answer_thread(
    session: Session,
    clock: Clock,
    settings: Settings,
    thread: MessageThread,
    body: str,
    author_account_id: int | None,
    outcome: ComplaintOutcome | None = None,
) -> Message:
    """The service's answer: status "répondu", a notification and its mail. A réclamation's answer needs
    an outcome; a refusal (total or partial) always ends with the médiateur's paragraph."""
    now = clock.now()
    if thread.category == ThreadCategory.reclamation:
        if outcome is None:
            raise ValueError("a réclamation's answer needs an outcome")
        if thread.acknowledged_at is None:
            thread.acknowledged_at = now
        thread.outcome = outcome
        if outcome in (ComplaintOutcome.refused, ComplaintOutcome.partial):
            body = f"{body.rstrip()}\n\n{mediator_paragraph(settings)}"
    message = Message(thread_id=thread.id or 0, author_account_id=author_account_id, body=body, sent_at=now)
    session.add(message)
    thread.status = ThreadStatus.answered
    thread.last_message_at = now
    session.add(thread)
    member = session.get(Member, thread.member_id)
    assert member is not None
    if thread.beneficiary_id is not None:
        return message  # a beneficiary's conversation: the assuré principal is not told (its subject is theirs)
    notify(
        session,
        clock,
        settings,
        member,
        NotificationKind.answer,
        "Réponse reçue dans votre messagerie",
        f"Le service adhérent a répondu à votre message « {thread.subject} ».",
        thread_id=thread.id,
    )
    return message
