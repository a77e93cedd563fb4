"""The console conseiller, full screen, against the real server app and the demo world (80×24, Pilot): a whole
call — search as you type, « Qui appelle ? », the server's questions (a typo first, corrected, nothing lost),
unlock (a too-short reason first), the strong level and a card to a professional, the call logged — then a
message answered from the queue; a failed check; and a caller switched while the previous one's dossier was
still loading (issue 16)."""

from __future__ import annotations

import asyncio
from typing import Any

import httpx
import pytest
from sqlmodel import select

from models.schemas.common import AccountState
from models.tables import Account, AuditEvent, CallLog, MailOutbox, Member, Message, MessageThread
from tests.tui.agent_helpers import (
    answer_questions,
    console_status,
    field_error,
    form_status,
    open_call,
    open_dossier,
    screen_text,
)
from tests.tui.conftest import SERVER, code_from_outbox, identity_answers, settle
from tests.tui.profile_helpers import on_form, type_text, until
from tui.api.client import ApiClient
from tui.app import EspaceApp
from tui.screens.agent import AgentConsoleScreen, QueueScreen
from tui.screens.forms import ConfirmScreen

JULIEN = "julien.roche@mutuelle-demo.example"
SOPHIE_79 = "3810522"
IDENTITY = "Vérifier l'identité — MARTIN Sophie (n° 3810522)"


@pytest.fixture
def julien_token(demo_session, demo_make, api, token_store):
    account = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    token = demo_make.session_token(account)
    token_store.set(api.base_url, token)
    return account


@pytest.fixture
def sophie79(demo_session):
    return demo_session.exec(select(Member).where(Member.member_number == SOPHIE_79)).one()


async def open_sophie(app, pilot, demo_session) -> None:
    """Sophie MARTIN's dossier, found by her n° adhérent, her identity checked with the server's questions."""
    await open_dossier(app, pilot, demo_session, SOPHIE_79, SOPHIE_79)


async def test_a_whole_call_search_check_unlock_strong_card_log_then_the_queue(
    api, token_store, julien_token, sophie79, demo_session
):
    right = identity_answers(demo_session, SOPHIE_79)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)  # a conseiller lands in the console
        await type_text(pilot, "martin so")
        await settle(pilot)
        text = screen_text(app)
        assert "né(e) en 1979" in text and "né(e) en 1992" in text  # homonyms told apart
        assert "38000" not in text and "Grenoble" not in text  # the town and postal code are questions
        await pilot.press("enter")
        app.screen.query_one("#hits").highlighted = next(
            i for i, h in enumerate(app.screen.hits) if h.birth_year == 1979
        )
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Qui appelle ?"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on_form(app, IDENTITY))
        assert [a.name for a in app.screen.form.asks] == ["birth_date", "paid_amount", "rib_last4", "reason"]
        assert right["rib_last4"] not in screen_text(app)  # nothing that answers a question is shown
        # a typo first: said, nothing counted, every answer kept
        await answer_questions(app, pilot, right | {"birth_date": "31/02/1979"})
        await until(pilot, lambda: on_form(app, IDENTITY) and "JJ/MM/AAAA" in console_status(app))
        fields = {a.name: app.screen.query_one(f"#field-{a.name}").value for a in app.screen.form.asks}
        assert fields["paid_amount"] == right["paid_amount"] and fields["rib_last4"] == right["rib_last4"]
        await pilot.press(*["backspace"] * len("31/02/1979"))
        await type_text(pilot, right["birth_date"])
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen) and app.screen.dossier is not None)
        await settle(pilot)
        text = screen_text(app)
        assert "verrouillé jusqu'à" in text and "✓ Vérification : identité vérifiée à 10 h 00" in text
        assert "RIB rejeté" in text and "MARTIN Sophie — née le 18/04/1979 — n° 3810522" in text
        # unlock: a too-short reason first, then corrected — the form comes back with it
        await pilot.press("u")
        await until(pilot, lambda: on_form(app, "Débloquer l'accès"))
        await type_text(pilot, "ab")
        await pilot.press("enter", "enter")
        await until(pilot, lambda: "3 caractères au moins" in form_status(app) and on_form(app, "Débloquer l'accès"))
        assert app.screen.query_one("#field-reason").value == "ab"
        assert "Motif : 3 caractères au moins" in field_error(app, "reason")  # under the field
        assert app.focused is not None and app.focused.id == "field-reason"  # the cursor put back there
        await pilot.press("end")  # the reason kept as typed
        await type_text(pilot, "c : bloquée après 3 essais")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("o")
        await until(pilot, lambda: "Compte débloqué" in console_status(app))
        demo_session.expire_all()
        account = demo_session.exec(select(Account).where(Account.member_id == sophie79.id)).one()
        assert account.state == AccountState.active
        unlock = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_unlock")).one()
        assert (unlock.actor_account_id, unlock.target_id) == (julien_token.id, str(sophie79.id))
        # the card needs the strong level: refused, then a code to her e-mail read back
        await pilot.press("e")
        await until(pilot, lambda: "vérification forte" in console_status(app))
        await pilot.press("v")
        await until(pilot, lambda: on_form(app, "Vérification forte"))
        await pilot.press("ctrl+s")  # the first usable route: her e-mail on file for years
        await until(pilot, lambda: on_form(app, "Code relu par l'appelant"))
        await type_text(pilot, code_from_outbox(demo_session, sophie79.email))
        await pilot.press("enter")
        await until(pilot, lambda: "Vérification forte : vérification forte à 10 h 00" in console_status(app))
        await settle(pilot)
        await pilot.press("e")
        await until(pilot, lambda: on_form(app, "Envoyer la carte de tiers payant ou l'attestation"))
        await pilot.press("ctrl+s")  # document and recipient chosen by default? no: they are required
        await until(pilot, lambda: "Champ obligatoire" in form_status(app))
        app.screen.query_one("#field-document").value = "card"
        app.screen.query_one("#field-recipient").value = "professional"
        app.screen.query_one("#field-finess").value = "6300001"  # too short: said under it, nothing sent
        app.screen.query_one("#field-reason").value = "Hospitalisation demain"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "N° FINESS : le n° FINESS compte 9 caractères" in field_error(app, "finess"))
        assert app.focused is not None and app.focused.id == "field-finess"
        app.screen.query_one("#field-finess").value = "630000149"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("o")
        await until(pilot, lambda: "contact@pharmacie-du-centre.demo.invalid" in console_status(app))
        assert demo_session.exec(
            select(MailOutbox).where(MailOutbox.to == "contact@pharmacie-du-centre.demo.invalid")
        ).one()
        # the call logged: the outcome is chosen, never « résolu » by default
        await pilot.press("j")
        await until(pilot, lambda: on_form(app, "Noter l'appel"))
        await type_text(pilot, "Accès bloqué")
        app.screen.query_one("#field-outcome").value = "resolved"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Appel noté et terminé." in console_status(app))
        await settle(pilot)
        log = demo_session.exec(select(CallLog).where(CallLog.member_id == sophie79.id)).one()
        assert (log.motif, log.outcome, log.caller_kind) == ("Accès bloqué", "resolved", "member")
        assert app.screen.query_one("#search").display is True  # ready for the next call
        # the queue (out of the search field first, where « f » is a letter): answer the first message waiting
        await pilot.press("tab", "f")
        await settle(pilot)
        assert isinstance(app.screen, QueueScreen)
        first = next(i for i in app.screen.items if i.kind == "thread" and i.category != "reclamation")
        options = app.screen.query_one("#queue")
        options.highlighted = app.screen.items.index(first)
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("r")
        await pilot.pause()
        await type_text(pilot, "Bonjour, voici la réponse du conseiller.")
        await pilot.press("enter")
        await settle(pilot)
        thread = demo_session.get(MessageThread, first.id)
        assert thread.status == "answered"
        last = demo_session.exec(
            select(Message).where(Message.thread_id == first.id).order_by(Message.id.desc())  # type: ignore[union-attr]
        ).first()
        assert (last.body, last.author_account_id) == ("Bonjour, voici la réponse du conseiller.", julien_token.id)


async def test_a_failed_check_keeps_the_dossier_closed(api, token_store, julien_token, demo_session):
    right = identity_answers(demo_session, SOPHIE_79)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, SOPHIE_79)
        await answer_questions(app, pilot, right | {"birth_date": "19/04/1979"})
        await until(pilot, lambda: on_form(app, "Vérification manquée"))
        assert "dossier reste fermé" in console_status(app)
        await pilot.press("ctrl+s")  # « Ne pas ouvrir le dossier », the default
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen))
        await settle(pilot)
        assert app.screen.dossier is None and app.screen.member_id is None
        assert "Vérification : pas encore vérifiée" in screen_text(app)


class GatedTransport(httpx.ASGITransport):
    """The real server app, except that the answer about one member's garanties (the dossier's first section,
    read after the dossier) is held on its way back until ``release``: computed while that call was live,
    delivered late — the network of a slow day, without a clock (the test decides when it arrives)."""

    def __init__(self, app: Any, member_id: int) -> None:
        super().__init__(app=app)
        self.prefix = f"/api/v1/agent/members/{member_id}/guarantees"
        self.release = asyncio.Event()
        self.held = 0

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        response = await super().handle_async_request(request)
        if request.url.path.startswith(self.prefix) and not self.release.is_set():
            await response.aread()
            self.held += 1
            await self.release.wait()
        return response


async def test_switching_caller_never_draws_the_previous_callers_data(
    demo_app, client_clock, token_store, julien_token, demo_session
):
    sophie92 = demo_session.exec(select(Member).where(Member.member_number == "1207710")).one()
    sophie79 = demo_session.exec(select(Member).where(Member.member_number == SOPHIE_79)).one()
    transport = GatedTransport(demo_app, sophie79.id)
    api = ApiClient(SERVER, transport=transport, clock=client_clock)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_call(app, pilot, SOPHIE_79)
        await answer_questions(app, pilot, identity_answers(demo_session, SOPHIE_79))
        await until(pilot, lambda: transport.held > 0)  # 1979's garanties are on their way, slowly
        assert "Santé Socle" in screen_text(app)  # her banner and dossier are on screen
        # the next caller: the other Sophie MARTIN (the call in progress is not logged)
        await pilot.press("ctrl+f")
        await open_call_after_offer(app, pilot, "1207710")
        await answer_questions(app, pilot, identity_answers(demo_session, "1207710"))
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen) and app.screen.guarantees is not None)
        transport.release.set()  # 1979's answers arrive now, late (if anything still waited for them)
        for _ in range(100):  # a bounded number of event-loop turns for them to be handled, no clock
            await pilot.pause()
        text = screen_text(app)
        assert app.screen.dossier.banner.member_id == sophie92.id
        assert "née le 05/12/1992" in text and "18/04/1979" not in text and SOPHIE_79 not in text
        assert "Santé Salariés" in text and "Santé Socle" not in text  # 1979's contract never under 1992's banner
        assert {c.name for c in app.screen.guarantees.contracts} == {"Santé Salariés"}


async def open_call_after_offer(app, pilot, query: str) -> None:
    """As ``open_call``, with bounded waits only: a worker still waiting for the previous caller's answers
    must not hold the test (``settle`` would wait for it)."""
    await until(pilot, lambda: app.screen.query_one("#search").has_focus)
    await type_text(pilot, query)
    await until(pilot, lambda: [h.member_number for h in app.screen.hits] == [query])
    await pilot.press("enter", "enter")
    await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))  # « Noter l'appel en cours… ? »
    await pilot.press("n")
    await until(pilot, lambda: on_form(app, "Qui appelle ?"))
    await pilot.press("ctrl+s")


def test_console_snapshot(api, token_store, julien_token, sophie79, demo_session, snap_compare):
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_sophie(pilot.app, pilot, demo_session)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_identity_questions_snapshot(api, token_store, julien_token, demo_session, snap_compare):
    """The server's questions for Sophie MARTIN at 80×24: nothing on screen answers them."""
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_call(pilot.app, pilot, SOPHIE_79)
        await until(pilot, lambda: on_form(pilot.app, IDENTITY))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_strong_verification_snapshot(api, token_store, julien_token, demo_session, snap_compare):
    """The strong level's form at 80×24: where the code may go (masked), and why the courrier is not offered."""
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_sophie(pilot.app, pilot, demo_session)
        await pilot.press("v")
        await until(pilot, lambda: on_form(pilot.app, "Vérification forte"))

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
