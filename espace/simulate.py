"""`espace simulate FILE|-`: the engine on the command line, same JSON as the API.

Only this edge reads files and the wall clock; the engine itself stays pure and is handed `today`.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import IO
from zoneinfo import ZoneInfo

from models.domain.request import InvalidRequest
from models.domain.simulation import run_simulation_json

PARIS = ZoneInfo("Europe/Paris")


def paris_today() -> date:
    return datetime.now(PARIS).date()


def run(
    args: argparse.Namespace,
    *,
    stdin: IO[str] | None = None,
    stdout: IO[str] | None = None,
    stderr: IO[str] | None = None,
    today: Callable[[], date] = paris_today,
) -> int:
    stdin, stdout, stderr = stdin or sys.stdin, stdout or sys.stdout, stderr or sys.stderr
    source = "l'entrée standard" if args.file == "-" else f"« {args.file} »"
    try:
        if args.file == "-":
            text = stdin.read()
        else:
            with open(args.file, encoding="utf-8") as handle:
                text = handle.read()
    except OSError as exc:
        print(f"Erreur : impossible de lire {source} ({exc.strerror}).", file=stderr)
        return 2
    try:
        # Amounts parsed as Decimal straight from the text: a float would already have lost the cents.
        payload = json.loads(text, parse_float=Decimal)
    except json.JSONDecodeError as exc:
        print(
            f"Erreur : {source} n'est pas du JSON valide (ligne {exc.lineno}, colonne {exc.colno}) : "
            "attendu un objet de demande ou une liste d'objets.",
            file=stderr,
        )
        return 2
    try:
        result = run_simulation_json(payload, today())
    except InvalidRequest as exc:
        print(f"Erreur : demande refusée : {exc}", file=stderr)
        return 2
    json.dump(result, stdout, ensure_ascii=False, indent=2)
    stdout.write("\n")
    return 0
