"""The console's forms in the linear mode, each the flow model's form (issue 18) read by ``LinearFace``: a
wrong answer first — said, and only that question asked again with what was typed offered back (Entrée keeps
it) —, then the numbered recap before sending when two fields or more were asked, read back from the
database: the call's log (who called and the ticket), the reply to a réclamation and its issue, the decision on
a démarche and its 3 characters, the internal note."""

from __future__ import annotations

import io

from sqlmodel import select

from fixtures.world import AGENT_TOTP, SUPERVISOR_TOTP
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
from server.services.agent.queue import queue
from tests.tui.agent_helpers import a_demarche_waiting, close_phone_channel
from tui.flows.agent_queue import TAKEN

from .conftest import identity_answers, menu_number, recap_send, run_linear_scripted
from .test_agent_linear import ISABELLE, JULIEN, NEW_CALL, answers_of, login

SOPHIE = "3810522"
LONG_TICKET = "INC-" + "4" * 50  # 54 characters: the server keeps 50
TICKET_TOO_LONG = "Erreur : Référence de ticket : 50 caractères au plus.\n"


async def test_the_call_log_sends_who_called_and_the_ticket_a_wrong_ticket_asked_again_alone(
    api, token_store, demo_session, clock
):
    sophie = demo_session.exec(select(Member).where(Member.member_number == SOPHIE)).one()

    def script(out: io.StringIO) -> list:
        return [
            *login(out, JULIEN, AGENT_TOTP, clock),
            menu_number(out, NEW_CALL),
            SOPHIE,
            "1",
            menu_number(out, "Un tuteur ou un curateur"),
            "M. Martin, son fils",
            recap_send(out),
            *answers_of(identity_answers(demo_session, SOPHIE)),
            recap_send(out),
            menu_number(out, "Noter l'appel (motif, issue, note) et le terminer"),
            "Mesure de tutelle",
            menu_number(out, "Suite à donner"),
            "",
            LONG_TICKET,  # too long: said, and only the ticket asked again
            "INC-4471",
            recap_send(out),
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == TICKET_TOO_LONG
    logged = out.split("== Noter l'appel ==\n", 1)[1]
    assert logged.count("\nMotif de l'appel :\n") == 1 and logged.count("== Issue de l'appel ==") == 1
    assert f"Référence de ticket (50 caractères au plus) (Entrée : {LONG_TICKET}) :" in logged
    assert "\n1. Motif de l'appel : Mesure de tutelle\n2. Issue de l'appel : Suite à donner\n" in logged
    assert "\n4. Référence de ticket : INC-4471\n" in logged and "Appel noté et terminé.\n" in logged
    demo_session.expire_all()
    log = demo_session.exec(select(CallLog).where(CallLog.member_id == sophie.id)).one()
    assert (log.caller_kind, log.ticket, log.motif, log.outcome) == (
        "guardian",
        "INC-4471",
        "Mesure de tutelle",
        "follow_up",
    )


def queue_number(session, clock, pick) -> str:
    julien = session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    items = queue(session, clock, julien).items
    return str(next(n for n, item in enumerate(items, start=1) if pick(item)))


def in_the_queue(out: io.StringIO, clock, number: str, action: str, *answers) -> list:
    return [
        *login(out, JULIEN, AGENT_TOTP, clock),
        menu_number(out, "File d'attente : messages, réclamations, démarches"),
        number,
        menu_number(out, action),
        *answers,
    ]


ANSWER = "Répondre à l'adhérent ou traiter la démarche"


async def test_a_complaint_is_answered_an_empty_reply_said_first_then_its_issue(api, token_store, demo_session, clock):
    complaint = next(
        i
        for i in queue(
            demo_session, clock, demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
        ).items
        if i.category == "reclamation"
    )
    number = queue_number(demo_session, clock, lambda i: i.id == complaint.id and i.kind == "thread")

    def script(out: io.StringIO) -> list:
        return [
            *in_the_queue(out, clock, number, ANSWER, "", "Nous revoyons ce remboursement."),
            menu_number(out, "Partiellement fondée"),
            recap_send(out),
            "",  # back from the queue
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == "Erreur : Champ obligatoire : Réponse à l'adhérent.\n"
    asked = out.split("== Répondre à l'adhérent ==\n", 1)[1]
    assert "\n1. Réponse à l'adhérent : Nous revoyons ce remboursement.\n" in asked
    assert "\n2. Issue de la réclamation : Partiellement fondée\n" in asked
    demo_session.expire_all()
    assert demo_session.get(MessageThread, complaint.id).status == "answered"
    answered = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "thread_answered")).one()
    assert answered.detail["outcome"] == "partial"


async def test_a_demarche_is_refused_a_too_short_answer_asked_again_alone(api, token_store, demo_session, clock):
    request_id = a_demarche_waiting(demo_session, clock, SOPHIE)
    number = queue_number(demo_session, clock, lambda i: i.kind == "request" and i.id == request_id)

    def script(out: io.StringIO) -> list:
        return [
            *in_the_queue(out, clock, number, ANSWER, menu_number(out, "Refuser"), "No"),
            "Non : le RIB est illisible",
            recap_send(out),
            "",
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == "Erreur : Réponse : 3 caractères au moins (le motif, pour un refus).\n"
    asked = out.split("== Traiter la démarche ==\n", 1)[1]
    assert asked.count("== Décision ==") == 1  # the decision is not asked again
    assert "(Entrée : No) :" in asked
    assert "\n1. Décision : Refuser\n2. Réponse à l'adhérent : Non : le RIB est illisible\n" in asked
    demo_session.expire_all()
    decided = demo_session.get(MemberRequest, request_id)
    assert (decided.status, decided.answer) == ("refused", "Non : le RIB est illisible")


async def test_an_internal_note_an_empty_note_said_first(api, token_store, demo_session, clock):
    julien = demo_session.exec(select(Account).where(Account.login_email == JULIEN)).one()
    thread = next(i for i in queue(demo_session, clock, julien).items if i.category != "reclamation")
    number = queue_number(demo_session, clock, lambda i: i.id == thread.id and i.kind == "thread")
    note = "Écrire une note interne (hors de sa messagerie ; communiquée s'il demande ses données)"

    def script(out: io.StringIO) -> list:
        return [
            *in_the_queue(out, clock, number, "Prendre l'élément de la file (l'attribuer à moi)"),
            menu_number(out, note),
            "",
            "Rappeler lundi",
            menu_number(out, "Retour"),
            "",
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == "Erreur : Champ obligatoire : Note.\n"
    assert "Note interne ajoutée.\n" in out and "« modifier »" not in out  # one field: nothing to read back
    assert f"\n{TAKEN}\n" in out  # « Prendre »: the same words as the full screen
    demo_session.expire_all()
    notes = demo_session.exec(select(InternalNote).where(InternalNote.thread_id == thread.id)).all()
    assert [n.body for n in notes] == ["Rappeler lundi"]
    taken = demo_session.exec(select(QueueAssignment).where(QueueAssignment.item_id == thread.id)).one()
    assert (taken.item_kind, taken.agent_account_id) == ("thread", julien.id)


async def test_the_supervisor_creates_a_conseiller_a_wrong_email_asked_again_alone(
    api, token_store, demo_session, clock
):
    def script(out: io.StringIO) -> list:
        return [
            *login(out, ISABELLE, SUPERVISOR_TOTP, clock),
            menu_number(out, "Comptes conseillers : créer, désactiver (superviseur)"),
            menu_number(out, "Créer un compte conseiller"),
            "Paul DURAND",
            "paul.durand@mutuelle-demo",  # no domain ending: said, and only the e-mail asked again
            "paul.durand@mutuelle-demo.example",
            menu_number(out, "Conseiller"),
            recap_send(out),
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == "Erreur : E-mail professionnel : le domaine après le @ doit être complet (ex. exemple.fr).\n"
    asked = out.split("== Créer un compte conseiller ==\n", 1)[1]
    assert asked.count("\nNom affiché (Prénom NOM) :") == 1
    assert "E-mail professionnel (Entrée : paul.durand@mutuelle-demo) :" in asked
    assert "\n2. E-mail professionnel : paul.durand@mutuelle-demo.example\n3. Rôle : Conseiller\n" in asked
    assert "Compte créé pour Paul DURAND" in asked
    demo_session.expire_all()
    account = demo_session.exec(select(Account).where(Account.login_email == "paul.durand@mutuelle-demo.example")).one()
    assert account.role == "agent"


FLAGGED = "Dossiers ouverts sur motif et canaux téléphoniques fermés (superviseur)"


async def test_the_supervisor_reopens_a_closed_phone_channel_a_too_short_reason_first(
    api, token_store, demo_session, clock, settings
):
    from server.services.agent.identity import phone_channel_closed

    member_id = close_phone_channel(demo_session, clock, SOPHIE, JULIEN)

    def script(out: io.StringIO) -> list:
        return [
            *login(out, ISABELLE, SUPERVISOR_TOTP, clock),
            menu_number(out, FLAGGED),
            menu_number(out, "Seulement lire la liste"),  # a choice, not an empty field: nothing else asked
            menu_number(out, FLAGGED),
            menu_number(out, "Rouvrir le canal de MARTIN Sophie"),
            "ok",  # too short: said, asked again with it offered back
            "ok : pièce d'identité vue en agence",
            menu_number(out, "Quitter"),
        ]

    out, err = await run_linear_scripted(api, token_store, script)
    print(out)
    assert err == "Erreur : Motif : 3 caractères au moins (il est écrit au journal, « pour » l'adhérent).\n"
    assert "(Entrée : ok) :" in out.split("== Rouvrir le canal téléphonique ==\n", 1)[1]
    assert out.count("== Rouvrir le canal téléphonique ==") == 1  # not after « Seulement lire la liste »
    demo_session.expire_all()
    assert not phone_channel_closed(demo_session, clock, settings, member_id)
    reopened = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "phone_channel_reopened")).one()
    assert reopened.detail["reason"] == "ok : pièce d'identité vue en agence"
