"""The mail outbox: transactional enqueue, SMTP delivery to a real local server, retries."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from email import message_from_bytes
from email.policy import default as default_policy

import pytest
from aiosmtpd.controller import Controller
from sqlmodel import select

from models.tables import MailOutbox
from server.jobs import run_pass
from server.notify.outbox import SENT_BODY, enqueue_mail


class Sink:
    def __init__(self) -> None:
        self.envelopes: list = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append(envelope)
        return "250 Message accepted"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def smtp_sink() -> Iterator[tuple[Sink, int]]:
    sink = Sink()
    port = _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()  # returns once the server accepts connections
    try:
        yield sink, port
    finally:
        controller.stop()


def _mails(db_session) -> list[MailOutbox]:
    db_session.expire_all()
    return list(db_session.exec(select(MailOutbox).order_by(MailOutbox.id)).all())


def test_a_mail_from_a_rolled_back_transaction_is_never_sent(db_session, clock, settings, session_scope, smtp_sink):
    sink, port = smtp_sink
    enqueue_mail(db_session, clock, to="camille@exemple.fr", subject="Bienvenue", body="Bonjour")
    db_session.rollback()  # the event failed: its mail goes with it
    report = run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": port}))
    assert (report.sent, report.failed) == (0, 0)
    assert sink.envelopes == []
    assert _mails(db_session) == []


def test_the_sender_delivers_over_smtp_and_marks_sent(db_session, clock, settings, session_scope, smtp_sink):
    sink, port = smtp_sink
    enqueue_mail(
        db_session,
        clock,
        to="camille@exemple.fr",
        subject="Votre remboursement",
        body="Un remboursement de 9,00 € a été effectué.",
    )
    db_session.commit()
    report = run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": port}))
    assert report.sent == 1
    [envelope] = sink.envelopes
    assert envelope.rcpt_tos == ["camille@exemple.fr"]
    received = message_from_bytes(envelope.content, policy=default_policy)
    assert received["Subject"] == "Votre remboursement"
    assert "9,00 €" in received.get_content()
    [mail] = _mails(db_session)
    assert mail.sent_at == clock.now()
    assert mail.attempts == 0
    # a second pass sends nothing more
    assert run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": port})).sent == 0
    assert len(sink.envelopes) == 1


def test_a_failing_smtp_leaves_the_mail_queued_and_retries_later(db_session, clock, settings, session_scope, smtp_sink):
    sink, port = smtp_sink
    enqueue_mail(db_session, clock, to="camille@exemple.fr", subject="Code", body="…")
    db_session.commit()
    closed_port = _free_port()  # nothing listens there: connection refused
    report = run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": closed_port}))
    assert (report.sent, report.failed) == (0, 1)
    [mail] = _mails(db_session)
    assert mail.sent_at is None
    assert mail.attempts == 1
    assert mail.last_error
    assert mail.next_attempt_at == clock.now() + settings.outbox_retry_base
    # not due yet: the next pass leaves it alone, even with SMTP back
    working = settings.model_copy(update={"smtp_port": port})
    assert run_pass(session_scope, clock, working).sent == 0
    clock.advance(settings.outbox_retry_base)
    assert run_pass(session_scope, clock, working).sent == 1
    assert len(sink.envelopes) == 1
    assert _mails(db_session)[0].sent_at == clock.now()


def test_a_sent_mail_loses_its_body_but_keeps_to_subject_and_sent_at(
    db_session, clock, settings, session_scope, smtp_sink
):
    sink, port = smtp_sink
    body = "Votre code : 48213907, ou ce lien : http://x/confirm?token=Zq9-secret-token"
    enqueue_mail(db_session, clock, to="camille@exemple.fr", subject="Confirmez votre adresse", body=body)
    db_session.commit()
    closed = settings.model_copy(update={"smtp_port": _free_port()})
    run_pass(session_scope, clock, closed)
    assert _mails(db_session)[0].body == body  # not delivered yet: kept for the retry
    clock.advance(settings.outbox_retry_base)
    assert run_pass(session_scope, clock, settings.model_copy(update={"smtp_port": port})).sent == 1
    assert "48213907" in message_from_bytes(sink.envelopes[0].content, policy=default_policy).get_content()
    [mail] = _mails(db_session)
    assert (mail.to, mail.subject, mail.sent_at) == ("camille@exemple.fr", "Confirmez votre adresse", clock.now())
    assert mail.body == SENT_BODY
    assert "48213907" not in mail.body and "token" not in mail.body


def test_retry_delay_grows_and_is_capped(db_session, clock, settings, session_scope):
    enqueue_mail(db_session, clock, to="x@exemple.fr", subject="s", body="b")
    db_session.commit()
    closed = settings.model_copy(update={"smtp_port": _free_port()})
    delays = []
    for _ in range(9):
        before = clock.now()
        run_pass(session_scope, clock, closed)
        mail = _mails(db_session)[0]
        delays.append(mail.next_attempt_at - before)
        clock.set(mail.next_attempt_at)
    assert delays[1] == 2 * delays[0]
    assert delays[-1] == settings.outbox_retry_max
    assert _mails(db_session)[0].attempts == 9
