"""`espace doctor` (issue 21, item 2): each check passes against a real server and a sane machine, then
fails once — server unreachable, refused address or not a portal; clock drifted; keyring chosen but
unusable, or locked; TERM unset; terminal too small; configuration unreadable or with unknown keys — and
the exit status is 1 exactly when a problem is found. The machine (clock, environment, terminal size,
keyring, HTTP transport) is injected; the reachable case is a real server process (uvicorn, which sends
the Date header the clock is compared with)."""

from __future__ import annotations

import asyncio
import io
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

import httpx
import pytest

from espace import doctor
from espace.cli import main
from espace.doctor import Level, Machine
from tests.server.live_server import server

SERVER_NOW = datetime(2026, 12, 6, 9, 0, 0, tzinfo=UTC)
GOOD_ENV = {"TERM": "xterm-256color", "HOME": "/nonexistent"}


class GoodKeyring:
    name = "SecretService Keyring"

    def get_password(self, service: str, username: str) -> str | None:
        return None


class LockedKeyring(GoodKeyring):
    def get_password(self, service: str, username: str) -> str | None:
        raise RuntimeError("locked")


def portal(date: datetime = SERVER_NOW, *, status: int = 200, body: object | None = None) -> httpx.MockTransport:
    """An odd server for the unhappy cases (the happy one is a real server process)."""

    def handle(request: httpx.Request) -> httpx.Response:
        assert request.url.path == "/api/v1/health"
        return httpx.Response(
            status,
            json={"status": "ok"} if body is None else body,
            headers={"Date": format_datetime(date, usegmt=True)},
        )

    return httpx.MockTransport(handle)


def machine(tmp_path: Path, **overrides) -> Machine:
    fields = {
        "server": "http://127.0.0.1:8765",
        "environ": dict(GOOD_ENV),
        "now": lambda: SERVER_NOW,
        "terminal_size": lambda: (80, 24),
        "keyring": GoodKeyring,
        "transport": portal(),
        "config_path": tmp_path / "config.toml",
    }
    fields.update(overrides)
    return Machine(**fields)


def run(m: Machine) -> tuple[int, str, dict[str, doctor.Finding]]:
    findings = asyncio.run(doctor.run_checks(m))
    out = io.StringIO()
    code = doctor.report(findings, out)
    return code, out.getvalue(), {f.topic: f for f in findings}


def problems(findings: dict[str, doctor.Finding]) -> list[str]:
    return [topic for topic, f in findings.items() if f.level is Level.problem]


def test_a_real_server_and_a_sane_machine_pass(tmp_path):
    (tmp_path / "config.toml").write_text('[keys]\nlogout = "ctrl+d"\n[display]\ntheme = "ansi-dark"\n')
    with server(f"sqlite:///{tmp_path / 'doctor.db'}") as base:
        code, out, findings = run(machine(tmp_path, server=base, transport=None, now=lambda: datetime.now(UTC)))
    assert code == 0, out
    assert out.endswith("Aucun problème trouvé.\n")
    assert findings["Serveur"].sentence == f"{base} répond (/api/v1/health : ok)."
    assert findings["Horloge"].level is Level.ok  # uvicorn's Date header, within 30 s of this clock
    assert findings["Trousseau"].sentence.startswith("« SecretService Keyring », utilisable")
    assert findings["Configuration"].level is Level.ok
    assert all(line.count(" : ") >= 1 for line in out.splitlines()[1:-1])  # « Sujet : Niveau. Phrase »


def test_unreachable_server_is_a_problem_and_the_clock_is_not_checked(tmp_path):
    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("refused", request=request)

    code, out, findings = run(machine(tmp_path, transport=httpx.MockTransport(refuse)))
    assert code == 1 and problems(findings) == ["Serveur"]
    assert "est injoignable (connexion impossible) : vérifiez l'adresse" in findings["Serveur"].sentence
    assert findings["Horloge"].level is Level.notice
    assert out.endswith("1 problème trouvé.\n")


def test_an_unencrypted_remote_address_is_refused_before_any_request(tmp_path):
    code, _, findings = run(machine(tmp_path, server="http://espace.example.fr", transport=None))
    assert code == 1 and problems(findings) == ["Serveur"]
    assert findings["Serveur"].sentence.startswith("Adresse refusée : « http://espace.example.fr »")


def test_a_server_that_is_not_the_portal_is_said(tmp_path):
    code, _, findings = run(machine(tmp_path, transport=portal(status=404, body={"detail": "Not Found"})))
    assert code == 1 and problems(findings) == ["Serveur"]
    assert "/api/v1/health rend le code 404 au lieu de « ok »" in findings["Serveur"].sentence


@pytest.mark.parametrize(
    ("drift", "words"),
    [(timedelta(seconds=31), "avance de 31 s"), (timedelta(minutes=-2, seconds=-5), "retarde de 2 min 5 s")],
)
def test_a_clock_drift_beyond_30_seconds_is_a_problem(tmp_path, drift, words):
    code, _, findings = run(machine(tmp_path, now=lambda: SERVER_NOW + drift))
    assert code == 1 and problems(findings) == ["Horloge"]
    assert f"L'horloge de cet ordinateur {words} sur celle du serveur" in findings["Horloge"].sentence
    assert "application d'authentification" in findings["Horloge"].sentence


def test_30_seconds_of_drift_still_pass(tmp_path):
    code, _, findings = run(machine(tmp_path, now=lambda: SERVER_NOW + timedelta(seconds=30)))
    assert code == 0 and findings["Horloge"].level is Level.ok


def test_a_keyring_chosen_but_unusable_or_locked_is_a_problem(tmp_path):
    env = {**GOOD_ENV, "PYTHON_KEYRING_BACKEND": "keyrings.alt.file.PlaintextKeyring"}
    code, _, findings = run(machine(tmp_path, environ=env, keyring=lambda: None))
    assert code == 1 and problems(findings) == ["Trousseau"]
    assert "PYTHON_KEYRING_BACKEND (keyrings.alt.file.PlaintextKeyring) ne peut pas servir" in (
        findings["Trousseau"].sentence
    )
    code, _, findings = run(machine(tmp_path, keyring=LockedKeyring))
    assert code == 1 and "ne répond pas (RuntimeError) : déverrouillez-le" in findings["Trousseau"].sentence
    # no keyring at all (an SSH session): the in-memory fallback is said, not a problem
    code, _, findings = run(machine(tmp_path, keyring=lambda: None))
    assert code == 0 and findings["Trousseau"].level is Level.notice
    assert "gardée en mémoire" in findings["Trousseau"].sentence


def test_the_terminal_unset_term_and_too_small(tmp_path):
    code, _, findings = run(machine(tmp_path, environ={"HOME": "/nonexistent"}, terminal_size=lambda: (79, 24)))
    assert code == 1 and problems(findings) == ["Terminal (TERM)", "Taille"]
    assert findings["Taille"].sentence.startswith("79 colonnes × 24 lignes : il en faut au moins 80 × 24")
    # TERM=dumb (a screen reader's choice) and no terminal at all: said, not problems; NO_COLOR honoured
    code, _, findings = run(machine(tmp_path, environ={"TERM": "dumb", "NO_COLOR": "1"}, terminal_size=lambda: None))
    assert code == 0
    assert "mode linéaire" in findings["Terminal (TERM)"].sentence and "NO_COLOR" in findings["Couleurs"].sentence
    _, _, findings = run(machine(tmp_path, environ={"TERM": "xterm"}))
    assert findings["Couleurs"].level is Level.notice and "ansi-dark" in findings["Couleurs"].sentence


def test_the_configuration_file_unreadable_or_with_unknown_keys(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("[display\ntheme = 'ansi-dark'\n")
    code, _, findings = run(machine(tmp_path))
    assert code == 1 and problems(findings) == ["Configuration"]
    assert "n'est pas du TOML valide" in findings["Configuration"].sentence
    path.write_text('[display]\ntheme = "ansi-dark"\nfont = "mono"\n[colours]\nred = 1\n[keys]\nlogot = "x"\n')
    code, _, findings = run(machine(tmp_path))
    sentence = findings["Configuration"].sentence
    assert code == 1 and problems(findings) == ["Configuration"]
    assert "inconnus : display.font, [colours]" in sentence
    assert "Action inconnue dans [keys] : « logot »" in sentence


def test_the_config_path_follows_xdg_config_home(tmp_path):
    (tmp_path / "espace").mkdir()
    (tmp_path / "espace" / "config.toml").write_text("[oops]\n")
    env = {**GOOD_ENV, "XDG_CONFIG_HOME": str(tmp_path)}
    _, _, findings = run(machine(tmp_path, environ=env, config_path=None))
    assert str(tmp_path / "espace" / "config.toml") in findings["Configuration"].sentence


def test_the_command_line_exits_1_on_a_problem(capsys):
    assert main(["doctor", "--server", "http://espace.example.fr"]) == 1
    out = capsys.readouterr().out
    assert out.startswith("== Diagnostic d'Espace Adhérent ==\nServeur : Problème. Adresse refusée")
