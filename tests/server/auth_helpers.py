"""Helpers of the auth tests: solve the text challenge, read the code from the outbox, log in fully."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterator
from contextlib import contextmanager

from sqlmodel import Session, col, select

from models.domain.human_check import DAYS, NUMBERS, ORDINALS
from models.tables import MailOutbox
from server.logs import JsonFormatter

LOGIN = "/api/v1/auth/login"
SECOND = "/api/v1/auth/second-factor"


def solve(question: str) -> str:
    if m := re.match(r"Combien font (\w+) plus (\w+)", question):
        return str(NUMBERS.index(m[1]) + NUMBERS.index(m[2]))
    if m := re.match(r"Quel est le (\w+) mot de : (.*) \?", question):
        return m[2].split(", ")[ORDINALS.index(m[1])]
    m = re.match(r"Quel jour vient juste après le (\w+)", question)
    assert m, question
    return DAYS[(DAYS.index(m[1]) + 1) % 7]


async def challenge(client) -> dict[str, str]:
    body = (await client.post("/api/v1/auth/challenge")).json()
    return {"challenge_id": body["id"], "challenge_answer": solve(body["question"])}


def last_mail(db: Session, to: str) -> MailOutbox:
    mail = db.exec(select(MailOutbox).where(MailOutbox.to == to).order_by(col(MailOutbox.id).desc())).first()
    assert mail is not None, to
    return mail


def code_in(mail: MailOutbox, digits: int = 6) -> str:
    m = re.search(rf"\b(\d{{{digits}}})\b", mail.body)
    assert m, mail.body
    return m[1]


def token_in(mail: MailOutbox) -> str:
    m = re.search(r"token=([\w\-]+)", mail.body)
    assert m
    return m[1]


async def login_fully(client, db: Session, identifier: str, password: str, email: str, **extra) -> dict:
    first = await client.post(LOGIN, json={"identifier": identifier, "password": password})
    assert first.status_code == 200, first.text
    body = first.json()
    if body["status"] == "authenticated":
        return {"session": body["session"]}
    code = code_in(last_mail(db, email))
    second = await client.post(SECOND, json={"pending_id": body["pending"]["id"], "code": code, **extra})
    assert second.status_code == 200, second.text
    return second.json()


@contextmanager
def espace_logs() -> Iterator[list[str]]:
    """Every record of the project's loggers (``espace.*``, which do not propagate to the root), formatted
    as the production JSON lines, extra fields included."""
    lines: list[str] = []
    formatter = JsonFormatter()

    class Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            lines.append(formatter.format(record))

    logger, handler = logging.getLogger("espace"), Collect(logging.DEBUG)
    level = logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    try:
        yield lines
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
