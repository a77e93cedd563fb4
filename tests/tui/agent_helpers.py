"""What the console conseiller's client tests share (issue 16): the search, « Qui appelle ? », the server's
identity questions answered as a caller says them, an action's form filled and confirmed — with bounded waits
(``until``) while a flow's worker waits for a form, where ``settle`` would wait for it too."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session

from tests.tui.conftest import identity_answers, settle
from tests.tui.profile_helpers import on_form, type_text, until
from tui.screens.agent import AgentConsoleScreen
from tui.screens.forms import ConfirmScreen, FormScreen
from tui.widgets.status import StatusLine


def screen_text(app: Any) -> str:
    from textual.widgets import Label, OptionList, Static

    parts = [str(w.render()) for w in app.screen.query(Static)] + [str(w.render()) for w in app.screen.query(Label)]
    for options in app.screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


def form_status(app: Any) -> str:
    return app.screen.query_one("#form-status", StatusLine).text


def console_status(app: Any) -> str:
    console = next(s for s in app.screen_stack if isinstance(s, AgentConsoleScreen))
    return console.query_one("#console-status", StatusLine).text


def identity_title(hit: Any) -> str:
    return f"Vérifier l'identité — {hit.last_name} {hit.first_name} (n° {hit.member_number})"


async def answer_questions(app: Any, pilot: Any, answers: dict[str, str], *, reason: str = "") -> None:
    """The identity form: each question the server asked, in its order, then the optional reason."""
    await until(pilot, lambda: isinstance(app.screen, FormScreen) and "identité" in app.screen.form.title)
    for ask in app.screen.form.asks:
        await type_text(pilot, reason if ask.name == "reason" else answers[ask.name])
        await pilot.press("enter")


async def open_call(app: Any, pilot: Any, query: str, birth_year: int | None = None) -> None:
    """The search, a result chosen, « Qui appelle ? » answered « l'adhérent » (the default)."""
    await settle(pilot)
    await type_text(pilot, query)
    await settle(pilot)
    await pilot.press("enter")  # to the results
    if birth_year is not None:
        index = next(i for i, h in enumerate(app.screen.hits) if h.birth_year == birth_year)
        app.screen.query_one("#hits").highlighted = index
    await pilot.press("enter")
    await until(pilot, lambda: on_form(app, "Qui appelle ?"))
    await pilot.press("ctrl+s")


async def open_dossier(app: Any, pilot: Any, session: Session, query: str, member_number: str) -> None:
    """A member's dossier: found by ``query``, their identity checked with the server's questions."""
    await open_call(app, pilot, query)
    await answer_questions(app, pilot, identity_answers(session, member_number))
    await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen) and app.screen.dossier is not None)
    await settle(pilot)


async def fill_form(app: Any, pilot: Any, title: str, confirm: bool = True, **values: str) -> None:
    """An action's form: each field set (a choice by its value), Ctrl+S, then « Oui » to the read-back (unless
    ``confirm`` is False)."""
    await until(pilot, lambda: on_form(app, title))
    for name, value in values.items():
        app.screen.query_one(f"#field-{name}").value = value
    await pilot.pause()
    await pilot.press("ctrl+s")
    if confirm:  # else the caller answers what comes next
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("o")
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen))


def field_error(app: Any, name: str) -> str:
    """The sentence written under a field of the form on screen ("" when none is shown)."""
    from tui.widgets.text import Static

    slot = app.screen.query_one(f"#error-{name}", Static)
    return "" if slot.has_class("-hidden") else str(slot.render())


def a_demarche_waiting(session: Session, clock: Any, member_number: str) -> int:
    """A démarche of ``member_number`` received a moment ago, in the queue (the demo world has none): its id."""
    from sqlmodel import select

    from models.schemas.common import RequestKind, RequestStatus
    from models.tables import Member, MemberRequest

    member = session.exec(select(Member).where(Member.member_number == member_number)).one()
    now = clock.now()
    request = MemberRequest(
        reference="D2026-QUEUE1",
        member_id=member.id or 0,
        kind=RequestKind.document,
        status=RequestStatus.received,
        title="Dépôt : RIB",
        created_at=now,
        updated_at=now,
    )
    session.add(request)
    session.commit()
    return request.id or 0


def close_phone_channel(session: Session, clock: Any, member_number: str, agent_email: str) -> int:
    """Three identity checks missed by ``agent_email`` on the member in the last hours: the phone channel is
    closed (``settings.phone_channel_max_failures``). The member's id."""
    from datetime import timedelta

    from sqlmodel import select

    from models.tables import Account, IdentityCheck, Member

    member = session.exec(select(Member).where(Member.member_number == member_number)).one()
    agent = session.exec(select(Account).where(Account.login_email == agent_email)).one()
    for hours in (3, 2, 1):
        session.add(
            IdentityCheck(
                agent_account_id=agent.id or 0,
                member_id=member.id or 0,
                caller_kind="member",
                method="questions",
                checks={"birth_date": False},
                created_at=clock.now() - timedelta(hours=hours),
            )
        )
    session.commit()
    return member.id or 0
