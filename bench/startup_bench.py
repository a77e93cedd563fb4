"""The client's cold start, measured (prints figures; not a test).

Each run is a fresh interpreter (`python -c`) that starts the full-screen client by the path `espace tui`
takes (`tui.main.full_screen_app`: the user's config file, an `ApiClient` for 127.0.0.1:8765 where nothing
listens — nothing is asked before the login —, the system keyring opened in a thread), runs it headless and
notes its first `Ready` (the welcome screen and the login form mounted and painted), then when the keyring
has opened (the session to resume and the remembered identifier come from there), then exits. The
reference is a bare Textual app doing the same with one screen and one label. The kinds alternate; the
figures are medians of the time from the spawn of the process to `Ready` (and to the process's exit), and
the ratio client / bare (issue 11: goal ≤ 1.3×). A third kind, a Textual app showing the same widgets as
the client's first screen (a welcome screen with a footer, a login modal with two fields, a checkbox and a
button) and none of the client's code, tells Textual's own cost of that form from the client's.

    python -m bench.startup_bench              # 10 runs of each
    python -m bench.startup_bench --runs 20
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# Both kinds run with bytecode (.pyc), as an installed client does (pip compiles it; Textual's own is in the
# virtualenv): without this, a shell with PYTHONDONTWRITEBYTECODE=1 would recompile the client's sources at
# every run and count the compiler, not the start-up. The warm-up run below writes it.
ENV = {name: value for name, value in os.environ.items() if name != "PYTHONDONTWRITEBYTECODE"}

CLIENT = """
import time
from tui import main

app = main.full_screen_app(main.ApiClient("http://127.0.0.1:8765"), main.load_config())

def ready(self) -> None:
    print(time.time(), flush=True)
    self.token_store.opened()  # the keyring, opened in a thread after the first paint: when is it there?
    print("store", time.time(), flush=True)
    self.exit(0)

type(app).on_ready = ready
app.run(headless=True, size=(80, 24))
"""

BARE = """
import time
from textual.app import App
from textual.screen import Screen
from textual.widgets import Label

class Welcome(Screen):
    def compose(self):
        yield Label("Bienvenue")

class Bench(App):
    def on_mount(self) -> None:
        self.push_screen(Welcome())

    def on_ready(self) -> None:
        print(time.time(), flush=True)
        self.exit(0)

Bench().run(headless=True, size=(80, 24))
"""


FORM = """
import time
from textual.app import App
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Button, Checkbox, Footer, Input, Label, Static

class Welcome(Screen):
    def compose(self):
        yield Static("Espace Adhérent")
        yield Static("Connectez-vous pour accéder à votre espace.")
        yield Footer(compact=True)

class Login(ModalScreen):
    def compose(self):
        with VerticalScroll():
            with Vertical():
                yield Static("Connexion")
                yield Static("")
            yield Label("Identifiant")
            yield Input()
            yield Label("Mot de passe")
            yield Input(password=True)
            yield Checkbox("Se souvenir de moi")
            yield Button("Se connecter")
            yield Static("Entrée : valider")

class Bench(App):
    def on_mount(self) -> None:
        self.push_screen(Welcome())
        self.push_screen(Login())

    def on_ready(self) -> None:
        print(time.time(), flush=True)
        self.exit(0)

Bench().run(headless=True, size=(80, 24))
"""


def one_run(code: str) -> tuple[float, float, float | None]:
    """Seconds from spawn to Ready, to exit, and to the keyring's opening (the client only) of one fresh
    interpreter."""
    started = time.time()
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=ENV, capture_output=True, text=True, timeout=60, check=False
    )
    ended = time.time()
    lines = done.stdout.split()
    if done.returncode != 0 or not lines:
        raise SystemExit(f"échec du démarrage (code {done.returncode}) :\n{done.stderr[-2000:]}")
    store = float(lines[lines.index("store") + 1]) - started if "store" in lines else None
    return float(lines[0]) - started, ended - started, store


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10, help="runs of each kind (alternating)")
    args = parser.parse_args(argv)

    one_run(BARE)  # warm the file cache and write the bytecode before anything is counted
    one_run(FORM)
    one_run(CLIENT)
    samples: dict[str, list[tuple[float, float, float | None]]] = {"bare": [], "form": [], "client": []}
    for _ in range(args.runs):
        samples["bare"].append(one_run(BARE))
        samples["form"].append(one_run(FORM))
        samples["client"].append(one_run(CLIENT))

    print(f"Démarrage à froid, headless 80×24, {args.runs} exécutions alternées de chaque (médianes, ms)")
    print(f"{'':28} {'→ Ready':>10} {'→ sortie':>10} {'min → Ready':>12} {'max → Ready':>12}")
    medians: dict[str, float] = {}
    kinds = (
        ("bare", "Textual nu (1 écran)"),
        ("form", "Textual, même formulaire"),
        ("client", "client (espace tui)"),
    )
    for kind, label in kinds:
        ready = [r for r, _, _ in samples[kind]]
        total = [t for _, t, _ in samples[kind]]
        medians[kind] = statistics.median(ready)
        print(
            f"{label:28} {medians[kind] * 1000:10.0f} {statistics.median(total) * 1000:10.0f}"
            f" {min(ready) * 1000:12.0f} {max(ready) * 1000:12.0f}"
        )
    store = statistics.median(s for _, _, s in samples["client"] if s is not None)
    print(f"client : trousseau du système ouvert (en arrière-plan) à {store * 1000:.0f} ms")
    print(f"ratio client / Textual nu (→ Ready) : {medians['client'] / medians['bare']:.2f}× (objectif ≤ 1,3×)")
    print(f"ratio client / Textual, même formulaire : {medians['client'] / medians['form']:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
