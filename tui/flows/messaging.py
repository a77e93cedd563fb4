"""Messagerie, "Mes démarches" and notifications, without Textual: what to show (labelled lines), the
drafts the composer keeps, and attachments read from a path (with completion). Both front ends use it.

Drafts live in memory for the session (a ``Drafts`` object held by the app): leaving the composer keeps
what was typed; quitting the client forgets it (nothing written to disk). A draft also holds the
``Idempotency-Key`` of its sending (``tui.flows.retry``): when the server does not answer, the draft stays
and sending it again reuses the key, so the server records the message once.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from models.domain.dates import format_date
from models.schemas.common import RequestStatus, ThreadCategory, ThreadStatus
from models.schemas.messaging import Inbox, ThreadDetail, ThreadSummary
from models.schemas.notifications import NotificationList, NotificationOut
from models.schemas.requests import RequestDetail, RequestSummary
from tui.clock import paris
from tui.flows import wording
from tui.flows.retry import Submission

DateFormat = Callable[[date], str]
POLL_SECONDS = 60.0
"""How often what others change (a conseiller's answer, the conseillers' queue) is read again while its
screen is shown (issue 19): often enough to notice, rarely enough to cost nothing (one small GET)."""
NEW = 0  # the draft key of a new message

MESSAGING_HEADING = "Messagerie"
REQUESTS_HEADING = "Mes démarches"
NOTIFICATIONS_HEADING = "Notifications"
NO_THREADS = "Aucun message pour l'instant. Écrivez-nous : nous répondons sous 48 h ouvrées."
NO_REQUESTS = "Aucune démarche pour l'instant."
NO_NOTIFICATIONS = "Aucune notification."
SENT = "Message envoyé. Un accusé de réception vous est adressé par e-mail."
DRAFT_KEPT = "votre message est gardé"


@dataclass
class Draft:
    subject: str = ""
    category: ThreadCategory = ThreadCategory.question
    body: str = ""
    slots: str = ""
    attachments: list[str] = field(default_factory=list)
    submission: Submission = field(default_factory=Submission)

    @property
    def empty(self) -> bool:
        return not (self.subject.strip() or self.body.strip() or self.attachments)


class Drafts:
    """Drafts by thread id (``NEW`` for a new message), kept in memory for the session."""

    def __init__(self) -> None:
        self._drafts: dict[int, Draft] = {}

    def get(self, key: int) -> Draft:
        return self._drafts.setdefault(key, Draft())

    def discard(self, key: int) -> None:
        self._drafts.pop(key, None)

    def has(self, key: int) -> bool:
        return key in self._drafts and not self._drafts[key].empty


def _day(at: datetime, dates: DateFormat) -> str:
    return dates(at.astimezone(paris()).date())


def thread_line(thread: ThreadSummary, dates: DateFormat = format_date) -> str:
    unread = f"Non lu ({thread.unread_count}) ; " if thread.unread_count else ""
    parts = [
        f"{unread}{thread.subject}",
        wording.status_words(thread.category),
        f"Statut : {wording.status_words(thread.status)}",
    ]
    if thread.status in (ThreadStatus.sent, ThreadStatus.in_progress) and thread.answer_due_at:
        late = " (en retard)" if thread.overdue else ""
        parts.append(f"Réponse promise au plus tard le {_day(thread.answer_due_at, dates)}{late}")
    parts.append(f"Dernier message le {_day(thread.last_message_at, dates)}")
    return " ; ".join(parts)


def inbox_summary(inbox: Inbox) -> str:
    count = len(inbox.threads)
    return f"{count} conversation{'s' if count > 1 else ''} ; " + wording.unread_sentence(inbox.unread_total)


def thread_lines(thread: ThreadDetail, dates: DateFormat = format_date) -> list[str]:
    lines = [
        f"Sujet : {thread.subject}",
        f"Catégorie : {wording.status_words(thread.category)} ; Statut : {wording.status_words(thread.status)}",
    ]
    if thread.preferred_slots:
        lines.append(f"Créneaux souhaités : {thread.preferred_slots}")
    if thread.complaint is not None:
        c = thread.complaint
        ack = (
            f"Accusé de réception le {_day(c.acknowledged_at, dates)}"
            if c.acknowledged_at
            else f"Accusé de réception au plus tard le {_day(c.acknowledge_due_at, dates)} (10 jours ouvrables)"
        )
        lines.append(f"{ack} ; réponse au plus tard le {_day(c.answer_due_at, dates)} (2 mois)")
        if c.outcome is not None:
            lines.append(f"Décision : {wording.status_words(c.outcome)}")
        if c.mediator is not None:
            lines.append(f"Médiateur : {c.mediator.name}, {c.mediator.address} ; {c.mediator.website}")
    elif thread.status in (ThreadStatus.sent, ThreadStatus.in_progress) and thread.answer_due_at:
        lines.append(f"Réponse sous 48 h ouvrées : au plus tard le {_day(thread.answer_due_at, dates)}")
    return lines


def message_lines(thread: ThreadDetail, dates: DateFormat = format_date) -> list[list[str]]:
    blocks = []
    for m in thread.messages:
        local = m.sent_at.astimezone(paris())
        head = f"{m.author_name}, le {dates(local.date())} à {local.hour} h {local.minute:02d}"
        if not m.read:
            head += " (nouveau)"
        block = [head, *m.body.splitlines()]
        block += [f"Pièce jointe : {a.filename} ({wording.size_words(a.size)})" for a in m.attachments]
        blocks.append(block)
    return blocks


def request_line(r: RequestSummary, dates: DateFormat = format_date) -> str:
    parts = [
        f"{r.reference} : {r.title}",
        wording.status_words(r.kind),
        f"Statut : {wording.status_words(r.status)}",
    ]
    if r.beneficiary_name:
        parts.append(f"Pour : {r.beneficiary_name}")
    if r.claim_status is not None:
        parts.append(f"Remboursement : {wording.status_words(r.claim_status)}")
    parts.append(f"Mise à jour le {_day(r.updated_at, dates)}")
    return " ; ".join(parts)


def request_detail_lines(r: RequestDetail, dates: DateFormat = format_date) -> list[str]:
    lines = [request_line(r, dates)]
    if r.description:
        lines.append(f"Description : {r.description}")
    if r.estimate is not None:
        from models.domain.money import format_eur

        lines.append(
            f"Estimation immédiate : {format_eur(r.estimate.amc_paid)} par la mutuelle, "
            f"{format_eur(r.estimate.out_of_pocket)} à votre charge (sur {format_eur(r.estimate.charged)})"
        )
    if r.answer:
        lines.append(f"Réponse : {r.answer}")
    elif r.status in (RequestStatus.received, RequestStatus.in_progress):
        lines.append("Réponse : pas encore (vous serez prévenu par une notification et un e-mail)")
    lines += [f"Document : {d.filename}" for d in r.documents]
    return lines


def notification_line(n: NotificationOut, dates: DateFormat = format_date) -> str:
    state = "Lue" if n.read else "Non lue"
    return f"{state} ; {wording.status_words(n.kind)} ; {n.title} ; le {_day(n.created_at, dates)}\n{n.body}"


def notifications_summary(items: NotificationList) -> str:
    return f"{len(items.items)} notification(s), dont {items.unread} non lue(s)"
