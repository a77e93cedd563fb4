"""« Aide à la connexion » (issue 21, item 2), in both front ends over `tui.flows.login_help`, against the
real server app (demo world): the questions of the seed portals' diagnostic table, each answer leading to
the flow that solves it. Sophie MARTIN (1979, 3810522) is locked: the answer to « Mon compte est bloqué »
leads to « Mot de passe oublié », which the test walks to its first step."""

from __future__ import annotations

from textual.widgets import Button, Input, OptionList, Static

from tests.tui.transcripts import ACCUEIL
from tui.app import EspaceApp
from tui.flows import login_help
from tui.flows.actions import ANONYMOUS, DEFAULT_REGISTRY
from tui.screens.account import ForgotPasswordScreen
from tui.screens.login import LoginScreen
from tui.screens.login_help import LoginHelpScreen

from .conftest import menu_number, run_linear_scripted, settle

SEED_QUESTIONS = (
    "Je n'ai pas reçu le code",
    "Mon compte est bloqué",
    "Mon identifiant ne marche pas",
    "J'ai oublié mon mot de passe",
    "Je n'ai pas encore activé mon compte",
)


def text(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def test_the_questions_are_the_portal_words_and_each_leads_somewhere_real():
    questions = [q.question for q in login_help.QUESTIONS]
    for seed in SEED_QUESTIONS:
        assert seed in questions
    for question in login_help.QUESTIONS:
        if question.remedy not in (None, login_help.LOGIN):
            assert DEFAULT_REGISTRY[question.remedy].context == ANONYMOUS  # a flow of the login screen
    assert {q.remedy for q in login_help.QUESTIONS} >= {
        "forgot_password",
        "forgot_identifier",
        "activate",
        "resend_confirmation",
        login_help.LOGIN,
    }
    assert len({q.id for q in login_help.QUESTIONS}) == len(login_help.QUESTIONS)


def test_the_action_has_a_free_key_of_the_login_screen():
    action = DEFAULT_REGISTRY["login_help"]
    assert action.context == ANONYMOUS and action.keys == ("f10",)
    assert DEFAULT_REGISTRY.conflicts() == []


def test_the_remedy_says_its_key_on_the_full_screen_only():
    locked = login_help.BY_ID["locked"]
    assert login_help.remedy_label(locked, DEFAULT_REGISTRY) == "Mot de passe oublié ? (F4)"
    assert login_help.remedy_label(locked, DEFAULT_REGISTRY, keys=False) == "Mot de passe oublié ?"
    remapped = DEFAULT_REGISTRY.remapped({"forgot_password": ("ctrl+o",)})
    assert login_help.remedy_label(locked, remapped) == "Mot de passe oublié ? (Ctrl+O)"
    assert login_help.remedy_label(login_help.BY_ID["server_unreachable"], DEFAULT_REGISTRY) is None


async def test_from_the_login_screen_the_locked_answer_opens_forgot_password(api, token_store):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"3810522")
        await pilot.press("f10")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LoginHelpScreen)
        assert login_help.TITLE in text(app)
        assert app.focused is screen.query_one("#questions", OptionList)
        assert "Le code à 6 chiffres part après le mot de passe" in text(app)  # the first answer at once
        await pilot.press("down")  # « Je n'ai pas reçu l'e-mail de confirmation »
        await pilot.press("down", "enter")  # « Mon compte est bloqué »
        await settle(pilot)
        assert "bloqué 15 minutes" in text(app)
        assert login_help.STILL_STUCK in text(app)
        button = screen.query_one("#remedy", Button)
        assert app.focused is button and str(button.label) == "Mot de passe oublié ? (F4)"
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ForgotPasswordScreen)
        assert app.screen.query_one("#identifier", Input).value == "3810522"  # the login form's identifier


async def test_the_login_screen_button_opens_the_help_and_escape_goes_back(api, token_store):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        login = app.screen
        button = login.query_one("#login-help-button", Button)
        assert "Aide à la connexion (F10)" in str(button.label)
        button.press()
        await settle(pilot)
        assert isinstance(app.screen, LoginHelpScreen)
        # an answer without a flow (the server) hides the button; the code's one leads back to the form
        screen = app.screen
        screen.show(login_help.BY_ID["server_unreachable"])
        await pilot.pause()
        assert not screen.query_one("#remedy", Button).display
        assert "espace doctor" in text(app)
        screen.show(login_help.BY_ID["code_not_received"])
        await pilot.pause()
        screen.query_one("#remedy", Button).press()
        await settle(pilot)
        assert app.screen is login
        assert app.focused is login.query_one("#identifier", Input)
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert app.screen is login


_run = run_linear_scripted


async def test_linear_help_answers_then_opens_identifier_recovery(api, token_store):
    def answers(out):
        return [
            menu_number(out, "Aide à la connexion : code non reçu, compte bloqué, identifiant refusé…"),
            menu_number(out, "Mon identifiant ne marche pas"),
            menu_number(out, "Revenir aux questions"),
            menu_number(out, "Mon identifiant ne marche pas"),
            menu_number(out, "Identifiant oublié ?"),
            "annuler",  # the form given up: back to the Accueil menu
            menu_number(out, "Quitter"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err == ""
    assert TRANSCRIPT in out, out
    assert "== Retrouver mon identifiant ==" in out
    assert out.endswith("Au revoir.\n") and "\x1b" not in out
    assert all(len(line) < 200 for line in out.splitlines())


async def test_linear_help_code_answer_leads_to_the_login(api, token_store):
    def answers(out):
        return [
            menu_number(out, "Aide à la connexion : code non reçu, compte bloqué, identifiant refusé…"),
            menu_number(out, "Je n'ai pas reçu le code"),
            menu_number(out, "Revenir à la connexion"),
        ]

    out, err = await _run(api, token_store, answers)
    assert err == ""
    answer = out.index("Regardez dans les courriers indésirables")
    assert out.index("== Connexion ==\nN° adhérent ou adresse e-mail :", answer) > answer


QUESTIONS_MENU = """\
== Que se passe-t-il ? ==
1. Je n'ai pas reçu le code
2. Je n'ai pas reçu l'e-mail de confirmation
3. Mon compte est bloqué
4. Mon identifiant ne marche pas
5. J'ai oublié mon mot de passe
6. Je n'ai pas encore activé mon compte
7. On me demande de changer mon mot de passe
8. Le code de mon application d'authentification est refusé
9. Le serveur ne répond pas
10. Retour à l'accueil
Votre choix (1 à 10) :
"""

IDENTIFIER_ANSWER = """\
== Mon identifiant ne marche pas ==
L'identifiant est votre n° d'adhérent (des chiffres seulement, sur votre carte de tiers payant et vos \
relevés de prestations) ou, une fois le compte activé, votre adresse e-mail.
Recopiez-le chiffre par chiffre : attention à 0 et O, 1 et I, 8 et B, 5 et S.
Première visite ? Activez d'abord votre compte (« Première connexion »).
« Identifiant oublié » envoie votre identifiant à l'adresse e-mail de votre dossier, jamais à l'écran : \
donnez vos nom, prénom, date de naissance et n° de sécurité sociale.
Toujours rien ? Le service adhérent (n° sur votre carte de tiers payant) vérifie votre identité au \
téléphone, puis débloque votre accès ou vous envoie un lien de réinitialisation.
"""
WHAT_NOW = """\
== Et maintenant ? ==
1. Identifiant oublié ?
2. Revenir aux questions
3. Retour à l'accueil
Votre choix (1 à 3) :
"""
# the second time, a menu is reminded in one line (issue 18)
QUESTIONS_AGAIN = "== Que se passe-t-il ? == (10 choix ; « r » : les relire)\nVotre choix (1 à 10) :\n"
WHAT_NOW_AGAIN = "== Et maintenant ? == (3 choix ; « r » : les relire)\nVotre choix (1 à 3) :\n"

TRANSCRIPT = (
    "Espace Adhérent – mode linéaire\n"
    + ACCUEIL
    + "== Aide à la connexion ==\n"
    + login_help.INTRO
    + "\n"
    + QUESTIONS_MENU
    + IDENTIFIER_ANSWER
    + WHAT_NOW
    + QUESTIONS_AGAIN
    + IDENTIFIER_ANSWER
    + WHAT_NOW_AGAIN
)


def test_login_help_screen_80x24(snap_compare, api, token_store):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)

    async def run_before(pilot) -> None:
        await pilot.press("f10")
        await settle(pilot)
        await pilot.press("down", "down", "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
