"""The demo mailbox: the mails the demo's SMTP sink wrote into a Maildir, read so the person demoing can
see the codes (activation, second factor, password reset). It exists only in demo mode: the demo
launcher sets `ESPACE_DEMO_MAILDIR`; without it the action is not registered at all.

Only the standard library (`mailbox.Maildir`, `email`); no Textual, shared by both front ends.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from tui.clock import paris

# `mailbox`, `email` and the date formats are imported when the mailbox is read: the app only asks
# `demo_maildir` at start.
if TYPE_CHECKING:
    from email.message import EmailMessage

MAILDIR_ENV = "ESPACE_DEMO_MAILDIR"
TITLE = "Boîte aux lettres de démonstration"
EMPTY = "Aucun courriel pour l'instant. Les codes envoyés par le serveur arrivent ici en quelques secondes."
UNREADABLE = "La boîte aux lettres de démonstration n'a pas pu être lue : {reason}."
NO_SUBJECT = "(sans objet)"


@dataclass(frozen=True)
class DemoMail:
    key: str
    subject: str
    to: str
    sent_at: datetime | None
    body: str

    @property
    def when(self) -> str:
        """E.g. "23 novembre 2026 à 10 h 05" (Paris time), or "date inconnue"."""
        if self.sent_at is None:
            return "date inconnue"
        from models.domain.dates import format_date_long, format_time

        local = self.sent_at.astimezone(paris())
        return f"{format_date_long(local.date())} à {format_time(local.time())}"

    def summary(self) -> str:
        """One labelled line per mail, for the list and the linear mode."""
        return f"Date : {self.when} ; À : {self.to} ; Objet : {self.subject}"


def demo_maildir(environ: Mapping[str, str] | None = None) -> Path | None:
    """The demo Maildir if the demo launcher said where it is; None outside demo mode."""
    env = os.environ if environ is None else environ
    value = env.get(MAILDIR_ENV, "").strip()
    return Path(value) if value else None


def _text_body(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    if part is None:
        return ""
    try:
        content = part.get_content()
    except (LookupError, ValueError):  # unknown charset, broken encoding
        payload = part.get_payload(decode=True)
        content = payload.decode("utf-8", "replace") if isinstance(payload, bytes) else str(payload)
    return str(content).strip()


def _sent_at(message: EmailMessage) -> datetime | None:
    from email.utils import parsedate_to_datetime

    raw = message.get("Date")
    if not raw:
        return None
    try:
        value = parsedate_to_datetime(str(raw))
    except (TypeError, ValueError):
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def read_mailbox(path: Path) -> list[DemoMail]:
    """Every mail of the Maildir, newest first (undated ones last). Raises OSError if unreadable."""
    import email.policy
    import mailbox
    from email.message import EmailMessage

    if not path.is_dir():
        raise FileNotFoundError(f"dossier introuvable : {path}")
    box = mailbox.Maildir(str(path), factory=None, create=False)
    mails = []
    for key in box.iterkeys():
        with box.get_file(key) as handle:
            message = email.message_from_binary_file(handle, policy=email.policy.default)
        assert isinstance(message, EmailMessage)
        mails.append(
            DemoMail(
                key=key,
                subject=str(message.get("Subject") or NO_SUBJECT),
                to=str(message.get("To") or ""),
                sent_at=_sent_at(message),
                body=_text_body(message),
            )
        )
    oldest = datetime.min.replace(tzinfo=UTC)
    mails.sort(key=lambda m: (m.sent_at or oldest, m.key), reverse=True)
    return mails


def load(path: Path) -> tuple[list[DemoMail], str | None]:
    """The mails and, if the Maildir cannot be read, a French message instead."""
    try:
        return read_mailbox(path), None
    except OSError as exc:
        return [], UNREADABLE.format(reason=exc.strerror or str(exc))
