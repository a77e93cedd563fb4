"""``espace directory import FILE``: an official open-data file (RPPS practitioners or FINESS establishments,
recognised from its first line: models.domain.directory) replaces the directory's rows of that kind.

All or nothing: the old rows are deleted and the new ones written in the caller's one transaction, so readers
see the old directory until the commit and a malformed line (named by its number, in French) leaves it as it
was. The rows go in batches through the bulk writer the generator uses (server.bulk: executemany on SQLite,
COPY on PostgreSQL); on SQLite the secondary indexes are dropped first and built once at the end, inside the
same transaction (one sort each instead of a million random insertions: see bench/directory_bench.py), and the
FTS5 index of the search words is rebuilt from the new rows.
"""

from __future__ import annotations

import functools
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import sqlalchemy as sa
from sqlalchemy import Connection, Engine

from models.domain import directory as files
from models.tables import DirectoryConvention, DirectoryEstablishment, DirectoryPractitioner
from models.tables.directory import WORD_INDEXES
from server.bulk import insert_rows

BATCH_ROWS = 20_000

PRACTITIONER_COLUMNS = (
    "rpps",
    "last_name",
    "first_name",
    "profession_code",
    "profession",
    "speciality",
    "practice",
    "site",
    "address",
    "postcode",
    "town",
    "phone",
    "finess",
    "search_text",
    "town_key",
)
ESTABLISHMENT_COLUMNS = (
    "finess",
    "legal_finess",
    "name",
    "category",
    "address",
    "postcode",
    "town",
    "phone",
    "x",
    "y",
    "search_text",
    "town_key",
)
TABLES: dict[str, sa.Table] = {
    files.RPPS: DirectoryPractitioner.__table__,  # type: ignore[attr-defined]
    files.FINESS: DirectoryEstablishment.__table__,  # type: ignore[attr-defined]
    files.CONVENTIONS: DirectoryConvention.__table__,  # type: ignore[attr-defined]
}
KIND_WORDS = {
    files.RPPS: "professionnels de santé (RPPS)",
    files.FINESS: "établissements (FINESS)",
    files.CONVENTIONS: "secteurs de convention",
}
NOTHING_LOADED = "Rien n'a été importé : l'annuaire reste tel qu'il était."


class DirectoryImportError(Exception):
    """Why the file was refused, in French (the line's number when a line is at fault)."""


@dataclass
class ImportReport:
    kind: str
    rows: int = 0
    elapsed: float = 0.0
    word_index: float = 0.0  # of ``elapsed``: rebuilding SQLite's FTS5 index of the search words

    def summary(self) -> str:
        return f"Annuaire : {self.rows:,} {KIND_WORDS[self.kind]} importés en {self.elapsed:.1f} s.".replace(",", " ")


def import_file(engine: Engine, path: Path, *, progress: bool = True, out: IO[str] | None = None) -> ImportReport:
    """Replace the directory's rows of the file's kind, in one transaction."""
    with engine.begin() as connection:
        return load(connection, path, progress=progress, out=out)


def _cut(value: str, length: int) -> str:
    return value[:length]


@functools.lru_cache(maxsize=65_536)
def _town_key(town: str) -> str:
    """The folded town (a few thousand distinct towns in a million lines: each folded once)."""
    return _cut(files.fold(town), 100)


def _lines(stream: IO[bytes]) -> Iterator[tuple[int, int, str]]:
    """(line number, bytes read, text) of every line that is not blank. The published files are UTF-8 (older
    FINESS extractions were Latin-1: a line that is not UTF-8 is read as Windows-1252)."""
    for number, raw in enumerate(stream, start=1):
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            text = raw.decode("cp1252", errors="replace")
        if number == 1:
            text = text.removeprefix("\ufeff")
        if text.strip():
            yield number, len(raw), text


def _practitioner_rows(lines: Iterator[tuple[int, int, str]], header: str, tick: Any) -> Iterator[tuple]:
    columns = files.RppsHeader(header)
    for number, size, line in lines:
        p = columns.read(line, number)
        tick(size)
        yield (
            p.rpps,
            _cut(p.last_name, 100),
            _cut(p.first_name, 100),
            _cut(p.profession_code, 4),
            _cut(p.profession, 100),
            _cut(p.speciality, 150),
            _cut(p.practice, 50),
            _cut(p.site, 200),
            _cut(p.address, 250),
            p.postcode,
            _cut(p.town, 100),
            _cut(p.phone, 20),
            _cut(p.finess, 9),
            _cut(p.search_text, 700),
            _town_key(p.town),
        )


def _establishment_rows(lines: Iterator[tuple[int, int, str]], first: tuple[int, int, str], tick: Any) -> list[tuple]:
    """Every establishment with its coordinates (the geolocation lines come after all the structures)."""
    found: dict[str, tuple[files.Establishment, int]] = {}
    places: dict[str, tuple[float | None, float | None]] = {}
    for number, size, line in (first, *lines) if not first[2].startswith(files.FINESS_PREAMBLE) else lines:
        record = line.split(files.FINESS_SEPARATOR, 1)[0]
        if record == files.FINESS_STRUCTURE:
            establishment = files.read_structure(line, number)
            if establishment.finess in found:
                raise files.DirectoryLineError(
                    f"Ligne {number} : l'établissement {establishment.finess} figure déjà "
                    f"ligne {found[establishment.finess][1]}."
                )
            found[establishment.finess] = (establishment, number)
        elif record == files.FINESS_GEOLOCATION:
            finess, x, y = files.read_geolocation(line, number)
            places[finess] = (x, y)
        else:
            raise files.DirectoryLineError(
                f"Ligne {number} : type d'enregistrement « {record[:30]} » inconnu "
                "(« structureet » ou « geolocalisation » attendu)."
            )
        tick(size)
    rows = []
    for e, _ in found.values():
        x, y = places.get(e.finess, (None, None))
        rows.append(
            (
                e.finess,
                _cut(e.legal_finess, 9),
                _cut(e.name, 250),
                _cut(e.category, 150),
                _cut(e.address, 250),
                e.postcode,
                _cut(e.town, 100),
                _cut(e.phone, 20),
                x,
                y,
                _cut(e.search_text, 500),
                _town_key(e.town),
            )
        )
    return rows


def _convention_rows(lines: Iterator[tuple[int, int, str]], tick: Any) -> Iterator[tuple]:
    seen: dict[str, int] = {}
    for number, size, line in lines:
        rpps, sector = files.read_convention(line, number)
        if rpps in seen:
            raise files.DirectoryLineError(f"Ligne {number} : {rpps} figure déjà ligne {seen[rpps]}.")
        seen[rpps] = number
        tick(size)
        yield rpps, sector


def _batches(rows: Iterator[tuple] | list[tuple]) -> Iterator[list[tuple]]:
    batch: list[tuple] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= BATCH_ROWS:
            yield batch
            batch = []
    if batch:
        yield batch


def load(connection: Connection, path: Path, *, progress: bool = False, out: IO[str] | None = None) -> ImportReport:
    """Replace the rows of the file's kind within ``connection``'s transaction (the caller commits, or rolls
    back on DirectoryImportError: nothing is then half-loaded)."""
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TimeElapsedColumn

    started = time.perf_counter()
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise DirectoryImportError(f"Fichier introuvable : {path}. Vérifiez le chemin.") from None
    except OSError:
        raise DirectoryImportError(f"Impossible de lire {path} (droits, ou c'est un dossier).") from None
    with stream:
        lines = _lines(stream)
        first = next(lines, None)
        if first is None:
            raise DirectoryImportError(f"Le fichier {path} est vide. {NOTHING_LOADED}")
        kind = files.detect(first[2])
        if kind is None:
            raise DirectoryImportError(
                f"Format non reconnu : la première ligne de {path} n'est ni l'en-tête du fichier RPPS "
                "(PS_LibreAcces_Personne_activite, « Type d'identifiant PP|… ») ni une ligne du fichier "
                f"FINESS (etalab-cs1100507-stock, « finess;etalab;… » ou « structureet;… ») ni celui de la liste "
                f"des secteurs (« {files.CONVENTIONS_HEADER} »). {NOTHING_LOADED}"
            )
        report = ImportReport(kind)
        table = TABLES[kind]
        bar = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            TimeElapsedColumn(),
            console=Console(file=out or sys.stderr),
            disable=not progress,
        )
        with bar:
            task = bar.add_task(f"Import {KIND_WORDS[kind]}", total=path.stat().st_size)
            done = [first[1]]

            def tick(size: int) -> None:
                done[0] += size
                if done[0] % 4_000_000 < size:  # every few megabytes: the bar costs nothing per line
                    bar.update(task, completed=done[0])

            try:
                rows: Iterator[tuple] | list[tuple]
                if kind == files.RPPS:
                    rows, columns = _practitioner_rows(lines, first[2], tick), PRACTITIONER_COLUMNS
                elif kind == files.FINESS:
                    rows, columns = _establishment_rows(lines, first, tick), ESTABLISHMENT_COLUMNS
                else:
                    rows, columns = _convention_rows(lines, tick), ("rpps", "sector")
                report.rows, report.word_index = _replace(connection, table, columns, rows)
            except files.DirectoryLineError as exc:
                raise DirectoryImportError(f"{exc} {NOTHING_LOADED}") from None
            bar.update(task, completed=path.stat().st_size)
    report.elapsed = time.perf_counter() - started
    return report


def _replace(connection: Connection, table: sa.Table, columns: tuple[str, ...], rows: Any) -> tuple[int, float]:
    """Delete the table's rows and write the new ones, the secondary indexes built once at the end. Gives the
    rows written and the seconds spent rebuilding the FTS5 index of the search words."""
    driver = connection.connection.driver_connection
    dialect = connection.dialect.name
    # SQLite: a writer never blocks readers (WAL), so the indexes can be dropped and built once after the load
    # inside the transaction. PostgreSQL keeps them: dropping one would lock the table against every search
    # until the commit.
    indexes = sorted(table.indexes, key=lambda index: str(index.name)) if dialect == "sqlite" else []
    for index in indexes:
        index.drop(connection)
    connection.execute(table.delete())
    written = 0
    for batch in _batches(rows):
        insert_rows(driver, dialect, table.name, columns, batch)
        written += len(batch)
    for index in indexes:
        index.create(connection)
    started = time.perf_counter()
    if dialect == "sqlite" and (words := WORD_INDEXES.get(table.name)):
        # The FTS5 index of the search words reads the table's rows (external content): built again from them,
        # once, in the same transaction (PostgreSQL's GIN index follows the rows by itself).
        connection.exec_driver_sql(f"INSERT INTO {words}({words}) VALUES ('rebuild')")
    return written, time.perf_counter() - started
