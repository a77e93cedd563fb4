"""Sending again when the server did not answer, without ever creating twice (issue 11, Faults).

A creating call carries an ``Idempotency-Key``; ``Submission`` gives the same key while the same body is
sent again, so the server creates one thing only however many times the person retries, and a changed
body gets a new key (the server refuses a key reused for another body). What was typed stays where it
is (the form, the draft) and the person is told so in words, with what to do: try again.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from tui.api import errors

if TYPE_CHECKING:
    from pydantic import BaseModel

UNREACHABLE = "Le serveur ne répond pas"
TOO_SLOW = "Le serveur met trop de temps à répondre"
SENT_ONCE = "Un nouvel envoi porte le même numéro unique : rien ne sera enregistré deux fois."


def is_unreachable(error: Exception) -> bool:
    """The server was not reached, or its answer was lost: sending the same thing again is the remedy."""
    return isinstance(error, errors.NetworkError | errors.TimeoutError)


def kept_sentence(error: Exception, kept: str, retry: str = "réessayez") -> str:
    """« Le serveur ne répond pas : votre message est gardé, réessayez (Ctrl+S). Renvoyé, … »"""
    opening = TOO_SLOW if isinstance(error, errors.TimeoutError) else UNREACHABLE
    return f"{opening} : {kept}, {retry}. {SENT_ONCE}"


@dataclass
class Submission:
    """The ``Idempotency-Key`` of one submission: the same key while the same body is sent again."""

    make_key: Callable[[], str] = field(default=lambda: str(uuid.uuid4()))
    key: str | None = None
    _body: Any = None

    def key_for(self, body: BaseModel | Mapping[str, Any] | None) -> str:
        dumped = body if body is None or isinstance(body, Mapping) else body.model_dump(mode="json")
        if self.key is None or dumped != self._body:
            self.key, self._body = self.make_key(), dumped
        return self.key

    def done(self) -> None:
        self.key, self._body = None, None


class Asks(Protocol):
    async def confirm(self, question: str) -> bool: ...

    def say(self, text: str) -> None: ...


Sent = TypeVar("Sent")
SEND_AGAIN = "La renvoyer maintenant ?"
GIVEN_UP = "Envoi abandonné. Avant de recommencer, vérifiez si la demande est arrivée."


async def send_kept(
    face: Asks, call: Callable[[], Awaitable[Sent]], kept: str = "votre demande est gardée"
) -> Sent | None:
    """``call`` once; when the server does not answer, what was typed is kept (in ``call``), the person is
    told so and asked to send again — with the same Idempotency-Key, so the server records it once. None if
    they give up; any other error is raised to the flow, which says it beside the form."""
    while True:
        try:
            return await call()
        except errors.ApiError as exc:
            if not is_unreachable(exc):
                raise
            if not await face.confirm(f"{kept_sentence(exc, kept, 'vous pouvez la renvoyer')} {SEND_AGAIN}"):
                face.say(GIVEN_UP)
                return None
