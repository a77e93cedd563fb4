"""Mes garanties and the simulator in the linear mode: standard input in, an append-only transcript out.

The session is resumed from the token store (a session opened for Léa RIMON in the demo world), so
these transcripts do not depend on the login steps."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select

from models.tables import Account
from tui.linear import LinearClient


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


async def _run(api, token_store, lea_token, answers: list[str]) -> tuple[str, str]:
    token_store.persistent = True  # kept as a keyring keeps it: the end of input leaves it for the next run
    token_store.set(api.base_url, lea_token)
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = io.StringIO("".join(f"{a}\n" for a in answers))
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    return stdout.getvalue(), stderr.getvalue()


async def test_linear_guarantees(api, token_store, lea_token):
    number = "Mes garanties"  # a menu entry may be chosen by its words (tui.flows.menus)
    out, err = await _run(api, token_store, lea_token, [number])
    assert err == ""
    assert "== Mes garanties (2 contrats) ==" in out
    assert (
        "Consultations de spécialiste — OPTAM : jusqu'à 150\u00a0% de la base de remboursement, Sécurité sociale "
        "incluse (au tableau : 150% BR)\n"
    ) in out
    assert "Exemple : pour une consultation chez un spécialiste (médecin adhérent à l'OPTAM) à 60,00\u00a0€" in out
    assert "Zoé : prochain équipement remboursable à partir du 25 août 2027 (lunettes du 25 août 2026)\n" in out
    assert (
        "Optique : 100,00\u00a0€ utilisés sur 100,00\u00a0€ pour l'équipement du 24 septembre 2025 "
        "(Équipement optique — tarifs libres, Santé Premium)\n"
    ) in out
    assert "█" not in out and "\x1b" not in out  # no bar drawing, no colour in the linear mode


SPECIALIST_80 = [
    "2",  # Samuel
    "1",  # consultations et soins courants
    "spécialiste",
    "1",  # Consultation chez un spécialiste
    "80",
    "3",  # dépassements ? je ne sais pas
    "1",  # enregistrer : oui
]
"""The simulator's answers for a specialist's consultation at 80 €, then saved (also tests/tui/test_retry.py)."""


async def test_linear_simulation_with_the_range_then_saved(api, token_store, lea_token):
    number = "Simuler un remboursement"
    answers = [number, *SPECIALIST_80]
    out, err = await _run(api, token_store, lea_token, answers)
    assert err == ""
    start = out.index("== Simulateur de remboursement ==")
    transcript = out[start : out.index("== Que voulez-vous faire ? ==", start)]
    print(transcript)
    assert "== Pour qui ? ==\n1. Léa RIMON\n2. Samuel RIMON\n3. Zoé RIMON\n" in transcript
    assert "Votre médecin pratique-t-il des dépassements d'honoraires ?" in transcript
    assert "Vous ne savez pas si votre médecin adhère à l'OPTAM : voici la fourchette." in transcript
    assert "Sécurité sociale : de 14,10\u00a0€ à 20,05\u00a0€\n" in transcript
    assert "Reste à votre charge : de " in transcript
    assert "-- Si votre médecin est adhérent à l'OPTAM --" in transcript
    assert "-- Si votre médecin n'est pas adhérent à l'OPTAM --" in transcript
    assert "Simulation enregistrée dans votre espace.\n== Mes simulations enregistrées (1) ==" in transcript
    assert "Pour : Samuel RIMON ; Acte : Consultation chez un spécialiste ; Montant : 80,00\u00a0€" in transcript


async def test_linear_a_wrong_amount_is_the_only_question_asked_again(api, token_store, lea_token):
    """Issue 18: « 1e5 » for the amount is said wrong at once and only the amount is asked again (what was
    typed offered back); the person, the poste, the act are not asked twice. No recap before a simulation
    (it changes nothing): the result comes straight after the last answer."""
    answers = ["Simuler un remboursement", *SPECIALIST_80]
    answers[answers.index("80")] = "1e5"
    answers.insert(answers.index("1e5") + 1, "80")
    out, err = await _run(api, token_store, lea_token, answers)
    start = out.index("== Simulateur de remboursement ==")
    transcript = out[start : out.index("== Que voulez-vous faire ? ==", start)]
    assert (
        err
        == "Erreur : Montant facturé : « 1e5 » n'est pas un montant : écrivez-le en euros, par exemple 60 ou 60,50.\n"
    )
    amount = "Montant facturé en euros (par exemple 60 ou 60,50)"
    assert transcript.count(f"{amount} :") == 1 and transcript.count(f"{amount} (Entrée : 1e5) :") == 1
    for once in ("== Pour qui ? ==", "== Quel poste de soins ? ==", "Rechercher l'acte", "== Quel acte ? =="):
        assert transcript.count(once) == 1, once
    assert "Récapitulatif" not in transcript
    assert "Reste à votre charge : de 19,00\u00a0€ à 40,60\u00a0€\n" in transcript  # 80 €, not 100 000 €


GLASSES = [
    "Simuler un remboursement",
    "2",  # Samuel
    "4",  # optique
    "monture",
    "1",  # Monture de lunettes
    "150",
    "2",  # tarif libre
    "1",  # another item: yes
    "verre simple",
    "1",
    "abc",  # wrong: the amount alone is asked again
    "60",
    "2",  # tarif libre
    "1",  # another item: yes
    "complexe",
    "1",  # Verre complexe
    "200",
    "1",  # 100 % Santé: lenses of another panier than the frame's
    "2",  # no other item
]
"""Samuel's glasses: a frame and a lens at tarif libre, a lens in the 100 % Santé panier."""


async def test_linear_glasses_of_several_items_are_simulated_together(api, token_store, lea_token, demo_session, clock):
    """Issue 19: several items in one optical simulation — each item with only its own questions, the items
    said back one short line each; the result item by item (what the server computes for Samuel's
    contracts, the tarif libre items together: they share the équipement's ceilings), then the totals; not
    offered for saving (a saved simulation holds one act)."""
    from decimal import Decimal

    from models.domain.money import format_eur
    from models.tables import Beneficiary, Member
    from server.clock import paris_today
    from server.services import guarantees

    out, err = await _run(api, token_store, lea_token, GLASSES)
    assert (
        err
        == "Erreur : Montant facturé : « abc » n'est pas un montant : écrivez-le en euros, par exemple 60 ou 60,50.\n"
    )
    start = out.index("== Simulateur de remboursement ==")
    transcript = out[start : out.index("== Que voulez-vous faire ? ==", start)]
    print(transcript)
    assert transcript.count("== Pour qui ? ==") == 1 and transcript.count("== Quel poste de soins ? ==") == 1
    assert transcript.count("== Élément suivant des lunettes ==") == 2
    assert (
        "Éléments des lunettes (3) :\n"
        "1. Monture de lunettes, tarif libre, 150,00\u00a0€\n"
        "2. Verre simple, tarif libre, 60,00\u00a0€\n"
        "3. Verre complexe, 100 % Santé, 200,00\u00a0€\n"
    ) in transcript
    samuel = demo_session.exec(select(Beneficiary).where(Beneficiary.first_name == "Samuel")).one()
    lea = demo_session.get(Member, samuel.member_id)
    who = str(samuel.id)
    free = [
        {"beneficiary_id": who, "act": "MONTURE", "charged": "150.00", "basket": "libre"},
        {"beneficiary_id": who, "act": "VERRE_SIMPLE", "charged": "60.00", "basket": "libre"},
    ]
    full = [{"beneficiary_id": who, "act": "VERRE_COMPLEXE", "charged": "200.00", "basket": "100-sante"}]
    today = paris_today(clock)
    expected = [
        *guarantees.member_simulation(demo_session, lea, free, today),
        *guarantees.member_simulation(demo_session, lea, full, today),
    ]
    headings = [
        "Élément 1 : Monture de lunettes, tarif libre, 150,00\u00a0€",
        "Élément 2 : Verre simple, tarif libre, 60,00\u00a0€",
        "Élément 3 : Verre complexe, 100 % Santé, 200,00\u00a0€",
    ]
    result = transcript.split("== Résultat de la simulation ==\n", 1)[1]
    for heading, figures in zip(headings, expected, strict=True):
        item = result.split(f"-- {heading} --\n", 1)[1]
        assert item.startswith(f"Sécurité sociale : {format_eur(Decimal(figures['amo_paid']))}\n")
        assert f"Reste à votre charge : {format_eur(Decimal(figures['out_of_pocket']))}\n" in item
    total = {
        key: format_eur(sum(Decimal(f[key]) for f in expected)) for key in ("amo_paid", "amc_paid", "out_of_pocket")
    }
    assert (
        f"-- Total --\nSécurité sociale : {total['amo_paid']}\nMutuelle : {total['amc_paid']}\n"
        f"Reste à votre charge : {total['out_of_pocket']}\n"
        "Une simulation de plusieurs éléments ne s'enregistre pas dans votre espace.\n"
    ) in result
    assert "Enregistrer cette simulation" not in transcript
    assert max(len(line) for line in transcript.split("== Résultat de la simulation ==")[0].splitlines()) <= 80


async def test_linear_a_simulation_given_up_says_so(api, token_store, lea_token):
    """« annuler » at any question of the simulator leaves it: nothing is computed, the menu comes back."""
    out, err = await _run(api, token_store, lea_token, ["Simuler un remboursement", "2", "1", "annuler"])
    assert err == ""
    assert "Simulation abandonnée : rien n'a été calculé.\n== Que voulez-vous faire ? ==" in out
    assert "Simulation en cours" not in out
