"""Renvoyer l'e-mail de confirmation, in both front ends over `tui.flows.account.ResendConfirmationFlow`,
against the REAL server app (demo world): Kévin NGUYEN (1209934) created his account but never confirmed
his address; he asks for a new mail, pastes its 8-digit code read from the outbox, then logs in."""

from __future__ import annotations

from textual.widgets import Input, Static

from fixtures.world import DEMO_PASSWORD
from tests.tui.transcripts import ACCUEIL, ACCUEIL_AGAIN, code_then_not_trusted
from tui.app import EspaceApp
from tui.flows import account as flows
from tui.flows.actions import ANONYMOUS, DEFAULT_REGISTRY
from tui.screens.confirmation import ResendConfirmationScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen

from .conftest import challenge_answer, menu_number, run_linear_scripted, settle, solve_challenge

KEVIN = "1209934"
KEVIN_EMAIL = "kevin.nguyen@example.fr"
SERVER_MESSAGE = (
    "Si un compte en attente de confirmation correspond à cet identifiant, un nouvel e-mail de confirmation "
    "vient d'être envoyé à son adresse : ouvrez le lien ou saisissez le code reçu (valable 24 heures)."
)


def text(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def test_the_action_is_on_the_login_screen_on_a_free_key():
    action = DEFAULT_REGISTRY["resend_confirmation"]
    assert action.context == ANONYMOUS and action.keys == ("f5",)
    assert action.description == "Renvoyer l'e-mail de confirmation"
    assert DEFAULT_REGISTRY.conflicts() == []


async def test_kevin_resends_confirms_with_the_code_then_logs_in(api, token_store, read_code, login_through_ui):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, KEVIN, DEMO_PASSWORD)  # refused: the address is not confirmed yet
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f5")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ResendConfirmationScreen)
        assert screen.query_one("#identifier", Input).value == KEVIN  # the login screen's identifier kept
        assert flows.RESEND_CONFIRMATION_TITLE in text(app)
        await pilot.press("enter", *solve_challenge(screen.flow.challenge.question), "enter")
        await settle(pilot)
        assert SERVER_MESSAGE in text(app)
        assert app.focused is screen.query_one("#code", Input)
        await pilot.press("1", "2", "enter")  # a wrong code is said, the right one still works
        await settle(pilot)
        assert screen.flow.step is flows.ResendConfirmationStep.CODE
        assert str(screen.query_one("#account-status").render()).strip()
        screen.query_one("#code", Input).value = ""
        await pilot.press(*read_code(KEVIN_EMAIL), "enter")
        await settle(pilot)
        assert flows.WELCOME in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == KEVIN
        await login_through_ui(pilot, None, DEMO_PASSWORD)
        assert isinstance(app.screen, DashboardScreen)
        assert "Kévin" in text(app)


_run = run_linear_scripted


async def test_linear_kevin_resends_confirms_then_logs_in(api, token_store, read_code, fixed_challenges):
    def answers(out):
        return [
            menu_number(out, "Renvoyer l'e-mail de confirmation"),
            KEVIN,
            challenge_answer(out),
            lambda: read_code(KEVIN_EMAIL),
            "1",
            "",
            DEMO_PASSWORD,
            lambda: read_code(KEVIN),
            "2",
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err == ""
    assert TRANSCRIPT in out, out
    assert out.endswith("Au revoir.\n") and "\x1b" not in out


TRANSCRIPT = (
    """Espace Adhérent – mode linéaire
"""
    + ACCUEIL
    + """== Renvoyer l'e-mail de confirmation ==
Votre compte est créé mais votre adresse e-mail n'est pas encore confirmée ? Indiquez votre n° adhérent ou \
votre adresse e-mail : un nouvel e-mail de confirmation (un lien et un code, valables 24 heures) vous sera envoyé.
N° adhérent ou adresse e-mail :
Vérification de sécurité (pour s'assurer qu'une personne se connecte) : Combien font six plus neuf ? Répondez \
en chiffres.
Vérification de sécurité : votre réponse :
== Renvoyer l'e-mail de confirmation ==
"""
    + SERVER_MESSAGE
    + """
Collez ci-dessous le code à 8 chiffres de l'e-mail pour confirmer votre adresse (ou ouvrez son lien).
Code reçu par e-mail (Entrée pour plus tard) :
Votre compte est activé. Vous pouvez maintenant vous connecter avec votre n° adhérent ou votre adresse \
e-mail et le mot de passe choisi. L'accès personnel d'un ayant droit se connecte avec son adresse e-mail.
"""
    + ACCUEIL_AGAIN
    + """== Connexion ==
N° adhérent ou adresse e-mail (Entrée pour garder 1209934) :
Mot de passe :
Connexion en cours…
"""
    + code_then_not_trusted("k****n@example.fr")
    + """== Tableau de bord ==
Bienvenue dans votre espace, Kévin
N° adhérent : 1209934
"""
)


def test_resend_confirmation_screen_80x24(snap_compare, api, token_store, fixed_challenges):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)

    async def run_before(pilot) -> None:
        await pilot.press(*KEVIN, "f5")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
