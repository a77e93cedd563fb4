"""« Mon profil » in the linear mode against the real server app (demo world): sections in words, the
card drawn as text, and the RIB change refused with a wrong second-factor code."""

from __future__ import annotations

import io
import re

import pytest
from sqlmodel import select

from models.tables import Account
from tui.linear import LinearClient

PROFILE = "Mon profil : coordonnées, RIB, famille, carte, documents, mes données"
"""A menu entry may be chosen by its words (tui.flows.menus)."""


def _token(demo_session, demo_make, email: str) -> str:
    account = demo_session.exec(select(Account).where(Account.login_email == email)).one()
    return demo_make.session_token(account)


async def _run(api, token_store, token: str, answers: list[str]) -> tuple[str, str]:
    token_store.persistent = True  # kept as a keyring keeps it: the end of input leaves it for the next run
    token_store.set(api.base_url, token)
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = io.StringIO("".join(f"{a}\n" for a in answers))
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    return stdout.getvalue(), stderr.getvalue()


@pytest.fixture
def coralie(demo_session, demo_make):
    return _token(demo_session, demo_make, "coralie.vidal@example.fr")


async def test_linear_profile_family_on_a_collective_contract(api, token_store, coralie):
    menu = PROFILE
    out, _ = await _run(api, token_store, coralie, [menu, "4", "11"])
    assert "== Ayants droit et télétransmission ==" in out
    assert "Coralie VIDAL (vous), née le 14/03/1988" in out  # the sex is known: no « né(e) »
    assert "Enzo VIDAL (enfant), né le 13/12/2010" in out
    assert "passe par votre employeur" in out


async def test_linear_profile_contact_says_née_from_the_sex(api, token_store, coralie):
    menu = PROFILE
    out, _ = await _run(api, token_store, coralie, [menu, "1", "11"])
    assert "Coralie VIDAL – n° adhérent 1204587 – née le 14/03/1988" in out


async def test_linear_profile_card_and_contributions(api, token_store, coralie):
    menu = PROFILE
    out, err = await _run(api, token_store, coralie, [menu, "5", "6", "3", "11"])
    assert "sur votre bulletin de salaire" in out
    assert "Carte de tiers payant, valable du " in out and "N° AMC : 775 659 923" in out and "PHAR" in out
    assert not re.search("[─│┌┐└┘├┤]", out)  # no box drawing: a braille display shows it as dots
    assert err == ""


async def test_linear_rib_with_a_wrong_code_then_no_code_is_left_unchanged(api, token_store, coralie):
    """A wrong code is said as an error and the code is asked again (the RIB typed is kept); the member then
    gives up (« annuler » at the code) and nothing is changed."""
    menu = PROFILE
    rib = ["FR76 3000 6000 0112 3456 7890 189", "AGRIFRPP", "Coralie Vidal", "1", ""]  # "": Entrée at the recap
    answers = [menu, "3", "1", *rib, "000000", "annuler", "11"]
    out, err = await _run(api, token_store, coralie, answers)
    assert "Un code a été envoyé" in out
    assert "Code incorrect ou expiré" in err
    assert out.count("== Confirmer que c'est bien vous ==") == 2  # asked again, not the RIB
    assert "RIB inchangé" in out
    bad = [menu, "3", "1", "FR76 3000 6000 0112 3456 7890 188", "11"]
    _, err = await _run(api, token_store, coralie, bad)
    assert "la clé de l'IBAN" in err
