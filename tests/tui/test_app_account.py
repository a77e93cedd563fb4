"""The full-screen issue 4 screens at 80×24, by key presses, against the real server app (demo world):
codes are read from the `mail_outbox` table, the human check is answered as a person would."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pyotp
from textual.widgets import Button, Input, Static

from fixtures.world import AGENT_TOTP, DEMO_PASSWORD, make_nir
from tui.app import EspaceApp
from tui.screens.account import (
    ActivationScreen,
    ChangePasswordScreen,
    CodeScreen,
    ExpiryWarningScreen,
    ForgotPasswordScreen,
    RecoverIdentifierScreen,
    TrustScreen,
)
from tui.screens.agent import AgentConsoleScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen

from .conftest import log_in_api, settle, solve_challenge

NEW_PASSWORD = "Glycine-Bleue-2027?"
JULIEN = "julien.roche@mutuelle-demo.example"


def text(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def status(app: EspaceApp) -> str:
    return str(app.screen.query_one("#login-status").render())


async def test_login_with_code_trust_then_again_without_code(api, coralie, token_store, read_code):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *coralie.password, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        shown = text(app)
        assert "envoyé par e-mail à c****l@example.fr. Code valable jusqu'à 10 h 10." in shown
        assert "Renvois possibles : 3 renvois restants." in shown
        await pilot.press(*read_code(coralie.member_number), "enter")
        await settle(pilot)
        assert isinstance(app.screen, TrustScreen)
        assert "Se fier à cet appareil ?" in text(app)
        await pilot.press("o")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*coralie.member_number, "enter", *coralie.password, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # trusted device: no code asked


async def test_a_conseillers_login_asks_the_apps_code_only(api, token_store, clock):
    """An authenticator app: no validity time, no « Renvoyer un code »; the server never trusts a
    conseiller's device, so « Se fier à cet appareil ? » is not asked: straight to the console."""
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*JULIEN, "enter", *DEMO_PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        shown = text(app)
        assert "Saisissez le code à 6 chiffres affiché par votre application d'authentification." in shown
        assert "Code valable" not in shown and "Renvois possibles" not in shown
        assert [str(b.label) for b in app.screen.query(Button)] == ["Valider"]
        await pilot.press(*pyotp.TOTP(AGENT_TOTP).at(clock.now()), "enter")
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)  # no TrustScreen on the way


async def test_code_by_sms_instead_changes_the_sentence_the_label_and_the_buttons(
    api, coralie, token_store, read_code, clock
):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *coralie.password, "enter")
        await settle(pilot)
        assert [str(b.label) for b in app.screen.query(Button)] == ["Valider", "Renvoyer un code", "Code par SMS"]
        clock.advance(seconds=31)  # the server's wait between two codes
        app.screen.query_one("#method-sms", Button).press()
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)
        assert "par SMS à 06 ** ** ** 78" in str(app.screen.query_one("#code-sent").render())
        assert [str(b.label) for b in app.screen.query(Button)] == ["Valider", "Renvoyer un code", "Code par e-mail"]
        assert app.focused is app.screen.query_one("#code", Input)
        await pilot.press(*read_code(coralie.member_number), "enter", "n")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_a_wrong_code_is_said_and_the_right_one_still_works(api, coralie, token_store, read_code):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *coralie.password, "enter")
        await settle(pilot)
        code = read_code(coralie.member_number)
        wrong = "000000" if code != "000000" else "111111"
        await pilot.press(*wrong, "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)  # issue 19: no « Se fier à cet appareil ? » for a wrong code
        assert "Erreur" in str(app.screen.query_one("#account-status").render())
        app.screen.query_one("#code", Input).value = ""
        await pilot.press(*code, "enter")
        await settle(pilot)
        await pilot.press("n")  # « Se fier à cet appareil ? » once the code is accepted
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)


async def test_three_bad_passwords_lock_then_the_reset_unlocks(api, coralie, token_store, login_through_ui, read_code):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *"mauvais", "enter")
        await settle(pilot)
        assert status(app).startswith("Erreur : Identifiant ou mot de passe incorrect. Après 3 essais")
        assert "Vérification de sécurité" in text(app)  # from the second attempt on
        for password in ("mauvais", "mauvais", coralie.password):
            app.screen.query_one("#password", Input).focus()
            await login_through_ui(pilot, None, password)
            assert isinstance(app.screen, LoginScreen)  # the third failure locks: the right one is refused
        assert "« Mot de passe oublié » le débloque" in status(app)
        await pilot.press("f4")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ForgotPasswordScreen)
        assert screen.query_one("#identifier", Input).value == coralie.member_number
        screen.query_one("#challenge", Input).focus()
        await pilot.press(*solve_challenge(screen.flow.challenge.question), "enter")
        await settle(pilot)
        assert "Si un compte correspond, un e-mail vous a été envoyé." in text(app)
        await pilot.press(*read_code(coralie.member_number), "enter", *"court")
        await pilot.pause()
        assert "À corriger : Ajoutez au moins une lettre majuscule." in text(app)  # the policy, live
        await pilot.press(*"-Glycine-Bleue-2027?", "tab")
        await pilot.pause()
        assert "Le mot de passe respecte toutes les règles." in text(app)
        await pilot.press(*"court-Glycine-Bleue-2027?", "enter")
        await settle(pilot)
        assert "Votre mot de passe est changé et votre compte débloqué." in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await login_through_ui(pilot, None, "court-Glycine-Bleue-2027?")
        assert isinstance(app.screen, DashboardScreen)


async def test_activation_by_access_code_then_login_with_the_code(api, token_store, read_code, login_through_ui):
    """Nathalie ROUSSEAU (1203356), never activated, code d'accès « lavandes »."""
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ActivationScreen)
        assert "Première connexion – étape 1 sur 3 : Mes infos" in text(app)
        values = {
            "member_number": "1203356",
            "access_code": "lavandes",
            "email": "nathalie.rousseau@example.fr",
            "password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
            "challenge": solve_challenge(screen.flow.challenge.question),
        }
        for name, value in values.items():
            screen.query_one(f"#{name}", Input).value = value
        screen.query_one("#accept_terms").value = True
        screen.query_one("#create").press()
        await settle(pilot)
        assert "Première connexion – étape 2 sur 3 : Validation" in text(app)
        assert "nathalie.rousseau@example.fr" in text(app)
        await pilot.press(*read_code("nathalie.rousseau@example.fr"), "enter")
        await settle(pilot)
        assert "Première connexion – étape 3 sur 3 : Bienvenue" in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == "1203356"
        await login_through_ui(pilot, None, NEW_PASSWORD)
        assert isinstance(app.screen, DashboardScreen)
        assert "Nathalie" in text(app)


async def test_activation_by_identity(api, token_store, read_code):
    nir = make_nir("F", date(1969, 7, 7), "63", "178", 75)
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ActivationScreen)
        screen.query_one("#switch-mode").press()
        await settle(pilot)
        assert screen.query("#nir") and not screen.query("#access_code")
        screen.query_one("#nir", Input).focus()
        await pilot.press(*nir)
        await pilot.pause()
        assert "N° de sécurité sociale : la clé est correcte." in str(screen.query_one("#account-status").render())
        values = {
            "member_number": "1203356",
            "last_name": "Rousseau",
            "first_name": "Nathalie",
            "birth_date": "07/07/1969",
            "email": "nathalie.rousseau@example.fr",
            "password": NEW_PASSWORD,
            "confirmation": NEW_PASSWORD,
            "challenge": solve_challenge(screen.flow.challenge.question),
        }
        for name, value in values.items():
            screen.query_one(f"#{name}", Input).value = value
        screen.query_one("#accept_terms").value = True
        screen.query_one("#create").press()
        await settle(pilot)
        assert "Première connexion – étape 2 sur 3 : Validation" in text(app), text(app)
        await pilot.press(*read_code("nathalie.rousseau@example.fr"), "enter")
        await settle(pilot)
        assert "Première connexion – étape 3 sur 3 : Bienvenue" in text(app)


async def test_retrouver_mon_identifiant_sends_it_by_mail(api, token_store, demo_session):
    from tests.server.auth_helpers import last_mail

    nir = make_nir("F", date(1988, 3, 14), "63", "113", 412)
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f6")
        await settle(pilot)
        if not isinstance(app.screen, RecoverIdentifierScreen):  # the key comes from the registry
            app.action_forgot_identifier()
            await settle(pilot)
        assert isinstance(app.screen, RecoverIdentifierScreen)
        assert app.focused.id == "last_name"
        await pilot.press(*"vidal", "enter", *"Coralie", "enter", *"14/03/1988", "enter", *nir, "enter")
        await settle(pilot)
        assert "Si un compte correspond, votre identifiant vous a été envoyé par e-mail." in text(app)
        assert "1204587" not in text(app)  # never shown, only mailed
        assert "1204587" in last_mail(demo_session, "coralie.vidal@example.fr").body


async def test_expiry_warning_and_prolonger(api, coralie, token_store, clock, client_clock, login_through_ui):
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        app.check_expiry()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        for moving in (clock, client_clock):  # the server's and the client's
            moving.advance(minutes=13, seconds=40)
        app.check_expiry()  # what the timer does
        await pilot.pause()
        assert isinstance(app.screen, ExpiryWarningScreen)
        assert "Sans activité, votre session se terminera à 10 h 15." in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert api.seconds_before_idle_expiry() > 14 * 60


async def test_expired_password_forces_the_change_at_login(api, token_store, login_through_ui):
    """Lukas MÜLLER (3810688): his password is older than the policy allows."""
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, "3810688", DEMO_PASSWORD)
        assert isinstance(app.screen, ChangePasswordScreen)
        assert "Votre mot de passe a expiré" in text(app)
        for name, value in (
            ("current_password", DEMO_PASSWORD),
            ("new_password", NEW_PASSWORD),
            ("confirmation", NEW_PASSWORD),
        ):
            app.screen.query_one(f"#{name}", Input).value = value
        app.screen.query_one("#change").press()
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Bienvenue dans votre espace, Lukas" in text(app)


async def test_a_403_password_expired_on_any_route_opens_the_forced_change(api, api_factory, token_store, read_code):
    """A session resumed at start does not know its password expired: the first route refused with 403
    password_expired opens the forced change, wherever the member is."""
    earlier = await log_in_api(api_factory(), read_code, "3810688", DEMO_PASSWORD)
    token_store.set(api.base_url, earlier.token)  # as after a restart: only the token is kept
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        assert "Votre mot de passe a expiré" in text(app)


async def test_demo_mailbox_absent_without_the_variable(api, token_store, monkeypatch):
    monkeypatch.delenv("ESPACE_DEMO_MAILDIR", raising=False)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "demo_mailbox" not in {a.id for a in app.registry.actions}
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert "Boîte aux lettres" not in text(app)


def demo_maildir(tmp_path: Path) -> Path:
    import mailbox as std_mailbox
    from email.message import EmailMessage

    box = std_mailbox.Maildir(str(tmp_path / "mail"), create=True)
    message = EmailMessage()
    message["Subject"], message["To"] = "Votre code de connexion", "coralie.vidal@example.fr"
    message["Date"] = "Mon, 23 Nov 2026 09:05:00 +0000"
    message.set_content("Votre code de connexion à l'Espace Adhérent : 314159")
    box.add(message)
    return tmp_path / "mail"


async def test_demo_mailbox_with_the_variable(api, token_store, monkeypatch, tmp_path: Path):
    monkeypatch.setenv("ESPACE_DEMO_MAILDIR", str(demo_maildir(tmp_path)))
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen.id == "demo-mailbox"
        assert "314159" in text(app)


async def test_the_login_screen_starts_clean_after_an_activation(api, token_store):
    """Issue 19: a refusal on the login screen is not still said when the member comes back from the
    activation with their identifier."""
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"1204587", "enter", *"Faux-mot-de-passe-1!", "enter")
        await settle(pilot)
        assert "incorrect" in status(app)
        app.action_activate()
        await pilot.pause()
        assert isinstance(app.screen, ActivationScreen)
        app.screen.dismiss("1203356")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert status(app) == "" and app.screen.query_one("#identifier", Input).value == "1203356"
