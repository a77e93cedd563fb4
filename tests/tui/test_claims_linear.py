"""Mes remboursements in the linear mode (issue 18, « lists for the ear »): standard input in, an append-only
transcript out. A summary first, the short lines on demand, a claim's détail on request; filters offered as
numbered lists of values; « du … au … » as two dates, each checked as typed and only the wrong one asked
again; the menu is the registry's, read in full once then reminded in one line. The transcripts are also
rendered for speech and braille (`tui.linear.speech`): no escape code, no box drawing, no line over 80."""

from __future__ import annotations

import io
import re

from sqlmodel import select

from models.tables import Account, Member
from tests.tui.test_claims import CORALIE, link_document
from tui.flows import claims as flow
from tui.flows.actions import DEFAULT_REGISTRY
from tui.flows.session import AuthenticatedSession
from tui.linear import LinearClient
from tui.linear.claims import run_claims

LEA = "3810274"  # 89 claims over 24 months: two pages
BOX = re.compile("[\u2500-\u257f]")
MENU = "== Mes remboursements : que voulez-vous faire ? =="
REMINDER = MENU + " (20 choix ; « r » : les relire)"


def _session(api, demo_session, demo_make, member_number: str) -> AuthenticatedSession:
    account = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
    ).one()
    api.use_token(demo_make.session_token(account))
    return AuthenticatedSession(api, None)


def _choice(action: str) -> str:
    """The number of a registry action in the linear menu."""
    return str([a.id for a in flow.menu_actions()].index(f"claims.{action}") + 1)


async def _run(api, demo_session, demo_make, answers, member=LEA, *, for_speech=False) -> tuple[str, str]:
    stdin, stdout, stderr = io.StringIO("\n".join(answers) + "\n"), io.StringIO(), io.StringIO()
    client = LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, for_speech=for_speech)
    await run_claims(client, _session(api, demo_session, demo_make, member))
    return stdout.getvalue(), stderr.getvalue()


def _between(text: str, start: str, end: str) -> str:
    return start + text.split(start, 1)[1].split(end, 1)[0]


# A summary, page 2, a filter by a value, one's own dates (a wrong date first), the short lines, a détail.
TOUR = [
    _choice("next_page"),
    _choice("status"),
    "5",  # Rejeté
    _choice("clear"),
    _choice("period"),
    "7",  # Choisir les dates : du … au …
    "31/13/2026",  # no such day: said, and only this date asked again
    "01/07/2026",
    "01/01/2026",  # before the start: said, and only the end asked again
    "",  # Entrée keeps what was typed: still wrong
    "30/09/2026",
    _choice("read"),
    _choice("open"),
    "99",  # not on the page
    "détail 2",
    "0",  # back to the list
    _choice("back"),
]


async def test_the_tour_reads_as_a_summary_then_lines_on_demand(api, demo_session, demo_make):
    out, err = await _run(api, demo_session, demo_make, TOUR)
    labels = [a.menu_label for a in flow.menu_actions()]
    assert out.startswith(
        "== Mes remboursements ==\n"
        "89 remboursements sur 24 mois, page 1 sur 2.\n"
        "Dépensé : 5\u00a0010,39\u00a0€ ; Sécurité sociale : 1\u00a0414,37\u00a0€ ; Mutuelle : 2\u00a0197,95\u00a0€ ; "
        "Reste à charge : 1\u00a0297,11\u00a0€\n"
        "Filtres : Période : 24 derniers mois ; Tri : date des soins, décroissant\n"
        + MENU
        + "\n"
        + "".join(f"{n}. {label}\n" for n, label in enumerate(labels, 1))
        + "Votre choix (1 à 20) :\n"
        # a page: its summary, never the claims nor the whole menu again
        "89 remboursements sur 24 mois, page 2 sur 2.\n"
        "Dépensé : 5\u00a0010,39\u00a0€ ; Sécurité sociale : 1\u00a0414,37\u00a0€ ; Mutuelle : 2\u00a0197,95\u00a0€ ; "
        "Reste à charge : 1\u00a0297,11\u00a0€\n" + REMINDER + "\nVotre choix (1 à 20) :\n"
        # a filter: the list of its values
        "== Filtrer par statut : lequel ? ==\n"
        "1. Tous les statuts (actuel)\n"
        "2. Remboursé\n"
        "3. En traitement ou reçu\n"
        "4. En attente de justificatif\n"
        "5. Rejeté\n"
        "Votre choix (1 à 5) :\n"
        "1 remboursement sur 24 mois.\n"
        "Dépensé : 390,00\u00a0€ ; Sécurité sociale : 0,09\u00a0€ ; Mutuelle : 0,00\u00a0€ ; "
        "Reste à charge : 389,91\u00a0€\n"
        "Filtres : Période : 24 derniers mois ; Statut : Rejeté ; Tri : date des soins, décroissant\n"
    )
    assert _between(out, "== Quelle période ? ==", "== Mes remboursements") == (
        "== Quelle période ? ==\n"
        "1. 24 derniers mois (actuel)\n"
        "2. 12 derniers mois\n"
        "3. 3 derniers mois\n"
        "4. Année 2026\n"
        "5. Année 2025\n"
        "6. 7 dernières années\n"
        "7. Choisir les dates : du … au …\n"
        "Votre choix (1 à 7) :\n"
        "== Choisir les dates : du … au … ==\n"
        "Les remboursements dont les soins sont entre ces deux dates, comprises.\n"
        "Date de début (JJ/MM/AAAA) :\n"
        "Date de début (JJ/MM/AAAA) (Entrée : 31/13/2026) :\n"
        "Date de fin (JJ/MM/AAAA) (Entrée : 23/11/2026) :\n"
        "Date de fin (JJ/MM/AAAA) (Entrée : 01/01/2026) :\n"
        "Date de fin (JJ/MM/AAAA) (Entrée : 01/01/2026) :\n"
        "12 remboursements du 01/07/2026 au 30/09/2026.\n"
        "Dépensé : 1\u00a0302,23\u00a0€ ; Sécurité sociale : 224,14\u00a0€ ; Mutuelle : 510,49\u00a0€ ; "
        "Reste à charge : 567,60\u00a0€\n"
        "Filtres : Période : du 01/07/2026 au 30/09/2026 ; Tri : date des soins, décroissant\n"
    )
    lines = out.splitlines()
    first = lines.index("1. 26 septembre 2026, Consultation chez le médecin généraliste, Léa : remboursé 28,00\u00a0€")
    short = lines[first : first + 13]
    assert [line.split(".", 1)[0] for line in short[:-1]] == [str(n) for n in range(1, 13)]
    assert short[-1] == flow.READ_HINT
    assert short[7] == "8. 5 août 2026, Consultation chez un spécialiste (régularisé), Léa : remboursé 39,40\u00a0€"
    assert "2. 20 septembre 2026, Séance de kinésithérapie, Zoé : remboursé 16,13\u00a0€" in lines
    assert _between(out, "== Détail d'un remboursement ==", "== Répartition ==") == (
        "== Détail d'un remboursement ==\n"
        "Numéro du remboursement (1 à 12) :\n"
        "Numéro du remboursement (1 à 12) :\n"  # a wrong number is typed again, not offered back
        "== Remboursement du 20 septembre 2026 – Séance de kinésithérapie ==\n"
        "Référence : D38102740140\n"
        "Date des soins : 20 septembre 2026\n"
        "Pour : Zoé RIMON\n"
        "Poste de soins : Soins courants\n"
        "Statut : Remboursé\n"  # the word, without the screen's icon
        "Reçu le : 22 septembre 2026 (transmis automatiquement par l'Assurance Maladie)\n"
    )
    assert out.count(MENU + "\n1.") == 1  # the menu read in full once, then reminded in one line
    assert out.endswith(
        "== Ce remboursement : que voulez-vous faire ? ==\n"
        "1. Enregistrer le relevé de prestations du paiement (PDF)\n"
        "2. Revenir à la liste des remboursements\n"
        "Votre choix (1 à 2) :\n" + REMINDER + "\nVotre choix (1 à 20) :\n"
    )
    assert err == (
        "Erreur : Date de début : date non valable (JJ/MM/AAAA, par exemple 15/07/2025).\n"
        "Erreur : La date de fin précède la date de début (01/07/2026).\n"
        "Erreur : La date de fin précède la date de début (01/07/2026).\n"
        "Erreur : Numéro invalide : « 99 ». Tapez un nombre de 1 à 12.\n"
    )


async def test_the_tour_for_speech_and_braille(api, demo_session, demo_make):
    out, err = await _run(api, demo_session, demo_make, TOUR, for_speech=True)
    text = out + err
    assert "\x1b" not in text and not BOX.search(text)
    too_long = [line for line in text.splitlines() if len(line) > 80]
    assert not too_long, too_long
    assert "✓" not in text and "✗" not in text  # statuses in words only
    assert text.count(MENU + "\n1.") == 1


def test_the_linear_menu_is_the_registrys():
    registry = [a for a in DEFAULT_REGISTRY.actions if a.screen == "claims" and a.linear]
    assert [a.id for a in flow.menu_actions()] == [a.id for a in registry]
    assert [a.menu_label for a in flow.menu_actions()] == [a.menu_label for a in registry]
    assert flow.menu_actions()[-1].id == flow.LIST_BACK  # « Revenir » last, « 0 » chooses it
    assert not any("suivant)" in a.menu_label for a in registry)  # no « au choix suivant »


async def test_the_menu_lines_are_the_registrys_labels(api, demo_session, demo_make):
    out, _err = await _run(api, demo_session, demo_make, [_choice("back")])
    menu = out.split(MENU + "\n", 1)[1].split("Votre choix", 1)[0].splitlines()
    assert menu == [f"{n}. {a.menu_label}" for n, a in enumerate(flow.menu_actions(), 1)]


async def test_a_wrong_amount_then_a_search_and_the_annual_statement(
    api, demo_session, demo_make, tmp_path, monkeypatch
):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    answers = [
        _choice("amount"),
        "beaucoup",
        "300-",
        _choice("search"),
        "monture",
        _choice("annual_statement"),
        "9",  # no such year in the list
        "2",
        _choice("back"),
    ]
    out, err = await _run(api, demo_session, demo_make, answers)
    assert err.splitlines() == [
        "Erreur : Montant illisible : « beaucoup » n'est pas un montant ; écrivez par exemple « 20-100 », « 20- » ou "
        "« -100 » (en euros).",
        "Erreur : choix invalide : « 9 ». Tapez un nombre de 1 à 7.",
    ]
    assert "Montant dépensé (20-100, 20- ou -100 ; vide : tous) (Entrée : beaucoup) :" in out
    assert "Filtres : Période : 24 derniers mois ; Montant dépensé : au moins 300,00\u00a0€ ; " in out
    assert "Texte : « monture » ; Tri : date des soins, décroissant" in out
    assert "== Relevé annuel des prestations : quelle année ? ==\n1. Année 2026\n2. Année 2025\n" in out
    assert (
        "Relevé annuel 2025 : préparation en cours…\n"
        f"Relevé annuel 2025 enregistré : {tmp_path / 'releve-annuel-2025.pdf'}\n{REMINDER}"
    ) in out


async def test_the_detail_saves_the_payments_decompte(api, demo_session, demo_make, tmp_path, monkeypatch):
    """The relevé de prestations (décompte) of the claim's payment, saved from its détail."""
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    answers = [_choice("open"), "détail zéro", "1", "1", "2", _choice("back")]
    out, err = await _run(api, demo_session, demo_make, answers, CORALIE)
    [pdf] = tmp_path.glob("releve-prestations-*.pdf")
    assert pdf.read_bytes().startswith(b"%PDF")
    assert _between(out, "== Paiements ==", MENU) == (
        "== Paiements ==\n"
        "Versé sur votre compte …8145 le 22 novembre 2026 : 6,94\u00a0€\n"
        "== Ce remboursement : que voulez-vous faire ? ==\n"
        "1. Enregistrer le relevé de prestations du paiement (PDF)\n"
        "2. Revenir à la liste des remboursements\n"
        "Votre choix (1 à 2) :\n"
        "Relevé de prestations : préparation en cours…\n"
        f"Relevé de prestations enregistré : {pdf}\n"
        "== Ce remboursement : que voulez-vous faire ? == (2 choix ; « r » : les relire)\n"
        "Votre choix (1 à 2) :\n"
    )
    assert err.startswith("Erreur : Numéro invalide : « détail zéro ». Tapez un nombre de 1 à ")


async def test_the_detail_saves_the_linked_documents(api, demo_session, demo_make, tmp_path, monkeypatch):
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(tmp_path))
    filename = link_document(demo_session, demo_make, LEA)
    out, err = await _run(api, demo_session, demo_make, [_choice("open"), "1", "documents", "0", _choice("back")])
    # the newest claim has a paid transfer: its relevé is offered first
    lines = out.splitlines()
    assert err == ""
    assert "== Documents joints ==" in lines
    assert lines[lines.index("== Ce remboursement : que voulez-vous faire ? ==") + 1 :][:3] == [
        "1. Enregistrer le relevé de prestations du paiement (PDF)",
        "2. Enregistrer les documents joints",
        "3. Revenir à la liste des remboursements",
    ]
    assert f"Document joint enregistré : {tmp_path / filename}" in lines
    assert (tmp_path / filename).read_bytes() == b"%PDF-1.4 facture"


async def test_a_claim_with_nothing_to_save_asks_nothing(api, demo_session, demo_make):
    """The rejected optical claim: no payment, no document, so no question after its détail."""
    out, err = await _run(api, demo_session, demo_make, [_choice("status"), "5", _choice("open"), "1", _choice("back")])
    assert "Aucun paiement : ce remboursement est rejeté\n" + REMINDER in out
    assert "Ce remboursement : que voulez-vous faire ?" not in out
    assert err == ""


async def test_pages_say_where_they_end(api, demo_session, demo_make):
    answers = [_choice("status"), "1", _choice("previous_page"), _choice("next_page"), _choice("next_page")]
    out, _err = await _run(api, demo_session, demo_make, [*answers, _choice("back")])
    assert f"{flow.FIRST_PAGE}\n{REMINDER}" in out
    assert "page 2 sur 2.\n" in out and f"{flow.LAST_PAGE}\n{REMINDER}" in out
    assert f"{flow.UNCHANGED}\n{REMINDER}" in out  # « Tous les statuts » as it was: nothing loaded again


async def test_detail_and_its_number_typed_at_the_menu(api, demo_session, demo_make):
    """« détail 99 » at the menu: the number is not on the page, said, and asked (typed again: 2); then
    « détail 1 » opens claim 1 at once, without the question of its number."""
    answers = ["détail 99", "2", "2", "détail 1", "2", _choice("back")]
    out, err = await _run(api, demo_session, demo_make, answers, CORALIE)
    assert err.splitlines()[0].startswith("Erreur : Numéro invalide : « 99 ». Tapez un nombre de 1 à ")
    assert len(err.splitlines()) == 1
    assert out.count("Numéro du remboursement (1 à ") == 1  # asked after « détail 99 » only
    assert out.count("== Ce remboursement : que voulez-vous faire ? ==") == 2  # two détails opened
    assert "aucun choix ne commence" not in err


def test_only_an_entry_that_takes_a_number_reads_one():
    from tui.flows.menus import Kind, read_answer

    options = ["Lire la page", "Détail d'un remboursement (son numéro)", "Revenir"]
    assert read_answer("détail 3", options, frozenset({1})).number == 3
    assert read_answer("DETAIL 12", options, frozenset({1})).index == 1
    assert read_answer("2", options, frozenset({1})).number is None  # a menu number stays a menu number
    assert read_answer("lire 3", options, frozenset({1})).kind is Kind.WRONG  # « Lire » takes no number
    assert read_answer("détail 3", options).kind is Kind.WRONG  # a menu without numbered entries
