"""The linear face of the flows in `tui.flows`.

Every screen starts with a heading line (`== Tableau de bord ==`); records are one labelled line each;
dates are read out ("15 juillet 2025"); errors go to standard error and start with `Erreur :`; every
state change is said in words. Standard input, output and error are injectable (tests feed lines).
"""

from __future__ import annotations

import asyncio
import contextlib
import getpass
import re
import signal
import sys
import threading
from collections.abc import Awaitable, Callable, Iterator
from pathlib import Path
from typing import TextIO, TypeVar

from tui.api import errors
from tui.api.client import ApiClient
from tui.api.token_store import MemoryTokenStore, TokenStore
from tui.flows import account as flows
from tui.flows import login as login_flow
from tui.flows import login_help, mailbox, menus
from tui.flows.actions import DEFAULT_REGISTRY, Action, Registry
from tui.flows.dashboard import NO_CLAIMS, NO_CONTRACT, SERVICES_HEADING, build_view
from tui.flows.login import LoginFlow, LoginOutcome, Step
from tui.flows.session import AuthenticatedSession
from tui.linear import account as linear_account
from tui.linear import claims as linear_claims
from tui.linear import guarantees as linear_guarantees
from tui.linear import messaging as linear_messaging
from tui.linear import speech
from tui.linear.ending import Back, Cancelled, EndOfInput

T = TypeVar("T")

TITLE = "Espace Adhérent – mode linéaire"
MENU_HEADING = "Que voulez-vous faire ?"
GOODBYE = "Au revoir."


EXPIRY_LATER = "Ne pas prolonger"
EXPIRY_NOT_EXTENDED = "Session non prolongée : sans activité, il faudra vous reconnecter."
CANCELLED = "Annulé : rien n'a été envoyé."
INTERRUPTED = "Interrompu : si la demande était déjà partie, vérifiez-la avant de la refaire."
REAUTH_INTRO = (
    "Votre session a expiré. Reconnectez-vous pour continuer : ce que vous avez saisi est gardé (Ctrl+C : abandonner)."
)
AT_TOP = "Vous êtes au menu principal : « Quitter » est le dernier choix."


# Control characters other than tab and newline (C0, DEL, C1): text typed by someone else (a message, a
# form value echoed back in an error) must never reach the terminal as an escape sequence that moves the
# cursor, rewrites the line or changes the terminal's title. Each is shown as U+FFFD instead.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def printable(text: str) -> str:
    return _CONTROL.sub("\ufffd", text)


_line_editing_ready = False


def _enable_line_editing() -> None:
    """GNU readline (standard library) behind ``input()``: arrow keys, Home/End and the history of this
    run, as screen-reader users expect of a command-line program. Absent on some builds: plain input."""
    global _line_editing_ready
    if not _line_editing_ready:
        _line_editing_ready = True
        with contextlib.suppress(ImportError):
            import readline  # importing it is what hooks it into input()

            # No bracketed-paste markers around each line: a braille display would show them.
            readline.parse_and_bind("set enable-bracketed-paste off")


def readline_completer(complete: Callable[[str], list[str]]) -> Callable[[str, int], str | None]:
    """Readline's completer protocol (the ``state``-th completion of ``text``, None after the last) over a
    function that lists completions of the whole line typed (a path: its spaces belong to it)."""
    found: list[str] = []

    def completer(text: str, state: int) -> str | None:
        if state == 0:
            found[:] = complete(text)
        return found[state] if state < len(found) else None

    return completer


@contextlib.contextmanager
def _completion(complete: Callable[[str], list[str]] | None) -> Iterator[None]:
    """Tab completes the answer (a file's path) while this question is asked, under readline only."""
    try:
        import readline
    except ImportError:
        readline = None  # type: ignore[assignment]
    if complete is None or readline is None:
        yield
        return
    before, delimiters = readline.get_completer(), readline.get_completer_delims()
    readline.set_completer(readline_completer(complete))
    readline.set_completer_delims("\t\n")  # the whole line is the text completed
    readline.parse_and_bind("tab: complete")
    try:
        yield
    finally:
        readline.set_completer(before)
        readline.set_completer_delims(delimiters)


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
        demo_maildir: Path | None = None,
        for_speech: bool | None = None,
    ) -> None:
        self.demo_maildir = demo_maildir if demo_maildir is not None else mailbox.demo_maildir()
        registry = registry.with_demo(self.demo_maildir is not None)
        self.api = api
        self.stdin = stdin or sys.stdin
        self.stdout = stdout or sys.stdout
        self.stderr = stderr or sys.stderr
        self.token_store = token_store or MemoryTokenStore()
        self.registry = registry
        self._read_secret = read_secret
        self.notices = notices or []
        self._prompt_session: AuthenticatedSession | None = None
        """The session the prompts belong to: each prompt first says the expiry warning when it is due."""
        self.for_speech = speech.BY_DEFAULT if for_speech is None else for_speech
        """Lines rendered for the ear and the fingers (`tui.linear.speech`): times in words, masked values said
        as masked, identifiers digit by digit, abbreviations explained once, lines cut at 80 characters."""
        self._abbreviations_said: set[str] = set()
        self._menus_read: set[tuple[str, tuple[str, ...]]] = set()
        """Menus already read in full: after that, one line reminds them (« r » reads them again)."""
        self.menu_number: int | None = None
        """The number typed after the words of the entry last chosen (« détail 3 »), None without one."""
        self._reading = False
        self._interrupted = False
        self._task: asyncio.Task[int] | None = None
        self._identifier: str | None = None
        """Who is logged in (as typed at login): after an expiry, only their password is asked again."""

    # -- output -------------------------------------------------------------------------------------

    def say(self, line: str = "") -> None:
        for part in self._rendered(printable(line)):
            self.stdout.write(part + "\n")
        self.stdout.flush()

    def _rendered(self, text: str) -> list[str]:
        if not self.for_speech:
            return text.split("\n")
        return speech.lines_of(text, speech.WIDTH, self._abbreviations_said)

    def heading(self, title: str) -> None:
        self.say(f"== {title} ==")

    def error(self, message: str) -> None:
        self.stdout.flush()
        for part in self._rendered(f"Erreur : {printable(message)}"):
            self.stderr.write(part + "\n")
        self.stderr.flush()

    # -- input --------------------------------------------------------------------------------------

    def _interactive(self) -> bool:
        try:
            return self.stdin.isatty()
        except (AttributeError, ValueError):
            return False

    def _line_editing(self) -> bool:
        """``input()`` (with readline) only on the process's own terminal: it reads sys.stdin."""
        return self.stdin is sys.stdin and self.stdout is sys.stdout and self._interactive() and sys.stdout.isatty()

    def ask(self, prompt: str, *, menu: bool = False, complete: Callable[[str], list[str]] | None = None) -> str:
        """One line. Ctrl+C cancels the question (`Cancelled`); end of input (Ctrl+D) cancels it too, or,
        at a main menu (``menu``), leaves (`EndOfInput`). ``complete``: what Tab completes the line with
        (a file's path), on a terminal."""
        interactive = self._interactive()
        prompt = printable(prompt)
        if self.for_speech:  # a long question: its beginning said as lines, the prompt is its last line
            *before, prompt = speech.lines_of(prompt + " :", speech.WIDTH) or [":"]
            prompt = prompt.removesuffix(" :").removesuffix(":").strip()
            for line in before:
                self.say(line)
        self._reading = True
        try:
            if self._line_editing():
                _enable_line_editing()
                try:
                    with _completion(complete):
                        line = input(f"{prompt} : ") + "\n"
                except EOFError:
                    line = ""
            else:
                # On a terminal the answer follows the prompt; otherwise the line ends at the colon.
                self.stdout.write(f"{prompt} :" + (" " if interactive else ""))
                self.stdout.flush()
                line = self.stdin.readline()
        except KeyboardInterrupt:
            self.say()
            raise Cancelled from None
        finally:
            self._reading = False
        if not line:
            self.say()
            raise EndOfInput if menu else Cancelled
        if not interactive:
            self.say()  # the answer was not echoed: end the prompt's line so output stays line-based
        return line.rstrip("\r\n")

    def ask_secret(self, prompt: str) -> str:
        if self._read_secret is not None:
            return self._read_secret(f"{prompt} : ")
        if self._interactive():
            self._reading = True
            try:
                return getpass.getpass(f"{prompt} : ", stream=self.stdout)
            except EOFError:
                self.say()
                raise Cancelled from None
            except KeyboardInterrupt:
                self.say()
                raise Cancelled from None
            finally:
                self._reading = False
        return self.ask(prompt)

    # -- Ctrl+C -------------------------------------------------------------------------------------

    def _on_interrupt(self, signum: int, frame: object) -> None:
        """Ctrl+C: while a line is read, it interrupts the read at once (the question is cancelled);
        while the client waits for the server, it cancels that wait (the menu says so). Never the whole
        program, and in the demo never the server: it runs in a session of its own."""
        if self._reading:
            raise KeyboardInterrupt
        task = self._task
        if task is not None and not task.done():
            self._interrupted = True
            task.cancel()

    async def guarded(self, work: Awaitable[T]) -> T | None:
        """Run one menu entry; a cancelled question or an interrupted wait comes back here, in words
        (None then)."""
        try:
            return await work
        except Cancelled:
            self.say(CANCELLED)
        except asyncio.CancelledError:
            task = asyncio.current_task()
            if not self._interrupted or task is None:
                raise
            self._interrupted = False
            task.uncancel()
            self.say(INTERRUPTED)
        return None

    # -- the flows ----------------------------------------------------------------------------------

    async def run(self) -> int:
        self._task = asyncio.current_task()
        catch_interrupt = self._interactive() and threading.current_thread() is threading.main_thread()
        previous = signal.signal(signal.SIGINT, self._on_interrupt) if catch_interrupt else None
        try:
            return await self._run()
        finally:
            if catch_interrupt:
                signal.signal(signal.SIGINT, previous)

    async def _run(self) -> int:
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
        except EndOfInput:
            pass
        self.say(GOODBYE)
        return 0

    def choose(
        self, heading: str, options: list[str], *, top: bool = False, numbered: frozenset[int] = frozenset()
    ) -> int:
        """A numbered menu; returns the index chosen (0-based), asking again after a wrong answer.

        Read in full the first time, then as a one-line reminder; the answers of `tui.flows.menus`
        (number, first letters, 0, r, ?). ``top``: a main menu, where Ctrl+D leaves and 0 has nowhere to go;
        elsewhere 0 without a « Retour » entry cancels the flow. ``numbered``: entries that take a number
        typed after their words (« détail 3 »), kept in ``menu_number`` (None when none was typed)."""
        self.menu_number = None
        key = (heading, tuple(options))
        full = key not in self._menus_read
        self._menus_read.add(key)
        while True:
            if full:
                self.heading(heading)
                for number, option in enumerate(options, start=1):
                    self.say(f"{number}. {option}")
            else:
                self.say(menus.reminder(f"== {heading} ==", len(options)))
            full = False
            while True:
                answer = menus.read_answer(self.ask(f"Votre choix (1 à {len(options)})", menu=top), options, numbered)
                if answer.kind is menus.Kind.CHOSEN:
                    self.menu_number = answer.number
                    return answer.index
                if answer.kind is menus.Kind.REPEAT:
                    full = True
                    break
                if answer.kind is menus.Kind.HELP:
                    for line in menus.COMMANDS_HELP:
                        self.say(line)
                elif answer.kind is menus.Kind.BACK:
                    if not top:
                        raise Back
                    self.say(AT_TOP)
                else:
                    self.error(answer.problem)

    def ask_field(self, label: str, default: str | None = None) -> str:
        return self.ask(f"{label} (Entrée pour garder {default})" if default else label) or (default or "")

    # The prompts of the flows: the same, after the session-expiry warning when it is due (issue 10: at every
    # prompt of a session, not only before the main menu, since a person may stay long on any question).

    async def _warn_if_due(self) -> None:
        session = self._prompt_session
        if session is not None and session.api.is_authenticated:
            await self.warn_expiry(session)

    async def prompt(self, prompt: str, *, complete: Callable[[str], list[str]] | None = None) -> str:
        await self._warn_if_due()
        return self.ask(prompt, complete=complete)

    async def prompt_secret(self, prompt: str) -> str:
        await self._warn_if_due()
        return self.ask_secret(prompt)

    async def pick(
        self, heading: str, options: list[str], *, top: bool = False, numbered: frozenset[int] = frozenset()
    ) -> int:
        await self._warn_if_due()
        return self.choose(heading, options, top=top, numbered=numbered)

    async def prompt_field(self, label: str, default: str | None = None) -> str:
        await self._warn_if_due()
        return self.ask_field(label, default)

    def show_result(self, result: flows.Result) -> bool:
        if result.ok:
            if result.message:
                self.say(result.message)
            return True
        for problem in result.problems:
            self.error(problem.message)
        return False

    def welcome_actions(self) -> list[Action]:
        anonymous = [a for a in self.registry.available(logged_in=False) if a.context == "anonymous"]
        demo = [a for a in self.registry.actions if a.id == "demo_mailbox"]
        return anonymous + demo

    async def login(self) -> AuthenticatedSession:
        """The welcome menu (se connecter, première connexion, oublis, démo), until logged in."""
        flow = LoginFlow(self.api, self.token_store)  # kept: the identifier and a pending human check
        while True:
            extra = self.welcome_actions()
            options = ["Se connecter", *[a.description for a in extra], "Quitter"]
            index = await self.pick("Accueil", options, top=True)
            if index == len(options) - 1:
                raise EndOfInput
            session = await self.guarded(self._welcome_action(flow, None if index == 0 else extra[index - 1].id))
            if session is not None:
                return session

    async def login_help(self) -> str | None:
        """« Aide à la connexion »: a question, its answer, then its way out (the flow's registry id, or
        ``login_help.LOGIN``), another question, or back to the Accueil menu (None)."""
        self.heading(login_help.TITLE)
        self.say(login_help.INTRO)
        questions = login_help.QUESTIONS
        while True:
            options = [*(q.question for q in questions), login_help.BACK_TO_WELCOME]
            index = await self.pick(login_help.PICK_HEADING, options)
            if index == len(questions):
                return None
            question = questions[index]
            self.heading(question.question)
            for line in login_help.answer_lines(question):
                self.say(line)
            remedy = login_help.remedy_label(question, self.registry, keys=False)
            options = [*([remedy] if remedy else []), login_help.BACK_TO_QUESTIONS, login_help.BACK_TO_WELCOME]
            choice = options[await self.pick("Et maintenant ?", options)]
            if choice == remedy:
                return question.remedy
            if choice == login_help.BACK_TO_WELCOME:
                return None

    async def _welcome_action(self, flow: LoginFlow, action: str | None) -> AuthenticatedSession | None:
        """One entry of the welcome menu (None: « Se connecter »); the session once logged in."""
        if action is None:
            return await self.log_in(flow)
        if action == "login_help":
            remedy = await self.login_help()
            if remedy == login_help.LOGIN:
                return await self.log_in(flow)
            return await self._welcome_action(flow, remedy) if remedy else None
        if action == "activate":
            flow.identifier = await linear_account.activate(self) or flow.identifier
        elif action == "forgot_password":
            flow.identifier = await linear_account.forgot_password(self) or flow.identifier
        elif action == "forgot_identifier":
            await linear_account.forgot_identifier(self)
        elif action == "not_me":
            flow.identifier = await linear_account.not_me(self) or flow.identifier
        elif action == "resend_confirmation":
            flow.identifier = await linear_account.resend_confirmation(self) or flow.identifier
        elif action == "demo_mailbox":
            self.show_mailbox()
        return None

    async def log_in(self, flow: LoginFlow, *, same_person: bool = False) -> AuthenticatedSession | None:
        """One attempt; after a refusal, back to the Accueil menu (Mot de passe oublié is there).
        ``same_person``: after an expiry, the identifier is not asked (nor changed), only what follows."""
        flow.step = Step.PASSWORD if same_person else Step.IDENTIFIER
        self.heading("Connexion")
        while True:
            prompt = flow.prompt()
            if prompt.field == "challenge" and flow.challenge is not None:
                self.say(f"{login_flow.CHALLENGE_INTRO} {flow.challenge.question}")
            if prompt.secret:
                text = await self.prompt_secret(prompt.label)
            elif prompt.default:
                text = await self.prompt(f"{prompt.label} (Entrée pour garder {prompt.default})")
            else:
                text = await self.prompt(prompt.label)
            problem = flow.answer(text)
            if problem:
                self.error(problem)
                continue
            if flow.step is not Step.SUBMIT:
                continue
            self.say(login_flow.SUBMITTING)
            outcome = await flow.submit()
            if outcome.pending is not None:
                outcome = await self.second_factor(flow, outcome)
            if outcome.session is not None:
                login_flow.remember(outcome, self.token_store)
                self.say(outcome.message)
                self._identifier = flow.identifier
                outcome.session.api.reauthenticate = self._reauthenticate
                if outcome.password_expired and not await linear_account.change_password(
                    self, outcome.session, forced=True
                ):
                    await login_flow.logout(outcome.session, self.token_store)
                    return None
                return outcome.session
            self.error(outcome.message)
            return None

    async def second_factor(self, flow: LoginFlow, outcome: LoginOutcome) -> LoginOutcome:
        """The code screen: destination, validity said once, « r » to resend (a code that travels only)."""
        pending = flow.pending
        assert pending is not None
        self.heading("Code de connexion")
        self.say(outcome.message)
        for sentence in login_flow.code_details(pending):
            self.say(sentence)
        while True:
            assert flow.pending is not None
            resend = login_flow.can_resend(flow.pending)
            others = login_flow.other_methods(flow.pending)  # the full screen's « Code par SMS »… buttons
            keys = [
                *(["« r » pour renvoyer un code"] if resend else []),
                *(["« a » pour le recevoir autrement"] if others else []),
            ]
            if keys:  # said before the question, which stays short (a braille line, a prompt heard whole)
                self.say(f"Ou tapez {' ou '.join(keys)}.")
            text = await self.prompt(flow.prompt().label)
            choice = text.strip().lower()
            if (resend and choice == "r") or (others and choice == "a"):
                method = None
                if choice == "a":
                    ways = [f"Code {login_flow.method_words(m)}" for m in others]
                    index = await self.pick("Recevoir le code autrement", [*ways, "Garder ce moyen"])
                    if index == len(others):
                        continue
                    method = others[index]
                resent = await flow.resend(method)
                (self.say if resent.field is None else self.error)(resent.message)
                continue
            problem = flow.enter_code(text)
            if problem:
                self.error(problem)
                continue
            self.say(login_flow.CODE_CHECKING)
            result = await flow.send_code()
            if result.ask_trust:  # the code is right: now the question
                self.say(result.message)
                self.say(login_flow.TRUST_EXPLAIN)
                answer = await self.pick(login_flow.TRUST_QUESTION, [login_flow.TRUST_YES, login_flow.TRUST_NO])
                result = await flow.choose_trust(answer == 0)
            if result.session is not None or not result.retry_possible:
                return result
            self.error(result.message)

    def show_mailbox(self) -> None:
        if self.demo_maildir is None:
            return
        mails, problem = mailbox.load(self.demo_maildir)
        self.heading(f"{mailbox.TITLE} ({len(mails)})")
        if problem:
            self.error(problem)
        elif not mails:
            self.say(mailbox.EMPTY)
        for mail in mails:
            self.say(mail.summary())
            for line in mail.body.splitlines():
                self.say(f"  {line}")

    async def leave(self, session: AuthenticatedSession) -> str:
        """« Quitter » (or Ctrl+D at a main menu): a session this device keeps (the keyring) stays, to be
        resumed next time; one kept nowhere is ended on the server rather than left open until it expires."""
        if session.api.is_authenticated and not self.token_store.persistent:
            self.say(await login_flow.logout(session, self.token_store))
        return "quit"

    async def _reauthenticate(self) -> bool:
        """The server said the session is over in the middle of something: the password (and the second
        factor) right there, then the request that failed is sent again — nothing typed is lost. The
        identifier stays the one who logged in: another person cannot take over the draft."""
        if self._identifier is None:
            return False
        self.say(REAUTH_INTRO)
        flow = LoginFlow(self.api, self.token_store)
        flow.identifier = self._identifier
        for _ in range(3):
            if await self.log_in(flow, same_person=True) is not None:
                return True
        return False

    def menu_actions(self, areas: list[str]) -> list[Action]:
        actions = [a for a in self.registry.available(logged_in=True, areas=areas) if a.linear]
        # « Quitter » always last, wherever the registry declares it.
        return sorted(actions, key=lambda action: action.id == "quit")

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
        if view.services:
            self.heading(SERVICES_HEADING)
            for line in view.services:
                self.say(line)
        self.heading("Messagerie")
        self.say(view.unread)
        return dashboard.areas

    async def warn_expiry(self, session: AuthenticatedSession) -> None:
        """Before a prompt, when the idle expiry is near: the time it ends, said once in words, and a
        numbered « Prolonger » choice (the same `ExpiryWatch` as the full-screen client)."""
        watch = getattr(self, "_expiry_watch", None)
        if watch is None or watch.api is not session.api:
            watch = self._expiry_watch = flows.ExpiryWatch(session.api)
        if not watch.due():
            return
        self.say(flows.expiry_warning(session.api))
        if self.choose(flows.EXPIRY_TITLE, [flows.EXTEND_LABEL, EXPIRY_LATER]) != 0:
            self.say(EXPIRY_NOT_EXTENDED)
            return
        result = await watch.extend()
        if result.ok:
            self.say(result.message)
        else:
            self.error(result.text())

    def show_help(self, actions: list[Action]) -> None:
        """What works at every question of this mode, then this menu's entries (not the full-screen
        client's keys: they do nothing here)."""
        self.heading("Aide")
        for line in menus.COMMANDS_HELP:
            self.say(line)
        self.say("Dans un formulaire, Entrée sans rien écrire garde la réponse proposée entre parenthèses.")
        self.say("Les flèches gauche et droite corrigent la ligne ; haut et bas rappellent les réponses déjà tapées.")
        self.say(f"Ce menu ({len(actions)} choix) :")
        for number, action in enumerate(actions, start=1):
            self.say(f"{number}. {action.menu_label}")

    async def main_menu(self, session: AuthenticatedSession) -> str:
        """The numbered menu, until logout ("logout") or quit ("quit")."""
        self._prompt_session = session  # the conseiller's console too: a call may keep them long on a question
        try:
            if session.session is not None and session.session.role != "member":  # issue 9: staff land in their console
                from tui.linear.agent import run_console

                return await run_console(self, session)
            return await self._member_menu(session)
        finally:
            self._prompt_session = None  # logged out: no warning at the login prompts

    async def _member_menu(self, session: AuthenticatedSession) -> str:
        areas = await self.show_dashboard(session)
        while True:
            if session.api.password_expired:  # a 403 password_expired from any route
                if not await linear_account.change_password(self, session, forced=True):
                    self.say(await login_flow.logout(session, self.token_store))
                    return "logout"
                areas = await self.show_dashboard(session)
                continue
            if not session.api.is_authenticated:  # session over and not renewed: log in again
                self.token_store.delete(session.api.base_url)
                return "logout"
            await self.warn_expiry(session)  # issue 10: said once, before the prompt, never a countdown
            actions = self.menu_actions(areas or [])
            try:
                action = actions[await self.pick(MENU_HEADING, [a.menu_label for a in actions], top=True)]
            except EndOfInput:  # Ctrl+D at the main menu: as « Quitter »
                return await self.leave(session)
            if action.id == "logout":
                self.say(await login_flow.logout(session, self.token_store))
                return "logout"
            if action.id == "quit":
                return await self.leave(session)
            areas = await self.guarded(self._member_action(session, action, actions)) or areas

    async def _member_action(
        self, session: AuthenticatedSession, action: Action, actions: list[Action]
    ) -> list[str] | None:
        """One entry of the member's menu; the dashboard's areas when it was shown again."""
        if action.id in ("dashboard", "refresh"):
            return await self.show_dashboard(session)
        if action.id == "help":
            self.show_help(actions)
        elif action.id == "change_password":
            await linear_account.change_password(self, session)
        elif action.id == "security":
            await linear_account.security(self, session)
        elif action.id == "totp_enroll":
            await linear_account.totp(self, session)
        elif action.id == "demo_mailbox":
            self.show_mailbox()
        elif action.id == "messaging":  # issue 7
            await linear_messaging.show_inbox(self, session)
        elif action.id == "requests":
            await linear_messaging.show_requests(self, session)
        elif action.id == "notifications":
            await linear_messaging.show_notifications(self, session)
        elif action.id == "claims":  # issue 6
            await linear_claims.run_claims(self, session)
        elif action.id == "guarantees":
            await linear_guarantees.show_guarantees(self, session)
        elif action.id == "simulator":
            await linear_guarantees.run_simulator(self, session)
        elif action.id == "directory":  # issue 21
            from tui.linear.directory import run_directory

            await run_directory(self, session)
        elif action.id == "profile":  # issue 8
            from tui.linear.profile import run_profile

            await run_profile(self, session)
        elif action.id == "access":  # issue 21
            from tui.flows.profile import BENEFICIARY_HEADING, BENEFICIARY_SECTIONS
            from tui.linear.profile import run_profile

            await run_profile(self, session, BENEFICIARY_SECTIONS, BENEFICIARY_HEADING)
        elif action.id == "guarantees_pdf":
            await linear_guarantees.save_pdf(self, session)
        elif action.id == "saved_simulations":
            await linear_guarantees.show_saved(self, session)
        return None
