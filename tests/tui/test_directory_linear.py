"""« Trouver un professionnel de santé » in the linear mode (issue 21): scripted standard input, the transcript
reviewed line by line — nothing typed first (the French message on standard error, the question asked again),
then the results as one labelled line each, page after page; « Simuler » goes on in the simulator with the
practitioner's sector, and the dépassement questions are not asked; the conseiller's console searches too."""

from __future__ import annotations

from sqlmodel import select

from models.tables import Account

from .test_linear_transcripts import LEA, _between, _menu, _resume, _run


async def test_linear_transcript_of_a_search_page_by_page(api, token_store, demo_session, demo_make):
    _resume(demo_session, demo_make, token_store, api, LEA)
    out, err = await _run(
        api,
        token_store,
        [
            _menu("Trouver un professionnel de santé (annuaire)"),
            "1",  # un professionnel de santé
            "",  # no name
            "",  # no town: refused, asked again
            "marseille",
            _menu("Page suivante"),
            _menu("Terminer"),
            _menu("Quitter"),
        ],
    )
    flow = _between(out, "== Trouver un professionnel de santé ==")
    assert flow.startswith(
        "== Trouver un professionnel de santé ==\n"
        "Au moins un critère : un nom, une profession ou une spécialité, ou une ville, un code postal, un "
        "département.\n"
    )
    town = "Ville, code postal ou département (par exemple « Marseille », « 13008 », « 75 ») :\n"
    assert town * 2 + "16 résultats (page 1 sur 2)\n1. Céline ARNAUD ; Médecin – Médecine générale ; " in flow
    assert err == (
        "Erreur : Indiquez au moins un critère : un nom, une profession ou une spécialité, ou une ville ou un "
        "code postal.\n"
    )
    assert (
        "8. Amandine GIRAUD ; Médecin – Dermatologie et vénéréologie ; CABINET DE DERMATOLOGIE GIRAUD ; "
        "40 Rue PARADIS, 13006 Marseille 6e Arrondissement ; tél. 04 91 00 00 78 ; Secteur non renseigné\n"
    ) in flow
    assert (
        "11. Thomas JOURDAN ; Opticien-Lunetier ; OPTIQUE JOURDAN ; 88 Rue DE ROME, 13006 Marseille 6e "
        "Arrondissement ; tél. 04 91 00 01 02 ; Secteur non renseigné ; propose le 100 % Santé (lunettes "
        "sans reste à charge)\n"
    ) in flow
    assert flow.endswith(
        "== Et maintenant ? ==\n"
        "== Que faire de ces résultats ? ==\n"
        "1. Simuler un remboursement chez Thomas JOURDAN (n° 11)\n"
        "2. Simuler un remboursement chez Sophie KELLER (n° 12)\n"
        "3. Simuler un remboursement chez Claire LAMBERT (n° 13)\n"
        "4. Simuler un remboursement chez Paul MARCHETTI (n° 14)\n"
        "5. Simuler un remboursement chez Linh NGUYEN (n° 15)\n"
        "6. Simuler un remboursement chez Marc PEYRON (n° 16)\n"
        "7. Nouvelle recherche\n"
        "8. Terminer\n"
        "Votre choix (1 à 8) :\n"
    )


async def test_linear_simulate_from_a_result_takes_the_practitioners_sector(api, token_store, demo_session, demo_make):
    _resume(demo_session, demo_make, token_store, api, LEA)
    out, err = await _run(
        api,
        token_store,
        [
            _menu("Trouver un professionnel de santé (annuaire)"),
            "1",
            "Castellani",
            "",
            _menu("Simuler un remboursement chez Hélène CASTELLANI (n° 1)"),
            _menu("Léa RIMON"),
            _menu("Consultations et soins courants"),
            "specialiste",
            "1",
            "80",
            _menu("Non"),  # not saved
            _menu("Quitter"),
        ],
    )
    simulation = _between(out, "== Simulateur de remboursement ==")
    assert simulation.startswith(
        "== Simulateur de remboursement ==\n"
        "Hélène CASTELLANI : Secteur 2, adhérent OPTAM : dépassements modérés, mieux remboursés (repris de "
        "l'annuaire).\n"
    )
    assert "dépassements d'honoraires ?" not in simulation  # the sector is known: not asked
    assert "== Résultat de la simulation ==" in simulation
    assert err == ""


async def test_linear_console_search_offers_no_simulation(api, token_store, demo_session, demo_make):
    """The conseiller reads the results to the caller: no « Simuler » outside a dossier."""
    agent = demo_session.exec(select(Account).where(Account.role == "agent")).first()
    token_store.set(api.base_url, demo_make.session_token(agent))
    out, err = await _run(
        api,
        token_store,
        [
            _menu("Trouver un professionnel de santé ou un établissement (annuaire)"),
            "2",  # un établissement
            "clinique",
            "13",
            _menu("Terminer"),
            _menu("Quitter"),
        ],
    )
    assert "2 résultats\n1. CLINIQUE CHIRURGICALE DU PRADO (FICTIVE) ; " in out
    assert "Simuler" not in out
    assert err == ""
