"""The console conseiller, full screen, against the real server app and the demo world (80×24, Pilot):
a whole call — search as you type, the identity checklist, unlock, then answer a message from the queue."""

from __future__ import annotations

import pytest
from sqlmodel import select

from models.schemas.common import AccountState
from models.tables import Account, AuditEvent, MailOutbox, Member, Message, MessageThread
from server.services.agent.identity import last_reimbursement
from tui.app import EspaceApp
from tui.screens.agent import AgentConsoleScreen, FormScreen, IdentityScreen, QueueScreen

JULIEN = "julien.roche@mutuelle-demo.example"


def screen_text(app) -> str:
    from textual.widgets import Label, OptionList, Static

    parts = [str(w.render()) for w in app.screen.query(Static)] + [str(w.render()) for w in app.screen.query(Label)]
    for options in app.screen.query(OptionList):
        parts += [str(options.get_option_at_index(i).prompt) for i in range(options.option_count)]
    return "\n".join(parts)


async def settle(app, pilot) -> None:
    for _ in range(4):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def julien_token(demo_session, demo_make, api, token_store):
    account = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    token = demo_make.session_token(account)
    token_store.set(api.base_url, token)
    return account


@pytest.fixture
def sophie79(demo_session):
    return demo_session.exec(select(Member).where(Member.member_number == "3810522")).one()


def amount_words(value) -> str:
    return str(value).replace(".", ",")


async def test_a_whole_call_search_check_unlock_then_answer_a_message(
    api, token_store, julien_token, sophie79, demo_session
):
    _, _, amount = last_reimbursement(demo_session, sophie79.id)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        assert isinstance(app.screen, AgentConsoleScreen)  # a conseiller lands in the console
        await pilot.press(*"martin so")
        await settle(app, pilot)
        text = screen_text(app)
        assert "né(e) en 1979" in text and "né(e) en 1992" in text  # homonyms told apart
        await pilot.press("enter")  # to the results
        hits = app.screen.hits
        index = next(i for i, h in enumerate(hits) if h.birth_year == 1979)
        for _ in range(index):
            await pilot.press("down")
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IdentityScreen)
        await pilot.press(*"Martin", "enter", *"Sophie", "enter", *"18/04/1979", "enter")
        await pilot.press(*amount_words(amount), "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, AgentConsoleScreen)
        text = screen_text(app)
        assert "verrouillé jusqu'à" in text and "✓ Identité : vérifiée à 10 h 00" in text  # said once
        assert "RIB rejeté" in text and "MARTIN Sophie — née le 18/04/1979 — n° 3810522" in text
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)
        await pilot.press(*"Bloquée après 3 essais", "enter", "enter")
        await settle(app, pilot)
        assert "Compte débloqué" in screen_text(app)
        account = demo_session.exec(select(Account).where(Account.member_id == sophie79.id)).one()
        assert account.state == AccountState.active
        unlock = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).one()
        assert (unlock.actor_account_id, unlock.target_id) == (julien_token.id, str(sophie79.id))
        assert demo_session.exec(select(MailOutbox).where(MailOutbox.subject == "Votre accès est débloqué")).all()
        # the queue: answer the first message waiting
        await pilot.press("f")
        await settle(app, pilot)
        assert isinstance(app.screen, QueueScreen)
        first = next(i for i in app.screen.items if i.kind == "thread" and i.category != "reclamation")
        options = app.screen.query_one("#queue")
        options.highlighted = app.screen.items.index(first)
        await pilot.press("enter")
        await settle(app, pilot)
        await pilot.press("r")
        await pilot.pause()
        await pilot.press(*"Bonjour, voici la réponse du conseiller.", "enter")
        await settle(app, pilot)
        thread = demo_session.get(MessageThread, first.id)
        assert thread.status == "answered"
        last = demo_session.exec(
            select(Message).where(Message.thread_id == first.id).order_by(Message.id.desc())  # type: ignore[union-attr]
        ).first()
        assert (last.body, last.author_account_id) == ("Bonjour, voici la réponse du conseiller.", julien_token.id)


async def test_a_failed_check_keeps_the_dossier_closed(api, token_store, julien_token, sophie79):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press(*"3810522")
        await settle(app, pilot)
        await pilot.press("enter", "enter")
        await settle(app, pilot)
        await pilot.press(*"Martin", "enter", *"Sophie", "enter", *"19/04/1979", "enter", *"1,00", "enter", "enter")
        await settle(app, pilot)
        assert isinstance(app.screen, IdentityScreen)
        text = screen_text(app)
        assert "Date de naissance : NON concordant" in text and "le dossier reste fermé" in text


def test_console_snapshot(api, token_store, julien_token, sophie79, demo_session, snap_compare):
    _, _, amount = last_reimbursement(demo_session, sophie79.id)
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_sophie(pilot, amount)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def open_sophie(pilot, amount) -> None:
    """Sophie MARTIN's dossier, found by her n° adhérent, her identity checked (the last reimbursement)."""
    await settle(pilot.app, pilot)
    await pilot.press(*"3810522")
    await settle(pilot.app, pilot)
    await pilot.press("enter", "enter")
    await settle(pilot.app, pilot)
    await pilot.press(
        *"Martin", "enter", *"Sophie", "enter", *"18/04/1979", "enter", *amount_words(amount), "enter", "enter"
    )
    await settle(pilot.app, pilot)
