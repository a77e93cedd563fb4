"""Messagerie in the client: write a message with an attachment and read the answer (Pilot, 80×24,
against the real server app), the same in the linear mode (a transcript), and the flows' pure parts."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from models.tables import Account, MessageThread
from server.services import messaging as server_messaging
from tests.server.issue7_world import PDF
from tui.app import EspaceApp
from tui.flows import attachments
from tui.flows import messaging as flow
from tui.linear import LinearClient
from tui.screens.messaging import ComposerScreen, MessagingScreen, ThreadScreen


def screen_text(app) -> str:
    from textual.widgets import Label, Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static)) + "\n".join(
        str(w.render()) for w in app.screen.query(Label)
    )


async def settle(app, pilot) -> None:
    for _ in range(3):
        await app.workers.wait_for_complete()
        await pilot.pause()


@pytest.fixture
def coralie_token(demo_session, demo_make, coralie, api, token_store):
    account = demo_session.exec(select(Account).where(Account.login_email == coralie.email)).one()
    token = demo_make.session_token(account)
    token_store.set(api.base_url, token)
    return token


async def test_write_a_message_with_an_attachment_then_read_the_answer(
    api, token_store, coralie_token, tmp_path, demo_session, clock, settings
):
    attachment = tmp_path / "facture-osteo.pdf"
    attachment.write_bytes(PDF)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        assert isinstance(app.screen, MessagingScreen)
        assert "Détail de mon remboursement" in screen_text(app)
        await pilot.press("e")
        await pilot.pause()
        assert isinstance(app.screen, ComposerScreen)
        await pilot.press(*"Ostéopathie", "tab", "tab", *"Bonjour, voici ma facture.", "tab")
        await pilot.press(*str(attachment), "enter")
        await pilot.pause()
        assert "facture-osteo.pdf" in screen_text(app)
        await pilot.press("escape")  # leave: the draft is kept
        await pilot.pause()
        assert isinstance(app.screen, MessagingScreen)
        assert app.drafts.has(flow.NEW)
        await pilot.press("e")
        await pilot.pause()
        assert app.screen.query_one("#subject").value == "Ostéopathie"
        await pilot.press("ctrl+s")
        await settle(app, pilot)
        assert isinstance(app.screen, MessagingScreen)
        assert not app.drafts.has(flow.NEW)
        assert "Ostéopathie" in screen_text(app)

        thread = demo_session.exec(select(MessageThread).where(MessageThread.subject == "Ostéopathie")).one()
        server_messaging.answer_thread(
            demo_session, clock, settings, thread, "Bien reçu, remboursement en cours.", None
        )
        demo_session.commit()
        await pilot.press("f5")
        await settle(app, pilot)
        assert "Non lu (1) ; Ostéopathie" in screen_text(app)
        await pilot.press("enter")
        await settle(app, pilot)
        assert isinstance(app.screen, ThreadScreen)
        text = screen_text(app)
        assert "Bien reçu, remboursement en cours." in text
        assert "Pièce jointe : piece-jointe-" in text and ".pdf" in text
        assert "Statut : Réponse reçue" in text


async def test_the_composer_labels_every_field_and_says_the_completion_in_words(
    api, token_store, coralie_token, tmp_path
):
    """Issue 18: a label that stays when one types (not a placeholder alone), and the path completion in words
    (not only dimmed after the cursor)."""
    (tmp_path / "ordonnance.pdf").write_bytes(PDF)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        await pilot.press("e")
        await pilot.pause()
        labels = [str(label.render()) for label in app.screen.query("Label")]
        assert {"Catégorie", "Sujet", "Votre message", "Pièces jointes (facultatif)"} <= set(labels)
        suggestion = app.screen.query_one(".attachment-suggestion")
        assert not suggestion.display
        app.screen.query_one("#attachment").focus()
        await pilot.press(*f"{tmp_path}/ord")
        await pilot.pause()
        assert suggestion.display and str(suggestion.render()) == f"Tab complète : {tmp_path}/ordonnance.pdf"
        await pilot.press("backspace", "x")  # nothing starts so: no completion said
        await pilot.pause()
        assert not suggestion.display


def test_messaging_screen_snapshot(snap_compare, api, token_store, coralie_token):
    async def open_inbox(pilot):
        await settle(pilot.app, pilot)
        await pilot.press("m")
        await settle(pilot.app, pilot)

    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=open_inbox)


async def test_linear_transcript_of_the_messagerie(api, coralie, token_store, coralie_token, tmp_path):
    attachment = tmp_path / "devis.png"
    attachment.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    inbox_choice = "MENU"
    stdin_lines = [
        inbox_choice,
        "2",
        "1",
        "Question",
        "Bonjour, une question.",
        "/nulle/part.pdf",
        str(attachment),
        "",
        "4",
    ]
    stdout, stderr = io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=io.StringIO(""), stdout=stdout, stderr=stderr, token_store=token_store)
    api.use_token(coralie_token)
    menu = [a.id for a in client.menu_actions((await api.dashboard()).areas)]
    stdin_lines[0] = str(menu.index("messaging") + 1)
    stdin_lines.append(str(menu.index("quit") + 1))
    client.stdin = io.StringIO("\n".join(stdin_lines) + "\n")
    assert await client.run() == 0
    out = stdout.getvalue()
    start = out.index("== Messagerie (")
    transcript = out[start:]
    print(transcript)
    print(stderr.getvalue())
    assert "Détail de mon remboursement" in transcript
    assert "Pièce jointe ajoutée : " in transcript and "devis.png" in transcript
    assert flow.SENT in transcript
    assert "Réponse sous 48 h ouvrées : au plus tard le 25 novembre 2026" in transcript
    assert "Erreur : Fichier introuvable : /nulle/part.pdf" in stderr.getvalue()
    assert "\x1b" not in out


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
        await settle(app, pilot)
        await pilot.press("m")
        await settle(app, pilot)
        screen = app.screen
        assert isinstance(screen, MessagingScreen) and screen.poll_timer._interval == flow.POLL_SECONDS
        before = str(screen.query_one("#inbox-summary").render())
        member = demo_session.exec(select(Member).where(Member.member_number == "1204587")).one()
        thread = demo_session.exec(select(MessageThread).where(MessageThread.member_id == member.id)).first()
        server_messaging.answer_thread(demo_session, clock, settings, thread, "Votre dossier est complet.", None)
        demo_session.commit()
        screen.poll()
        await settle(app, pilot)
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
