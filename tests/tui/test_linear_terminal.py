"""The linear mode under a real terminal (a pseudo-terminal, as a screen-reader user's shell gives it), issue 18:
line editing with the arrow keys (GNU readline), Ctrl+C that cancels the question at once — not at the next
server call — and says that nothing was sent, Ctrl+D that cancels a form and, at the welcome menu, quits;
a menu entry chosen by its first letters. The client runs as its own process; nothing reaches a server (the
password question is where Ctrl+C lands)."""

from __future__ import annotations

import os
import pty
import re
import select
import socket
import sys

WAIT = 60.0  # a bound on an external process that has stopped answering, not a measure
_ESCAPES = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[=>]|\r")
CHILD = """
import asyncio, sys
from tui.api.client import ApiClient
from tui.api.token_store import MemoryTokenStore
from tui.linear import LinearClient

api = ApiClient(sys.argv[1])
sys.exit(asyncio.run(LinearClient(api, token_store=MemoryTokenStore(), demo_maildir=None).run()))
"""


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Terminal:
    def __init__(self) -> None:
        env = dict(os.environ, TERM="xterm", ESPACE_DEMO_MAILDIR="")
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child: the client, on this terminal
            os.execve(sys.executable, [sys.executable, "-c", CHILD, f"http://127.0.0.1:{_closed_port()}"], env)
        self.seen = b""

    def until(self, text: str) -> str:
        """Read until ``text`` appears (escape codes aside); returns what came since the last call."""
        start = len(_ESCAPES.sub(b"", self.seen))
        while text.encode() not in _ESCAPES.sub(b"", self.seen)[start:]:
            ready, _, _ = select.select([self.fd], [], [], WAIT)
            assert ready, f"« {text} » never came:\n{_ESCAPES.sub(b'', self.seen).decode(errors='replace')[-1500:]}"
            try:
                data = os.read(self.fd, 65536)
            except OSError:
                data = b""
            assert data, f"the client ended before « {text} »:\n{_ESCAPES.sub(b'', self.seen).decode()[-1500:]}"
            self.seen += data
        return _ESCAPES.sub(b"", self.seen)[start:].decode()

    def type(self, keys: str) -> None:
        os.write(self.fd, keys.encode())

    def exit_code(self) -> int:
        try:
            while os.read(self.fd, 65536):
                pass
        except OSError:
            pass
        _, status = os.waitpid(self.pid, 0)
        os.close(self.fd)
        return os.waitstatus_to_exitcode(status)


LEFT = "\x1b[D"
CTRL_C = "\x03"
CTRL_D = "\x04"


def test_line_editing_ctrl_c_and_ctrl_d_under_a_terminal():
    term = Terminal()
    term.until("Votre choix (1 à 8) : ")
    term.type("1\r")
    term.until("numéro adhérent ou adresse e-mail : ")
    term.type(f"120458{LEFT}7\r")  # a typo corrected with the left arrow: 1204578, not 120458^[[D7
    term.until("Mot de passe : ")
    term.type(CTRL_C)  # at once: the question is cancelled, nothing was sent
    said = term.until("Votre choix (1 à 8) : ")
    assert "Annulé : rien n'a été envoyé." in said
    assert "== Accueil == (8 choix ; « r » : les relire" in said  # reminded in one line, not reread
    term.type("se co\r")  # the first letters of « Se connecter »
    said = term.until("(Entrée pour garder 1204578) : ")  # the corrected identifier, offered back
    assert "^[" not in said and "Connexion en cours" not in said
    term.type(CTRL_D)  # in a form: cancels it
    assert "Annulé : rien n'a été envoyé." in term.until("Votre choix (1 à 8) : ")
    term.type(CTRL_D)  # at the welcome menu: leaves
    term.until("Au revoir.")
    assert term.exit_code() == 0
