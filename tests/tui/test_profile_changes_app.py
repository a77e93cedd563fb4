"""« Mon profil » in the full-screen client, by keyboard, against the real server app (demo world, 80×24):
the coordonnées (postal address with its justificatif, e-mail confirmed by the code sent to the new
address, mobile confirmed by the code sent by SMS to the new number), an ayant droit removed, NOEMIE
requested, the « Futur(e) retraité(e) » question, the résiliation en ligne and « Mes données » saved. Each
test reads back what the server holds or the file the member got, not only the screen."""

from __future__ import annotations

import json

from sqlmodel import select

from models.schemas.common import NoemieLinkState, RequestKind
from models.tables import Account, Beneficiary, MemberRequest, MessageThread
from tests.tui.profile_helpers import (
    PDF,
    back_on_profile,
    in_section,
    lines_of,
    mails_to,
    member,
    on_form,
    sms_code,
    status_of,
    type_text,
    until,
)
from tui.screens.forms import ConfirmScreen


async def _pick_first(pilot) -> None:
    """A Select without a default: Entrée opens it on « Choisir », ↓ the first choice, Entrée takes it."""
    await pilot.press("enter", "down", "enter")


async def test_address_change_with_a_justificatif(api, token_store, log_in_as, demo_session, tmp_path):
    proof = tmp_path / "facture.pdf"
    proof.write_bytes(PDF)
    await log_in_as("1204587")
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("a")
        await until(pilot, lambda: on_form(app, "Nouvelle adresse postale"))
        await type_text(pilot, "4 place Grenette")  # the field's text is selected on focus: typing replaces it
        await pilot.press("enter", "enter")  # no complément
        await type_text(pilot, "38000")
        await pilot.press("enter")
        await type_text(pilot, "Grenoble")
        await pilot.press("enter")  # the last field sends
        await until(pilot, lambda: on_form(app, "Justificatif de domicile"))
        await type_text(pilot, str(proof))
        await pilot.press("enter", "ctrl+s")
        await back_on_profile(pilot)
        said = status_of(app)
        assert said.startswith("Votre adresse est enregistrée. Le justificatif est transmis à un conseiller")
        assert "Adresse : 4 place Grenette, 38000 GRENOBLE" in lines_of(app)
    coralie = member(demo_session, "1204587")
    assert (coralie.address_line1, coralie.postal_code, coralie.city) == ("4 place Grenette", "38000", "GRENOBLE")
    request = demo_session.exec(
        select(MemberRequest).where(
            MemberRequest.member_id == coralie.id, MemberRequest.kind == RequestKind.address_change
        )
    ).one()
    assert request.reference in said
    told = mails_to(demo_session, "coralie.vidal@example.fr")[-1]
    assert told.subject == "Votre adresse postale a été modifiée" and "12 rue Blatin" in told.body


async def test_email_change_confirmed_by_the_code_sent_to_the_new_address(
    api, token_store, log_in_as, read_code, demo_session
):
    await log_in_as("1204587")
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("e")
        await until(pilot, lambda: on_form(app, "Nouvelle adresse e-mail"))
        await type_text(pilot, "coralie.v@example.org")
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))  # issue 16: step-up first
        await type_text(pilot, read_code("1204587"))
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Code reçu"))
        assert member(demo_session, "1204587").email == "coralie.vidal@example.fr"  # not used before the code
        await type_text(pilot, read_code("coralie.v@example.org"))
        await pilot.press("enter")
        await back_on_profile(pilot)
        assert status_of(app) == (
            "Votre nouvelle adresse e-mail est confirmée : c'est aussi votre identifiant de connexion."
        )
        assert "E-mail : coralie.v@example.org" in lines_of(app)
    coralie = member(demo_session, "1204587")
    account = demo_session.exec(select(Account).where(Account.member_id == coralie.id)).one()
    assert coralie.email == account.login_email == "coralie.v@example.org"
    assert mails_to(demo_session, "coralie.vidal@example.fr")[-1].subject == "Ce changement vient-il de vous ?"


async def test_mobile_change_confirmed_by_the_code_sent_to_the_new_number(
    api, token_store, log_in_as, read_code, demo_session
):
    await log_in_as("1204587")
    async with in_section(api, token_store, "contact") as (app, pilot):
        await pilot.press("m")
        await until(pilot, lambda: on_form(app, "Nouveau numéro de mobile"))
        await type_text(pilot, "07 81 22 33 44")
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))
        await type_text(pilot, read_code("1204587"))
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Code reçu"))
        await type_text(pilot, sms_code(demo_session, "0781223344"))
        await pilot.press("enter")
        await back_on_profile(pilot)
        assert status_of(app) == "Votre nouveau numéro de mobile est confirmé."
        assert "Mobile : 07 81 22 33 44" in lines_of(app)
    assert member(demo_session, "1204587").mobile == "0781223344"
    assert mails_to(demo_session, "coralie.vidal@example.fr")[-1].subject == "Ce changement vient-il de vous ?"


async def test_remove_an_ayant_droit(api, token_store, log_in_as, demo_session):
    await log_in_as("5520318")
    async with in_section(api, token_store, "family") as (app, pilot):
        await pilot.press("x")
        await until(pilot, lambda: on_form(app, "Retirer un ayant droit"))
        await _pick_first(pilot)  # Monique GIRAUD, the only ayant droit
        await pilot.press("tab")
        await type_text(pilot, "Couverte par la mutuelle de son employeur")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question == "Demander le retrait de Monique GIRAUD ?"
        await pilot.press("o")
        await back_on_profile(pilot)
        assert "un conseiller vous répond dans « Mes démarches »" in status_of(app)
        assert "Retrait de Monique GIRAUD – Reçue" in lines_of(app)  # the request's status in words
    monique = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Monique")).one()
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.family_remove)).one()
    assert request.beneficiary_id == monique.id and request.description == "Couverte par la mutuelle de son employeur"


async def test_noemie_request_with_the_attestation(api, token_store, log_in_as, demo_session, tmp_path):
    attestation = tmp_path / "attestation-droits.pdf"
    attestation.write_bytes(PDF)
    await log_in_as("3810274")
    async with in_section(api, token_store, "family") as (app, pilot):
        await pilot.press("n")
        await until(pilot, lambda: on_form(app, "Télétransmission (NOEMIE)"))
        await _pick_first(pilot)  # Léa RIMON, the only one without télétransmission
        await pilot.press("tab")
        await type_text(pilot, str(attestation))
        await pilot.press("enter", "ctrl+s")
        await back_on_profile(pilot)
        assert "la télétransmission est en général active sous 3 semaines" in status_of(app)
        assert "Télétransmission demandée, en attente de l'Assurance Maladie" in lines_of(app)
    lea = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Léa")).one()
    demo_session.refresh(lea)
    assert lea.noemie_link is NoemieLinkState.pending
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.noemie)).one()
    assert request.beneficiary_id == lea.id


async def test_future_retiree_question_goes_to_a_conseiller(api, token_store, log_in_as, demo_session):
    await log_in_as("1204587")
    async with in_section(api, token_store, "contract") as (app, pilot):
        assert "Loi Évin (article 4)" in lines_of(app)
        await pilot.press("f")
        await until(pilot, lambda: on_form(app, "Futur(e) retraité(e)"))
        await pilot.press("tab")  # the contract is chosen already: Santé Salariés
        await type_text(pilot, "30/06/2027")
        await pilot.press("enter")
        await type_text(pilot, "Puis-je garder mes garanties ?")
        await pilot.press("enter")
        await back_on_profile(pilot)
        assert status_of(app) == (
            "Votre question est envoyée à un conseiller : la réponse arrivera dans votre messagerie."
        )
    coralie = member(demo_session, "1204587")
    thread = demo_session.exec(select(MessageThread).where(MessageThread.member_id == coralie.id)).all()[-1]
    assert thread.subject == "Futur(e) retraité(e) : garder ma complémentaire santé"


async def _terminate(api, token_store, reason: str, answer: str) -> str:
    """Résilier en ligne as François (individual contract, over a year old), answering ``answer`` (« o » or
    « n ») to the last question; what the status line says then."""
    async with in_section(api, token_store, "contract") as (app, pilot):
        await pilot.press("z")
        await until(pilot, lambda: on_form(app, "Résilier en ligne"))
        await _pick_first(pilot)
        await pilot.press("tab")
        await type_text(pilot, reason)
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert app.screen.question == "Résilier le contrat « Santé Retraités » ? Cette demande est définitive."
        await pilot.press(answer)
        await back_on_profile(pilot)
        return status_of(app)


async def test_termination_online(api, token_store, log_in_as, demo_session):
    await log_in_as("5520318")
    said = await _terminate(api, token_store, "Je rejoins la mutuelle de ma fille", "o")
    assert "la résiliation prendra effet le 23/12/2026" in said
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.termination)).one()
    assert request.details["effective_date"] == "2026-12-23" and request.reference in said


async def test_termination_answered_no_sends_nothing(api, token_store, log_in_as, demo_session):
    await log_in_as("5520318")
    assert await _terminate(api, token_store, "Trop cher", "n") == "Contrat conservé : rien n'a été envoyé."
    assert demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.termination)).all() == []


async def test_my_data_saved_as_a_file(api, token_store, log_in_as, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    await log_in_as("1204587")
    async with in_section(api, token_store, "data") as (app, pilot):
        await pilot.press("k")
        await back_on_profile(pilot)
        assert status_of(app) == f"Fichier « Mes données » enregistré : {tmp_path / 'mes-donnees.json'}"
    saved = json.loads((tmp_path / "mes-donnees.json").read_text(encoding="utf-8"))
    assert saved["member"]["member_number"] == "1204587"
    assert {b["first_name"] for b in saved["beneficiaries"]} == {"Coralie", "Enzo", "Lina"}


async def test_card_duplicate_request(api, token_store, log_in_as, demo_session):
    await log_in_as("5520318")
    async with in_section(api, token_store, "card") as (app, pilot):
        await pilot.press("u")
        await back_on_profile(pilot)
        said = status_of(app)
        assert "8 jours" in said
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.card_duplicate)).one()
    assert request.reference in said
