"""Login: a modal pushed before anything else. Its result, an authenticated session (the API client
holding the token), is handed to the main screens."""

from __future__ import annotations

from typing import ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input

from tui.api import errors
from tui.api.client import ApiClient
from tui.api.token_store import TokenStore, device_item, is_open, load_items
from tui.bindings import anonymous_bindings, modal_bindings
from tui.flows import login as login_flow
from tui.flows.actions import ANONYMOUS, DEFAULT_REGISTRY, Registry, keys_label
from tui.flows.login import LoginFlow, LoginOutcome
from tui.flows.session import AuthenticatedSession
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static

TITLE = "Connexion à votre espace adhérent"


def login_hint(registry: Registry) -> str:
    """Only keys that work while typing in a field: not the plain letters (they go into the field)."""

    def usable(action_id: str) -> str:
        return keys_label(k for k in registry[action_id].keys if len(k) > 1 and k != "question_mark")

    links = " · ".join(f"{keys_label(a.keys)} : {a.description}" for a in registry.actions if a.context == ANONYMOUS)
    return f"Entrée : valider · Tab : champ suivant · {usable('help')} : aide · {usable('quit')} : quitter\n{links}"


def login_help_label(registry: Registry) -> str:
    """The visible way to « Aide à la connexion », with its key (remappable) in words."""
    return f"Problème de connexion ? Aide à la connexion ({keys_label(registry['login_help'].keys)})"


def _remember_label(on: bool) -> str:
    return f"{login_flow.REMEMBER_LABEL} : {'oui' if on else 'non'}"


class LoginScreen(ModalScreen[AuthenticatedSession]):
    AUTO_FOCUS = "#identifier"
    BINDINGS: ClassVar[list[BindingType]] = [*modal_bindings(), *anonymous_bindings()]  # type: ignore[assignment]

    class Finished(Message):
        """Posted by the login worker with the flow's outcome."""

        def __init__(self, outcome: LoginOutcome) -> None:
            super().__init__()
            self.outcome = outcome

    def __init__(
        self,
        api: ApiClient,
        *,
        notice: str | None = None,
        notice_is_error: bool = False,
        registry: Registry = DEFAULT_REGISTRY,
        token_store: TokenStore | None = None,
        identifier: str | None = None,
    ) -> None:
        super().__init__(id="login")
        self.registry = registry
        self.api = api
        self.flow = LoginFlow(api, token_store)
        if identifier:
            self.flow.identifier = identifier
        self._notice = notice
        self._notice_is_error = notice_is_error

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="login-box"):
            # Docked at the top of the box: the title and the error stay in view however far the
            # fields scroll at 80×24 (human check shown, the Accueil links below).
            with Vertical(id="login-head"):
                yield Static(TITLE, id="login-title", markup=False)
                yield StatusLine(id="login-status")
            yield Label(login_flow.IDENTIFIER_LABEL, id="identifier-label")
            yield Input(
                self.flow.identifier,
                id="identifier",
                placeholder="ex. 1000001 ou prenom.nom@example.fr",
                select_on_focus=False,
                max_length=254,
            )
            yield Label(login_flow.PASSWORD_LABEL, id="password-label")
            yield Input(id="password", password=True, select_on_focus=False, max_length=1024)
            # The human check's question and answer are mounted when the server first asks for one (see
            # show_challenge): most logins never need them, and each field costs the first paint.
            yield Checkbox(_remember_label(self.flow.remember), self.flow.remember, id="remember", compact=True)
            yield Button("Se connecter", id="submit", variant="primary")
            yield Button(login_help_label(self.registry), id="login-help-button", compact=True)
            yield Static(login_hint(self.registry), id="login-hint", markup=False)

    def on_mount(self) -> None:
        status = self.query_one(StatusLine)
        if self.flow.identifier:
            self.query_one("#password", Input).focus()
        if self._notice:
            (status.error if self._notice_is_error else status.info)(self._notice)

    @property
    def in_use(self) -> bool:
        """The member has typed a password or is logging in: a session kept on the device must not take over."""
        return bool(self.query_one("#password", Input).value) or self.query_one("#submit", Button).disabled

    def recall_identifier(self) -> None:
        """The token store has opened after the form was painted (`OpeningTokenStore`): fill in the
        remembered identifier, unless the member has already started typing one."""
        field = self.query_one("#identifier", Input)
        if field.value:
            return
        self.flow.recall()
        if not self.flow.identifier:
            return
        field.value = self.flow.identifier
        with self.prevent(Checkbox.Changed):  # recalled, not a choice the member just made
            remember = self.query_one("#remember", Checkbox)
            remember.value = self.flow.remember
            remember.label = _remember_label(self.flow.remember)
        if field.has_focus:
            self.query_one("#password", Input).focus()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#login-status", StatusLine)

    @on(Input.Submitted, "#identifier")
    def _identifier_entered(self) -> None:
        if not self.query_one("#password", Input).value:
            self.query_one("#password", Input).focus()
        else:
            self._submit()

    @on(Input.Submitted, "#password")
    def _password_entered(self) -> None:
        answer = self._challenge_answer()
        if self.flow.challenge is not None and answer is not None and not answer.value.strip():
            answer.focus()
        else:
            self._submit()

    def _challenge_answer(self) -> Input | None:
        return next(iter(self.query("#challenge").results(Input)), None)

    @on(Checkbox.Changed, "#remember")
    def _remember(self, event: Checkbox.Changed) -> None:
        self.flow.remember = event.value
        event.checkbox.label = _remember_label(event.value)  # the state in words, not a colour alone
        if event.value:
            self._say_if_memory_only()

    def _say_if_memory_only(self) -> None:
        """Where no keyring exists, say that what is remembered stays in memory — once it is known: a box
        ticked while the keyring still opens hears it when it has (`store_opened`)."""
        if not is_open(self.flow.store):
            return
        notice = self.flow.memory_only_notice()
        if notice:
            self.status.info(notice)

    def store_opened(self) -> None:
        """The token store has opened after the form was painted (`OpeningTokenStore`)."""
        if self.flow.remember:
            self._say_if_memory_only()

    def show_challenge(self) -> None:
        answer = self._challenge_answer()
        if answer is None:
            if self.flow.challenge is None:
                return
            answer = Input(id="challenge", select_on_focus=False, max_length=100)
            question = Static("", id="challenge-question", markup=False)
            self.query_one("#login-box").mount(question, answer, before="#remember")
        else:
            question = self.query_one("#challenge-question", Static)
        answer.value = ""
        if self.flow.challenge is None:
            question.set_class(True, "-hidden")
            answer.set_class(True, "-hidden")
            return
        question.update(f"{login_flow.CHALLENGE_INTRO} {self.flow.challenge.question}")
        question.set_class(False, "-hidden")
        answer.set_class(False, "-hidden")

    @on(Button.Pressed, "#login-help-button")
    async def _login_help(self) -> None:
        await self.app.run_action("login_help")

    @on(Input.Submitted, "#challenge")
    @on(Button.Pressed, "#submit")
    def _submit(self) -> None:
        identifier = self.query_one("#identifier", Input)
        password = self.query_one("#password", Input)
        challenge = self._challenge_answer()
        problems = self.flow.fill(identifier.value, password.value, challenge.value if challenge else "")
        if problems:
            self.status.error(" ".join(p.message for p in problems))
            self.query_one(f"#{problems[0].field}", Input).focus()
            return
        password.value = ""  # the flow holds it until it is sent, then forgets it
        self.status.info(login_flow.SUBMITTING)
        self.query_one("#submit", Button).disabled = True
        self._send()

    @work(exclusive=True, group="login", exit_on_error=False)
    async def _send(self) -> None:
        # The device token of this identifier, read in the keyring's thread and awaited here: the UI loop
        # goes on meanwhile (a keyring still opening, or asking to be unlocked, never freezes the form).
        await load_items(self.flow.store, self.api.base_url, [device_item(self.flow.identifier)])
        outcome = await self.flow.submit()
        self.post_message(self.Finished(outcome))

    @on(Finished)
    def _finished(self, message: Finished) -> None:
        self.query_one("#submit", Button).disabled = False
        outcome = message.outcome
        if outcome.session is not None:
            self.status.info(outcome.message)
            self.dismiss(outcome.session)
            return
        if outcome.pending is not None:
            from tui.screens.account import CodeScreen

            self.status.info(outcome.message)
            self.app.push_screen(CodeScreen(self.flow), self._code_done)
            return
        self.status.error(outcome.message)
        self.show_challenge()
        self.query_one(f"#{outcome.field or 'password'}", Input).focus()

    def _code_done(self, outcome: LoginOutcome | None) -> None:
        if outcome is None:
            return
        if outcome.session is not None:
            self.dismiss(outcome.session)
            return
        self.status.error(outcome.message)
        self.query_one("#password", Input).focus()

    def on_worker_state_changed(self, event) -> None:  # a bug in the client: say so, do not crash
        from textual.worker import WorkerState

        if event.state is WorkerState.ERROR and event.worker.group == "login":
            self.query_one("#submit", Button).disabled = False
            self.status.error(errors.UNEXPECTED)
