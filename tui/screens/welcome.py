"""The screen under the login modal: the app's name and what to do."""

from __future__ import annotations

from textual import events
from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer

from tui.widgets.text import Static


class WelcomeScreen(Screen[None]):
    """Its footer is mounted the first time the screen itself is shown. At start-up the login form covers it
    (all of it at 80×24) and the footer, with every key of the registry, was the dearest thing the client
    built before its first frame: recomposed at each focus and screen change, 17 times (bench.startup_bench)."""

    def compose(self) -> ComposeResult:
        yield Static("Espace Adhérent", id="welcome-title", markup=False)
        yield Static("Connectez-vous pour accéder à votre espace.", id="welcome-text", markup=False)

    def on_screen_resume(self, _event: events.ScreenResume) -> None:
        if self.app.screen is self and not self.query(Footer):  # not under the login form
            self.mount(Footer(compact=True))
