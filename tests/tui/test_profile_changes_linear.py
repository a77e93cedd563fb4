"""« Mon profil » in the linear mode, as transcripts against the real server app (demo world): the postal
address with its justificatif, the e-mail and the mobile confirmed by the code sent to the new address or
number, an ayant droit removed, NOEMIE requested, the « Futur(e) retraité(e) » question, the résiliation en
ligne and « Mes données » saved. Each test reads back what the server holds or the file saved."""

from __future__ import annotations

import json

import pytest
from sqlmodel import select

from models.schemas.common import NoemieLinkState, RequestKind
from models.tables import Beneficiary, MemberRequest, MessageThread
from tests.tui.conftest import SEND
from tests.tui.profile_helpers import PDF, PROFILE, in_order, mails_to, member, run_linear, sms_code


@pytest.fixture
def linear(api, token_store):
    return lambda answers: run_linear(api, token_store, answers)


async def test_linear_address_change_with_a_justificatif(linear, log_in_as, demo_session, tmp_path):
    proof = tmp_path / "quittance.pdf"
    proof.write_bytes(PDF)
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Coordonnées"),
            ("menu", "Changer mon adresse postale"),
            "4 place Grenette",
            "",
            "38000",
            "Grenoble",
            SEND,
            str(proof),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "== Nouvelle adresse postale ==",
            "Numéro et voie (Entrée : 12 rue Blatin) :",
            "== Justificatif de domicile ==",
            "Vous changez de commune : joignez un justificatif de domicile de moins de 3 mois",
            f"Pièce jointe ajoutée : {proof}.",
            "Votre adresse est enregistrée. Le justificatif est transmis à un conseiller (démarche ",
        ],
    )
    coralie = member(demo_session, "1204587")
    assert (coralie.address_line1, coralie.postal_code, coralie.city) == ("4 place Grenette", "38000", "GRENOBLE")
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.address_change)).one()
    assert request.member_id == coralie.id and request.reference in "\n".join(lines)
    assert mails_to(demo_session, "coralie.vidal@example.fr")[-1].subject == "Votre adresse postale a été modifiée"


async def test_linear_email_change_confirmed_by_code(linear, log_in_as, read_code, demo_session):
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Coordonnées"),
            ("menu", "Changer mon adresse e-mail"),
            "coralie.v@example.org",
            lambda: read_code("1204587"),  # issue 16: the step-up code first (a fresh second factor)
            lambda: read_code("coralie.v@example.org"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    sent = "Un code a été envoyé à coralie.v@example.org. Saisissez-le pour confirmer la nouvelle adresse."
    in_order(
        lines,
        [
            "== Nouvelle adresse e-mail ==",
            "== Confirmer que c'est bien vous ==",
            "Identité confirmée : vous pouvez modifier un RIB, votre adresse e-mail ou votre mobile jusqu'à",
            "== Code reçu ==",
            sent,
            "Code reçu :",
            "Votre nouvelle adresse e-mail est confirmée : c'est aussi votre identifiant de connexion.",
        ],
    )
    assert "\n".join(lines).count(sent) == 1  # said once, under the heading of the step that asks for the code
    assert member(demo_session, "1204587").email == "coralie.v@example.org"
    assert mails_to(demo_session, "coralie.vidal@example.fr")[-1].subject == "Ce changement vient-il de vous ?"


async def test_linear_mobile_change_confirmed_by_sms_code(linear, log_in_as, read_code, demo_session):
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Coordonnées"),
            ("menu", "Changer mon numéro de mobile"),
            "07 81 22 33 44",
            lambda: read_code("1204587"),  # the step-up code first
            lambda: sms_code(demo_session, "0781223344"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    sent = "Un code a été envoyé par SMS au 07 81 22 33 44. Saisissez-le pour confirmer le numéro."
    in_order(
        lines,
        [
            "== Code reçu ==",
            sent,
            "Code reçu par SMS :",
            "Votre nouveau numéro de mobile est confirmé.",
        ],
    )
    assert "\n".join(lines).count(sent) == 1  # said once, under the heading of the step that asks for the code
    assert member(demo_session, "1204587").mobile == "0781223344"


async def test_linear_wrong_mobile_says_what_to_type(linear, log_in_as, demo_session):
    await log_in_as("1204587")
    _, err = await linear(
        [("menu", PROFILE), ("menu", "Coordonnées"), ("menu", "Changer mon numéro de mobile"), "07 11 22 33 44"]
    )
    assert "ne sont pas des numéros de mobile" in err
    assert member(demo_session, "1204587").mobile == "0612345678"


async def test_linear_remove_an_ayant_droit(linear, log_in_as, demo_session):
    await log_in_as("5520318")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Retirer un ayant droit"),
            ("menu", "Monique GIRAUD"),
            "Couverte par la mutuelle de son employeur",
            "",
            SEND,
            ("menu", "Oui"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "== Retirer un ayant droit ==",
            "== Demander le retrait de Monique GIRAUD ? ==",
            "enregistrée : un conseiller vous répond dans « Mes démarches ».",
        ],
    )
    monique = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Monique")).one()
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.family_remove)).one()
    assert request.beneficiary_id == monique.id


async def test_linear_noemie_request(linear, log_in_as, demo_session, tmp_path):
    attestation = tmp_path / "attestation.pdf"
    attestation.write_bytes(PDF)
    await log_in_as("3810274")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Demander la télétransmission (NOEMIE)"),
            ("menu", "Léa RIMON"),
            str(attestation),
            SEND,
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Retour"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "Télétransmission inactive",
            "== Télétransmission (NOEMIE) ==",
            "la télétransmission est en général active sous 3 semaines",
            "== Ayants droit et télétransmission ==",
            "Télétransmission demandée, en attente de l'Assurance Maladie",
        ],
    )
    lea = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Léa")).one()
    demo_session.refresh(lea)
    assert lea.noemie_link is NoemieLinkState.pending


async def test_linear_future_retiree_question(linear, log_in_as, demo_session):
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Vie du contrat"),
            ("menu", "Futur(e) retraité(e) : poser ma question à un conseiller"),
            ("menu", "Santé Salariés"),
            "30/06/2027",
            "Puis-je garder mes garanties ?",
            SEND,
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "Loi Évin (article 4)",
            "== Futur(e) retraité(e) ==",
            "Votre question est envoyée à un conseiller : la réponse arrivera dans votre messagerie.",
        ],
    )
    coralie = member(demo_session, "1204587")
    thread = demo_session.exec(select(MessageThread).where(MessageThread.member_id == coralie.id)).all()[-1]
    assert thread.subject == "Futur(e) retraité(e) : garder ma complémentaire santé"


async def test_linear_termination_online(linear, log_in_as, demo_session):
    await log_in_as("5520318")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Vie du contrat"),
            ("menu", "Résilier mon contrat en ligne"),
            ("menu", "Santé Retraités"),
            "Je rejoins la mutuelle de ma fille",
            SEND,
            ("menu", "Oui"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "Résiliation en ligne possible à tout moment",
            "== Résilier le contrat « Santé Retraités » ? Cette demande est définitive. ==",
            "la résiliation prendra effet le 23/12/2026",
        ],
    )
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.termination)).one()
    assert request.description == "Je rejoins la mutuelle de ma fille"


async def test_linear_my_data_saved(linear, log_in_as, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    await log_in_as("1204587")
    lines, err = await linear(
        [("menu", PROFILE), ("menu", "Mes données"), ("menu", "Enregistrer mes données (JSON)"), ("menu", "Retour")]
    )
    assert err == ""
    assert f"Fichier « Mes données » enregistré : {tmp_path / 'mes-donnees.json'}" in lines
    saved = json.loads((tmp_path / "mes-donnees.json").read_text(encoding="utf-8"))
    assert saved["member"]["member_number"] == "1204587" and saved["account"]["login_email"]


async def test_linear_contributions_of_an_individual_contract_and_card_duplicate(linear, log_in_as, demo_session):
    await log_in_as("5520318")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Cotisations"),
            ("menu", "Carte de tiers payant"),
            ("menu", "Demander un duplicata de la carte"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    euros = "\u00a0€"
    in_order(
        lines,
        [
            "== Cotisations ==",
            f"Montant impayé : 187,40{euros}. Réglez-le pour garder vos garanties",
            f"2026 : dû 2\u00a0248,80{euros}, payé 1\u00a0874,00{euros}, impayé 187,40{euros}",
            f"  05/10/2026 : 187,40{euros} – payée",
            f"  05/11/2026 : 187,40{euros} – impayée",
            f"  05/12/2026 : 187,40{euros} – à venir",
            "== Carte de tiers payant ==",
            "NIR : 1 52 09 13 055 087",
        ],
    )
    request = demo_session.exec(select(MemberRequest).where(MemberRequest.kind == RequestKind.card_duplicate)).one()
    assert any(request.reference in line and "8 jours" in line for line in lines)
