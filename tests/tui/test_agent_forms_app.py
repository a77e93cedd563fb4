"""The console's forms in full screen, each the flow model's form (issue 18: ``tui.flows.agent_call`` and
``tui.flows.agent_queue`` rendered by ``FormScreen``), each with a wrong field first — the sentence written
under that field, the cursor put there, nothing sent — then corrected and sent, read back from the database:
the call's log (with who called and the ticket, as the linear mode sends them), the reply to a réclamation
and its issue, the decision on a démarche and its 3 characters, the internal note, and the supervisor's audit
filtered by conseiller."""

from __future__ import annotations

from datetime import timedelta

from sqlmodel import select

from models.tables import (
    Account,
    AuditEvent,
    CallLog,
    InternalNote,
    Member,
    MemberRequest,
    MessageThread,
    QueueAssignment,
)
from tests.tui.agent_helpers import (
    a_demarche_waiting,
    answer_questions,
    close_phone_channel,
    console_status,
    field_error,
    screen_text,
)
from tests.tui.conftest import identity_answers, settle
from tests.tui.profile_helpers import on_form, type_text, until
from tui.app import EspaceApp
from tui.flows.agent_queue import TAKEN
from tui.screens.agent import AgentConsoleScreen, QueueScreen, TextScreen

from .test_agent_console import JULIEN, SOPHIE_79, julien_token, sophie79  # noqa: F401  (fixtures)

ISABELLE = "isabelle.morin@mutuelle-demo.example"
LONG_TICKET = "INC-" + "4" * 50  # 54 characters: the server keeps 50


def field_focused(app, name: str) -> bool:
    return app.focused is not None and app.focused.id == f"field-{name}"


async def test_the_call_log_sends_who_called_and_the_ticket_a_wrong_ticket_first(
    api, token_store, julien_token, sophie79, demo_session
):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await type_text(pilot, SOPHIE_79)
        await settle(pilot)
        await pilot.press("enter", "enter")
        await until(pilot, lambda: on_form(app, "Qui appelle ?"))
        app.screen.query_one("#field-caller_kind").value = "guardian"
        app.screen.query_one("#field-caller_name").value = "M. Martin, son fils"
        await pilot.press("ctrl+s")
        await answer_questions(app, pilot, identity_answers(demo_session, SOPHIE_79))
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen) and app.screen.dossier is not None)
        await settle(pilot)
        await pilot.press("j")
        await until(pilot, lambda: on_form(app, "Noter l'appel"))
        await type_text(pilot, "Mesure de tutelle")
        app.screen.query_one("#field-outcome").value = "follow_up"
        app.screen.query_one("#field-ticket").value = LONG_TICKET
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "50 caractères au plus" in field_error(app, "ticket"))
        assert field_focused(app, "ticket") and field_error(app, "motif") == ""
        assert not demo_session.exec(select(CallLog).where(CallLog.member_id == sophie79.id)).all()  # nothing sent
        app.screen.query_one("#field-ticket").value = "INC-4471"
        await until(pilot, lambda: field_error(app, "ticket") == "")  # checked as it is typed
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Appel noté et terminé." in console_status(app))
    demo_session.expire_all()
    log = demo_session.exec(select(CallLog).where(CallLog.member_id == sophie79.id)).one()
    assert (log.caller_kind, log.ticket, log.motif, log.outcome) == (
        "guardian",
        "INC-4471",
        "Mesure de tutelle",
        "follow_up",
    )


async def open_queue_item(app, pilot, pick) -> None:
    """The queue (« f », out of the search field first), the first item ``pick`` accepts opened."""
    await settle(pilot)
    await pilot.press("tab", "f")
    await until(pilot, lambda: isinstance(app.screen, QueueScreen) and app.screen.items)
    item = next(i for i in app.screen.items if pick(i))
    app.screen.query_one("#queue").highlighted = app.screen.items.index(item)
    await pilot.press("enter")
    await settle(pilot)
    return item


async def test_a_complaint_is_answered_with_its_issue_required_first(api, token_store, julien_token, demo_session):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        item = await open_queue_item(app, pilot, lambda i: i.kind == "thread" and i.category == "reclamation")
        await pilot.press("r")
        await until(pilot, lambda: on_form(app, "Répondre à l'adhérent"))
        assert [a.name for a in app.screen.form.asks] == ["body", "outcome"]
        await type_text(pilot, "Nous revoyons ce remboursement.")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Champ obligatoire : Issue de la réclamation." in field_error(app, "outcome"))
        assert field_focused(app, "outcome")
        assert demo_session.get(MessageThread, item.id).status != "answered"
        app.screen.query_one("#field-outcome").value = "partial"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen) and "en attente" in app.screen.status.text)
        assert "Erreur" not in app.screen.status.text and item.id not in [i.id for i in app.screen.items]
    demo_session.expire_all()
    assert demo_session.get(MessageThread, item.id).status == "answered"
    answered = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "thread_answered")).one()
    assert answered.detail["outcome"] == "partial"


async def test_a_demarche_is_refused_with_an_answer_of_3_characters_at_least(
    api, token_store, julien_token, demo_session, clock
):
    request_id = a_demarche_waiting(demo_session, clock, SOPHIE_79)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_queue_item(app, pilot, lambda i: i.kind == "request" and i.id == request_id)
        await pilot.press("r")
        await until(pilot, lambda: on_form(app, "Traiter la démarche"))
        app.screen.query_one("#field-decision").value = "refuse"
        app.screen.query_one("#field-answer").focus()
        await type_text(pilot, "Non")  # 3 characters: right; one taken away, wrong
        await pilot.press("backspace")
        await until(pilot, lambda: "3 caractères au moins" in field_error(app, "answer"))  # said as typed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_form(app, "Traiter la démarche") and field_focused(app, "answer")
        await type_text(pilot, "n : le RIB est illisible")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, QueueScreen))
        await settle(pilot)
    demo_session.expire_all()
    decided = demo_session.get(MemberRequest, request_id)
    assert (decided.status, decided.answer) == ("refused", "Non : le RIB est illisible")


async def test_an_internal_note_is_written_an_empty_note_said_first(api, token_store, julien_token, demo_session):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        item = await open_queue_item(app, pilot, lambda i: i.kind == "thread" and i.category != "reclamation")
        await pilot.press("p")  # « Prendre » first: no form, the same words as the linear mode
        await until(pilot, lambda: TAKEN in app.screen.status.text)
        await pilot.press("i")
        await until(pilot, lambda: on_form(app, "Note interne (hors de la messagerie de l'adhérent)"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Champ obligatoire : Note." in field_error(app, "body"))
        await type_text(pilot, "Rappeler lundi")
        await pilot.press("enter")  # Entrée on the last field sends
        await until(pilot, lambda: "Note interne ajoutée." in app.screen.status.text)
    demo_session.expire_all()
    notes = demo_session.exec(select(InternalNote).where(InternalNote.thread_id == item.id)).all()
    assert [n.body for n in notes] == ["Rappeler lundi"]
    taken = demo_session.exec(select(QueueAssignment).where(QueueAssignment.item_id == item.id)).one()
    assert (taken.item_kind, taken.agent_account_id) == ("thread", julien_token.id)


async def test_the_supervisor_reads_the_audit_of_one_conseiller_a_wrong_date_first(
    api, token_store, demo_session, demo_make, clock
):
    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    isabelle = demo_session.exec(select(Account).where(Account.login_email == ISABELLE)).one()
    sophie = demo_session.exec(select(Member).where(Member.member_number == SOPHIE_79)).one()
    for actor, reason in ((julien, "Bloquée après 3 essais"), (isabelle, "Contrôle du superviseur")):
        demo_session.add(
            AuditEvent(
                at=clock.now() - timedelta(hours=1),
                actor_account_id=actor.id,
                action="agent_unlock",
                target_type="member",
                target_id=str(sophie.id),
                detail={"reason": reason},
            )
        )
    demo_session.commit()
    token_store.set(api.base_url, demo_make.session_token(isabelle))
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "J")
        await until(pilot, lambda: on_form(app, "Journal d'audit"))
        app.screen.query_one("#field-agent").value = str(julien.id)
        app.screen.query_one("#field-date_from").value = "32/11/2026"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Du : une date JJ/MM/AAAA" in field_error(app, "date_from"))
        assert field_focused(app, "date_from")
        app.screen.query_one("#field-date_from").value = clock.now().strftime("%d/%m/%Y")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, TextScreen))
        text = screen_text(app)
    rows = [line for line in text.splitlines() if line.startswith("Le : ")]
    assert rows and all("Conseiller : Julien ROCHE (conseiller) ; " in row for row in rows)
    assert any("Bloquée après 3 essais" in row for row in rows) and "Contrôle du superviseur" not in text


def supervisor_app(api, token_store, demo_session, demo_make) -> EspaceApp:
    isabelle = demo_session.exec(select(Account).where(Account.login_email == ISABELLE)).one()
    token_store.set(api.base_url, demo_make.session_token(isabelle))
    return EspaceApp(api, token_store=token_store)


async def test_the_supervisor_creates_a_conseiller_a_wrong_email_first(api, token_store, demo_session, demo_make):
    app = supervisor_app(api, token_store, demo_session, demo_make)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "C")
        await until(pilot, lambda: on_form(app, "Comptes conseillers"))
        app.screen.query_one("#field-choice").value = "create"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on_form(app, "Créer un compte conseiller"))
        await type_text(pilot, "Paul DURAND")
        await pilot.press("enter")
        await type_text(pilot, "paul.durand@mutuelle-demo")
        app.screen.query_one("#field-role").value = "agent"
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "E-mail professionnel : le domaine après le @" in field_error(app, "email"))
        assert field_focused(app, "email") and field_error(app, "display_name") == ""
        await type_text(pilot, ".example")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: "Compte créé pour Paul DURAND" in console_status(app))
    demo_session.expire_all()
    account = demo_session.exec(select(Account).where(Account.login_email == "paul.durand@mutuelle-demo.example")).one()
    assert account.role == "agent"


async def test_the_supervisor_reopens_a_closed_phone_channel_a_too_short_reason_first(
    api, token_store, demo_session, demo_make, clock, settings
):
    from server.services.agent.identity import phone_channel_closed

    member_id = close_phone_channel(demo_session, clock, SOPHIE_79, JULIEN)
    app = supervisor_app(api, token_store, demo_session, demo_make)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("tab", "V")
        await until(pilot, lambda: on_form(app, "Dossiers signalés"))
        app.screen.query_one("#field-choice").value = str(member_id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on_form(app, "Rouvrir le canal téléphonique"))
        await type_text(pilot, "ok")
        await until(pilot, lambda: "Motif : 3 caractères au moins" in field_error(app, "reason"))  # as typed
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert on_form(app, "Rouvrir le canal téléphonique") and phone_channel_closed(
            demo_session, clock, settings, member_id
        )
        await type_text(pilot, " : pièce d'identité vue en agence")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen) and "Erreur" not in console_status(app))
        await settle(pilot)
    demo_session.expire_all()
    assert not phone_channel_closed(demo_session, clock, settings, member_id)
    reopened = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "phone_channel_reopened")).one()
    assert reopened.detail["reason"] == "ok : pièce d'identité vue en agence"
