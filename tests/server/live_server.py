"""Real server processes for the tests that need them (lockout race, graceful shutdown, SIGKILL fault):
a throwaway committed database (PostgreSQL when the test database is PostgreSQL, a SQLite file
otherwise) and uvicorn subprocesses on a free loopback port. No sleep: a server is ready when uvicorn
says so on its log, which the helpers read line by line (a bounded wait on an external process)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.engine import make_url

from tests.conftest import TEST_DATABASE_ENV, _throwaway_postgres

ROOT = Path(__file__).resolve().parents[2]
CHEAP_ARGON2 = {"ESPACE_ARGON2_TIME_COST": "1", "ESPACE_ARGON2_MEMORY_COST": "8", "ESPACE_ARGON2_PARALLELISM": "1"}
RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")


@contextmanager
def committed_database(tmp_path: Path, name: str) -> Iterator[str]:
    """A database whose commits are real (not the per-test rolled-back transaction), dropped afterwards."""
    requested = os.environ.get(TEST_DATABASE_ENV)
    if requested and make_url(requested).get_backend_name() == "postgresql":
        with _throwaway_postgres(requested, name) as url:
            yield url
    else:
        yield f"sqlite:///{tmp_path / f'{name}.db'}"


def is_postgres(url: str) -> bool:
    return make_url(url).get_backend_name() == "postgresql"


@dataclass
class LiveServer:
    process: subprocess.Popen[str]
    base: str
    log: list[str]


def server_env(url: str, **extra: str) -> dict[str, str]:
    return {
        **os.environ,
        **CHEAP_ARGON2,
        "ESPACE_DATABASE_URL": url,
        "ESPACE_DEMO_MODE": "1",
        "ESPACE_LOG_LEVEL": "WARNING",
        "ESPACE_LOGIN_IP_MAX_ATTEMPTS": "1000",
        **extra,
    }


def start_server(url: str, *, command: list[str] | None = None, **env: str) -> LiveServer:
    """Start a server process and return once it listens. ``command`` defaults to plain uvicorn on the
    app factory; ``espace serve`` is ``[sys.executable, "-m", "espace.cli", "serve", "--port", "0"]``."""
    argv = command or [
        sys.executable, "-m", "uvicorn", "--factory", "server.app:app_factory", "--host", "127.0.0.1", "--port", "0",
    ]  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, env=server_env(url, **env), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    log: list[str] = []
    base = None
    for line in process.stderr:  # blocks until uvicorn has bound its port (or the process died: EOF)
        log.append(line)
        if m := RUNNING.search(line):
            base = m[1]
            break
    if base is None:
        process.kill()
        process.wait(timeout=30)
        raise AssertionError("le serveur n'a pas démarré :\n" + "".join(log))
    stream = process.stderr
    threading.Thread(target=lambda: log.extend(stream), daemon=True).start()  # keep draining its log
    return LiveServer(process, base, log)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
    server.process.wait(timeout=30)


@contextmanager
def server(url: str, **env: str) -> Iterator[str]:
    live = start_server(url, **env)
    try:
        yield live.base
    finally:
        stop_server(live)
