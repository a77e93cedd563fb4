"""How the issue 4 screens look at 80×24, against the REAL server app (demo world): codes read from
the outbox, human-check questions seeded (``fixed_challenges``), the TOTP secret fixed in the server
(in process through ASGITransport) so that the QR code is stable. Review the SVGs when they change."""

from __future__ import annotations

import mailbox as std_mailbox
from email.message import EmailMessage
from pathlib import Path

import pytest
from textual.widgets import Input

from fixtures.world import DEMO_PASSWORD
from tui.app import EspaceApp

from .conftest import settle, solve_challenge

FIXED_TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def app(api, token_store) -> EspaceApp:
    return EspaceApp(api, token_store=token_store, demo_maildir=None)


@pytest.fixture
def fixed_totp_secret(monkeypatch: pytest.MonkeyPatch) -> str:
    """The server draws the secret with pyotp.random_base32 (server.services.account): fixed here."""
    monkeypatch.setattr("pyotp.random_base32", lambda *args, **kwargs: FIXED_TOTP_SECRET)
    return FIXED_TOTP_SECRET


def _typed(pilot, identifier: str, password: str):
    return pilot.press(*identifier, "enter", *password, "enter")


def test_code_screen_80x24(snap_compare, app, coralie):
    async def run_before(pilot) -> None:
        await _typed(pilot, coralie.member_number, coralie.password)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_trust_device_80x24(snap_compare, app, coralie, read_code):
    async def run_before(pilot) -> None:
        await _typed(pilot, coralie.member_number, coralie.password)
        await settle(pilot)
        await pilot.press(*read_code(coralie.member_number), "enter")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_login_with_challenge_80x24(snap_compare, app, coralie, fixed_challenges):
    async def run_before(pilot) -> None:
        await _typed(pilot, coralie.member_number, "mauvais")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_activation_step1_80x24(snap_compare, app, fixed_challenges):
    async def run_before(pilot) -> None:
        await pilot.press("f3")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_forced_change_password_live_policy_80x24(snap_compare, app, login_through_ui):
    """Lukas MÜLLER (3810688): his password is older than the policy allows."""

    async def run_before(pilot) -> None:
        await login_through_ui(pilot, "3810688", DEMO_PASSWORD)
        await pilot.press("tab", *"court")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_expiry_warning_80x24(snap_compare, app, coralie, clock, client_clock, login_through_ui):
    async def run_before(pilot) -> None:
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        for moving in (clock, client_clock):  # the server's and the client's
            moving.advance(minutes=13, seconds=40)
        pilot.app.check_expiry()
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_trusted_devices_and_sessions_80x24(snap_compare, app, coralie, login_through_ui):
    """After « Oui » to « Se fier à cet appareil ? »: one device, the current session."""

    async def run_before(pilot) -> None:
        await login_through_ui(pilot, coralie.member_number, coralie.password, trust=True)
        await pilot.press("f8")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_totp_enrolment_80x24(snap_compare, app, coralie, login_through_ui, fixed_totp_secret):
    async def run_before(pilot) -> None:
        await login_through_ui(pilot, coralie.member_number, coralie.password)
        await pilot.press("ctrl+t")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_forgot_password_request_80x24(snap_compare, app, coralie, fixed_challenges):
    """Mot de passe oublié, first step: the identifier and the human check."""

    async def run_before(pilot) -> None:
        await pilot.press(*coralie.member_number, "f4")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def test_forgot_password_new_password_80x24(snap_compare, app, coralie, read_code, fixed_challenges):
    """Second step: the code sent by e-mail, the new password checked as it is typed."""

    async def run_before(pilot) -> None:
        await pilot.press(*coralie.member_number, "f4")
        await settle(pilot)
        screen = pilot.app.screen
        screen.query_one("#challenge", Input).focus()
        await pilot.press(*solve_challenge(screen.flow.challenge.question), "enter")
        await settle(pilot)
        assert read_code(coralie.member_number)  # sent; not typed, so that the picture does not change
        screen.query_one("#new_password", Input).focus()
        await pilot.press(*"Glycine-bleue")
        await pilot.pause()

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


def _demo_maildir(root: Path) -> Path:
    box = std_mailbox.Maildir(str(root / "mail"), create=True)
    for subject, date, body in (
        (
            "Bienvenue dans votre Espace Adhérent",
            "Mon, 23 Nov 2026 08:30:00 +0000",
            "Bonjour Coralie,\nVotre espace est prêt.",
        ),
        (
            "Votre code de connexion",
            "Mon, 23 Nov 2026 09:00:00 +0000",
            "Votre code de connexion à l'Espace Adhérent : 314159\nIl est valable 10 minutes.",
        ),
    ):
        message = EmailMessage()
        message["Subject"], message["To"], message["Date"] = subject, "coralie.vidal@example.fr", date
        message["From"] = "Espace Adhérent <ne-pas-repondre@mutuelle.example>"
        message.set_content(body)
        box.add(message)
    return root / "mail"


def test_demo_mailbox_80x24(snap_compare, api, token_store, tmp_path, monkeypatch):
    """Demo mode only (ESPACE_DEMO_MAILDIR): F9 opens the mailbox, newest first. The folder is given
    relative to the working directory, so that the path shown is the same from run to run."""
    _demo_maildir(tmp_path)
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ESPACE_DEMO_MAILDIR", "mail")
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await pilot.press("f9")
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)
