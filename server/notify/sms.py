"""SMS through a provider interface. Providers (setting ``sms_provider``):

- ``outbox`` (demo, default): the SMS becomes a mail of the outbox addressed to
  ``sms+<digits>@<sms_sink_domain>``, so the demo mailbox (the SMTP sink) shows it;
- ``file``: one line per SMS appended to ``sms_file`` (development);
- a real operator plugs in by implementing ``SmsProvider`` and adding it to ``provider_for``.

The text is written in the caller's transaction (outbox) so a rolled-back login sends nothing. Never
logged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from server.clock import Clock
from server.notify.outbox import enqueue_mail
from server.settings import Settings


class SmsProvider(Protocol):
    def send(self, session: Session, clock: Clock, to: str, text: str) -> None: ...


class OutboxSms:
    def __init__(self, settings: Settings) -> None:
        self.domain = settings.sms_sink_domain

    def send(self, session: Session, clock: Clock, to: str, text: str) -> None:
        digits = "".join(c for c in to if c.isdigit())
        enqueue_mail(session, clock, to=f"sms+{digits}@{self.domain}", subject=f"SMS pour {to}", body=text)


class FileSms:
    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.sms_file)

    def send(self, session: Session, clock: Clock, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"{clock.now().isoformat()}\t{to}\t{text}\n")


def provider_for(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "file":
        return FileSms(settings)
    if settings.sms_provider == "outbox":
        return OutboxSms(settings)
    raise ValueError(f"fournisseur SMS inconnu : {settings.sms_provider}")
