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
