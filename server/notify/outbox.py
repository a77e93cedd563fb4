"""Mail outbox. ``enqueue_mail`` adds a row to the caller's transaction (a rolled-back event sends
nothing); ``send_due_mails`` delivers what is due over SMTP, one commit per mail, and on failure keeps
the mail queued with its attempt counted and a growing delay. A mail is marked sent only after the
SMTP server accepted it: at worst it is sent twice, never lost.

Once sent, a mail's body is blanked (``SENT_BODY``): it held links and codes in clear (activation, second
factor, reset) and the outbox is not an archive. ``to``, ``subject`` and ``sent_at`` stay, for the audit
trail. Blanking at send time rather than purging after ``purge_grace``: a purge would leave a live 24 h
reset link readable in the database for that long after delivery.

Attachments (``mail_attachment``, the carte de tiers payant sent to a professional) go out as MIME parts
of a multipart mail and are deleted with the blanking of the body once the mail is sent."""

from __future__ import annotations

import logging
import smtplib
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from typing import Protocol

from sqlmodel import Session, col, select

from models.tables import MailAttachment, MailOutbox
from server.clock import Clock
from server.db import SessionScope
from server.settings import Settings

log = logging.getLogger("espace.outbox")
SENT_BODY = "(contenu effacé après envoi)"


class SmtpClient(Protocol):
    def send_message(self, msg: EmailMessage) -> object: ...
    def quit(self) -> object: ...


SmtpFactory = Callable[[Settings], SmtpClient]


def default_smtp(settings: Settings) -> SmtpClient:
    return smtplib.SMTP(settings.smtp_host, settings.smtp_port, timeout=settings.smtp_timeout_seconds)


@dataclass
class SendReport:
    sent: int = 0
    failed: int = 0


@dataclass(frozen=True)
class Attachment:
    filename: str
    content_type: str  # "application/pdf"
    data: bytes


def enqueue_mail(
    session: Session, clock: Clock, *, to: str, subject: str, body: str, attachments: Sequence[Attachment] = ()
) -> MailOutbox:
    now = clock.now()
    mail = MailOutbox(to=to, subject=subject, body=body, created_at=now, next_attempt_at=now)
    session.add(mail)
    if attachments:
        session.flush()  # the attachments need the mail's id
        for a in attachments:
            session.add(
                MailAttachment(mail_id=mail.id or 0, filename=a.filename, content_type=a.content_type, data=a.data)
            )
    return mail


def _attachments(session: Session, mail: MailOutbox) -> list[MailAttachment]:
    return list(
        session.exec(select(MailAttachment).where(MailAttachment.mail_id == mail.id).order_by(col(MailAttachment.id)))
    )


def _message(mail: MailOutbox, settings: Settings, attachments: Sequence[MailAttachment] = ()) -> EmailMessage:
    msg = EmailMessage()
    msg["From"] = settings.mail_from
    msg["To"] = mail.to
    msg["Subject"] = mail.subject
    msg["Date"] = format_datetime(mail.created_at)
    msg["Message-ID"] = make_msgid(idstring=f"outbox-{mail.id}")
    msg.set_content(mail.body)
    for a in attachments:
        maintype, _, subtype = a.content_type.partition("/")
        msg.add_attachment(a.data, maintype=maintype, subtype=subtype or "octet-stream", filename=a.filename)
    return msg


def _retry_delay(settings: Settings, attempts: int) -> timedelta:
    return min(settings.outbox_retry_base * (2 ** max(attempts - 1, 0)), settings.outbox_retry_max)


def _mark_failed(session: Session, clock: Clock, settings: Settings, mail: MailOutbox, error: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(error).__name__}: {error}"[:1000]
    mail.next_attempt_at = clock.now() + _retry_delay(settings, mail.attempts)
    session.add(mail)
    session.commit()
    log.warning("mail not sent", extra={"mail_id": mail.id, "attempts": mail.attempts, "error": mail.last_error})


def _due_ids(session: Session, clock: Clock, limit: int) -> list[int]:
    return list(
        session.exec(
            select(MailOutbox.id)
            .where(col(MailOutbox.sent_at).is_(None), MailOutbox.next_attempt_at <= clock.now())
            .order_by(col(MailOutbox.next_attempt_at), col(MailOutbox.id))
            .limit(limit)
        ).all()
    )


def send_due_mails(
    session_scope: SessionScope, clock: Clock, settings: Settings, smtp_factory: SmtpFactory = default_smtp
) -> SendReport:
    report = SendReport()
    with session_scope() as session:
        ids = _due_ids(session, clock, settings.outbox_batch_size)
        if not ids:
            return report
        try:
            smtp: SmtpClient | None = smtp_factory(settings)
        except (OSError, smtplib.SMTPException) as exc:
            smtp, connect_error = None, exc
        for mail_id in ids:
            # Lock the row on PostgreSQL so that two job processes never send the same mail at once.
            mail = session.exec(
                select(MailOutbox)
                .where(MailOutbox.id == mail_id, col(MailOutbox.sent_at).is_(None))
                .with_for_update(skip_locked=True)
            ).first()
            if mail is None:
                continue
            if smtp is None:
                _mark_failed(session, clock, settings, mail, connect_error)
                report.failed += 1
                continue
            attachments = _attachments(session, mail)
            try:
                smtp.send_message(_message(mail, settings, attachments))
            except (OSError, smtplib.SMTPException) as exc:
                _mark_failed(session, clock, settings, mail, exc)
                report.failed += 1
                continue
            mail.sent_at = clock.now()
            mail.body = SENT_BODY  # links and codes do not outlive delivery
            for attachment in attachments:  # nor do the files sent with it
                session.delete(attachment)
            mail.last_error = None
            session.add(mail)
            session.commit()
            report.sent += 1
        if smtp is not None:
            try:
                smtp.quit()
            except (OSError, smtplib.SMTPException):
                log.info("smtp quit failed", exc_info=True)
    return report
