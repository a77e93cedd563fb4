"""`python -m tests` (what `make test` and CI run): lint, then the whole suite on SQLite, then the
database-backed tests again on PostgreSQL.

PostgreSQL is the production database, so CI must prove the same migrations and the same tests pass on
it: with CI set, an unreachable PostgreSQL is a failure, not a silent skip. On a laptop without
PostgreSQL the run says plainly that it only ran on SQLite.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
from urllib.parse import urlsplit

DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
# The tests that open a database (the benchmarks' short mode measures both databases); the pure engine and
# the client (which runs against a server app on SQLite by design) gain nothing from a second run.
DATABASE_TEST_PATHS = ["tests/server", "tests/fixtures", "tests/test_benchmarks.py"]


def _banner(text: str) -> None:
    print(f"\n=== {text} ===", flush=True)


def _run(cmd: list[str], env: dict[str, str] | None = None) -> int:
    print("$ " + " ".join(cmd), flush=True)
    return subprocess.call(cmd, env=env)


def _pg_reachable(url: str) -> bool:
    parts = urlsplit(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parts.hostname or "127.0.0.1", parts.port or 5432), timeout=3):
            return True
    except OSError:
        return False


def main() -> int:
    python = sys.executable
    workers = os.environ.get("ESPACE_TEST_WORKERS", "auto")
    extra = sys.argv[1:]
    failures: list[str] = []

    _banner("Lint : ruff")
    if _run([python, "-m", "ruff", "check", "."]) != 0:
        failures.append("ruff")
    if _run([python, "-m", "ruff", "format", "--check", "."]) != 0:
        failures.append("ruff format (lancez `ruff format .`)")

    _banner("Suite complète sur SQLite")
    env = dict(os.environ)
    env.pop("ESPACE_TEST_DATABASE_URL", None)
    if _run([python, "-m", "pytest", "-n", workers, *extra], env=env) != 0:
        failures.append("pytest (SQLite)")

    pg_url = os.environ.get("ESPACE_TEST_PG_URL", DEFAULT_PG_URL)
    if _pg_reachable(pg_url):
        _banner(f"Tests avec base de données sur PostgreSQL ({urlsplit(pg_url).hostname})")
        env = dict(os.environ, ESPACE_TEST_DATABASE_URL=pg_url)
        if _run([python, "-m", "pytest", "-n", workers, *DATABASE_TEST_PATHS, *extra], env=env) != 0:
            failures.append("pytest (PostgreSQL)")
    elif os.environ.get("CI"):
        print(f"Erreur : PostgreSQL injoignable ({pg_url}) : en CI, la suite doit aussi passer sur PostgreSQL.")
        failures.append("PostgreSQL injoignable")
    else:
        print("PostgreSQL injoignable : la suite n'a tourné que sur SQLite.")

    _banner("Bilan")
    if failures:
        print("ÉCHEC : " + ", ".join(failures))
        return 1
    print("Tout est vert (SQLite" + (" et PostgreSQL)" if _pg_reachable(pg_url) else " seulement)"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
