"""Real server processes, shared by the tests that need them (tests/server/live_server.py) and the load
benchmark (bench/load_bench.py): uvicorn or `espace serve` subprocesses on a loopback port, a server's
environment (cheap argon2, raised per-address login limit) and a throwaway PostgreSQL database. No sleep:
a server is ready when uvicorn says so on its log, which is read line by line (a bounded wait on an
external process)."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CHEAP_ARGON2 = {"ESPACE_ARGON2_TIME_COST": "1", "ESPACE_ARGON2_MEMORY_COST": "8", "ESPACE_ARGON2_PARALLELISM": "1"}
RUNNING = re.compile(r"Uvicorn running on (http://127\.0\.0\.1:\d+)")
STARTED = "Application startup complete"


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


def start_server(
    url: str, *, command: list[str] | None = None, workers: int = 1, keep_log: bool = True, **env: str
) -> LiveServer:
    """Start a server process and return once it listens. ``command`` defaults to plain uvicorn on the
    app factory; ``espace serve`` is ``[sys.executable, "-m", "espace.cli", "serve", "--port", "0"]``.
    With ``workers`` > 1 (``espace serve --workers N``, log level INFO), it returns once every worker
    has said "Application startup complete". ``keep_log=False`` drops the log once started (long runs)."""
    argv = command or [
        sys.executable, "-m", "uvicorn", "--factory", "server.app:app_factory", "--host", "127.0.0.1", "--port", "0",
    ]  # fmt: skip
    process = subprocess.Popen(
        argv, cwd=ROOT, env=server_env(url, **env), stderr=subprocess.PIPE, stdout=subprocess.DEVNULL, text=True
    )
    assert process.stderr is not None
    log: list[str] = []
    base = None
    started = 0
    for line in process.stderr:  # blocks until uvicorn has bound its port (or the process died: EOF)
        log.append(line)
        if m := RUNNING.search(line):
            base = m[1]
        started += STARTED in line
        if base is not None and (workers == 1 or started >= workers):
            break
    if base is None or (workers > 1 and started < workers):
        process.kill()
        process.wait(timeout=30)
        raise AssertionError("le serveur n'a pas démarré :\n" + "".join(log))
    stream = process.stderr

    def drain() -> None:  # keep reading its log, so that the process never blocks on a full pipe
        for line in stream:
            if keep_log:
                log.append(line)

    threading.Thread(target=drain, daemon=True).start()
    return LiveServer(process, base, log)


def stop_server(server: LiveServer) -> None:
    if server.process.poll() is None:
        server.process.terminate()
    server.process.wait(timeout=30)


@contextmanager
def throwaway_postgres(base_url: str, prefix: str) -> Iterator[str]:
    """A fresh PostgreSQL database beside ``base_url``'s, dropped (WITH FORCE) afterwards."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"{prefix}_{secrets.token_hex(4)}".lower()
    admin = create_engine(base_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(base_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
