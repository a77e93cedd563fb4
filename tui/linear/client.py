"""The linear face of the flows in `tui.flows`.

Every screen starts with a heading line (`== Tableau de bord ==`); records are one labelled line each;
dates are read out ("15 juillet 2025"); errors go to standard error and start with `Erreur :`; every
state change is said in words. Standard input, output and error are injectable (tests feed lines).
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Callable
from typing import TextIO

from tui.api import errors
from tui.api.client import ApiClient
from tui.api.token_store import MemoryTokenStore, TokenStore
from tui.flows import login as login_flow
from tui.flows.actions import DEFAULT_REGISTRY, Action, Registry, keys_label
from tui.flows.dashboard import NO_CLAIMS, NO_CONTRACT, build_view
from tui.flows.login import AuthenticatedSession, LoginFlow, Step

TITLE = "Espace Adhérent – mode linéaire"
MENU_HEADING = "Que voulez-vous faire ?"
GOODBYE = "Au revoir."


class _EndOfInput(Exception):
    """Standard input is closed: leave quietly."""


class LinearClient:
    def __init__(
        self,
        api: ApiClient,
        *,
        stdin: TextIO | None = None,
        stdout: TextIO | None = None,
        stderr: TextIO | None = None,
        token_store: TokenStore | None = None,
        registry: Registry = DEFAULT_REGISTRY,
        read_secret: Callable[[str], str] | None = None,
        notices: list[str] | None = None,
    ) -> None:
        self.api = api
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.token_store = token_store or MemoryTokenStore()
        self.registry = registry
        self._read_secret = read_secret
        self.notices = notices or []

    # -- output -------------------------------------------------------------------------------------

    def say(self, line: str = "") -> None:
        self.stdout.write(line + "\n")
        self.stdout.flush()

    def heading(self, title: str) -> None:
        self.say(f"== {title} ==")

    def error(self, message: str) -> None:
        self.stdout.flush()
        self.stderr.write(f"Erreur : {message}\n")
        self.stderr.flush()

    # -- input --------------------------------------------------------------------------------------

    def _interactive(self) -> bool:
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError):
            return False

    def ask(self, prompt: str) -> str:
        interactive = self._interactive()
        # On a terminal the answer follows the prompt; otherwise the line ends at the colon.
        self.stdout.write(f"{prompt} :" + (" " if interactive else ""))
        self.stdout.flush()
        line = self.stdin.readline()
        if not line:
            self.say()
            raise _EndOfInput
        if not interactive:
            self.say()  # the answer was not echoed: end the prompt's line so output stays line-based
        return line.rstrip("\r\n")

    def ask_secret(self, prompt: str) -> str:
        if self._read_secret is not None:
            return self._read_secret(f"{prompt} : ")
        if self._interactive():
            try:
                return getpass.getpass(f"{prompt} : ", stream=self.stdout)
            except EOFError as exc:
                raise _EndOfInput from exc
        return self.ask(prompt)

    # -- the flows ----------------------------------------------------------------------------------

    async def run(self) -> int:
        self.say(TITLE)
        for notice in self.notices:
            self.say(notice)
        try:
            session = await login_flow.resume(self.api, self.token_store)
            if session is not None:
                self.say("Session précédente reprise. " + login_flow.LOGGED_IN)
            while True:
                if session is None:
                    session = await self.login()
                if await self.main_menu(session) == "quit":
                    break
                session = None
        except _EndOfInput:
            pass
        self.say(GOODBYE)
        return 0

    async def login(self) -> AuthenticatedSession:
        flow = LoginFlow(self.api)
        self.heading("Connexion")
        while True:
            prompt = flow.prompt()
            if prompt.secret:
                text = self.ask_secret(prompt.label)
            elif prompt.default:
                text = self.ask(f"{prompt.label} (Entrée pour garder {prompt.default})")
            else:
                text = self.ask(prompt.label)
            problem = flow.answer(text)
            if problem:
                self.error(problem)
                continue
            if flow.step is not Step.SUBMIT:
                continue
            self.say(login_flow.SUBMITTING)
            outcome = await flow.submit()
            if outcome.session is not None:
                login_flow.remember(outcome, self.token_store)
                self.say(outcome.message)
                return outcome.session
            self.error(outcome.message)

    def menu_actions(self, areas: list[str]) -> list[Action]:
        return [a for a in self.registry.available(logged_in=True, areas=areas) if a.linear]

    async def show_dashboard(self, session: AuthenticatedSession) -> list[str] | None:
        """Print the tableau de bord; returns the areas the server lists, None if it failed."""
        try:
            dashboard = await session.api.dashboard()
        except errors.ApiError as exc:
            self.error(exc.message)
            return None
        view = build_view(dashboard, long_dates=True, registry=self.registry)
        self.heading(view.heading)
        self.say(view.greeting)
        self.say(view.member_line)
        for warning in view.warnings:
            self.say(warning)
        self.heading(f"Mon contrat ({len(view.contracts)})" if view.contracts else "Mon contrat")
        if not view.contracts:
            self.say(NO_CONTRACT)
        for contract in view.contracts:
            self.say(contract.sentence)
            self.say(contract.people)
        self.heading(view.claims_heading)
        if not view.claims:
            self.say(NO_CLAIMS)
        for record in view.claims:
            self.say(record.line())
        self.heading("Messagerie")
        self.say(view.unread)
        return dashboard.areas

    def show_help(self, actions: list[Action]) -> None:
        self.heading("Aide")
        self.say("Tapez le numéro d'une action puis Entrée. Fin de l'entrée (Ctrl+D) : quitter.")
        self.say("Dans le client plein écran, les mêmes actions ont ces touches :")
        for action in self.registry.actions:
            self.say(f"{keys_label(action.keys)} : {action.description}")

    async def main_menu(self, session: AuthenticatedSession) -> str:
        """The numbered menu, until logout ("logout") or quit ("quit")."""
        areas = await self.show_dashboard(session)
        while True:
            if areas is None and not session.api.is_authenticated:  # session over: log in again
                self.token_store.delete(session.api.base_url)
                return "logout"
            actions = self.menu_actions(areas or [])
            self.heading(MENU_HEADING)
            for number, action in enumerate(actions, start=1):
                self.say(f"{number}. {action.description}")
            try:
                answer = self.ask(f"Votre choix (1 à {len(actions)})")
            except _EndOfInput:
                return "quit"
            choice = answer.strip()
            if not choice.isdigit() or not 1 <= int(choice) <= len(actions):
                self.error(f"choix invalide : « {choice} ». Tapez un nombre de 1 à {len(actions)}.")
                continue
            action = actions[int(choice) - 1]
            if action.id in ("dashboard", "refresh"):
                areas = await self.show_dashboard(session)
            elif action.id == "help":
                self.show_help(actions)
            elif action.id == "logout":
                self.say(await login_flow.logout(session, self.token_store))
                return "logout"
            elif action.id == "quit":
                return "quit"
