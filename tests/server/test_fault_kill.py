"""Faults (issue 11): a real server process is SIGKILLed in the middle of writes — messages with an
attachment, démarches with their document, changes of préférences — from several members at once.
After a restart on the same committed database (SQLite file, or PostgreSQL when the test database is
PostgreSQL): every write that got a 2xx answer is there, none is half-written (a thread without its
attachment, a request without its document, a change without its audit row), the sessions still work
(no state lived in the killed process), and the outbox delivers every queued mail exactly once, counted
by Message-ID on a local SMTP server, with two senders racing.

No sleep: the test waits on events set by its writer threads and on the servers' own log lines."""

from __future__ import annotations

import base64
import re
import signal
import threading
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.policy import default as default_policy
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func
from sqlmodel import Session, col, select

from models.tables import AuditEvent, Document, MailOutbox, MemberRequest, Message, MessageThread
from server.clock import SystemClock
from server.db import create_db_engine, session_scope_for
from server.migrate import upgrade
from server.notify.outbox import send_due_mails
from server.settings import Settings
from tests.server.live_server import committed_database, login_live, seed_members, start_server, stop_server
from tests.server.test_outbox import Sink, smtp_sink  # noqa: F401 - the fixture, shared

MEMBERS = 3
KILL_AFTER = 24  # answered writes, all members together, before the SIGKILL
PDF = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
FILE = {"filename": "facture.pdf", "content_base64": base64.b64encode(PDF).decode()}
PREFERENCES = (
    {"statements": "post", "channels": ["portal"]},
    {"statements": "email", "channels": ["portal", "email"]},
)


@dataclass
class Writer:
    number: str
    email: str
    beneficiary_id: int
    token: str = ""
    threads: list[int] = field(default_factory=list)  # ids answered 201
    requests: list[int] = field(default_factory=list)
    preferences_answered: list[int] = field(default_factory=list)  # index in PREFERENCES
    preferences_sent: list[int] = field(default_factory=list)
    unexpected: list[str] = field(default_factory=list)


@pytest.fixture
def url(tmp_path: Path) -> Iterator[str]:
    with committed_database(tmp_path, "panne") as url:
        upgrade(url)
        yield url


def _write_until_killed(base: str, writer: Writer, answered: threading.Semaphore, stop: threading.Event) -> None:
    headers = {"Authorization": f"Bearer {writer.token}"}
    with httpx.Client(base_url=base, timeout=60, headers=headers) as client:
        n = 0
        while not stop.is_set():
            n += 1
            try:
                kind = n % 3
                if kind == 0:
                    response = client.post(
                        "/api/v1/me/threads",
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                        json={
                            "subject": f"Question {n}", "category": "question", "body": "Bonjour.",
                            "attachments": [FILE],
                        },
                    )  # fmt: skip
                    if response.status_code == 201:
                        writer.threads.append(response.json()["id"])
                elif kind == 1:
                    response = client.post(
                        "/api/v1/me/requests/documents",
                        headers={"Idempotency-Key": str(uuid.uuid4())},
                        json={
                            "document_type": "paid_invoice", "beneficiary_id": writer.beneficiary_id,
                            "description": f"Facture {n}", "files": [FILE],
                        },
                    )  # fmt: skip
                    if response.status_code == 201:
                        writer.requests.append(response.json()["id"])
                else:
                    choice = n % 2
                    writer.preferences_sent.append(choice)
                    response = client.put("/api/v1/me/profile/preferences", json=PREFERENCES[choice])
                    if response.status_code == 200:
                        writer.preferences_answered.append(choice)
            except httpx.TransportError:
                return  # the server was killed: this write may or may not have happened
            if response.is_success:
                answered.release()
            else:
                writer.unexpected.append(f"{response.status_code} {response.text}")
                return


def test_sigkill_in_the_middle_of_writes_loses_no_answered_write_and_leaves_none_half_written(url, smtp_sink):
    seeded = seed_members(url, MEMBERS)
    writers = [Writer(number, email, beneficiary_id) for number, email, beneficiary_id in seeded]
    live = start_server(url)
    with httpx.Client(base_url=live.base, timeout=60) as client:
        for writer in writers:
            writer.token = login_live(client, url, writer.number, writer.email)

    answered, stop = threading.Semaphore(0), threading.Event()
    threads = [threading.Thread(target=_write_until_killed, args=(live.base, w, answered, stop)) for w in writers]
    for t in threads:
        t.start()
    try:
        for _ in range(KILL_AFTER):  # wait for the writers' answers, not for a duration
            assert answered.acquire(timeout=120), "les écritures n'avancent pas"
        live.process.send_signal(signal.SIGKILL)  # in the middle of the writes still in flight
        live.process.wait(timeout=30)
    finally:
        stop.set()
        for t in threads:
            t.join(timeout=120)
    assert all(not w.unexpected for w in writers), [w.unexpected for w in writers]
    assert sum(len(w.threads) + len(w.requests) + len(w.preferences_answered) for w in writers) >= KILL_AFTER

    restarted = start_server(url)
    try:
        with httpx.Client(base_url=restarted.base, timeout=60) as client:
            assert client.get("/api/v1/ready").status_code == 200
            for w in writers:  # the sessions survived the process: they live in the database
                auth = {"Authorization": f"Bearer {w.token}"}
                for thread_id in w.threads:
                    detail = client.get(f"/api/v1/me/threads/{thread_id}", headers=auth)
                    assert detail.status_code == 200, detail.text
                for request_id in w.requests:
                    assert client.get(f"/api/v1/me/requests/{request_id}", headers=auth).status_code == 200
    finally:
        stop_server(restarted)

    engine = create_db_engine(url)
    with Session(engine) as session:
        thread_ids = set(session.exec(select(MessageThread.id)).all())
        request_ids = set(session.exec(select(MemberRequest.id)).all())
        assert {i for w in writers for i in w.threads} <= thread_ids  # every answered write is there
        assert {i for w in writers for i in w.requests} <= request_ids
        for thread_id in thread_ids:  # … and nothing is half-written
            messages = session.exec(select(func.count()).select_from(Message).where(Message.thread_id == thread_id))
            files = session.exec(select(func.count()).select_from(Document).where(Document.thread_id == thread_id))
            assert (messages.one(), files.one()) == (1, 1), thread_id
        for request_id in request_ids:
            files = session.exec(select(func.count()).select_from(Document).where(Document.request_id == request_id))
            assert files.one() == 1, request_id
        assert not session.exec(
            select(Document).where(
                col(Document.thread_id).is_(None), col(Document.request_id).is_(None), col(Document.claim_id).is_(None)
            )
        ).first()  # no orphan file
        changes = session.exec(select(AuditEvent).where(AuditEvent.action == "preferences_changed")).all()
        for w in writers:
            mine = [
                c for c in changes if c.actor_account_id is not None and str(c.target_id) in _member_ids(session, w)
            ]
            assert len(w.preferences_answered) <= len(mine) <= len(w.preferences_sent)
        queued = set(session.exec(select(MailOutbox.id).where(col(MailOutbox.sent_at).is_(None))).all())
    engine.dispose()
    assert queued  # at least the second-factor codes of the logins

    sink, port = smtp_sink
    settings = Settings(database_url=url, demo_mode=True, smtp_port=port, outbox_batch_size=7, log_level="WARNING")
    engine = create_db_engine(url)
    scope = session_scope_for(engine)

    def sender() -> None:
        for _ in range(100):  # bounded: each pass sends a batch
            if send_due_mails(scope, SystemClock(), settings).sent == 0:
                return

    senders = [threading.Thread(target=sender) for _ in range(2)]  # two job processes racing
    for s in senders:
        s.start()
    for s in senders:
        s.join(timeout=120)
    assert send_due_mails(scope, SystemClock(), settings).sent == 0
    engine.dispose()
    delivered = []
    for envelope in sink.envelopes:
        message = message_from_bytes(envelope.content, policy=default_policy)
        found = re.search(r"outbox-(\d+)", str(message["Message-ID"]))
        assert found, message["Message-ID"]
        delivered.append(int(found[1]))
    assert sorted(delivered) == sorted(queued)  # every queued mail, exactly once


def _member_ids(session: Session, writer: Writer) -> set[str]:
    from models.tables import Member

    return {str(i) for i in session.exec(select(Member.id).where(Member.member_number == writer.number)).all()}
