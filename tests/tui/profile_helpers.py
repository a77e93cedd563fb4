"""What the « Mon profil » client tests share: typing and waiting in Pilot while an action's worker waits
for a form, the status line, a section opened by keyboard, a linear transcript run with answers computed
when asked, and the demo database read back (the member, the SMS sent to a number)."""

from __future__ import annotations

import io
import re
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from sqlmodel import Session, col, select

from models.tables import MailOutbox, Member
from tests.tui.conftest import SEND, ScriptedInput, menu_number, recap_send, settle
from tui.app import EspaceApp
from tui.linear import LinearClient
from tui.screens.forms import FormScreen
from tui.widgets.status import StatusLine

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PROFILE = "Mon profil : coordonnées, RIB, famille, carte, documents, mes données"
SECTIONS = (
    "contact",
    "preferences",
    "bank",
    "family",
    "contributions",
    "card",
    "documents",
    "contract",
    "data",
    "security",
)


async def type_text(pilot: Any, text: str) -> None:
    await pilot.press(*["space" if c == " " else c for c in text])


async def until(pilot: Any, condition: Any) -> None:
    """While an action's worker waits for a form, ``settle`` would wait for it too: pause until the
    condition holds instead (a bounded number of event-loop turns, no clock)."""
    for _ in range(200):
        if condition():
            return
        await pilot.pause()
    said = [w.text for w in pilot.app.screen.query(StatusLine)]
    raise AssertionError(f"the screen did not get there: on {pilot.app.screen!r}, saying {said}")


async def send_a_rib(app: Any, pilot: Any) -> None:
    """« r » on the RIB section, Coralie's new RIB for the whole contract, Ctrl+S (the step-up comes next)."""
    await pilot.press("r")
    await until(pilot, lambda: on_form(app, "RIB de remboursement"))
    await type_text(pilot, "FR7630006000011234567890189")
    await pilot.press("enter")
    await type_text(pilot, "AGRIFRPP")
    await pilot.press("enter")
    await type_text(pilot, "Coralie Vidal")
    await pilot.press("ctrl+s")


def on_form(app: Any, title: str) -> bool:
    return isinstance(app.screen, FormScreen) and app.screen.form.title == title


def status_of(app: Any) -> str:
    return app.screen.query_one("#profile-status", StatusLine).text


def lines_of(app: Any) -> str:
    return str(app.screen.query_one("#profile-lines").render())


async def open_section(pilot: Any, section: str) -> None:
    await pilot.press("p")
    await settle(pilot)
    for _ in range(SECTIONS.index(section)):
        await pilot.press("down")
    await settle(pilot)


@asynccontextmanager
async def in_section(api: Any, token_store: Any, section: str) -> AsyncIterator[tuple[EspaceApp, Any]]:
    """The full-screen client at 80×24, the session resumed from ``token_store``, on that section."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await open_section(pilot, section)
        yield app, pilot


async def back_on_profile(pilot: Any) -> None:
    """After the last answer of an action: the profile screen again, its section reloaded."""
    await until(pilot, lambda: pilot.app.screen.id == "profile")
    await settle(pilot)


def in_order(lines: list[str], expected: list[str]) -> None:
    position = 0
    for wanted in expected:
        found = next((i for i in range(position, len(lines)) if wanted in lines[i]), None)
        assert found is not None, f"« {wanted} » not found after line {position}:\n" + "\n".join(lines[position:])
        position = found + 1


async def run_linear(api: Any, token_store: Any, answers: list[Any]) -> tuple[list[str], str]:
    """The linear client on ``answers``, where an answer may be ``("menu", label)`` (the number of that
    label in the latest menu printed), ``SEND`` (Entrée at a form's recap) or a callable (called when the
    question is asked)."""
    stdout, stderr = io.StringIO(), io.StringIO()
    resolved = [
        recap_send(stdout) if a == SEND else menu_number(stdout, a[1]) if isinstance(a, tuple) else a for a in answers
    ]
    client = LinearClient(api, stdin=ScriptedInput(resolved), stdout=stdout, stderr=stderr, token_store=token_store)
    await client.run()
    return stdout.getvalue().splitlines(), stderr.getvalue()


def member(session: Session, number: str) -> Member:
    found = session.exec(select(Member).where(Member.member_number == number)).one()
    session.refresh(found)
    return found


def sms_code(session: Session, mobile: str) -> str:
    """The code of the latest SMS sent to ``mobile`` (any spacing), read from the outbox sink: proves the
    code went to that number and no other."""
    digits = "".join(c for c in mobile if c.isdigit())
    for mail in session.exec(select(MailOutbox).order_by(col(MailOutbox.id).desc())).all():
        if mail.to.startswith(f"sms+{digits}@") and (found := re.search(r"\b(\d{6})\b", mail.body)):
            return found[1]
    raise AssertionError(f"no SMS with a code to {mobile}")


def mails_to(session: Session, address: str) -> list[MailOutbox]:
    return list(session.exec(select(MailOutbox).where(MailOutbox.to == address).order_by(col(MailOutbox.id))).all())
