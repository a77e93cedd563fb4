"""`espace doctor` (issue 21, item 2): what can keep the client from working on this computer, each in one
French sentence that says what to do — the server's address (it answers ``/api/v1/health``), the clock (compared
with the server's ``Date`` header: an authenticator's code is refused beyond 30 seconds of drift), the
keyring (which backend, or the in-memory fallback), the terminal (TERM, colours, at least 80×24) and the
configuration file (it parses; unknown sections and keys named). Exit status 1 when a problem is found.

Everything the checks read from the machine is injectable (``Machine``): tests give a clock, an
environment, a terminal size, a keyring probe and an HTTP transport instead of the real ones.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

if TYPE_CHECKING:
    import httpx

MAX_DRIFT = timedelta(seconds=30)
"""An authenticator app's code lives 30 seconds (one TOTP step): beyond that, the server refuses it."""
MIN_COLUMNS, MIN_LINES = 80, 24
TIMEOUT = 5.0
KNOWN_CONFIG = {"keys": None, "display": {"theme"}}
"""The configuration file's sections, and the keys each takes (None: any action id, checked by the client)."""


class Level(Enum):
    ok = "OK"
    notice = "À savoir"
    problem = "Problème"


@dataclass(frozen=True)
class Finding:
    topic: str
    level: Level
    sentence: str

    def line(self) -> str:
        return f"{self.topic} : {self.level.value}. {self.sentence}"


@dataclass
class Machine:
    """What the checks read from this computer; the real one by default."""

    server: str
    environ: Mapping[str, str] = field(default_factory=lambda: dict(os.environ))
    now: Callable[[], datetime] = field(default=lambda: datetime.now(UTC))
    terminal_size: Callable[[], tuple[int, int] | None] = field(default=lambda: _terminal_size(sys.stdout))
    keyring: Callable[[], object | None] | None = None
    """Returns the usable keyring backend or None (``tui.api.token_store.usable_keyring`` by default)."""
    transport: httpx.AsyncBaseTransport | None = None
    config_path: Path | None = None


def _terminal_size(stream: TextIO) -> tuple[int, int] | None:
    try:
        size = os.get_terminal_size(stream.fileno())
    except (OSError, ValueError, AttributeError):
        return None
    return size.columns, size.lines


# -- the server and the clock ----------------------------------------------------------------------


@dataclass(frozen=True)
class _Reply:
    sent_at: datetime
    received_at: datetime
    status: int
    body: Any
    date: str | None


async def _ask_health(machine: Machine, base_url: str) -> _Reply:
    import httpx

    from tui.api.client import API_PREFIX

    async with httpx.AsyncClient(
        base_url=base_url, transport=machine.transport, timeout=TIMEOUT, follow_redirects=False
    ) as http:
        sent_at = machine.now()
        response = await http.get(f"{API_PREFIX}/health")
        received_at = machine.now()
    try:
        body = response.json()
    except ValueError:
        body = None
    return _Reply(sent_at, received_at, response.status_code, body, response.headers.get("date"))


async def check_server(machine: Machine) -> tuple[Finding, _Reply | None]:
    import httpx

    from tui.api import errors
    from tui.api.client import check_server_url

    topic = "Serveur"
    how = "--server, sinon la variable ESPACE_SERVER"
    try:
        base_url = check_server_url(machine.server, machine.transport)
    except errors.ApiError as exc:
        return Finding(topic, Level.problem, f"{exc.message} L'adresse vient de {how}."), None
    try:
        reply = await _ask_health(machine, base_url)
    except httpx.TimeoutException:
        sentence = (
            f"{base_url} ne répond pas en {TIMEOUT:.0f} secondes : vérifiez votre connexion à Internet et "
            f"l'adresse ({how})."
        )
        return Finding(topic, Level.problem, sentence), None
    except httpx.HTTPError as exc:
        what = "connexion impossible" if isinstance(exc, httpx.ConnectError) else "erreur réseau"
        sentence = (
            f"{base_url} est injoignable ({what}) : vérifiez l'adresse ({how}), votre connexion, ou que le "
            "serveur est lancé (espace serve)."
        )
        return Finding(topic, Level.problem, sentence), None
    if reply.status != 200 or not isinstance(reply.body, dict) or reply.body.get("status") != "ok":
        sentence = (
            f"{base_url} répond, mais /api/v1/health rend le code {reply.status} au lieu de « ok » : ce n'est pas un "
            f"serveur Espace Adhérent, ou il est en panne ; vérifiez l'adresse ({how}) ou prévenez votre mutuelle."
        )
        return Finding(topic, Level.problem, sentence), reply
    return Finding(topic, Level.ok, f"{base_url} répond (/api/v1/health : ok)."), reply


def _duration(delta: timedelta) -> str:
    seconds = int(abs(delta).total_seconds())
    minutes, seconds = divmod(seconds, 60)
    hours, minutes = divmod(minutes, 60)
    parts = [f"{hours} h"] if hours else []
    parts += [f"{minutes} min"] if minutes else []
    parts += [f"{seconds} s"] if seconds or not parts else []
    return " ".join(parts)


def check_clock(reply: _Reply | None) -> Finding:
    topic = "Horloge"
    if reply is None:
        return Finding(topic, Level.notice, "Pas vérifiée : il faut pour cela que le serveur réponde.")
    try:
        server_time = parsedate_to_datetime(reply.date) if reply.date else None
    except (TypeError, ValueError):
        server_time = None
    if server_time is None or server_time.tzinfo is None:
        sentence = "Pas vérifiée : le serveur n'a pas donné son heure (en-tête Date) ; rien à faire de votre côté."
        return Finding(topic, Level.notice, sentence)
    # the server's second was read between sending and receiving: compare with the middle of the two
    local = reply.sent_at + (reply.received_at - reply.sent_at) / 2
    drift = local - server_time
    if abs(drift) > MAX_DRIFT:
        way = "avance" if drift > timedelta(0) else "retarde"
        sentence = (
            f"L'horloge de cet ordinateur {way} de {_duration(drift)} sur celle du serveur : au-delà de 30 "
            "secondes, les codes d'une application d'authentification sont refusés. Réglez la date et l'heure "
            "sur « automatique » (synchronisation réseau), ici et sur le téléphone qui donne les codes."
        )
        return Finding(topic, Level.problem, sentence)
    return Finding(topic, Level.ok, f"À {_duration(drift)} près de celle du serveur (30 secondes au plus).")


# -- the keyring -------------------------------------------------------------------------------------


def _keyring_choice(environ: Mapping[str, str]) -> str | None:
    """The keyring the user chose, in keyring's documented places, in words; None when none is chosen."""
    if environ.get("PYTHON_KEYRING_BACKEND"):
        return f"la variable PYTHON_KEYRING_BACKEND ({environ['PYTHON_KEYRING_BACKEND']})"
    config_home = environ.get("XDG_CONFIG_HOME") or os.path.join(environ.get("HOME", "~"), ".config")
    path = os.path.join(config_home, "python_keyring", "keyringrc.cfg")
    return f"le fichier {path}" if os.path.exists(path) else None


def check_keyring(machine: Machine) -> Finding:
    from tui.api.token_store import SERVICE, usable_keyring

    topic = "Trousseau"
    backend = (machine.keyring or usable_keyring)()
    chosen = _keyring_choice(machine.environ)
    if backend is None:
        if chosen:
            sentence = (
                f"Le trousseau choisi par {chosen} ne peut pas servir (absent, ou il écrirait les secrets en clair) : "
                "la session reste en mémoire seulement ; corrigez ce réglage ou retirez-le."
            )
            return Finding(topic, Level.problem, sentence)
        sentence = (
            "Aucun trousseau du système ici (pas de session de bureau) : la session est gardée en mémoire et "
            "« Se souvenir de moi » ne retient rien après la fermeture ; pour en avoir un, ouvrez une session de "
            "bureau (GNOME Keyring, KWallet, KeePassXC) ou choisissez-en un avec PYTHON_KEYRING_BACKEND."
        )
        return Finding(topic, Level.notice, sentence)
    name = getattr(backend, "name", None) or type(backend).__name__
    try:
        backend.get_password(SERVICE, "espace-doctor")  # type: ignore[attr-defined]
    except Exception as exc:  # a locked or broken keyring: said, never a crash of the doctor
        sentence = (
            f"Le trousseau « {name} » ne répond pas ({type(exc).__name__}) : déverrouillez-le (souvent avec le mot "
            "de passe de votre session), sinon la session reste en mémoire seulement."
        )
        return Finding(topic, Level.problem, sentence)
    return Finding(topic, Level.ok, f"« {name} », utilisable : la session et « Se souvenir de moi » y sont gardés.")


# -- the terminal ------------------------------------------------------------------------------------


def check_terminal(machine: Machine) -> list[Finding]:
    env = machine.environ
    term = env.get("TERM", "")
    findings = []
    if not term:
        sentence = (
            "La variable TERM n'est pas définie : le client ne sait pas dessiner l'écran ; lancez-le depuis un "
            "terminal (TERM=xterm-256color par exemple)."
        )
        findings.append(Finding("Terminal (TERM)", Level.problem, sentence))
    elif term == "dumb":
        sentence = (
            "TERM=dumb : le client s'ouvre en mode linéaire (lecteur d'écran, plage braille) ; pour le plein "
            "écran, utilisez un terminal qui définit TERM (xterm-256color…)."
        )
        findings.append(Finding("Terminal (TERM)", Level.notice, sentence))
    else:
        findings.append(Finding("Terminal (TERM)", Level.ok, f"TERM={term}."))
    if "NO_COLOR" in env:
        colours = "Désactivées (NO_COLOR) : chaque statut reste écrit en toutes lettres ; rien à faire."
        findings.append(Finding("Couleurs", Level.ok, colours))
    elif env.get("COLORTERM") in ("truecolor", "24bit") or "256color" in term:
        findings.append(Finding("Couleurs", Level.ok, "Le terminal affiche 256 couleurs ou plus."))
    elif term and term != "dumb":
        sentence = (
            "Seulement 8 ou 16 couleurs : choisissez le thème « ansi-dark » ou « ansi-light » (touche F2, ou "
            "[display] theme dans le fichier de configuration) pour suivre celles du terminal."
        )
        findings.append(Finding("Couleurs", Level.notice, sentence))
    size = machine.terminal_size()
    if size is None:
        sentence = "La sortie n'est pas un terminal : le client s'y ouvrira en mode linéaire."
        findings.append(Finding("Taille", Level.notice, sentence))
    elif size[0] < MIN_COLUMNS or size[1] < MIN_LINES:
        sentence = (
            f"{size[0]} colonnes × {size[1]} lignes : il en faut au moins {MIN_COLUMNS} × {MIN_LINES} ; "
            "agrandissez la fenêtre ou réduisez la taille du texte."
        )
        findings.append(Finding("Taille", Level.problem, sentence))
    else:
        findings.append(Finding("Taille", Level.ok, f"{size[0]} colonnes × {size[1]} lignes."))
    return findings


# -- the configuration file --------------------------------------------------------------------------


def unknown_entries(data: Mapping[str, Any]) -> list[str]:
    """The sections and keys of the configuration the client does not know, as « [section] » and
    « section.clé » (unknown action ids in [keys] are the client's own warnings)."""
    unknown = []
    for section, value in data.items():
        if section not in KNOWN_CONFIG:
            unknown.append(f"[{section}]")
            continue
        allowed = KNOWN_CONFIG[section]
        if allowed is not None and isinstance(value, dict):
            unknown += [f"{section}.{key}" for key in value if key not in allowed]
    return unknown


def check_config(machine: Machine) -> Finding:
    import tomllib

    from tui.flows.config import config_path, parse_config

    topic = "Configuration"
    path = machine.config_path or config_path(machine.environ)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return Finding(topic, Level.ok, f"Pas de fichier {path} : les réglages par défaut s'appliquent.")
    except (OSError, UnicodeDecodeError) as exc:
        return Finding(topic, Level.problem, f"Le fichier {path} ne se lit pas ({exc}) : vérifiez ses droits.")
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        sentence = f"Le fichier {path} n'est pas du TOML valide ({exc}) : il est ignoré ; corrigez cette ligne."
        return Finding(topic, Level.problem, sentence)
    unknown = unknown_entries(data)
    warnings = parse_config(text).warnings
    if not unknown and not warnings:
        return Finding(topic, Level.ok, f"Le fichier {path} est lu sans erreur.")
    parts = []
    if unknown:
        parts.append(
            f"inconnu{'s' if len(unknown) > 1 else ''} : {', '.join(unknown)} (sections possibles : [keys], "
            "[display] avec theme)"
        )
    parts += [w.rstrip(".") for w in warnings]
    sentence = f"Dans {path}, ignoré par le client — " + " ; ".join(parts) + ". Corrigez ou retirez ces lignes."
    return Finding(topic, Level.problem, sentence)


# -- all of it ---------------------------------------------------------------------------------------


async def run_checks(machine: Machine) -> list[Finding]:
    server, reply = await check_server(machine)
    return [
        server,
        check_clock(reply),
        check_keyring(machine),
        *check_terminal(machine),
        check_config(machine),
    ]


def report(findings: list[Finding], out: TextIO) -> int:
    """One line per finding, then the count; 1 when a problem was found, else 0."""
    out.write("== Diagnostic d'Espace Adhérent ==\n")
    for finding in findings:
        out.write(finding.line() + "\n")
    problems = sum(f.level is Level.problem for f in findings)
    if problems:
        out.write(f"{problems} problème{'s' if problems > 1 else ''} trouvé{'s' if problems > 1 else ''}.\n")
    else:
        out.write("Aucun problème trouvé.\n")
    return 1 if problems else 0


def run(args: argparse.Namespace, machine: Machine | None = None, out: TextIO | None = None) -> int:
    from tui.main import server_url

    machine = machine or Machine(server=server_url(args))
    return report(asyncio.run(run_checks(machine)), out or sys.stdout)
