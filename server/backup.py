"""``espace db backup PATH`` and ``espace db restore PATH`` (issue 11).

SQLite: the online backup API (``sqlite3.Connection.backup``): a consistent copy while the server runs,
WAL included. PostgreSQL: ``pg_dump -Fc`` and ``pg_restore --clean --if-exists`` (the client tools must
be installed, in a major version at least the server's). Failures raise ``BackupError`` with a French
message for the command line."""

from __future__ import annotations

import re
import shutil
import sqlite3
import subprocess
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import URL, make_url

from server.settings import normalise_database_url


class BackupError(Exception):
    pass


def backup(database_url: str, path: Path) -> None:
    url = make_url(normalise_database_url(database_url))
    path.parent.mkdir(parents=True, exist_ok=True)
    if url.get_backend_name() == "sqlite":
        source = _sqlite_file(url)
        if not source.exists():
            raise BackupError(f"La base SQLite {source} n'existe pas : rien à sauvegarder.")
        with sqlite3.connect(source) as src, sqlite3.connect(path) as dst:
            src.backup(dst)
        return
    _check_pg_tools(url, "pg_dump")
    _run(["pg_dump", "--format=custom", "--no-owner", f"--file={path}", _libpq(url)], url, "sauvegarde")


def restore(database_url: str, path: Path) -> None:
    if not path.is_file():
        raise BackupError(f"La sauvegarde {path} n'existe pas.")
    url = make_url(normalise_database_url(database_url))
    if url.get_backend_name() == "sqlite":
        target = _sqlite_file(url)
        target.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(path) as src:
            if src.execute("PRAGMA integrity_check").fetchone() != ("ok",):
                raise BackupError(f"La sauvegarde {path} est endommagée (contrôle d'intégrité SQLite).")
            with sqlite3.connect(target, timeout=30) as dst:
                src.backup(dst)  # page by page into the live file, under SQLite's own locks
        return
    _check_pg_tools(url, "pg_restore")
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--single-transaction",
            f"--dbname={_libpq(url)}",
            str(path),
        ],
        url,
        "restauration",
    )


def _sqlite_file(url: URL) -> Path:
    if not url.database or url.database == ":memory:":
        raise BackupError("Une base SQLite en mémoire ne se sauvegarde pas : indiquez un fichier.")
    return Path(url.database)


def _libpq(url: URL) -> str:
    """The connection string pg_dump understands (no SQLAlchemy driver suffix)."""
    return url.set(drivername="postgresql").render_as_string(hide_password=False)


def _check_pg_tools(url: URL, tool: str) -> None:
    if shutil.which(tool) is None:
        raise BackupError(
            f"L'outil {tool} est introuvable : installez les outils clients PostgreSQL "
            "(paquet postgresql-client, de la même version majeure que le serveur, ou plus récente)."
        )
    found = re.search(r"(\d+)(?:\.\d+)?", subprocess.run([tool, "--version"], capture_output=True, text=True).stdout)
    tool_major = int(found[1]) if found else 0
    engine = create_engine(url)
    try:
        with engine.connect() as connection:
            server_major = int(connection.execute(text("SHOW server_version_num")).scalar_one()) // 10000
    finally:
        engine.dispose()
    if tool_major < server_major:
        raise BackupError(
            f"{tool} est en version {tool_major}, plus ancienne que le serveur PostgreSQL ({server_major}) : "
            "installez les outils clients de la même version majeure."
        )


def _run(argv: list[str], url: URL, what: str) -> None:
    done = subprocess.run(argv, capture_output=True, text=True)
    if done.returncode != 0:
        password = url.password
        detail = done.stderr.strip()
        if password:
            detail = detail.replace(str(password), "***")
        raise BackupError(f"La {what} a échoué ({argv[0]}) : {detail}")
