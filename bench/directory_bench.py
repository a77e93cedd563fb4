"""The directory import (issue 21): a generated RPPS extraction of one million lines, in the published format
of PS_LibreAcces_Personne_activite (the 52 columns of its header, ``|`` between and after the fields), imported
into a fresh SQLite database by ``espace directory import``'s code; then imported again (a re-import replaces
the rows in one transaction), and a few searches timed on the result. Prints figures; the goal is ≤ 60 s for
the million lines on SQLite (issue 21). Not a test: speed is measured here, not asserted.

    python -m bench.directory_bench                 # 1 000 000 lines
    python -m bench.directory_bench --rows 200000
    python -m bench.directory_bench --quick         # 20 000 lines: checks it works (tests/test_benchmarks.py)
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import tempfile
import time
from pathlib import Path

from models.domain.directory import RPPS_HEADER

# Fictitious names and places (common French surnames and first names; real towns and postcodes).
SURNAMES = [
    "MARTIN",
    "BERNARD",
    "THOMAS",
    "PETIT",
    "ROBERT",
    "RICHARD",
    "DURAND",
    "DUBOIS",
    "MOREAU",
    "LAURENT",
    "SIMON",
    "MICHEL",
    "LEFEBVRE",
    "LEROY",
    "ROUX",
    "DAVID",
    "BERTRAND",
    "MOREL",
    "FOURNIER",
    "GIRARD",
    "BONNET",
    "DUPONT",
    "LAMBERT",
    "FONTAINE",
    "ROUSSEAU",
    "VINCENT",
    "MULLER",
    "LEFEVRE",
    "FAURE",
    "ANDRE",
    "MERCIER",
    "BLANC",
    "GUERIN",
    "BOYER",
    "GARNIER",
    "CHEVALIER",
    "FRANCOIS",
    "LEGRAND",
    "GAUTHIER",
    "GARCIA",
    "PERRIN",
    "ROBIN",
    "CLEMENT",
    "MORIN",
    "NICOLAS",
    "HENRY",
    "ROUSSEL",
    "MATHIEU",
    "GAUTIER",
    "MASSON",
    "MARCHAND",
    "DUVAL",
    "DENIS",
    "DUMONT",
    "MARIE",
    "LEMAIRE",
    "NOEL",
    "MEYER",
]
FIRST_NAMES = [
    "Marie",
    "Jean",
    "Pierre",
    "Michel",
    "Anne",
    "Sophie",
    "Nathalie",
    "Isabelle",
    "Philippe",
    "Nicolas",
    "Camille",
    "Léa",
    "Chloé",
    "Hugo",
    "Lucas",
    "Inès",
    "Céline",
    "Éric",
    "Hélène",
    "Jérôme",
    "Amélie",
    "Agnès",
    "François",
    "Zoé",
    "Gaëlle",
    "Noël",
    "Loïc",
    "Maëlle",
    "Anaïs",
    "Raphaël",
]
PROFESSIONS = (
    ("10", "Médecin", "SM54", "Médecine générale"),
    ("10", "Médecin", "SM04", "Cardiologie et maladies vasculaires"),
    ("10", "Médecin", "SM15", "Ophtalmologie"),
    ("10", "Médecin", "SM40", "Pédiatrie"),
    ("10", "Médecin", "SM26", "Psychiatrie"),
    ("40", "Chirurgien-Dentiste", "", ""),
    ("50", "Pharmacien", "", ""),
    ("60", "Infirmier", "", ""),
    ("70", "Masseur-Kinésithérapeute", "", ""),
    ("28", "Opticien-Lunetier", "", ""),
    ("26", "Audioprothésiste", "", ""),
)
TOWNS = (
    ("13001", "13201", "Marseille 1er Arrondissement"),
    ("13008", "13208", "Marseille 8e Arrondissement"),
    ("75011", "75111", "Paris 11e Arrondissement"),
    ("75015", "75115", "Paris 15e Arrondissement"),
    ("69003", "69383", "Lyon 3e Arrondissement"),
    ("31000", "31555", "Toulouse"),
    ("33000", "33063", "Bordeaux"),
    ("59000", "59350", "Lille"),
    ("06000", "06088", "Nice"),
    ("42000", "42218", "Saint-Étienne"),
)
STREETS = ("RUE|Rue|DE LA REPUBLIQUE", "AV|Avenue|DU PRADO", "BD|Boulevard|VOLTAIRE", "PL|Place|DE LA NATION")


def write_rpps_file(path: Path, rows: int, seed: int = 1) -> None:
    """``rows`` lines (plus the header) in the published format; two lines out of ten are a second activity
    of the previous person, as in the real file."""
    rng = random.Random(seed)
    width = len(RPPS_HEADER)
    with path.open("w", encoding="utf-8", newline="\n") as out:
        out.write("|".join(RPPS_HEADER) + "|\n")
        person = 10_000_000_000
        buffer = []
        for n in range(rows):
            if n == 0 or rng.random() >= 0.2:
                person += 1
                surname, first = rng.choice(SURNAMES), rng.choice(FIRST_NAMES)
                profession = rng.choice(PROFESSIONS)
            postcode, commune, town = rng.choice(TOWNS)
            street_code, street_type, street = rng.choice(STREETS).split("|")
            fields = [""] * width
            fields[0:3] = ["8", str(person), f"8{person}"]
            fields[3:5] = ["DR", "Docteur"] if profession[0] in ("10", "40") else ["", ""]
            fields[7:13] = [surname, first, profession[0], profession[1], "C", "Civil"]
            if profession[2]:
                fields[13:17] = ["S", "Spécialité ordinale", profession[2], profession[3]]
            fields[17:19] = ["L", "Libéral"]
            fields[23:25] = [f"R{person}{n % 10}", f"CABINET {surname}"]
            fields[28:33] = [str(1 + n % 200), "", street_code, street_type, street]
            fields[34:38] = [f"{postcode} {town.split(' ')[0].upper()}", postcode, commune, town]
            fields[40] = f"0{rng.randint(100_000_000, 599_999_999)}"
            fields[44] = postcode[:2]
            fields[47:50] = ["CNOM/CNOM/CNOM", "SA07", "Cabinet individuel"]
            buffer.append("|".join(fields) + "|\n")
            if len(buffer) >= 50_000:
                out.writelines(buffer)
                buffer.clear()
        out.writelines(buffer)


def _timed(label: str, run, repeat: int = 1) -> float:  # type: ignore[no-untyped-def]
    best = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        run()
        best = min(best, time.perf_counter() - started)
    print(f"{label} : {best * 1000:.0f} ms")
    return best


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.directory_bench")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--quick", action="store_true", help="20 000 lignes : vérifie que le banc fonctionne")
    args = parser.parse_args(argv)
    rows = 20_000 if args.quick else args.rows

    from sqlmodel import Session

    from models.schemas.directory import DirectoryQuery
    from server.db import create_db_engine
    from server.migrate import upgrade
    from server.services import directory
    from server.services.directory_import import import_file

    load = os.getloadavg()[0]
    print(f"== Annuaire : import RPPS de {rows:,} lignes sur SQLite (charge {load:.2f})".replace(",", " "))
    with tempfile.TemporaryDirectory(prefix="espace-directory-bench-") as folder:
        source = Path(folder) / "PS_LibreAcces_Personne_activite_bench.txt"
        started = time.perf_counter()
        write_rpps_file(source, rows)
        size = source.stat().st_size
        print(f"fichier généré : {size / 1e6:.0f} Mo en {time.perf_counter() - started:.1f} s")
        url = f"sqlite:///{Path(folder) / 'bench.db'}"
        upgrade(url)
        engine = create_db_engine(url)
        first = import_file(engine, source, progress=False)
        speed = f"{first.rows / first.elapsed:,.0f}".replace(",", " ")
        print(f"import : {first.rows} lignes en {first.elapsed:.1f} s ({speed} lignes/s), "
              f"dont index des mots (FTS5) : {first.word_index:.1f} s")  # fmt: skip
        second = import_file(engine, source, progress=False)
        print(f"réimport (remplace) : {second.elapsed:.1f} s, dont index des mots : {second.word_index:.1f} s")
        goal = 60.0 * rows / 1_000_000
        verdict = "atteint" if first.elapsed <= goal else "MANQUÉ"
        print(f"objectif ≤ {goal:.1f} s pour {rows} lignes (60 s le million) : {verdict}")
        with Session(engine) as session:
            for label, query in (
                ("recherche nom « martin »", {"q": "martin"}),
                ("recherche « cardiologie » à Marseille", {"q": "cardiologie", "where": "marseille"}),
                ("recherche code postal 75015", {"where": "75015"}),
            ):
                _timed(label, lambda q=query: directory.search(session, DirectoryQuery(**q)), repeat=3)
        engine.dispose()
    print(f"charge après : {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
