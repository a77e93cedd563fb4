"""Messagerie in the client: write a message with an attachment and read the answer (Pilot, 80×24,
against the real server app), the same in the linear mode (a transcript), and the flows' pure parts."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select
from textual.widgets import Select, TextArea

from models.schemas.common import ThreadCategory
from models.tables import Account, Message, MessageThread
from server.services import messaging as server_messaging
from tests.server.issue7_world import PDF
from tests.tui.conftest import SEND, ScriptedInput, recap_send, settle
from tests.tui.profile_helpers import until
from tui.app import EspaceApp
from tui.flows import attachments, forms
from tui.flows import messaging as flow
from tui.linear import LinearClient
from tui.screens.messaging import ComposerScreen, MessagingScreen, ThreadScreen


def screen_text(app) -> str:
    from textual.widgets import Label, Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static)) + "\n".join(
        str(w.render()) for w in app.screen.query(Label)
    )


def bodies(session, thread) -> list[str]:
    session.expire_all()
    return [m.body for m in session.exec(select(Message).where(Message.thread_id == thread.id).order_by(Message.id))]


async def open_new_message(pilot) -> None:
    """From the first screen: the inbox (m), then a new message (e). The composer's worker waits for the user:
    waited for by its screen, not settled."""
    await settle(pilot)
    await pilot.press("m")
    await settle(pilot)
    await pilot.press("e")
    await until(pilot, lambda: isinstance(pilot.app.screen, ComposerScreen))


@pytest.fixture
def coralie_token(demo_session, demo_make, coralie, api, token_store):
    account = demo_session.exec(select(Account).where(Account.login_email == coralie.email)).one()
    token = demo_make.session_token(account)
    token_store.set(api.base_url, token)
    return token


async def test_write_a_message_with_an_attachment_then_read_the_answer(
    api, token_store, coralie_token, tmp_path, demo_session, clock, settings
):
    """The composer is the flow's form: an empty message first (the error under the message, the cursor
    there), Échap keeps the draft, the message on several lines, sent with its attachment."""
    attachment = tmp_path / "facture-osteo.pdf"
    attachment.write_bytes(PDF)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        assert isinstance(app.screen, MessagingScreen)
        assert "Détail de mon remboursement" in screen_text(app)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))
        await until(pilot, lambda: app.focused is app.screen.query_one("#field-subject"))
        await pilot.press(*"Ostéopathie", "ctrl+s")  # no message yet: nothing sent
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        assert str(app.screen.query_one("#error-body").render()) == "Erreur : Champ obligatoire : Votre message."
        assert app.focused is app.screen.query_one("#field-body")
        await pilot.press(*"Bonjour,", "enter", *"voici ma facture.")
        app.screen.query_one("#field-attachments").focus()
        await pilot.press(*str(attachment), "enter")
        await pilot.pause()
        assert "facture-osteo.pdf" in screen_text(app)
        await pilot.press("escape")  # leave: the draft is kept
        await until(pilot, lambda: isinstance(app.screen, MessagingScreen))
        await settle(pilot)
        assert isinstance(app.screen, MessagingScreen)
        assert app.drafts.has(flow.NEW)
        await pilot.press("e")
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))
        assert app.screen.query_one("#field-subject").value == "Ostéopathie"
        assert app.screen.query_one("#field-body").text == "Bonjour,\nvoici ma facture."
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MessagingScreen))
        await settle(pilot)
        assert not app.drafts.has(flow.NEW)
        assert "Ostéopathie" in screen_text(app)

        thread = demo_session.exec(select(MessageThread).where(MessageThread.subject == "Ostéopathie")).one()
        assert bodies(demo_session, thread) == ["Bonjour,\nvoici ma facture."]  # the lines kept
        server_messaging.answer_thread(
            demo_session, clock, settings, thread, "Bien reçu, remboursement en cours.", None
        )
        demo_session.commit()
        await pilot.press("f5")
        await settle(pilot)
        assert "Non lu (1) ; Ostéopathie" in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        text = screen_text(app)
        assert "Bien reçu, remboursement en cours." in text
        assert "Pièce jointe : piece-jointe-" in text and ".pdf" in text
        assert "Statut : Réponse reçue" in text
        await pilot.press("e")  # the reply: several lines in a text area
        await until(pilot, lambda: isinstance(app.screen, ComposerScreen))
        assert isinstance(app.screen, ComposerScreen) and isinstance(app.focused, TextArea)
        await pilot.press(*"Merci.", "enter", *"Bonne journée.", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ThreadScreen))
        await settle(pilot)
        assert isinstance(app.screen, ThreadScreen)
        assert "Bonne journée." in screen_text(app)
    assert bodies(demo_session, thread)[-1] == "Merci.\nBonne journée."


async def test_the_composer_labels_every_field_and_says_the_completion_in_words(
    api, token_store, coralie_token, tmp_path
):
    """Issue 18: a label that stays when one types (not a placeholder alone), and the path completion in words
    (not only dimmed after the cursor)."""
    (tmp_path / "ordonnance.pdf").write_bytes(PDF)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_message(pilot)
        labels = [str(label.render()) for label in app.screen.query("Label")]
        assert {"Catégorie", "Sujet", "Votre message"} <= set(labels)
        assert "Pièces jointes (facultatif) – jusqu'à 5 fichiers" in labels
        suggestion = app.screen.query_one(".attachment-suggestion")
        assert not suggestion.display
        app.screen.query_one("#field-attachments").focus()
        await pilot.press(*f"{tmp_path}/ord")
        await pilot.pause()
        assert suggestion.display and str(suggestion.render()) == f"Tab complète : {tmp_path}/ordonnance.pdf"
        await pilot.press("backspace", "x")  # nothing starts so: no completion said
        await pilot.pause()
        assert not suggestion.display


async def test_the_call_back_slots_are_asked_for_an_appointment_only(api, token_store, coralie_token, demo_session):
    """As the linear mode asks « Créneaux où vous rappeler » only for a rendez-vous, the full screen shows it only
    then: a question does not show it, nor does Tab stop on it; choosing rendez-vous shows it, choosing back
    hides it again (and what was typed there is not sent with a question: ``flow.send``). For a rendez-vous it
    is required, as the server requires it: said under the field before anything is sent."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_new_message(pilot)
        screen = app.screen
        slots = screen.query_one("#field-slots")
        assert not any(w.display for w in screen.query(".ask-slots"))  # its label and its field
        assert app.focused is screen.query_one("#field-subject")
        await pilot.press("tab")
        assert app.focused is screen.query_one("#field-body")  # not the hidden field
        category = screen.query_one("#field-category", Select)
        category.value = ThreadCategory.appointment.value
        await pilot.pause()
        assert all(w.display for w in screen.query(".ask-slots"))
        screen.query_one("#field-subject").focus()
        await pilot.press("tab")
        assert app.focused is slots
        await pilot.press(*"mardi matin")
        category.value = ThreadCategory.question.value  # a mistake: back to a question
        await pilot.pause()
        assert not slots.display and screen.values()["slots"] == "mardi matin"  # kept, should it come back
        category.value = ThreadCategory.appointment.value
        await pilot.pause()
        assert slots.display and slots.value == "mardi matin"
        slots.value = ""  # another mistake: the slots left empty
        screen.query_one("#field-subject").value = "Rappel souhaité"
        screen.query_one("#field-body").text = "Pouvez-vous me rappeler au sujet de mes lunettes ?"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and app.focused is slots  # nothing sent, the cursor in the field
        assert "obligatoire" in str(screen.query_one("#error-slots").render())
        await pilot.press(*"mardi matin", "ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, MessagingScreen))
    thread = demo_session.exec(select(MessageThread).where(MessageThread.subject == "Rappel souhaité")).one()
    assert (thread.category, thread.preferred_slots) == (ThreadCategory.appointment, "mardi matin")


def test_messaging_screen_snapshot(snap_compare, api, token_store, coralie_token):
    async def open_inbox(pilot):
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=open_inbox)


async def _messagerie(api, token_store, coralie_token, answers) -> tuple[str, str]:
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, token_store=token_store)
    api.use_token(coralie_token)
    menu = [a.id for a in client.menu_actions((await api.dashboard()).areas)]
    script = [str(menu.index("messaging") + 1), *answers, str(menu.index("quit") + 1)]
    client.stdin = ScriptedInput([recap_send(stdout) if a == SEND else a for a in script])
    assert await client.run() == 0
    out = stdout.getvalue()
    assert "\x1b" not in out
    return out[out.index("== Messagerie (") :], stderr.getvalue()


async def test_linear_transcript_of_the_messagerie(api, coralie, token_store, coralie_token, tmp_path, demo_session):
    """A new message: the category, the subject, the message on several lines (an empty line ends it), a
    wrong path first then an attachment; the recap, « modifier 2 » for the subject alone, then sent."""
    attachment = tmp_path / "devis.png"
    attachment.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    answers = [
        "2",  # Écrire un nouveau message (after the one conversation)
        "1",  # Question
        "Question",
        "Bonjour,",
        "une question sur mon devis.",
        "",  # the empty line ends the message
        "/nulle/part.pdf",
        str(attachment),
        "",
        "modifier 2",
        "Question sur un devis",
        SEND,
        "4",  # back (two conversations now)
    ]
    transcript, errors = await _messagerie(api, token_store, coralie_token, answers)
    part = transcript.split("== Nouveau message ==", 1)[1].replace(str(tmp_path), "<tmp>")
    body = "Votre message (plusieurs lignes possibles, une ligne vide pour finir) :\n"
    more = "Ligne suivante (vide pour finir) :\n"
    assert part.startswith("\nNous répondons sous 48 h ouvrées.\n== Catégorie ==\n"), part
    assert "Sujet (Entrée : Question) :\n" in part
    assert body + more * 2 in part
    files = "Pièces jointes : chemin du fichier PDF, JPEG ou PNG (Entrée : aucun) :\n"
    assert files * 2 + "Pièce jointe ajoutée : <tmp>/devis.png.\n" + files in part
    assert ("3. Votre message : Bonjour, / une question sur mon devis.\n4. Pièces jointes : devis.png\n") in part
    assert "1. Catégorie : Question sur un remboursement\n2. Sujet : Question sur un devis\n" in part
    assert flow.SENT in part
    assert "Réponse sous 48 h ouvrées : au plus tard le 25 novembre 2026" in part
    assert errors == "Erreur : Fichier introuvable : /nulle/part.pdf. Vérifiez le chemin (Tab complète le nom).\n"
    thread = demo_session.exec(select(MessageThread).where(MessageThread.subject == "Question sur un devis")).one()
    assert bodies(demo_session, thread) == ["Bonjour,\nune question sur mon devis."]


async def test_linear_asks_the_call_back_slots_of_a_rendez_vous_until_given(
    api, coralie, token_store, coralie_token, demo_session
):
    """A rendez-vous: the slots asked (not for a question), required as the server requires them — Entrée alone
    is said and asked again, nothing sent until they are given."""
    answers = [
        "2",  # Écrire un nouveau message
        "4",  # Rendez-vous téléphonique
        "Rappel souhaité",
        "",  # the slots forgotten: required for a rendez-vous
        "mardi matin",
        "Pouvez-vous me rappeler ?",
        "",  # the empty line ends the message
        "",  # no attachment
        SEND,
        "4",  # back (two conversations now)
    ]
    transcript, errors = await _messagerie(api, token_store, coralie_token, answers)
    part = transcript.split("== Nouveau message ==", 1)[1]
    assert "Sujet :\n" + "Créneaux où vous rappeler (par exemple : mardi matin) :\n" * 2 in part  # asked again
    assert "3. Créneaux où vous rappeler : mardi matin\n" in part
    assert errors == "Erreur : Champ obligatoire : Créneaux où vous rappeler.\n"
    thread = demo_session.exec(select(MessageThread).where(MessageThread.subject == "Rappel souhaité")).one()
    assert (thread.category, thread.preferred_slots) == (ThreadCategory.appointment, "mardi matin")


async def test_linear_reply_is_several_lines_and_read_back_before_it_is_sent(
    api, coralie, token_store, coralie_token, demo_session
):
    """A reply: an empty message first (asked again), then two lines; the recap, then sent."""
    answers = [
        "1",  # the conversation
        "1",  # Répondre
        "",  # nothing: required, asked again
        "Merci pour votre réponse.",
        "Je vous envoie le document demain.",
        "",
        "",  # no attachment
        SEND,
        "3",  # back
    ]
    transcript, errors = await _messagerie(api, token_store, coralie_token, answers)
    part = transcript.split("== Répondre ==", 1)[1]
    body = "Votre message (plusieurs lignes possibles, une ligne vide pour finir) :\n"
    assert part.startswith("\n" + body + body + "Ligne suivante (vide pour finir) :\n" * 2)
    assert "1. Votre message : Merci pour votre réponse. / Je vous envoie le document demain.\n" in part
    assert flow.SENT in part
    assert errors == "Erreur : Champ obligatoire : Votre message.\n"
    demo_session.expire_all()
    thread = demo_session.exec(
        select(MessageThread).where(MessageThread.subject.contains("Détail de mon remboursement"))
    ).one()
    assert bodies(demo_session, thread)[-1] == "Merci pour votre réponse.\nJe vous envoie le document demain."


async def test_a_reply_left_in_the_linear_mode_is_kept_as_a_draft(
    api, coralie, token_store, coralie_token, demo_session
):
    """Issue 18: « annuler » after two lines of a reply: « Brouillon conservé » and nothing sent; « Répondre »
    again offers the two lines back (Entrée keeps them), then the reply is sent once."""
    answers = [
        "1",  # the conversation
        "1",  # Répondre
        "Merci pour votre réponse.",
        "Je vous envoie le document demain.",
        "",
        "annuler",  # at the attachments: the form is left, back to the inbox
        "1",  # the conversation
        "1",  # Répondre again
        "",  # Entrée alone: the two lines kept
        "",  # no attachment
        SEND,
        "3",  # back
    ]
    demo_session.expire_all()
    thread = demo_session.exec(
        select(MessageThread).where(MessageThread.subject.contains("Détail de mon remboursement"))
    ).one()
    before = len(bodies(demo_session, thread))
    transcript, errors = await _messagerie(api, token_store, coralie_token, answers)
    left, again = transcript.split("== Répondre ==")[1:3]
    assert left.split("Pièces jointes", 1)[1].split("\n", 1)[1].startswith(flow.DRAFT_SAVED + "\n== Messagerie (")
    assert again.startswith(
        "\nVotre message (plusieurs lignes possibles, une ligne vide pour finir ; Entrée seule : garder le texte "
        "déjà écrit (2 ligne(s))) :\n"
    )
    assert errors == ""
    demo_session.expire_all()
    sent = bodies(demo_session, thread)
    assert len(sent) == before + 1 and sent[-1] == "Merci pour votre réponse.\nJe vous envoie le document demain."


def test_the_composer_is_one_form_read_back_before_sending():
    new = flow.composer_form(flow.NEW, flow.Draft(subject="Lunettes"))
    assert [a.name for a in new.asks] == ["category", "subject", "slots", "body", "attachments"]
    assert next(a for a in new.asks if a.name == "body").kind == forms.LINES and new.recap
    assert forms.first_problem(new, {"category": "question", "subject": "Lunettes", "body": "", "attachments": []}) == (
        forms.Problem("Champ obligatoire : Votre message.", "body")
    )
    reply = flow.composer_form(12, flow.Draft())
    assert [a.name for a in reply.asks] == ["body", "attachments"] and reply.title == "Répondre"


def test_attachment_from_a_path_and_completion(tmp_path):
    (tmp_path / "scans").mkdir()
    (tmp_path / "facture.pdf").write_bytes(PDF)
    (tmp_path / "notes.txt").write_text("x")
    prefix = str(tmp_path) + "/"
    assert attachments.complete_path(prefix) == [f"{prefix}facture.pdf", f"{prefix}scans/"]
    assert attachments.complete_path(prefix + "fa") == [f"{prefix}facture.pdf"]
    upload = attachments.load_attachment(prefix + "facture.pdf")
    assert upload.filename == "facture.pdf"
    with pytest.raises(attachments.AttachmentError, match="PDF, JPEG ou PNG"):
        attachments.load_attachment(prefix + "notes.txt")


def test_drafts_are_kept_per_thread_for_the_session():
    drafts = flow.Drafts()
    drafts.get(flow.NEW).body = "Bonjour"
    assert drafts.has(flow.NEW) and not drafts.has(12)
    drafts.discard(flow.NEW)
    assert not drafts.has(flow.NEW)


async def test_the_inbox_polls_what_a_conseiller_changes(
    api, token_store, coralie_token, demo_session, clock, settings
):
    """Issue 19: a conseiller's answer shows without F5: the screen reads its inbox again every
    `POLL_SECONDS` (the timer's call, made here at once: no sleeping), only while it is shown."""
    from models.tables import Member

    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("m")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, MessagingScreen) and screen.poll_timer._interval == flow.POLL_SECONDS
        before = str(screen.query_one("#inbox-summary").render())
        member = demo_session.exec(select(Member).where(Member.member_number == "1204587")).one()
        thread = demo_session.exec(select(MessageThread).where(MessageThread.member_id == member.id)).first()
        server_messaging.answer_thread(demo_session, clock, settings, thread, "Votre dossier est complet.", None)
        demo_session.commit()
        screen.poll()
        await settle(pilot)
        after = str(screen.query_one("#inbox-summary").render())
        assert after != before and "non lu" in after


def test_the_file_picker_starts_in_the_folder_typed_else_documents_else_home(tmp_path):
    """Issue 19: never in the program's folder."""
    home = tmp_path / "camille"
    home.mkdir()
    assert attachments.picker_start("", home) == home
    (home / "Documents").mkdir()
    assert attachments.picker_start("", home) == home / "Documents"
    assert attachments.picker_start("relative/nowhere", home) == home / "Documents"
    (tmp_path / "scans").mkdir()
    assert attachments.picker_start(str(tmp_path / "scans"), home) == tmp_path / "scans"
    assert attachments.picker_start(str(tmp_path / "scans" / "facture.pdf"), home) == tmp_path / "scans"
