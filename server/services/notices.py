"""What the member-facing services say the same way: the French error of a field, a date and time in words,
and the e-mail that tells the member of a change made in their dossier (at the address in use)."""

from __future__ import annotations

from datetime import datetime

from sqlmodel import Session

from models.domain.contact import ContactError
from models.schemas.errors import ErrorDetail
from models.tables import Member
from server.clock import PARIS, Clock
from server.errors import ApiError
from server.notify.outbox import enqueue_mail

SIGNATURE = "\n\nLe service adhérent\n(Ce message est automatique : merci de ne pas y répondre.)"
NOT_YOU = "\n\nSi vous n'êtes pas à l'origine de ce changement, appelez sans attendre le service adhérent."


def invalid(field: str, error: str | ContactError, sentence: str | None = None) -> ApiError:
    message = str(error)
    return ApiError(
        422,
        "invalid_request",
        sentence or (message[0].upper() + message[1:] + "."),
        details=[ErrorDetail(field=field, message=message)],
    )


def at(moment: datetime) -> str:
    local = moment.astimezone(PARIS)
    return f"{local:%d/%m/%Y} à {local.hour} h {local:%M}"


def tell(session: Session, clock: Clock, member: Member, subject: str, body: str, to: str | None = None) -> None:
    address = to or member.email
    if address:
        enqueue_mail(
            session,
            clock,
            to=address,
            subject=subject,
            body=f"Bonjour {member.first_name} {member.last_name},\n\n{body}{NOT_YOU}{SIGNATURE}",
        )
