"""The screen under the login modal: the app's name and what to do."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui.widgets.text import Static


class WelcomeScreen(Screen[None]):
    def compose(self) -> ComposeResult:
        yield Static("Espace Adhérent", id="welcome-title", markup=False)
        yield Static("Connectez-vous pour accéder à votre espace.", id="welcome-text", markup=False)
        yield Footer(compact=True)
