"""The client's start-up stays light (issues 11 and 20): importing it loads only what paints the login screen,
and the first frame builds nothing it does not show.

`bench/startup_bench.py` measures the time (the whole process under a terminal, to its first interactive
frame); these tests keep the gains from regressing silently. The first runs in a fresh interpreter (this one
has long imported everything) and looks at `sys.modules` after the imports `espace tui` makes before the
first screen is painted.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Loaded only when first needed: the HTTP stack and Pydantic on the first request, the rest by the screen
# that uses it (PDF, QR code, Markdown help, identifier checks, the reimbursement engine).
HEAVY = (
    "httpx",
    "keyring",
    "pydantic",
    "pydantic_core",
    "rich.markdown",
    "qrcode",
    "fpdf",
    "stdnum",
    "sqlalchemy",
    "sqlmodel",
    "fastapi",
    "server",
    "models.domain.simulation",
    "models.domain.request",
    "models.domain.tariffs",
    # the login form words no status nor date: the enumerations, their wording and the time zones come with
    # the first screen that does (`models.domain.dates` is there: the text widgets keep « 8 h 30 » whole)
    "models.schemas.common",
    "tui.flows.wording",
    "models.domain.vocabulary",  # the one vocabulary (issue 17) comes with the first status shown, not before
    "models.domain.states",
    "zoneinfo",
)
# The screens and flows a start-up does not show: the welcome screen and the login form only.
AT_START = {"tui.screens", "tui.screens.login", "tui.screens.welcome"}
NOT_AT_START_PREFIXES = ("tui.screens.", "tui.linear", "tui.flows.account", "tui.flows.claims", "tui.flows.profile")

PROBE = """
import json, sys
from tui import main
main.full_screen_app(main.ApiClient("http://127.0.0.1:8765"), main.load_config())  # as `espace tui` builds it
print(json.dumps(sorted(sys.modules)))
"""


# Launched and left at once, as the start-up bench does (Ctrl+Q on the first frame): leaving with nothing typed
# loaded the confirmation screen's module, and with it the forms, the attachments and Pydantic (+11 Mo peak).
PROBE_QUIT = """
import asyncio, json, sys
from tui import main

async def launch_and_quit():
    app = main.full_screen_app(main.ApiClient("http://127.0.0.1:8765"), main.load_config())
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()  # the first frame, where the bench presses it
        await pilot.press("ctrl+q")
    assert app.return_code == 0, app.return_code

asyncio.run(launch_and_quit())
print(json.dumps(sorted(sys.modules)))
"""


def modules_after(probe: str) -> set[str]:
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True
    )
    return set(json.loads(done.stdout.strip().splitlines()[-1]))


def heavy_among(loaded: set[str]) -> list[str]:
    return sorted(m for m in loaded if any(m == h or m.startswith(h + ".") for h in HEAVY))


def loaded_at_start() -> set[str]:
    return modules_after(PROBE)


def test_starting_the_client_loads_no_heavy_module_and_no_other_screen():
    loaded = loaded_at_start()
    heavy = heavy_among(loaded)
    schemas = sorted(m for m in loaded if m.startswith("models.schemas.") and m != "models.schemas.login_codes")
    screens = sorted(m for m in loaded if m.startswith(NOT_AT_START_PREFIXES) and m not in AT_START)
    assert heavy == [], f"imported at start-up, should be imported where first needed: {heavy}"
    assert schemas == [], f"schemas imported at start-up (only models.schemas.login_codes may be): {schemas}"
    assert screens == [], f"screens or flows imported at start-up, import them where they are opened: {screens}"
    assert {"tui.app", "tui.screens.login", "textual.app"} <= loaded  # the probe did import the client


def test_quitting_at_once_loads_nothing_heavy_nor_the_forms():
    """Ctrl+Q with nothing typed leaves without asking: nothing is loaded to decide it (issue 20: peak memory)."""
    loaded = modules_after(PROBE_QUIT)
    assert heavy_among(loaded) == [], f"loaded to quit: {heavy_among(loaded)}"
    assert "tui.screens.forms" not in loaded and "tui.flows.forms" not in loaded
    assert "tui.app" in loaded


async def test_the_welcome_footer_waits_until_the_welcome_screen_itself_is_shown(api):
    """Under the login form (which covers all of it at 80×24) the welcome screen's footer, with every key of
    the registry, was the dearest thing built before the first frame (issue 20): it comes when the welcome
    screen is the one shown, with its keys."""
    from textual.widgets import Footer

    from tui.app import EspaceApp
    from tui.screens.login import LoginScreen
    from tui.screens.welcome import WelcomeScreen

    app = EspaceApp(api)
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, LoginScreen)
        welcome = next(s for s in app.screen_stack if isinstance(s, WelcomeScreen))
        assert list(welcome.query(Footer)) == []
        app.pop_screen()  # the login form gone, the welcome screen is the one shown
        await pilot.pause()
        assert app.screen is welcome
        assert len(welcome.query(Footer)) == 1
