"""The queue's forms, declared once for both faces (issue 18): the reply to a member's message (with the
issue of a réclamation, which the server requires), the decision on a démarche (its answer of 3 characters at
least, as the server checks), and the internal note. The full-screen queue renders them with ``ScreenFace``,
the linear mode with ``LinearFace``; each is sent once, what was typed kept when the server refuses a field or
does not answer."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial
from typing import TYPE_CHECKING, Any, TypeVar

from models.schemas.agent import AgentAnswer, RequestDecision
from models.schemas.common import ComplaintOutcome, ThreadCategory
from tui.api import errors
from tui.flows.agent import NOTE_HINT, NOTE_TITLE
from tui.flows.agent_call import NOTHING_SENT, keep
from tui.flows.forms import CHOICE, LONG, Ask, Face, Form, Problem, Values
from tui.flows.retry import send_kept

if TYPE_CHECKING:
    from models.schemas.agent import QueueItem
    from tui.api.agent import AgentApi

MIN_ANSWER = 3  # RequestDecision.answer's min_length: said before sending, the server checks it again
COMPLAINT_OUTCOMES: tuple[tuple[str, str], ...] = (
    (ComplaintOutcome.upheld.value, "Fondée"),
    (ComplaintOutcome.partial.value, "Partiellement fondée"),
    (ComplaintOutcome.refused.value, "Refusée (le médiateur est nommé dans la réponse)"),
)
DECISIONS = (("accept", "Accepter"), ("refuse", "Refuser"))
NOTE_ADDED = "Note interne ajoutée."
TAKEN = "Attribué à vous : les autres conseillers le voient pris."
Sent = TypeVar("Sent")


def is_complaint(item: QueueItem) -> bool:
    return item.category == ThreadCategory.reclamation


def reply_form(complaint: bool) -> Form:
    """The reply to a message; a réclamation's issue is chosen with it (never one by default)."""
    outcome = Ask("outcome", "Issue de la réclamation", CHOICE, choices=COMPLAINT_OUTCOMES)
    return Form(
        "Répondre à l'adhérent",
        ("La réponse part dans sa messagerie ; il est prévenu par e-mail.",),
        (Ask("body", "Réponse à l'adhérent", LONG), *((outcome,) if complaint else ())),
        submit="Envoyer la réponse",
    )


def _answer_problem(values: Values) -> Problem | None:
    answer = str(values.get("answer") or "").strip()
    if answer and len(answer) < MIN_ANSWER:  # empty: the field is required, said as such
        return Problem(f"Réponse : {MIN_ANSWER} caractères au moins (le motif, pour un refus).", "answer")
    return None


def decision_form() -> Form:
    return Form(
        "Traiter la démarche",
        ("La réponse part à l'adhérent avec la décision.",),
        (
            Ask("decision", "Décision", CHOICE, choices=DECISIONS),
            Ask(
                "answer",
                "Réponse à l'adhérent",
                LONG,
                hint=f"le motif, pour un refus ; {MIN_ANSWER} caractères au moins",
            ),
        ),
        check=_answer_problem,
        submit="Envoyer la décision",
    )


def note_form() -> Form:
    return Form(NOTE_TITLE, (), (Ask("body", "Note", LONG, hint=NOTE_HINT),), submit="Ajouter la note")


async def _sent(
    face: Face, build: Callable[[], Form], send: Callable[[Values], Awaitable[Sent]], kept: str
) -> Sent | None:
    """``build``'s form, then ``send`` once: a field the server refuses (422) brings the form back filled in,
    the problem said first; nothing sent when the form is given up."""
    typed: Values = {}
    while (values := await face.form(keep(build(), typed))) is not None:
        typed = values
        try:
            return await send_kept(face, partial(send, values), kept)
        except errors.ApiError as exc:
            face.error(exc.message)
            if exc.status != 422:
                return None
    face.say(NOTHING_SENT)
    return None


async def reply(api: AgentApi, face: Face, item: QueueItem) -> str | None:
    """The reply to a conversation of the queue; the server's sentence once sent."""

    def send(values: Values) -> Awaitable[Any]:
        outcome = ComplaintOutcome(values["outcome"]) if values.get("outcome") else None
        return api.answer(item.id, AgentAnswer(body=str(values["body"]).strip(), outcome=outcome))

    done = await _sent(face, partial(reply_form, is_complaint(item)), send, "votre réponse est gardée")
    return done.message if done is not None else None


async def decide(api: AgentApi, face: Face, item: QueueItem) -> str | None:
    """The decision on a démarche of the queue; the server's sentence once sent."""

    def send(values: Values) -> Awaitable[Any]:
        decision = RequestDecision(accept=values["decision"] == "accept", answer=str(values["answer"]).strip())
        return api.decide(item.id, decision)

    done = await _sent(face, decision_form, send, "votre réponse est gardée")
    return done.message if done is not None else None


async def take(api: AgentApi, item: QueueItem) -> str:
    """« Prendre »: the item is assigned to the conseiller (no form); what both faces say."""
    await api.assign(item.kind, item.id)
    return TAKEN


async def note(api: AgentApi, face: Face, item: QueueItem) -> str | None:
    """An internal note on a conversation or a démarche (never in the member's messagerie)."""

    def send(values: Values) -> Awaitable[Any]:
        return api.note(item.kind, item.id, str(values["body"]).strip())

    done = await _sent(face, note_form, send, "votre note est gardée")
    return NOTE_ADDED if done is not None else None


async def handle(api: AgentApi, face: Face, item: QueueItem) -> str | None:
    """« Répondre à l'adhérent ou traiter la démarche »: a conversation is answered, a démarche decided."""
    return await (reply(api, face, item) if item.kind == "thread" else decide(api, face, item))
