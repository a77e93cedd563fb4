"""Mes remboursements in the linear mode: standard input in, an append-only transcript out."""

from __future__ import annotations

import io

from sqlmodel import select

from models.tables import Account, Member
from tests.tui.test_claims import CORALIE, link_document
from tui.flows import claims as flow
from tui.flows.session import AuthenticatedSession
from tui.linear import LinearClient
from tui.linear.claims import run_claims

LEA = "3810274"


def _session(api, demo_session, demo_make, member_number: str) -> AuthenticatedSession:
    account = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
    ).one()
    api.use_token(demo_make.session_token(account))
    return AuthenticatedSession(api, None)


def _choice(action: str) -> str:
    """The number of a registry action in the linear menu."""
    return str([a.id for a in flow.menu_actions()].index(f"claims.{action}") + 1)


async def _run(api, demo_session, demo_make, answers: list[str]) -> tuple[str, str]:
    stdin, stdout, stderr = io.StringIO("\n".join(answers) + "\n"), io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr)
    await run_claims(client, _session(api, demo_session, demo_make, LEA))
    return stdout.getvalue(), stderr.getvalue()


async def test_linear_list_search_detail_and_export(api, demo_session, demo_make, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    answers = [_choice("search"), "monture", _choice("open"), "1", _choice("export_csv"), "42", _choice("back")]
    out, err = await _run(api, demo_session, demo_make, answers)
    lines = out.splitlines()
    [csv_file] = tmp_path.glob("*.csv")
    expected_in_order = [
        "== Mes remboursements (89) ==",
        "Filtres : Période : 24 derniers mois ; Tri : date des soins, décroissant",
        # the shares of the three claims not decided yet are « à venir »: out of the totals (issue 17)
        "89 remboursements ; Dépensé : 5\u00a0010,39\u00a0€ ; Sécurité sociale : 1\u00a0414,37\u00a0€ ; "
        "Mutuelle : 2\u00a0197,95\u00a0€ ; Reste à charge : 1\u00a0297,11\u00a0€ ; Page 1 sur 2",
        "== Mes remboursements : que voulez-vous faire ? ==",
        "Votre choix (1 à 19) :",
        "Chercher (acte, personne, statut, professionnel, montant ; vide : tous) :",
        "Filtres appliqués : Période : 24 derniers mois ; Texte : « monture » ; Tri : date des soins, décroissant",
        "== Mes remboursements (3) ==",
        "Numéro du remboursement (1 à 3) :",
        "== Remboursement du 29 octobre 2026 – Équipement optique ==",
        "Statut : ✗ Rejeté",
        "Reçu le : 1er novembre 2026 (envoyé par courrier)",
        "== Répartition ==",
        "Reste à votre charge : 389,91\u00a0€",
        "== Ligne 1 sur 3 ==",
        "Acte : Monture de lunettes (code MONTURE)",
        "== Pourquoi ce reste à charge ? ==",
        "– Prochain équipement remboursable à partir du 24/09/2027",
        "== Paiements ==",
        "Aucun paiement : ce remboursement est rejeté",
        "Fichier CSV : préparation en cours…",
        f"Fichier CSV enregistré : {csv_file}",
    ]
    position = 0
    for wanted in expected_in_order:
        assert wanted in lines[position:], wanted
        position = lines.index(wanted, position) + 1
    records = [line for line in lines if line.startswith("1. Date : ")]
    assert records[-1].startswith("1. Date : 29 octobre 2026 ; Pour : Léa RIMON ; Acte : Équipement optique ; ")
    assert "Statut : Rejeté – Renouvellement de l'équipement optique" in records[-1]
    assert err == "Erreur : choix invalide : « 42 ». Tapez un nombre de 1 à 19.\n"
    assert not any("\x1b" in line for line in lines)  # no cursor movement, no colour codes


async def test_linear_wrong_amount_and_annual_statement(api, demo_session, demo_make, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    answers = [
        _choice("amount"),
        "beaucoup",
        _choice("dates"),
        "hier",
        _choice("dates"),
        "du 01/01/2026 au 30/06/2026",
        _choice("annual_statement"),
        "1990",
        _choice("annual_statement"),
        "2025",
        _choice("back"),
    ]
    out, err = await _run(api, demo_session, demo_make, answers)
    assert err.splitlines() == [
        "Erreur : montant illisible : « beaucoup » n'est pas un montant ; écrivez par exemple « 20-100 », « 20- » ou "
        "« -100 » (en euros)",
        "Erreur : date de début illisible : « hier » ; écrivez par exemple « du 01/01/2026 au 31/03/2026 », "
        "« du 01/01/2026 » ou « au 31/03/2026 »",
        "Erreur : année invalide : « 1990 ». Choisissez entre 2020 et 2026.",
    ]
    assert "Filtres appliqués : Période : du 01/01/2026 au 30/06/2026 ; Tri : date des soins, décroissant" in out
    assert f"Relevé annuel 2025 enregistré : {tmp_path / 'releve-annuel-2025.pdf'}" in out.splitlines()


async def test_linear_detail_saves_the_linked_documents(api, demo_session, demo_make, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    filename = link_document(demo_session, demo_make, LEA)
    detail = await _detail_of_first_row(api, demo_session, demo_make, LEA)
    choice = str(2 if flow.statement_payment(detail) else 1)
    out, err = await _run(api, demo_session, demo_make, [_choice("open"), "1", choice, _choice("back")])
    lines = out.splitlines()
    assert err == ""
    assert "== Documents joints ==" in lines
    assert f"{choice}. Enregistrer le document joint" in lines
    assert f"Document joint enregistré : {tmp_path / filename}" in lines
    assert (tmp_path / filename).read_bytes() == b"%PDF-1.4 facture"


async def test_linear_detail_saves_the_payments_relevé(api, demo_session, demo_make, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    stdin, stdout = io.StringIO("\n".join([_choice("open"), "1", "1", _choice("back")]) + "\n"), io.StringIO()
    client = LinearClient(api, stdin=stdin, stdout=stdout, stderr=io.StringIO())
    await run_claims(client, _session(api, demo_session, demo_make, CORALIE))
    lines = stdout.getvalue().splitlines()
    assert "== Ce remboursement : que voulez-vous faire ? ==" in lines
    assert lines[lines.index("== Ce remboursement : que voulez-vous faire ? ==") + 1 :][:2] == [
        "1. Enregistrer le relevé de prestations du paiement (PDF)",
        "2. Revenir à la liste",
    ]
    [pdf] = tmp_path.glob("releve-prestations-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert f"Relevé de prestations enregistré : {pdf}" in lines


async def _detail_of_first_row(api, demo_session, demo_make, member_number: str):
    _session(api, demo_session, demo_make, member_number)
    first = (await api.claims()).items[0]
    return await api.claim(first.id)
