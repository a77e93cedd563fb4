"""`espace demo`: the whole portal on one laptop, started and stopped by one command.

It migrates an embedded SQLite file, seeds the demo world when the database is empty, starts a local
SMTP sink (mail lands as files in a Maildir), the HTTP server and the background jobs as child
processes, then runs the client in the foreground. When the client exits — or anything fails — it
stops what it started. Nothing here is needed by a deployment: it only wires the real parts together.
"""

from __future__ import annotations

import argparse
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

DEFAULT_PORT = 8765
DEFAULT_SMTP_PORT = 8025
SERVER_START_TIMEOUT_SECONDS = 30.0


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _port_is_free(port: int) -> bool:
    """Whether a server can listen on ``port``: as uvicorn and aiosmtpd bind (SO_REUSEADDR), so the connections
    of a demo that just stopped (TIME_WAIT, about a minute) do not count; a program listening there does."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _free_port(preferred: int) -> int:
    if _port_is_free(preferred):
        return preferred
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def prepare_database(database_url: str) -> str:
    """Migrate, and seed the demo world only into an empty database (a demo keeps what was done in it)."""
    from fixtures.demo import is_seeded, seed_demo
    from server.clock import SystemClock, paris_today
    from server.db import create_db_engine, session_scope_for
    from server.migrate import upgrade

    upgrade(database_url)
    engine = create_db_engine(database_url)
    try:
        with session_scope_for(engine)() as session:
            if is_seeded(session):
                return "Données de démonstration déjà présentes : reprise de la base existante."
            seed_demo(session, paris_today(SystemClock()))
            session.commit()
            return "Monde de démonstration chargé."
    finally:
        engine.dispose()


class DemoError(Exception):
    """What stops the demo, said in French (never a traceback)."""


SMTP_ATTEMPTS = 5
# aiosmtpd reports a failed bind only once its readiness wait is over: a short one keeps a retry quick (a local
# server is ready in milliseconds).
SMTP_READY_SECONDS = 1.0


@contextlib.contextmanager
def mail_sink(maildir: Path, preferred: int) -> Iterator[int]:
    """A local SMTP server writing every message into a Maildir (aiosmtpd's own Mailbox handler), on the
    preferred port or a free one; the port it listens on. Another program may take a port between the probe and
    the bind: then another port is tried."""
    from aiosmtpd.controller import Controller
    from aiosmtpd.handlers import Mailbox

    maildir.parent.mkdir(parents=True, exist_ok=True)
    for _ in range(SMTP_ATTEMPTS):
        port = _free_port(preferred)
        controller = Controller(
            Mailbox(str(maildir)), hostname="127.0.0.1", port=port, ready_timeout=SMTP_READY_SECONDS
        )
        try:
            controller.start()
        except (OSError, RuntimeError):
            preferred = 0  # taken meanwhile: any free port next
            continue
        break
    else:
        raise DemoError(
            "le courrier local de la démo n'a pas pu démarrer (aucun port libre sur 127.0.0.1) : fermez des "
            "programmes réseau, puis relancez `espace demo`."
        )
    try:
        yield port
    finally:
        controller.stop()


def demo_env(base: dict[str, str], data_dir: Path, port: int, smtp_port: int) -> dict[str, str]:
    """The children's settings: demo mode, the embedded database, the local mail, and the links in e-mails
    pointing at this demo's own address (whatever port it runs on)."""
    return dict(
        base,
        ESPACE_DEMO_MODE="1",
        ESPACE_DATABASE_URL=f"sqlite:///{data_dir / 'espace.db'}",  # wins over a DATABASE_URL the shell may carry
        ESPACE_HOST="127.0.0.1",
        ESPACE_PORT=str(port),
        ESPACE_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        ESPACE_SMTP_HOST="127.0.0.1",
        ESPACE_SMTP_PORT=str(smtp_port),
        # Only the demo sets this: the client then offers a reader of the local mailbox (to read the
        # codes it sent); outside a demo the reader does not exist.
        ESPACE_DEMO_MAILDIR=str(data_dir / "mail"),
    )


@contextlib.contextmanager
def child(command: list[str], env: dict[str, str], log: Path) -> Iterator[subprocess.Popen[bytes]]:
    """A child process whose output goes to a log file (it would garble the full-screen client),
    terminated when the block ends, killed if it does not stop in time."""
    with log.open("ab") as out:
        # A session of its own: the terminal's Ctrl+C goes to the client (which cancels a question with it),
        # not to the server and the mail sink, which stop only when the demo ends.
        process = subprocess.Popen(
            command, env=env, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    try:
        yield process
    finally:
        if process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


def wait_until_healthy(base_url: str, server: subprocess.Popen[bytes], timeout: float) -> bool:
    import httpx

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            return False
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(f"{base_url}/api/v1/health", timeout=1.0).status_code == 200:
                return True
        time.sleep(0.2)  # start-up poll of a real child process, not a test
    return False


def _tail(path: Path, lines: int = 15) -> str:
    with contextlib.suppress(OSError):
        return "\n".join(path.read_text("utf-8", errors="replace").splitlines()[-lines:])
    return ""


def run(args: argparse.Namespace) -> int:
    data_dir = Path(args.data_dir or ".demo").resolve()
    data_dir.mkdir(parents=True, exist_ok=True)
    port = args.port or DEFAULT_PORT
    if not _port_is_free(port):
        _say(
            f"Erreur : le port {port} est déjà utilisé (une autre démo tourne peut-être). "
            "Arrêtez-la, ou lancez `espace demo --port 8766`."
        )
        return 1
    database_url = f"sqlite:///{data_dir / 'espace.db'}"
    maildir = data_dir / "mail"
    base_url = f"http://127.0.0.1:{port}"

    _say(f"Base de démonstration : {data_dir / 'espace.db'}")
    _say(prepare_database(database_url))
    try:
        with mail_sink(maildir, DEFAULT_SMTP_PORT) as smtp_port:
            env = demo_env(dict(os.environ), data_dir, port, smtp_port)
            return _serve_and_run(args, env, data_dir, maildir, base_url)
    except DemoError as exc:
        _say(f"Erreur : {exc}")
        return 1
    finally:
        _say("Démo arrêtée : serveur, tâches de fond et courrier local sont fermés.")


def _serve_and_run(args: argparse.Namespace, env: dict[str, str], data_dir: Path, maildir: Path, base_url: str) -> int:
    espace = [sys.executable, "-m", "espace"]
    server_log, jobs_log = data_dir / "server.log", data_dir / "jobs.log"
    with (
        child([*espace, "serve"], env, server_log) as server,
        child([*espace, "jobs", "run"], env, jobs_log),
    ):
        _say(f"Courriels de la démo : {maildir / 'new'} (un fichier .eml par message).")
        if not wait_until_healthy(base_url, server, SERVER_START_TIMEOUT_SECONDS):
            _say(f"Erreur : le serveur n'a pas démarré. Fin du journal ({server_log}) :\n{_tail(server_log)}")
            return 1
        _say(f"Serveur prêt sur {base_url} (journal : {server_log}).")
        from tui.main import run as run_client

        os.environ["ESPACE_DEMO_MAILDIR"] = str(maildir)
        return run_client(argparse.Namespace(linear=args.linear, server=base_url))
