"""`espace tui`: fast start (no server stack imported), face selection, clean exit on a bad address."""

from __future__ import annotations

import argparse
import io
import subprocess
import sys

from tui.main import run, server_url, wants_linear


def test_the_client_never_imports_the_server_stack():
    code = (
        "import sys, tui.main, tui.app, tui.linear\n"
        "bad = sorted(m for m in sys.modules if m.split('.')[0] in "
        "('sqlmodel', 'sqlalchemy', 'fastapi', 'starlette', 'server', 'alembic', 'fixtures') "
        "or m.startswith('models.tables'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout.strip() == ""


def _args(**kw) -> argparse.Namespace:
    return argparse.Namespace(linear=kw.get("linear", False), server=kw.get("server"))


class _Tty(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_linear_is_chosen_by_flag_dumb_terminal_or_pipe():
    assert wants_linear(_args(linear=True), {"TERM": "xterm"}, _Tty())
    assert wants_linear(_args(), {"TERM": "dumb"}, _Tty())
    assert wants_linear(_args(), {"TERM": "xterm"}, io.StringIO())  # not a terminal
    assert not wants_linear(_args(), {"TERM": "xterm-256color"}, _Tty())


def test_server_address_from_flag_then_environment_then_default():
    assert server_url(_args(server="https://a.example"), {"ESPACE_SERVER": "https://b"}) == "https://a.example"
    assert server_url(_args(), {"ESPACE_SERVER": "https://b.example"}) == "https://b.example"
    assert server_url(_args(), {}) == "http://127.0.0.1:8765"


def test_an_unencrypted_remote_server_is_refused_with_a_french_message(capsys):
    assert run(_args(server="http://espace.example.fr", linear=True)) == 2
    err = capsys.readouterr().err
    assert err.startswith("Erreur : Adresse refusée : « http://espace.example.fr » n'est pas chiffrée")


def test_linear_mode_without_server_exits_cleanly(tmp_path):
    """The real command, piped: no server on a free port; a French message, no traceback."""
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {
        "PATH": "",
        "HOME": str(tmp_path),
        "XDG_CONFIG_HOME": str(tmp_path),
        "TERM": "dumb",
        "PYTHON_KEYRING_BACKEND": "keyring.backends.fail.Keyring",
    }
    result = subprocess.run(
        [sys.executable, "-m", "espace", "tui", "--server", f"http://127.0.0.1:{port}"],
        input="1\n1204587\nsecret\n",  # Accueil: 1. Se connecter
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr == (  # cut at 80 characters for a braille display (tui.linear.speech)
        "Erreur : Le serveur ne répond pas. Vérifiez que le service est démarré (espace\n  serve) puis réessayez.\n"
    )
    assert result.stdout.startswith("Espace Adhérent – mode linéaire\n")
    assert "trousseau" in result.stdout  # says plainly the session is kept in memory only
    assert result.stdout.endswith("Au revoir.\n")
