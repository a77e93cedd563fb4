"""The full-screen issue 4 screens at 80×24, by key presses, against the fake of the auth contract."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from tests.conftest import TEST_NOW
from tui.api.token_store import MemoryTokenStore
from tui.app import EspaceApp
from tui.flows.clock import FrozenClock
from tui.screens.account import (
    ActivationScreen,
    ChangePasswordScreen,
    CodeScreen,
    ExpiryWarningScreen,
    ForgotPasswordScreen,
    TrustScreen,
)
from tui.screens.dashboard import DashboardScreen
from tui.screens.login import LoginScreen

from .fake_auth import FakeAuthServer

PASSWORD = "Tilleul-Azur-2026!"


def text(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def settle(pilot) -> None:
    for _ in range(4):
        await pilot.app.workers.wait_for_complete()
        await pilot.pause()


async def _login_code(pilot, fake: FakeAuthServer, trust: str) -> None:
    await pilot.press(*"1204587", "enter", *PASSWORD, "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, CodeScreen)
    shown = text(pilot.app)
    assert "envoyé par e-mail à c****e@example.fr. Code valable jusqu'à 10 h 10." in shown
    assert "Renvois possibles : 3 renvois restants." in shown
    await pilot.press(*fake.last_code(), "enter")
    await settle(pilot)
    assert isinstance(pilot.app.screen, TrustScreen)
    assert "Se fier à cet appareil ?" in text(pilot.app)
    await pilot.press(trust)
    await settle(pilot)


async def test_login_with_code_trust_then_again_without_code():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    store = MemoryTokenStore()
    app = EspaceApp(fake.api(), token_store=store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login_code(pilot, fake, "o")
        assert isinstance(app.screen, DashboardScreen)
        await pilot.press("ctrl+l")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"1204587", "enter", *PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)  # trusted device: no code asked


async def test_lockout_then_reset_unlocks():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore(), demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"1204587", "enter", *"mauvais", "enter")
        await settle(pilot)
        status = str(app.screen.query_one("#login-status").render())
        assert status.startswith("Erreur : Identifiant ou mot de passe incorrect. Après 3 essais")
        assert "Combien font deux plus trois" in text(app)
        for password in ("mauvais", "mauvais", PASSWORD):
            app.screen.query_one("#password", Input).focus()
            await pilot.press(*password, "enter", "5", "enter")
            await settle(pilot)
        assert isinstance(app.screen, LoginScreen)  # locked: the right password is refused too
        await pilot.press("f4")
        await settle(pilot)
        assert isinstance(app.screen, ForgotPasswordScreen)
        assert app.screen.query_one("#identifier", Input).value == "1204587"
        app.screen.query_one("#challenge", Input).focus()
        await pilot.press("5", "enter")
        await settle(pilot)
        assert "Si un compte correspond, un e-mail vous a été envoyé." in text(app)
        await pilot.press(*fake.last_code(), "enter", *"court")
        await pilot.pause()
        assert "À corriger : Ajoutez au moins une lettre majuscule." in text(app)  # live policy
        await pilot.press(*"-Glycine-Bleue-2027?", "tab")
        await pilot.pause()
        assert "Le mot de passe respecte toutes les règles." in text(app)
        await pilot.press(*"court-Glycine-Bleue-2027?", "enter")
        await settle(pilot)
        assert "Votre mot de passe est changé et votre compte débloqué." in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        await pilot.press(*"court-Glycine-Bleue-2027?", "enter", "5", "enter")
        await settle(pilot)
        assert isinstance(app.screen, CodeScreen)


async def test_activation_steps():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore(), demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f3")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ActivationScreen)
        assert "Première connexion – étape 1 sur 3 : Mes infos" in text(app)
        assert "Combien font deux plus trois" in text(app)
        for name, value in (("member_number", "1203356"), ("access_code", "lavandes"),
                            ("email", "nathalie.rousseau@example.fr"), ("password", "Glycine-Bleue-2027?"),
                            ("confirmation", "Glycine-Bleue-2027?"), ("challenge", "5")):
            screen.query_one(f"#{name}", Input).value = value
        screen.query_one("#accept_terms").value = True
        screen.query_one("#create").press()
        await settle(pilot)
        assert "Première connexion – étape 2 sur 3 : Validation" in text(app)
        assert "Un e-mail de confirmation vous a été envoyé à nathalie.rousseau@example.fr." in text(app)
        await pilot.press(*fake.last_code(), "enter")
        await settle(pilot)
        assert "Première connexion – étape 3 sur 3 : Bienvenue" in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LoginScreen)
        assert app.screen.query_one("#identifier", Input).value == "1203356"


async def test_expiry_warning_and_prolonger():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore(), demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await _login_code(pilot, fake, "n")
        app.check_expiry()
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)
        fake.clock.advance(minutes=13, seconds=40)
        app.check_expiry()  # what the timer does
        await pilot.pause()
        assert isinstance(app.screen, ExpiryWarningScreen)
        assert "Sans activité, votre session se terminera à 10 h 15." in text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen) and fake.extended == 1


async def test_expired_password_forces_the_change():
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore(), demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press(*"3810688", "enter", *PASSWORD, "enter")
        await settle(pilot)
        assert isinstance(app.screen, ChangePasswordScreen)
        assert "Votre mot de passe a expiré" in text(app)


async def test_demo_mailbox_absent_without_the_variable(monkeypatch, tmp_path: Path):
    monkeypatch.delenv("ESPACE_DEMO_MAILDIR", raising=False)
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert "demo_mailbox" not in {a.id for a in app.registry.actions}
        await pilot.press("f9")
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        await pilot.press("f1")
        await pilot.pause()
        assert "Boîte aux lettres" not in text(app)


async def test_demo_mailbox_with_the_variable(monkeypatch, tmp_path: Path):
    import mailbox as std_mailbox
    from email.message import EmailMessage

    box = std_mailbox.Maildir(str(tmp_path / "mail"), create=True)
    message = EmailMessage()
    message["Subject"], message["To"] = "Votre code de connexion", "coralie.vidal@example.fr"
    message["Date"] = "Mon, 23 Nov 2026 09:05:00 +0000"
    message.set_content("Votre code : 314159")
    box.add(message)
    monkeypatch.setenv("ESPACE_DEMO_MAILDIR", str(tmp_path / "mail"))
    fake = FakeAuthServer(FrozenClock(TEST_NOW))
    app = EspaceApp(fake.api(), token_store=MemoryTokenStore())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.press("f9")
        await pilot.pause()
        assert app.screen.id == "demo-mailbox"
        assert "Votre code : 314159" in text(app)
