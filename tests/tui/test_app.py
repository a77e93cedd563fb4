"""The full-screen client, driven by key presses at 80×24 against the real server app."""

from __future__ import annotations

from textual.widgets import Input

from tui.app import EspaceApp
from tui.flows.actions import DEFAULT_REGISTRY, keys_label
from tui.flows.config import parse_config
from tui.screens.dashboard import DashboardScreen
from tui.screens.help import HelpScreen
from tui.screens.login import LoginScreen

from .conftest import log_in_api, settle, unreachable_api


def screen_text(app: EspaceApp) -> str:
    """Every Static's text on the active screen, in order (what a sighted user reads)."""
    from textual.widgets import Static

    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_login_by_keys_then_the_dashboard_reads_in_words(api, coralie, token_store, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        assert app.focused.id == "identifier"
        assert app.screen.query_one("#password", Input).password
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        assert isinstance(app.screen, DashboardScreen)
        text = screen_text(app)
        assert "Tableau de bord" in text
        assert "Bienvenue dans votre espace, Coralie" in text
        assert "Date : 18/11/2026 ; Acte : Frais de santé" in text
        assert "Remboursé : 6,94\u00a0€ ; Statut : Remboursé ; Pour : Coralie VIDAL" in text
        assert "Paiement : Versé sur votre compte …8145 le 22/11/2026" in text
        assert "Paiement : Réglé à votre pharmacien le 09/11/2026" in text  # Enzo's tiers payant
        assert "Aucun message non lu" in text
        assert "Santé Salariés : Contrat collectif (par votre employeur, Manufacture Arverne" in text
        assert "Personnes couvertes : Coralie VIDAL (vous), Enzo VIDAL (enfant), Lina VIDAL (enfant)" in text
        assert token_store.get(api.base_url) == api.token  # kept for the next launch
        assert app.animation_level == "none"


async def test_wrong_password_says_so_in_french_and_keeps_the_identifier(api, coralie, token_store, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*coralie.member_number, "enter", *"pas-le-bon", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        status = str(app.screen.query_one("#login-status").render())
        assert status.startswith("Erreur : Identifiant ou mot de passe incorrect")
        assert app.screen.query_one("#identifier", Input).value == coralie.member_number
        assert app.screen.query_one("#password", Input).value == ""
        assert app.focused.id == "password"
        assert "Vérification de sécurité" in screen_text(app)  # a second attempt needs the human check
        await login_through_ui(pilot, None, coralie.password)
        assert isinstance(app.screen, DashboardScreen)


async def test_empty_fields_are_checked_before_anything_is_sent(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.click("#submit")
        await pilot.pause()
        status = str(app.screen.query_one("#login-status").render())
        assert status == ("Erreur : Indiquez votre n° adhérent ou votre adresse e-mail. Indiquez votre mot de passe.")
        assert app.focused.id == "identifier"


async def test_a_network_error_is_a_message_not_a_crash(client_clock, token_store):
    app = EspaceApp(unreachable_api(client_clock), token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"1000001", "enter", *"secret", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        status = str(app.screen.query_one("#login-status").render())
        assert status == (
            "Erreur : Le serveur ne répond pas. Vérifiez que le service est démarré (espace serve) puis réessayez."
        )
        assert app.is_running and app.screen.query_one("#identifier", Input).value == "1000001"


async def test_logout_returns_to_login_and_says_so(api, coralie, token_store, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        token = api.token
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert str(app.screen.query_one("#login-status").render()) == "Déconnexion effectuée."
        assert api.token is None and token_store.get(api.base_url) is None
        api.use_token(token)
        try:
            await api.dashboard()
        except api.SessionExpired:
            pass
        else:  # pragma: no cover
            raise AssertionError("the server still honours a logged-out token")


async def test_a_remapped_key_works_and_the_help_lists_it(api, coralie, token_store, login_through_ui):
    config = parse_config('[keys]\nlogout = "ctrl+d"\n')
    app = EspaceApp(api, token_store=token_store, config=config)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        await pilot.press("question_mark")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        assert "Ctrl+D : Se déconnecter" in screen_text(app)
        await pilot.press("escape")
        await pilot.press("ctrl+d")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_help_lists_every_available_action_from_the_registry(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f1")  # F1 works from inside a field; ? would be typed into it
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = screen_text(app)
        for action in DEFAULT_REGISTRY.available(logged_in=False):
            assert f"{keys_label(action.keys)} : {action.description}" in text
        assert "Se déconnecter" not in text  # not logged in: not offered
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)


async def test_the_command_palette_lists_the_registry(api, coralie, token_store, login_through_ui):
    from tui.commands import RegistryCommands

    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        provider = RegistryCommands(app.screen)
        discovered = [hit.text async for hit in provider.discover()]
        assert discovered == [a.description for a in app.available_actions() if a.id != "command_palette"]
        found = [hit.text async for hit in provider.search("déconn")]
        assert "Se déconnecter" in found  # fuzzy: other actions may match "déconn" too
        await pilot.press("ctrl+p")
        await pilot.pause()
        assert app.screen.__class__.__name__ == "FrenchCommandPalette"  # Textual's, speaking French
        await pilot.press(*"déconnecter", "enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)


async def test_an_expired_session_goes_back_to_login_with_a_message(api, coralie, token_store, login_through_ui):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        api.use_token("jeton-inconnu")  # as if the server had ended the session
        await pilot.press("f5")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        status = str(app.screen.query_one("#login-status").render())
        assert status == "Erreur : Votre session a expiré. Reconnectez-vous."


async def test_a_kept_session_is_resumed_at_start(api, coralie, token_store, read_code):
    await log_in_api(api, read_code, coralie.member_number, coralie.password)
    token_store.set(api.base_url, api.token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Bienvenue dans votre espace, Coralie" in screen_text(app)


async def test_theme_cycles_to_the_terminal_palette_and_high_contrast(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        seen = []
        for _ in range(4):
            await pilot.press("f2")
            seen.append(app.theme)
        assert seen == ["ansi-dark", "ansi-light", "contraste", "textual-dark"]


async def test_the_cursor_follows_the_focused_field(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("a", "b")
        await pilot.pause()
        identifier = app.screen.query_one("#identifier", Input)
        assert app.cursor_position == identifier.cursor_screen_offset
        await pilot.press("tab")
        await pilot.pause()
        assert app.cursor_position == app.screen.query_one("#password", Input).cursor_screen_offset


async def test_letters_of_a_key_still_go_into_the_field(api, token_store):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"q?t")
        await pilot.pause()
        assert app.is_running and isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == "q?t"
