"""`espace demo` (issue 19): the links in its e-mails point at the port it really runs on, a port left in
TIME_WAIT by a demo that just stopped is free at once, a program listening on a port is not, and an SMTP port
taken between the probe and the bind is replaced — never a traceback."""

from __future__ import annotations

import socket
from pathlib import Path

import pytest

from espace import demo


def test_the_links_point_at_the_demos_own_port(tmp_path: Path):
    env = demo.demo_env({"PATH": "/bin"}, tmp_path, 8799, 8031)
    assert env["ESPACE_PUBLIC_BASE_URL"] == "http://127.0.0.1:8799"
    assert (env["ESPACE_PORT"], env["ESPACE_SMTP_PORT"], env["PATH"]) == ("8799", "8031", "/bin")
    assert env["ESPACE_DATABASE_URL"] == f"sqlite:///{tmp_path / 'espace.db'}"


def _listening() -> socket.socket:
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen()
    return server


def test_a_port_left_in_time_wait_is_free_and_a_listened_one_is_not():
    server = _listening()
    port = server.getsockname()[1]
    assert not demo._port_is_free(port)  # a program listens there
    client = socket.create_connection(("127.0.0.1", port))
    accepted, _ = server.accept()
    accepted.close()  # the server side closes first: its end stays in TIME_WAIT, as after a demo stopped
    client.close()
    server.close()
    assert demo._port_is_free(port)  # free at once for the next demo


@pytest.fixture(autouse=True)
def quick_refusal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(demo, "SMTP_READY_SECONDS", 0.1)  # how long aiosmtpd takes to report a refused bind


def test_a_smtp_port_taken_meanwhile_is_replaced(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    taken = _listening()
    port = taken.getsockname()[1]
    # the probe says free (another program binds between the probe and aiosmtpd's bind)
    monkeypatch.setattr(demo, "_port_is_free", lambda candidate: candidate == port or candidate == 0)
    monkeypatch.setattr(demo, "_free_port", lambda preferred: port if preferred == port else _any_port())
    with demo.mail_sink(tmp_path / "mail", port) as used:
        assert used != port
    taken.close()


def _any_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_no_free_smtp_port_is_said_in_french(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    taken = _listening()
    port = taken.getsockname()[1]
    monkeypatch.setattr(demo, "_free_port", lambda preferred: port)
    refused = pytest.raises(demo.DemoError, match="le courrier local de la démo n'a pas pu démarrer")
    with refused, demo.mail_sink(tmp_path / "mail", port):
        pass
    taken.close()


def test_the_demos_server_and_mail_sink_do_not_get_the_terminals_ctrl_c(tmp_path: Path):
    """Ctrl+C in the terminal goes to its foreground process group: the demo's children live in a session of
    their own, so that only the client gets it (and cancels the current question), never the server."""
    import os
    import sys

    with demo.child(
        [sys.executable, "-c", "import signal; signal.pause()"], dict(os.environ), tmp_path / "log"
    ) as process:
        assert os.getsid(process.pid) != os.getsid(0)
        assert os.getpgid(process.pid) != os.getpgid(0)
    assert process.returncode is not None  # and it is still stopped when the demo ends
