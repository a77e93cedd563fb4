"""SMS through a provider interface. Providers (setting ``sms_provider``):

- ``outbox`` (demo, default): the SMS becomes a mail of the outbox addressed to
  ``sms+<digits>@<sms_sink_domain>``, so the demo mailbox (the SMTP sink) shows it;
- ``file``: one line per SMS appended to ``sms_file`` (development);
- a real operator plugs in by implementing ``SmsProvider`` and adding it to ``provider_for``.

The text is written in the caller's transaction (outbox) so a rolled-back login sends nothing. The text
is never logged: a provider logs only that it sent an SMS, to a masked number (``06 ** ** ** 78``).

Every SMS goes through ``send_sms``, which writes it in the GSM 03.38 basic character set (``gsm7``): one
character outside it (« ê », « ’ », a no-break space) makes the operator send the whole SMS in UCS-2,
70 characters a part instead of 160, and some phones show it as boxes. Callers write plain French.
"""

from __future__ import annotations

import logging
import unicodedata
from pathlib import Path
from typing import Protocol

from sqlmodel import Session

from server.clock import Clock
from server.notify.outbox import enqueue_mail
from server.settings import Settings

log = logging.getLogger("espace.sms")


# 3GPP TS 23.038 § 6.2.1, the default alphabet without the escape to its extension table (« € », « [ »…
# cost two characters and some phones drop them).
GSM7_BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# What French text holds outside that set, and no accent-stripping gives: ligatures, typographic
# punctuation, the spaces of dates and amounts, the euro sign.
_GSM7_SPELLED = {
    "œ": "oe",
    "Œ": "OE",
    "ç": "c",
    "’": "'",
    "‘": "'",
    "«": '"',
    "»": '"',
    "“": '"',
    "”": '"',
    "–": "-",
    "—": "-",
    "…": "...",
    "€": "EUR",
    "\u00a0": " ",
    "\u202f": " ",
    "\t": " ",
}


def gsm7(text: str) -> str:
    """``text`` in the GSM 03.38 basic set: kept where it already is (« é », « à »), spelled out
    (« œ » → « oe », « € » → « EUR »), else its letter without the accent (« ê » → « e »), else « ? »."""
    out = []
    for char in text:
        if char in GSM7_BASIC:
            out.append(char)
        elif char in _GSM7_SPELLED:
            out.append(_GSM7_SPELLED[char])
        else:
            bare = "".join(c for c in unicodedata.normalize("NFKD", char) if c in GSM7_BASIC)
            out.append(bare or "?")
    return "".join(out)


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


def send_sms(session: Session, clock: Clock, settings: Settings, to: str, text: str) -> None:
    """THE way the server sends an SMS: through the configured provider, in GSM-7."""
    provider_for(settings).send(session, clock, to, gsm7(text))


def provider_for(settings: Settings) -> SmsProvider:
    if settings.sms_provider == "file":
        return FileSms(settings)
    if settings.sms_provider == "outbox":
        return OutboxSms(settings)
    raise ValueError(f"fournisseur SMS inconnu : {settings.sms_provider}")
