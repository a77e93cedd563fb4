"""SMS through a provider interface. Providers (setting ``sms_provider``):

- ``outbox`` (demo, default): the SMS becomes a mail of the outbox addressed to
  ``sms+<digits>@<sms_sink_domain>``, so the demo mailbox (the SMTP sink) shows it;
- ``file``: one line per SMS appended to ``sms_file`` (development);
- a real operator plugs in by implementing ``SmsProvider`` and adding it to ``provider_for``.

The text is written in the caller's transaction (outbox) so a rolled-back login sends nothing. The text
is never logged: a provider logs only that it sent an SMS, to a masked number (``06 ** ** ** 78``).
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from server.clock import Clock
from server.notify.outbox import enqueue_mail
from server.settings import Settings

log = logging.getLogger("espace.sms")


def masked(phone: str) -> str:
    digits = "".join(c for c in phone if c.isdigit())
    if digits.startswith("33") and len(digits) == 11:
        digits = "0" + digits[2:]
    return f"{digits[:2]} ** ** ** {digits[-2:]}" if len(digits) >= 4 else "** ** ** **"


class SmsProvider(Protocol):
    def send(self, session: Session, clock: Clock, to: str, text: str) -> None: ...


class OutboxSms:
    def __init__(self, settings: Settings) -> None:
        self.domain = settings.sms_sink_domain

    def send(self, session: Session, clock: Clock, to: str, text: str) -> None:
        digits = "".join(c for c in to if c.isdigit())
        enqueue_mail(session, clock, to=f"sms+{digits}@{self.domain}", subject=f"SMS pour {to}", body=text)
        log.info("sms queued", extra={"provider": "outbox", "to": masked(to)})


class FileSms:
    def __init__(self, settings: Settings) -> None:
        self.path = Path(settings.sms_file)

    def send(self, session: Session, clock: Clock, to: str, text: str) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with self.path.open("a", encoding="utf-8") as handle:
            handle.write(f"{clock.now().isoformat()}\t{to}\t{text}\n")
        log.info("sms written", extra={"provider": "file", "to": masked(to)})


def provider_for(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "file":
        return FileSms(settings)
    if settings.sms_provider == "outbox":
        return OutboxSms(settings)
    raise ValueError(f"fournisseur SMS inconnu : {settings.sms_provider}")
