"""« Mon profil » actions in the linear mode against the real server app (demo world), as transcripts:
a RIB changed with the step-up code read from the SMS outbox, an enfant added on an individual contract
(with the acte de naissance), the collective-contract refusal (nothing sent), the préférences, the
card saved to the downloads folder."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.tables import BankAccount, MemberRequest
from tests.tui.conftest import SEND
from tests.tui.profile_helpers import PDF, PROFILE, in_order, run_linear


@pytest.fixture
def linear(api, token_store):
    return lambda answers: run_linear(api, token_store, answers)


def _rib_answers(for_whom: str, code) -> list:
    """Coralie changes her RIB de remboursement to a valid one, for ``for_whom``, then gives ``code``."""
    return [
        ("menu", PROFILE),
        ("menu", "RIB de remboursement et de prélèvement"),
        ("menu", "Changer le RIB de remboursement"),
        "FR76 3000 6000 0112 3456 7890 189",
        "AGRIFRPP",
        "Coralie Vidal",
        ("menu", for_whom),
        SEND,  # the recap read back: Entrée
        code,
    ]


async def test_linear_rib_change_with_the_step_up_code(linear, log_in_as, read_code, demo_session):
    await log_in_as("1204587")
    lines, err = await linear([*_rib_answers("Enzo VIDAL", lambda: read_code("1204587")), ("menu", "Retour")])
    assert err == ""
    in_order(
        lines,
        [
            "== RIB de remboursement et de prélèvement ==",
            "RIB de remboursement :",
            "FR76 **** **** **** **** ***8 145 – BNPAFRPP – titulaire Coralie VIDAL – pour tout le contrat",
            "== RIB de remboursement ==",
            "L'IBAN et le BIC sont vérifiés pendant la saisie.",
            "IBAN (ex. FR76 3000 6000 0112 3456 7890 189) :",
            "== Pour qui ==",
            "== Confirmer que c'est bien vous ==",
            "Un code a été envoyé par SMS au",
            "Identité confirmée : vous pouvez modifier un RIB, votre adresse e-mail ou votre mobile jusqu'à",
            "RIB enregistré ; un e-mail vous le confirme.",
        ],
    )
    rows = demo_session.exec(select(BankAccount).where(BankAccount.replaced_at.is_(None))).all()  # type: ignore[union-attr]
    assert any(r.holder == "Coralie Vidal" and r.beneficiary_id is not None for r in rows)


async def test_linear_step_up_window_is_the_servers_setting(linear, log_in_as, read_code, settings):
    settings.step_up_window = timedelta(minutes=7)
    await log_in_as("1204587")
    lines, err = await linear([*_rib_answers("Tout le contrat", lambda: read_code("1204587")), ("menu", "Retour")])
    assert err == ""
    in_order(
        lines,
        [
            "qui vous laisse ensuite 7 minutes pour enregistrer le RIB.",
            "== Confirmer que c'est bien vous ==",
            "Le code permet de modifier un RIB, votre adresse e-mail ou votre mobile pendant 7 minutes.",
            "RIB enregistré ; un e-mail vous le confirme.",
        ],
    )
    assert not any("5 minutes" in line for line in lines)


async def test_linear_rib_with_a_wrong_key_is_refused_as_typed(linear, log_in_as):
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "RIB de remboursement et de prélèvement"),
            ("menu", "Changer le RIB de remboursement"),
            "FR76 3000 6000 0112 3456 7890 188",
            ("menu", "Retour"),
        ]
    )
    assert "Erreur : la clé de l'IBAN" in err
    assert not any(line.startswith("BIC") for line in lines)  # refused before the BIC is asked


async def test_linear_add_a_child_on_an_individual_contract(linear, log_in_as, demo_session, tmp_path):
    birth = tmp_path / "acte-naissance.pdf"
    birth.write_bytes(PDF)
    await log_in_as("5520318")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Ajouter un conjoint ou un enfant"),
            ("menu", "Enfant"),
            "Jules",
            "Giraud",
            "02/03/2026",
            ("menu", "Masculin"),
            "",
            SEND,
            str(birth),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "== Ajouter un ayant droit ==",
            "== Lien ==",
            "== Sexe ==",
            "N° de sécurité sociale (facultatif) :",
            "== Justificatifs ==",
            "Acte de naissance (ou livret de famille) : chemin du fichier PDF, JPEG ou PNG :",
            f"Pièce jointe ajoutée : {birth}.",
            "enregistrée : un conseiller vérifie les justificatifs",
        ],
    )
    assert not any("Union (conjoint)" in line for line in lines)  # asked only for a conjoint
    request = demo_session.exec(
        select(MemberRequest).where(MemberRequest.title == "Ajout d'un enfant : Jules Giraud")
    ).one()
    assert request.reference in "\n".join(lines)


async def test_linear_collective_contract_sends_nothing(linear, log_in_as, demo_session):
    before = len(demo_session.exec(select(MemberRequest)).all())
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Ajouter un conjoint ou un enfant"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(lines, ["== Ayants droit et télétransmission ==", "passe par votre employeur", "Rien n'a été envoyé."])
    assert not any(line == "== Ajouter un ayant droit ==" for line in lines)
    assert len(demo_session.exec(select(MemberRequest)).all()) == before


async def test_linear_preferences_and_card_saved(linear, log_in_as, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    await log_in_as("1204587")
    lines, err = await linear(
        [
            ("menu", PROFILE),
            ("menu", "Préférences"),
            ("menu", "Choisir mes décomptes et mes notifications"),
            ("menu", "Par courrier"),
            ("menu", "Non"),
            ("menu", "Oui"),
            SEND,
            ("menu", "Carte de tiers payant"),
            ("menu", "Enregistrer la carte en PDF"),
            ("menu", "Retour"),
        ]
    )
    assert err == ""
    in_order(
        lines,
        [
            "Préférences enregistrées. Décomptes : par courrier ; notifications : dans l'espace, par SMS.",
            f"PDF de la carte de tiers payant enregistré : {tmp_path / 'carte-tiers-payant.pdf'}",
        ],
    )
    assert (tmp_path / "carte-tiers-payant.pdf").read_bytes().startswith(b"%PDF")
