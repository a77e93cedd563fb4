"""Messagerie, "Mes démarches" and notifications, without Textual: what to show (labelled lines), the
drafts the composer keeps, and attachments read from a path (with completion). Both front ends use it.

The composer (a new message: category, subject, slots, body, attachments; a reply: body, attachments) is
one ``forms.Form`` (``composer_form``), asked by ``write`` through a ``Face`` (issue 18): the full-screen
form and the linear questions render it, with the recap read before it is sent in the linear mode. The body
is several lines (``forms.LINES``, issue 19).

Drafts live in memory for the session (a ``Drafts`` object held by the app): leaving the composer keeps
what was typed; quitting the client forgets it (nothing written to disk). A draft also holds the
``Idempotency-Key`` of its sending (``tui.flows.retry``): when the server does not answer, the draft stays
and sending it again reuses the key, so the server records the message once.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime

from models.domain.dates import format_date
from models.schemas.common import RequestStatus, ThreadCategory, ThreadStatus
from models.schemas.messaging import Inbox, MessageCreate, ThreadCreate, ThreadDetail, ThreadSummary
from models.schemas.notifications import NotificationList, NotificationOut
from models.schemas.requests import RequestDetail, RequestList, RequestSummary
from tui.api import errors
from tui.api.messaging import MessagingApi
from tui.clock import paris
from tui.flows import retry, wording
from tui.flows.attachments import load_attachment
from tui.flows.forms import CHOICE, FILE, LINES, NOTHING_SENT, Ask, Face, Form, Values
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
DRAFT_SAVED = "Brouillon conservé pour cette session."
MAX_ATTACHMENTS = 5
NEW_MESSAGE = "Nouveau message"
REPLY = "Répondre"
SEND_AGAIN = "Renvoyer le même message maintenant ?"


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


def conversations(count: int) -> str:
    """« 1 conversation », « 2 conversations »: the member's inbox and the console say it alike."""
    return f"{count} conversation{'s' if count > 1 else ''}"


def inbox_summary(inbox: Inbox) -> str:
    return f"{conversations(len(inbox.threads))} ; " + wording.unread_sentence(inbox.unread_total)


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


def requests_summary(listing: RequestList) -> str:
    """« 3 démarches : 1 reçue, 2 en cours de traitement » — said before the list (issue 18: a summary first)."""
    count = len(listing.items)
    if not count:
        return NO_REQUESTS
    by_status = Counter(r.status for r in listing.items)
    parts = []
    for status in RequestStatus:
        if n := by_status.get(status):
            words = wording.status_words(status).split(" (")[0].lower()
            parts.append(f"{n} {words}{'s' if n > 1 and words.endswith('e') else ''}")
    return f"{count} démarche{'s' if count > 1 else ''} : " + ", ".join(parts)


def notifications_summary(items: NotificationList) -> str:
    return f"{len(items.items)} notification(s), dont {items.unread} non lue(s)"


# -- the composer -------------------------------------------------------------------------------------------

CATEGORIES = tuple((c.value, wording.status_words(c)) for c in ThreadCategory)


def _check(values: Values) -> str | None:
    # the server's limits (models.schemas.messaging), said before sending
    for name, label, limit in (("subject", "Sujet", 200), ("slots", "Créneaux", 300), ("body", "Message", 5000)):
        if len(str(values.get(name) or "")) > limit:
            return f"{label} : {limit} caractères au plus."
    return None


def composer_form(key: int, draft: Draft) -> Form:
    """A new message (``key`` NEW) or the reply to the thread ``key``, started from its draft."""
    asks: tuple[Ask, ...] = ()
    if key == NEW:
        asks = (
            Ask("category", "Catégorie", CHOICE, choices=CATEGORIES, default=draft.category.value),
            Ask("subject", "Sujet", default=draft.subject),
            Ask(
                "slots",
                "Créneaux où vous rappeler",  # required for a rendez-vous: the server refuses one without
                hint="par exemple : mardi matin",
                default=draft.slots,
                when=lambda v: v.get("category") == ThreadCategory.appointment.value,
            ),
        )
    asks += (
        Ask("body", "Votre message", LINES, default=draft.body),
        Ask(
            "attachments",
            "Pièces jointes",
            FILE,
            required=False,
            hint=f"jusqu'à {MAX_ATTACHMENTS} fichiers",
            limit=MAX_ATTACHMENTS,
        ),
    )
    intro = ("Nous répondons sous 48 h ouvrées.",) if key == NEW else ()
    return Form(
        NEW_MESSAGE if key == NEW else REPLY,
        intro,
        asks,
        check=_check,
        submit="Envoyer",
        on_leave=lambda typed: keep(draft, typed),  # a message left is a draft, in both faces
    )


def keep(draft: Draft, values: Values) -> None:
    """What was typed, into the draft (kept until it is sent, even when the server does not answer)."""
    if values.get("category"):
        draft.category = ThreadCategory(values["category"])
    draft.subject = str(values.get("subject", draft.subject) or "")
    draft.slots = str(values.get("slots", draft.slots) or "")
    draft.body = str(values.get("body", draft.body) or "")
    draft.attachments = list(values.get("attachments", draft.attachments) or [])


def message_body(key: int, draft: Draft) -> ThreadCreate | MessageCreate:
    files = [load_attachment(path) for path in draft.attachments]
    if key == NEW:
        slots = draft.slots.strip() if draft.category == ThreadCategory.appointment else ""
        return ThreadCreate(
            subject=draft.subject.strip(),
            category=draft.category,
            body=draft.body.strip(),
            preferred_slots=slots or None,
            attachments=files,
        )
    return MessageCreate(body=draft.body.strip(), attachments=files)


async def write(api: MessagingApi, face: Face, drafts: Drafts, key: int) -> ThreadDetail | None:
    """Ask the composer, send the message (again with the same Idempotency-Key when the server did not
    answer: recorded once), and say it; the thread as it now is, or None when nothing was sent."""
    draft = drafts.get(key)
    values = await face.form(composer_form(key, draft))
    if values is None:
        face.say(DRAFT_SAVED if drafts.has(key) else NOTHING_SENT)
        return None
    keep(draft, values)
    body = message_body(key, draft)

    async def send() -> ThreadDetail:
        idempotency_key = draft.submission.key_for(body)  # the same while the same message is sent again
        if isinstance(body, ThreadCreate):
            return await api.create_thread(body, idempotency_key)
        return await api.reply(key, body, idempotency_key)

    while True:
        try:
            thread = await send()
            break
        except errors.SessionExpired:
            raise
        except errors.ApiError as exc:
            if not retry.is_unreachable(exc):
                face.error(f"{exc.message} ({DRAFT_KEPT}).")
                return None
            if not await face.confirm(f"{retry.kept_sentence(exc, DRAFT_KEPT)} {SEND_AGAIN}"):
                face.say(DRAFT_SAVED)
                return None
    drafts.discard(key)
    face.say(SENT)
    return thread
