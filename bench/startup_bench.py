"""The client's start, measured as a user meets it (prints figures; not a test).

Each run is a whole process under a terminal — a pseudo-terminal of 80×24, `TERM=xterm-256color`, a fresh
configuration directory (no user file, no keyring configuration): `espace tui` as installed (the console
script: the configuration file, the HTTP client, the system keyring opened in its own thread once the form
is painted; nothing listens at 127.0.0.1:8765 and nothing is asked before the login), or a bare Textual
app of the same Textual showing one label. The bench reads the terminal: when the first interactive frame is
there — the login form (its « Se connecter » button), the bare app's label — it presses Ctrl+Q at once and
notes when the process has exited. The kernel gives each process's peak memory (`ru_maxrss`) and its
processor time. A third kind, a Textual app showing the same widgets as the client's first screen and none
of its code, tells Textual's own cost of that form from the client's.

The kinds alternate run after run (a burst of load then falls on all of them alike); the figures are medians;
the machine's load is printed before and after. Goals (issue 20): first frame ≤ 1.2× the bare app, peak
memory ≤ 1.3×.

    python -m bench.startup_bench              # 15 runs of each
    python -m bench.startup_bench --runs 30
    python -m bench.startup_bench --quick      # one run of each: checks it works
    python -m bench.startup_bench --variants   # also the form with less of Textual: its own floor
"""

from __future__ import annotations

import argparse
import fcntl
import os
import pty
import re
import resource
import select
import statistics
import struct
import sys
import tempfile
import termios
import time
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZE = (24, 80)  # rows, columns
QUIT = b"\x11"  # Ctrl+Q, as typed
TIMEOUT = 60.0  # seconds without any output before a run is called failed

BARE = """
from textual.app import App
from textual.widgets import Label

class Bare(App):
    def compose(self):
        yield Label("Bienvenue")

Bare().run()
"""

FORM = """
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
            yield Label("N° adhérent ou adresse e-mail")
            yield Input()
            yield Label("Mot de passe")
            yield Input(password=True)
            yield Checkbox("Se souvenir de moi", compact=True)
            yield Button("Se connecter")
            yield Static("Entrée : valider")

class Form(App):
    def on_mount(self):
        self.push_screen(Welcome())
        self.push_screen(Login())

Form().run()
"""


# ``--variants``: the same form with less of Textual around it, to tell what the form itself costs Textual
# (issue 20: the goal of 1.2× the bare app is measured against these).
def _without(code: str, old: str, new: str = "") -> str:
    """``code`` with ``old`` replaced; checked, so that a change of FORM cannot leave a variant identical."""
    assert old in code, old
    return code.replace(old, new)


_NO_MODAL = _without(FORM, "class Login(ModalScreen)", "class Login(Screen)")
VARIANTS = {
    "form_no_modal": ("Textual, formulaire sans fenêtre modale", _NO_MODAL),
    "form_no_scroll": ("Textual, formulaire sans défilement", _without(FORM, "VerticalScroll():", "Vertical():")),
    "form_alone": ("Textual, formulaire seul écran", _without(_NO_MODAL, "        self.push_screen(Welcome())\n")),
}

# Escape sequences, removed before looking for the text of a frame.
_ESCAPES = re.compile(
    rb"\x1b\[[0-?]*[ -/]*[@-~]"  # CSI
    rb"|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)"  # OSC
    rb"|\x1bP[^\x1b]*\x1b\\"  # DCS
    rb"|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


@dataclass(frozen=True)
class Kind:
    name: str
    label: str
    argv: list[str]
    marker: bytes  # text of the first interactive frame


@dataclass(frozen=True)
class Run:
    frame: float  # seconds from the launch to the first interactive frame on the terminal
    exit: float  # seconds from the launch to the process's end (Ctrl+Q pressed at the frame)
    rss: int  # peak resident memory, bytes
    cpu: float  # processor seconds (user + system)


def client_argv() -> list[str]:
    """`espace tui` as installed: the console script beside this interpreter, else its module."""
    script = Path(sys.executable).with_name("espace")
    return [str(script), "tui"] if script.exists() else [sys.executable, "-m", "espace.cli", "tui"]


def kinds(variants: bool = False) -> list[Kind]:
    extra = [
        Kind(name, label, [sys.executable, "-c", code], b"Se connecter") for name, (label, code) in VARIANTS.items()
    ]
    return [
        Kind("bare", "Textual nu (1 étiquette)", [sys.executable, "-c", BARE], b"Bienvenue"),
        Kind("form", "Textual, même formulaire", [sys.executable, "-c", FORM], b"Se connecter"),
        *(extra if variants else []),
        Kind("client", "client (espace tui)", client_argv(), b"Se connecter"),
    ]


def environment(home: Path) -> dict[str, str]:
    env = {name: value for name, value in os.environ.items() if name not in ("COLUMNS", "LINES")}
    # With bytecode (.pyc), as an installed client runs: without it, a shell with PYTHONDONTWRITEBYTECODE=1
    # would count the compiler at every run. The warm-up run writes it.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.update(TERM="xterm-256color", XDG_CONFIG_HOME=str(home / "config"), XDG_DATA_HOME=str(home / "data"))
    return env


def one_run(kind: Kind, env: dict[str, str]) -> Run:
    """Launch ``kind`` under a new pseudo-terminal, wait for its first interactive frame, press Ctrl+Q, wait for
    its end. A bounded wait on an external process: no sleeping."""
    started = time.perf_counter()
    pid, terminal = pty.fork()
    if pid == 0:  # the child: its terminal has the size before the program asks for it
        fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", *SIZE, 0, 0))
        os.chdir(ROOT)
        os.execve(kind.argv[0], kind.argv, env)
    screen = b""
    frame: float | None = None
    try:
        while True:
            ready, _, _ = select.select([terminal], [], [], TIMEOUT)
            if not ready:
                os.kill(pid, 9)
                raise SystemExit(f"{kind.label} : rien à l'écran depuis {TIMEOUT:.0f} s\n{screen[-2000:]!r}")
            try:
                data = os.read(terminal, 65536)
            except OSError:  # the process has ended: the terminal is closed
                break
            if not data:
                break
            if frame is None:
                screen += data
                if kind.marker in _ESCAPES.sub(b"", screen):
                    frame = time.perf_counter() - started
                    os.write(terminal, QUIT)
    finally:
        _, status, usage = os.wait4(pid, 0)
        os.close(terminal)
    ended = time.perf_counter() - started
    if frame is None or os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"{kind.label} : échec (état {status})\n{_ESCAPES.sub(b'', screen)[-2000:]!r}")
    return Run(frame, ended, usage.ru_maxrss * 1024, usage.ru_utime + usage.ru_stime)


def load() -> str:
    one, five, _fifteen = os.getloadavg()
    return f"charge {one:.2f} (5 min : {five:.2f}) sur {os.cpu_count()} cœurs"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_bench", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15, help="runs of each kind (alternating)")
    parser.add_argument("--quick", action="store_true", help="one run of each: checks the bench works")
    parser.add_argument(
        "--variants", action="store_true", help="also the form without modal, without scrolling, alone on screen"
    )
    args = parser.parse_args(argv)
    if args.quick:
        args.runs = 1

    measured = kinds(args.variants)
    with tempfile.TemporaryDirectory(prefix="espace-startup-") as home:
        env = environment(Path(home))
        before = load()
        for kind in measured:  # warm the file cache and write the bytecode before anything is counted
            one_run(kind, env)
        runs: dict[str, list[Run]] = {kind.name: [] for kind in measured}
        for _ in range(args.runs):
            for kind in measured:
                runs[kind.name].append(one_run(kind, env))
        after = load()

    print(
        f"Démarrage, processus entier sous un terminal (pty {SIZE[1]}×{SIZE[0]}), {args.runs} exécutions alternées "
        f"de chaque, médianes ; avant : {before} ; après : {after}"
    )
    # a forked child's ru_maxrss starts at this process's size and survives exec: below it, nothing is measured
    floor = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"(mémoire max : plancher de {floor:.1f} Mo, la taille du banc au moment où il lance chaque programme)")
    width = max(len(kind.label) for kind in measured)
    print(
        f"{'':{width}} {'→ 1re image':>12} {'→ sortie':>10} {'mémoire max':>12} {'processeur':>11}"
        f" {'1re image min–max':>18}"
    )
    medians: dict[str, Run] = {}
    for kind in measured:
        samples = runs[kind.name]
        median = Run(
            statistics.median(r.frame for r in samples),
            statistics.median(r.exit for r in samples),
            int(statistics.median(r.rss for r in samples)),
            statistics.median(r.cpu for r in samples),
        )
        medians[kind.name] = median
        spread = f"{min(r.frame for r in samples) * 1000:.0f}–{max(r.frame for r in samples) * 1000:.0f} ms"
        print(
            f"{kind.label:{width}} {median.frame * 1000:9.0f} ms {median.exit * 1000:7.0f} ms"
            f" {median.rss / 2**20:9.1f} Mo {median.cpu * 1000:8.0f} ms {spread:>18}"
        )
    client, bare, form = medians["client"], medians["bare"], medians["form"]
    print(f"ratio client / Textual nu, 1re image interactive : {client.frame / bare.frame:.2f}× (objectif ≤ 1,2×)")
    print(f"ratio client / Textual nu, mémoire max : {client.rss / bare.rss:.2f}× (objectif ≤ 1,3×)")
    print(f"ratio client / Textual nu, jusqu'à la sortie : {client.exit / bare.exit:.2f}×")
    print(f"ratio client / Textual nu, temps processeur : {client.cpu / bare.cpu:.2f}×")
    print(f"ratio client / Textual, même formulaire (1re image) : {client.frame / form.frame:.2f}×")
    for name in VARIANTS if args.variants else ():
        variant = medians[name]
        print(f"ratio {VARIANTS[name][0]} / Textual nu (1re image) : {variant.frame / bare.frame:.2f}×")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
