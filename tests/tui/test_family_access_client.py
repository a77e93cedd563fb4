"""Issue 21, family access in both front ends (real server app, demo world: the RIMON family — Léa, the
assurée principale, Samuel her spouse, Zoé 9): Léa opens Samuel's access from her profile's family
section (sending the form empty first); Samuel activates it through « Première connexion » (a code with
a digit typed first), lands on the reduced menu, hides his care from Léa in « Mon accès »; Léa reads it
in words. The same in the linear mode, as transcripts."""

from __future__ import annotations

import re

import pytest
from sqlmodel import select
from textual.widgets import Input

from models.tables import Account, Beneficiary, MailOutbox, Member
from server.services.family_access import create_access
from tests.server.family_world import own_access
from tests.tui.conftest import settle, solve_challenge
from tests.tui.profile_helpers import in_order, in_section, lines_of, on_form, run_linear, status_of, until
from tui.app import EspaceApp
from tui.screens.account import ActivationScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.forms import ConfirmScreen, FormScreen, PickScreen
from tui.screens.login import LoginScreen
from tui.widgets.status import StatusLine

LEA = "3810274"
SAMUEL_EMAIL = "samuel.rimon@example.fr"
SAMUEL_PASSWORD = "Glycine-Bleue-2027?"
HIDDEN = "Les soins de Samuel ne sont plus visibles ici, à sa demande."


def samuel(session) -> Beneficiary:
    return session.exec(select(Beneficiary).where(Beneficiary.first_name == "Samuel")).one()


def letter_code(session, beneficiary: Beneficiary) -> str:
    mail = session.exec(
        select(MailOutbox).where(MailOutbox.to == f"courrier+{LEA}-{beneficiary.id}@sms.demo.invalid")
    ).one()
    return re.search(r"code d'accès : ([a-z]{8})", mail.body)[1]  # type: ignore[index]


def text(app: EspaceApp) -> str:
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_the_principal_opens_samuels_access_from_the_family_section(api, token_store, log_in_as, demo_session):
    await log_in_as(LEA)
    async with in_section(api, token_store, "family") as (app, pilot):
        lines = lines_of(app)
        assert "Accès personnel : aucun (vous pouvez lui en ouvrir un)" in lines
        assert "Zoé a moins de 18 ans" in lines
        await pilot.press("o")
        await until(pilot, lambda: on_form(app, "Ouvrir un accès personnel"))
        form = app.screen
        await pilot.press("ctrl+s")  # nobody chosen yet: said, nothing sent
        await pilot.pause()
        assert "Champ obligatoire : Pour qui." in form.query_one("#form-status", StatusLine).text
        assert isinstance(app.screen, FormScreen)
        await pilot.press("enter", "down", "enter")  # the Select: « Samuel RIMON », the only adult without one
        assert form.values()["beneficiary"] == str(samuel(demo_session).id)
        await pilot.press("ctrl+s")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        assert "Ouvrir un accès personnel pour Samuel RIMON ?" in app.screen.question
        await pilot.press("o")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert status_of(app).startswith("Accès personnel de Samuel créé : son code d'accès part par courrier")
        assert "Accès personnel : compte pas encore activé" in lines_of(app)
    assert len(letter_code(demo_session, samuel(demo_session))) == 8


async def test_samuel_activates_with_a_wrong_code_first_then_lands_on_his_reduced_menu(
    api, token_store, demo_session, read_code, login_through_ui, settings, clock
):
    lea = demo_session.exec(select(Member).where(Member.member_number == LEA)).one()
    principal = demo_session.exec(select(Account).where(Account.member_id == lea.id)).one()
    create_access(demo_session, clock, settings, lea, principal, samuel(demo_session).id)  # as in the test above
    demo_session.commit()
    code = letter_code(demo_session, samuel(demo_session))
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ActivationScreen)
        values = {
            "member_number": LEA,  # the contract's n° adhérent, printed on the family's card
            "access_code": "samuel12",  # a digit: the client says so before sending anything
            "email": SAMUEL_EMAIL,
            "password": SAMUEL_PASSWORD,
            "confirmation": SAMUEL_PASSWORD,
            "challenge": solve_challenge(screen.flow.challenge.question),
        }
        for name, value in values.items():
            screen.query_one(f"#{name}").value = value
        screen.query_one("#accept_terms").value = True
        screen.query_one("#create").press()
        await settle(pilot)
        assert "ne contient que des lettres" in text(app)
        assert "étape 1 sur 3" in text(app)
        screen.query_one("#access_code").value = code
        screen.query_one("#challenge").value = solve_challenge(screen.flow.challenge.question)  # a fresh one
        screen.query_one("#create").press()
        await settle(pilot)
        assert "Première connexion – étape 2 sur 3 : Validation" in text(app)
        await pilot.press(*read_code(SAMUEL_EMAIL), "enter")
        await settle(pilot)
        assert "Première connexion – étape 3 sur 3 : Bienvenue" in text(app), text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        app.screen.query_one("#identifier", Input).value = SAMUEL_EMAIL  # his own identifier, not the contract's
        await login_through_ui(pilot, None, SAMUEL_PASSWORD)
        assert isinstance(app.screen, DashboardScreen)
        assert "Bienvenue dans votre espace, Samuel" in text(app)
        offered = {a.id for a in app.available_actions()}
        assert {"access", "claims", "guarantees", "messaging"} <= offered
        assert not {"profile", "requests", "simulator", "notifications"} & offered  # the reduced menu
        await pilot.press("c")  # « Mon accès »
        await settle(pilot)
        assert app.screen.id == "profile" and "ayant droit du contrat de Léa RIMON" in lines_of(app)
        await pilot.press("v")
        await until(pilot, lambda: isinstance(app.screen, ConfirmScreen))
        await pilot.press("o")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert "ne sont plus visibles par Léa RIMON (assuré principal), à votre demande" in status_of(app)


@pytest.fixture
def samuel_logged_in(api, token_store, demo_make, demo_session):
    """Samuel's own access, activated, its session resumed from the token store."""
    account = own_access(demo_make, samuel(demo_session), SAMUEL_EMAIL)
    token_store.set(api.base_url, demo_make.session_token(account))
    return account


async def test_linear_transcript_samuel_hides_his_care_then_lea_reads_it(
    api, token_store, samuel_logged_in, demo_make, demo_session
):
    lines, err = await run_linear(
        api,
        token_store,
        [
            ("menu", "Mon accès : ma carte et la confidentialité de mes soins"),
            ("menu", "Mon accès et mes soins"),
            ("menu", "Masquer ou montrer mes soins à l'assuré principal"),
            ("menu", "Oui"),
            ("menu", "Retour"),
            ("menu", "Quitter"),
        ],
    )
    assert err == ""
    menu = "\n".join(lines)
    assert "Mon profil : coordonnées" not in menu and "Mes démarches" not in menu  # the reduced menu
    in_order(
        lines,
        [
            "Bienvenue dans votre espace, Samuel",
            "== Mon accès ==",
            "== Mon accès et mes soins ==",
            "Accès personnel de Samuel RIMON, ayant droit du contrat de Léa RIMON.",
            "Vos soins sont visibles par Léa RIMON (assuré principal), dans son espace.",
            "== Ne plus montrer vos soins à Léa RIMON ?",
            "Vos soins ne sont plus visibles par Léa RIMON (assuré principal), à votre demande.",
        ],
    )
    lea = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == LEA)
    ).one()
    token_store.set(api.base_url, demo_make.session_token(lea))
    lines, err = await run_linear(
        api, token_store, [("menu", "Mes remboursements"), ("menu", "Revenir au menu principal"), ("menu", "Quitter")]
    )
    assert err == ""
    assert HIDDEN in lines  # on the dashboard and above the claims list
    assert lines.count(HIDDEN) >= 2


async def test_linear_principal_opens_an_access_after_a_wrong_number(api, token_store, log_in_as, demo_session):
    await log_in_as(LEA)
    lines, err = await run_linear(
        api,
        token_store,
        [
            ("menu", "Mon profil : coordonnées, RIB, famille, carte, documents, mes données"),
            ("menu", "Ayants droit et télétransmission"),
            ("menu", "Ouvrir l'accès personnel d'un ayant droit majeur"),
            "9",  # not in the list: asked again
            ("menu", "Samuel RIMON"),
            ("menu", "Oui"),
            ("menu", "Retour"),
            ("menu", "Quitter"),
        ],
    )
    assert "Erreur" in err
    in_order(
        lines,
        [
            "== Ayants droit et télétransmission ==",
            "Accès personnel : aucun (vous pouvez lui en ouvrir un)",
            "== Ouvrir un accès personnel ==",
            "== Pour qui ==",
            "Accès personnel de Samuel créé : son code d'accès part par courrier",
        ],
    )
    assert len(letter_code(demo_session, samuel(demo_session))) == 8


DUPLICATA = "Demander un duplicata de la carte"
CARD_PDF = "Enregistrer la carte en PDF"


def _as_lea(api, token_store, demo_make, demo_session) -> None:
    lea = demo_session.exec(
        select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == LEA)
    ).one()
    token_store.set(api.base_url, demo_make.session_token(lea))


async def _card_offers(app: EspaceApp, pilot) -> list[str]:
    """The actions the card section offers (Entrée on it), and whether its duplicata key is live."""
    screen = app.screen
    assert screen.section == "card"
    live = screen.check_action("profile_action", ("card_duplicate",))
    await pilot.press("enter")
    await until(pilot, lambda: isinstance(app.screen, PickScreen))
    offered = list(app.screen.options)
    await pilot.press("escape")
    await until(pilot, lambda: app.screen is screen)
    return offered + (["touche u active"] if live else [])


async def test_the_card_duplicata_is_not_offered_to_a_beneficiarys_own_access(api, token_store, samuel_logged_in):
    """Issue 21: the server refuses the duplicata (403) to an ayant droit's own access: Samuel's card
    section offers the PDF only (no « u » key, nothing in the list); Léa's offers both (next test)."""
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await until(pilot, lambda: isinstance(app.screen, DashboardScreen))
        await settle(pilot)
        await pilot.press("c")  # « Mon accès »
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        await pilot.press("down")  # Carte de tiers payant
        await settle(pilot)
        assert await _card_offers(app, pilot) == [f"{CARD_PDF} (touche k)"]
        await pilot.press("u")
        await settle(pilot)
        assert app.screen.id == "profile" and "duplicata" not in status_of(app).lower()


async def test_the_principals_card_section_offers_the_duplicata(api, token_store, log_in_as):
    await log_in_as(LEA)
    async with in_section(api, token_store, "card") as (app, pilot):
        offered = await _card_offers(app, pilot)
        assert offered == [f"{CARD_PDF} (touche k)", f"{DUPLICATA} (touche u)", "touche u active"]


async def test_linear_the_card_duplicata_is_offered_to_the_principal_only(
    api, token_store, samuel_logged_in, demo_make, demo_session
):
    lines, err = await run_linear(
        api,
        token_store,
        [
            ("menu", "Mon accès : ma carte et la confidentialité de mes soins"),
            ("menu", "Carte de tiers payant"),
            ("menu", "Retour"),
            ("menu", "Retour"),
            ("menu", "Quitter"),
        ],
    )
    assert err == ""
    actions = lines[lines.index("== Que voulez-vous faire ? ==", lines.index("== Carte de tiers payant ==")) :]
    assert actions[1:3] == [f"1. {CARD_PDF}", "2. Retour"]
    assert not any(DUPLICATA in line for line in lines)
    _as_lea(api, token_store, demo_make, demo_session)
    lines, err = await run_linear(
        api,
        token_store,
        [
            ("menu", "Mon profil : coordonnées, RIB, famille, carte, documents, mes données"),
            ("menu", "Carte de tiers payant"),
            ("menu", "Retour"),
            ("menu", "Retour"),
            ("menu", "Quitter"),
        ],
    )
    assert err == ""
    actions = lines[lines.index("== Que voulez-vous faire ? ==", lines.index("== Carte de tiers payant ==")) :]
    assert actions[1:4] == [f"1. {CARD_PDF}", f"2. {DUPLICATA}", "3. Retour"]
