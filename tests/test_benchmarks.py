"""The benchmarks work (issue 20): `python -m bench --quick` runs each of them in its short mode — the claims
route against the bare one over HTTP on a few generated members (on this run's database kind), the filter
key in the client, the client's start under a terminal — and prints its figures. How fast is not checked
here (speed is measured, not asserted): that they run, compare what they claim to compare, and say it."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from sqlalchemy.engine import make_url

ROOT = Path(__file__).resolve().parents[1]


def _bench(module: str, *args: str) -> str:
    """What ``python -m module args`` prints; it must end well."""
    done = subprocess.run(
        [sys.executable, "-m", module, *args], cwd=ROOT, capture_output=True, text=True, timeout=600, check=False
    )
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-3000:]
    return done.stdout


def test_the_benchmarks_run_in_their_short_mode() -> None:
    requested = os.environ.get("ESPACE_TEST_DATABASE_URL")
    postgres = requested is not None and make_url(requested).get_backend_name() == "postgresql"
    databases = ["--postgres", requested] if postgres else ["--no-postgres"]
    out = _bench("bench", "--quick", *databases)
    kinds = ["SQLite", "PostgreSQL"] if postgres else ["SQLite"]
    assert [
        line.split(" : ")[0] for line in out.splitlines() if line.startswith("== ") and "boucle locale" in line
    ] == [f"== {kind}" for kind in kinds]
    for name in ("défaut (24 mois)", "texte « consult »", "bénéficiaire, tri statut", "ensemble ("):
        assert out.count(f"\n{name}") == len(kinds), name  # every filter, on every database
    assert out.count("pire filtre : p95 ") == len(kinds) and "charge " in out  # ratios, with the machine's load
    assert out.count("== Client : touche de filtre") == 2  # in the client's process, then a separate server
    assert "ratio client / Textual nu, 1re image interactive : " in out
    assert "ratio client / Textual nu, mémoire max : " in out


def test_the_directory_bench_runs_in_its_short_mode() -> None:
    """Issue 21: a generated RPPS file in the published format, imported twice on SQLite, then searched."""
    out = _bench("bench.directory_bench", "--quick")
    assert out.startswith("== Annuaire : import RPPS de 20 000 lignes sur SQLite")
    assert "import : 20000 lignes en " in out and "réimport (remplace) : " in out
    assert "objectif ≤ 1.2 s pour 20000 lignes (60 s le million) : " in out
    for search in ("recherche nom « martin »", "recherche « cardiologie » à Marseille", "recherche code postal 75015"):
        assert f"\n{search} : " in out


def test_the_start_up_bench_measures_the_form_with_less_of_textual() -> None:
    """``--variants``: the login form without its modal, without scrolling, alone on screen — the floor the README
    compares the client's start with (issue 20); each must reach its first frame and end well."""
    out = _bench("bench.startup_bench", "--quick", "--variants")
    for label in ("sans fenêtre modale", "sans défilement", "seul écran"):
        assert f"ratio Textual, formulaire {label} / Textual nu (1re image) : " in out, label
