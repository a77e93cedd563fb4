"""The account screens of issue 4: the code screen, "Se fier à cet appareil ?", Première connexion,
Mot de passe oublié, Retrouver mon identifiant, Changer mon mot de passe, the session-expiry warning,
Mes appareils de confiance, the authenticator app, and (demo only) the demo mailbox.

They only lay out what the flows of `tui.flows.account` and `tui.flows.login` decide. Every HTTP call
runs in an exclusive worker that posts a `Done` message; a handler updates the widgets.
"""

from __future__ import annotations

import dataclasses
import inspect
from collections.abc import Awaitable, Callable
from enum import Enum
from pathlib import Path
from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, OptionList
from textual.worker import WorkerState

from models.schemas.auth import SecondFactorMethod
from tui.api import errors
from tui.api.client import ApiClient
from tui.bindings import modal_bindings, screen_bindings
from tui.flows import account as flows
from tui.flows import login as login_flow
from tui.flows import mailbox
from tui.flows.forms import SECRET, Ask
from tui.flows.login import LoginFlow, LoginOutcome, Step
from tui.flows.password import RULES_SUMMARY, PolicyCheck
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static

BACK_HINT = "Tab : champ suivant · Entrée : valider · Échap : retour"


class Done(Message):
    """Posted by a screen's worker: what to do with the flow's answer, run on the screen's thread."""

    def __init__(self, apply: Callable[[], Any]) -> None:
        super().__init__()
        self.apply = apply


class AccountScreen(ModalScreen[Any]):
    """A bordered box that scrolls at 80×24, a status line that speaks in words, Échap to go back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *modal_bindings(),
        *screen_bindings("account"),
    ]
    ACTION_SCREEN = "account"
    TITLE_TEXT = ""
    HINT = BACK_HINT

    def compose(self) -> ComposeResult:
        # The title once, as the login box has it: in bold at the top of the box (not also in its border).
        with VerticalScroll(id="account-box", classes="account-box"):
            # Docked at the top of the box: the title, the step and the status stay in view however far
            # the fields scroll at 80×24.
            with Vertical(id="account-head", classes="account-head"):
                yield Static(self.TITLE_TEXT, id="account-title", classes="account-title", markup=False)
                yield from self.head()
                yield StatusLine(id="account-status")
            yield from self.body()
            yield Static(self.HINT, id="account-hint", classes="account-hint", markup=False)

    def head(self) -> ComposeResult:
        """What stays in view above the fields (a step heading)."""
        yield from ()

    def body(self) -> ComposeResult:
        yield from ()

    @property
    def status(self) -> StatusLine:
        return self.query_one("#account-status", StatusLine)

    def field(self, name: str) -> Input:
        return self.query_one(f"#{name}", Input)

    def value(self, name: str) -> str:
        return self.field(name).value

    def show_result(self, result: flows.Result) -> None:
        if result.ok:
            self.status.info(result.message)
            return
        self.status.error(result.text())
        first = result.problems[0].field
        targets = self.query(f"#{first}")
        if first != "form" and targets:
            targets.first().focus()

    def run_flow(self, call: Callable[[], Awaitable[Any]], then: Callable[[Any], Any]) -> None:
        """Run one HTTP step in the screen's exclusive worker; `then` gets its result on the UI side."""
        self.status.info("Envoi en cours…")
        self._worker(call, then)

    @work(exclusive=True, group="account", exit_on_error=False)
    async def _worker(self, call: Callable[[], Awaitable[Any]], then: Callable[[Any], Any]) -> None:
        result = await call()
        self.post_message(Done(lambda: then(result)))

    @on(Done)
    async def _done(self, message: Done) -> None:
        outcome = message.apply()
        if inspect.isawaitable(outcome):  # handlers that recompose the screen are coroutines
            await outcome

    def on_worker_state_changed(self, event) -> None:  # a bug in the client: say so, do not crash
        if event.state is WorkerState.ERROR and event.worker.group == "account":
            self.status.error(errors.UNEXPECTED)

    def action_close(self) -> None:
        self.dismiss(None)


def password_input(name: str) -> Input:
    # Paste allowed (Textual's Input accepts it); never a per-character entry.
    return Input(id=name, password=True, select_on_focus=False, max_length=128)


def field_widgets(ask: Ask, value: str = "", *, max_length: int = 100) -> ComposeResult:
    """A field declared in ``tui.flows.account``: its words over it (those the linear mode asks), then the
    input; a password masked."""
    yield Label(flows.label_of(ask))
    if ask.kind == SECRET:
        yield password_input(ask.name)
    else:
        yield Input(value, id=ask.name, select_on_focus=False, max_length=max_length)


def challenge_widgets(asks: tuple[Ask, ...]) -> ComposeResult:
    """The human check: its question (the declared field's ``before``) over the answer; the question is
    loaded once the screen is shown."""
    ask = next((a for a in asks if a.name == "challenge"), None)
    question = ask.before if ask else f"{login_flow.CHALLENGE_INTRO} Chargement de la question…"
    yield Static(question, id="challenge-question", markup=False)
    yield Input(id="challenge", select_on_focus=False, max_length=100)


class PolicyLines(Static):
    """The broken rules, in words, updated as the member types."""

    def __init__(self, *, id: str = "policy") -> None:
        super().__init__(RULES_SUMMARY, id=id, markup=False)

    def show(self, password: str, policy: PolicyCheck) -> None:
        if not password:
            self.update(RULES_SUMMARY)
            return
        self.update("\n".join(flows.policy_lines(policy(password))))


# -- second factor ---------------------------------------------------------------------------------------


class TrustScreen(ModalScreen[bool]):
    """« Se fier à cet appareil ? » Oui / Non merci."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *modal_bindings(),
        *screen_bindings("trust"),
    ]
    ACTION_SCREEN = "trust"
    AUTO_FOCUS = "#trust-yes"

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="trust-box", classes="account-box"):
            yield Static(login_flow.TRUST_QUESTION, id="trust-question", classes="account-title", markup=False)
            yield Static(login_flow.TRUST_EXPLAIN, id="trust-explain", markup=False)
            with Horizontal(classes="buttons"):
                yield Button(f"{login_flow.TRUST_YES} (O)", id="trust-yes", variant="primary")
                yield Button(f"{login_flow.TRUST_NO} (N)", id="trust-no")

    @on(Button.Pressed, "#trust-yes")
    def _yes(self) -> None:
        self.dismiss(True)

    @on(Button.Pressed, "#trust-no")
    def _no(self) -> None:
        self.dismiss(False)

    def action_answer(self, trust: bool) -> None:
        self.dismiss(trust)


class CodeScreen(AccountScreen):
    """The code screen: masked destination, validity said once, « Renvoyer un code », another channel."""

    TITLE_TEXT = "Code de connexion"
    AUTO_FOCUS = "#code"

    def __init__(self, flow: LoginFlow) -> None:
        super().__init__(id="code-screen")
        self.flow = flow

    def _sentences(self) -> str:
        pending = self.flow.pending
        assert pending is not None
        return " ".join([login_flow.code_sent_sentence(pending), *login_flow.code_details(pending)])

    def body(self) -> ComposeResult:
        pending = self.flow.pending
        assert pending is not None
        yield Static(self._sentences(), id="code-sent", markup=False)
        yield Label(self._label(), id="code-label")
        yield Input(id="code", select_on_focus=False, max_length=32, placeholder="ex. 123456")
        with Horizontal(id="code-buttons", classes="buttons"):
            yield from self._buttons()

    def _label(self) -> str:
        return self.flow.prompt().label if self.flow.step is Step.CODE else login_flow.CODE_LABEL

    def _buttons(self) -> list[Button]:
        """Valider, then what the current way of receiving the code allows: a resend for a code that travels,
        one button per other way the server offers."""
        pending = self.flow.pending
        assert pending is not None
        buttons = [Button("Valider", id="code-submit", variant="primary")]
        if login_flow.can_resend(pending):
            buttons.append(Button("Renvoyer un code", id="resend", disabled=pending.resends_left <= 0))
        buttons += [
            Button(f"Code {login_flow.method_words(m)}", id=f"method-{m.value}")
            for m in login_flow.other_methods(pending)
        ]
        return buttons

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#code-submit")
    def _submit(self) -> None:
        problem = self.flow.enter_code(self.value("code"))
        if problem:
            self.status.error(problem)
            self.field("code").focus()
            return
        self.field("code").value = ""
        self.status.info(login_flow.CODE_CHECKING)
        self.run_flow(self.flow.send_code, self._sent)

    def _trusted(self, trust: bool | None) -> None:
        self.run_flow(lambda: self.flow.choose_trust(bool(trust)), self._logged_in)

    def _logged_in(self, outcome: LoginOutcome) -> None:
        self.dismiss(outcome)

    def _sent(self, outcome: LoginOutcome) -> None:
        if outcome.ask_trust:  # the code is right: now, and only now, the question
            self.status.info(outcome.message)
            self.app.push_screen(TrustScreen(id="trust"), self._trusted)
            return
        if outcome.session is not None:
            self.dismiss(outcome)
            return
        self.status.error(outcome.message)
        if not outcome.retry_possible:
            self.dismiss(outcome)
            return
        self.field("code").focus()

    @on(Button.Pressed, "#resend")
    def _resend(self) -> None:
        self.status.info(login_flow.RESENDING)
        self.run_flow(self.flow.resend, self._resent)

    @on(Button.Pressed)
    def _other_method(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("method-"):
            method = SecondFactorMethod(button_id.removeprefix("method-"))
            self.status.info(login_flow.RESENDING)
            self.run_flow(lambda: self.flow.resend(method), self._resent)

    async def _resent(self, outcome: LoginOutcome) -> None:
        if outcome.pending is not None and outcome.field is None:
            # Another way may have been chosen: the sentence, the field's label and the buttons follow it.
            self.query_one("#code-sent", Static).update(self._sentences())
            self.query_one("#code-label", Label).update(self._label())
            buttons = self.query_one("#code-buttons", Horizontal)
            await buttons.remove_children()
            await buttons.mount_all(self._buttons())
            self.status.info(outcome.message)
        else:
            self.status.error(outcome.message)
        self.field("code").focus()

    def action_close(self) -> None:
        self.dismiss(LoginOutcome(message="Connexion abandonnée : recommencez quand vous voulez."))


ACTIVATION_LENGTHS = {
    "member_number": 16,
    "access_code": 32,
    "last_name": 100,
    "first_name": 100,
    "birth_date": 10,
    "nir": 21,
    "email": 254,
    "password": 128,
    "confirmation": 128,
}


def _terms_label(on: bool) -> str:
    return f"{flows.TERMS_ACCEPT_LABEL} : {'oui' if on else 'non'}"


# -- Première connexion ----------------------------------------------------------------------------------


class ActivationScreen(AccountScreen):
    TITLE_TEXT = flows.ACTIVATION_TITLE

    def __init__(self, api: ApiClient, *, policy: PolicyCheck | None = None) -> None:
        super().__init__(id="activation")
        self.flow = flows.ActivationFlow(api, policy=policy, today=api.clock.today())
        self.infos = flows.ActivationInfos()
        self.loaded = False

    def head(self) -> ComposeResult:
        yield Static(self.flow.heading, id="step-heading", classes="heading", markup=False)

    def body(self) -> ComposeResult:
        flow = self.flow
        if flow.step is flows.ActivationStep.INFOS:
            yield from self._infos()
        elif flow.step is flows.ActivationStep.VALIDATION:
            yield Static(flow.sent_message(), id="sent", markup=False)
            yield from field_widgets(flows.EMAILED_CODE, max_length=32)
            yield Button("Confirmer mon adresse", id="confirm", variant="primary")
        else:
            yield Static(flows.WELCOME, id="welcome", markup=False)
            yield Button("Me connecter", id="to-login", variant="primary")

    def _infos(self) -> ComposeResult:
        flow, infos = self.flow, self.infos
        identity = flow.mode is flows.ActivationMode.IDENTITY
        yield Static(flows.ACTIVATION_INTRO, markup=False)
        yield Button(
            "Je n'ai pas de code d'accès : utiliser mon identité"
            if not identity
            else "J'ai un code d'accès : l'utiliser",
            id="switch-mode",
        )
        asks = flows.activation_form(flow).asks
        for ask in asks:
            if ask.name == "accept_terms":
                yield Static(ask.before or "Conditions générales d'utilisation", id="terms", markup=False)
                yield Checkbox(_terms_label(infos.accept_terms), infos.accept_terms, id="accept_terms")
            elif ask.name != "challenge":
                yield from field_widgets(ask, str(getattr(infos, ask.name)), max_length=ACTIVATION_LENGTHS[ask.name])
            if ask.name == "password":
                yield PolicyLines()
        yield from challenge_widgets(asks)
        yield Button("Créer mon compte", id="create", variant="primary")

    def on_mount(self) -> None:
        if not self.loaded:
            self.status.info("Chargement des conditions générales et de la question de sécurité…")
            self.run_flow(self.flow.load, self._loaded)

    async def _loaded(self, result: flows.Result) -> None:
        self.loaded = True
        if not result.ok:
            self.show_result(result)
            return
        await self._redraw()
        self.status.clear()

    async def _redraw(self, focus: str | None = "member_number") -> None:
        await self.recompose()
        if focus and self.query(f"#{focus}"):
            self.query_one(f"#{focus}").focus()

    def _collect(self) -> None:
        infos = self.infos
        for name in (
            "member_number",
            "access_code",
            "last_name",
            "first_name",
            "birth_date",
            "nir",
            "email",
            "password",
            "confirmation",
            "challenge_answer",
        ):
            widget_id = "challenge" if name == "challenge_answer" else name
            found = self.query(f"#{widget_id}")
            if found:
                setattr(infos, name, found.first(Input).value)
        boxes = self.query("#accept_terms")
        if boxes:
            infos.accept_terms = boxes.first(Checkbox).value

    @on(Checkbox.Changed, "#accept_terms")
    def _terms(self, event: Checkbox.Changed) -> None:
        event.checkbox.label = _terms_label(event.value)  # the state in words, not a colour alone

    @on(Input.Changed, "#password")
    def _live_policy(self, event: Input.Changed) -> None:
        self._collect()
        self.query_one(PolicyLines).show(event.value, self.flow.policy_for(self.infos))

    @on(Button.Pressed, "#switch-mode")
    async def _switch(self) -> None:
        self._collect()
        self.flow.mode = (
            flows.ActivationMode.IDENTITY if self.flow.mode is flows.ActivationMode.CODE else flows.ActivationMode.CODE
        )
        await self._redraw("member_number")

    @on(Input.Changed, "#nir")
    def _nir_typed(self, event: Input.Changed) -> None:
        compact = "".join(event.value.split())
        if len(compact) >= 15:
            problem = flows.check_nir(compact)
            if problem:
                self.status.error(problem)
            else:
                self.status.info("N° de sécurité sociale : la clé est correcte.")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "code":
            self._confirm()
        elif event.input.id == "challenge":
            self._create()
        else:
            self.focus_next()

    @on(Button.Pressed, "#create")
    def _create(self) -> None:
        self._collect()
        submitted = dataclasses.replace(self.infos)
        self.run_flow(lambda: self.flow.submit(submitted), self._created)
        self.infos.password = self.infos.confirmation = ""  # the worker holds its own copy

    async def _created(self, result: flows.Result) -> None:
        if result.ok:
            await self._redraw("code")
            self.status.info(result.message)
            return
        # the challenge is single use: show the new question, keep what was typed (passwords aside)
        if self.query("#challenge-question") and self.flow.challenge is not None:
            self.query_one("#challenge-question", Static).update(
                f"{login_flow.CHALLENGE_INTRO} {self.flow.challenge.question}"
            )
            self.field("challenge").value = ""
        self.show_result(result)

    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        code = self.value("code")
        self.run_flow(lambda: self.flow.confirm(code), self._confirmed)

    async def _confirmed(self, result: flows.Result) -> None:
        if result.ok:
            await self._redraw("to-login")
            self.status.info(result.message)
        else:
            self.show_result(result)

    @on(Button.Pressed, "#to-login")
    def _to_login(self) -> None:
        self.dismiss(self.flow.member_number)


# -- the identifier + human check screens (Mot de passe oublié, Renvoyer l'e-mail de confirmation) -------


class ChallengeRequestScreen(AccountScreen):
    """The identifier and the human check (its question loaded on mount), an e-mail requested, then a code
    step, then « Me connecter » (dismissed with the identifier). A subclass sets `flow` (with `step`,
    `challenge`, `identifier`, `load()` and `request(identifier, answer)`), `IDENTIFIER_STEP`, the input
    whose Entrée submits the code step (`LAST_INPUT`) and that submission (`_submit_code`)."""

    IDENTIFIER_STEP: ClassVar[Enum]
    LAST_INPUT: ClassVar[str]
    flow: Any

    def __init__(self, identifier: str, *, id: str) -> None:
        super().__init__(id=id)
        self.identifier = identifier

    def on_mount(self) -> None:
        if self.flow.challenge is None and self.flow.step is self.IDENTIFIER_STEP:
            self.run_flow(self.flow.load, self._loaded)

    async def _loaded(self, result: flows.Result) -> None:
        if result.ok:
            await self.recompose()
            self.query_one("#identifier").focus()
            self.status.clear()
        else:
            self.show_result(result)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "challenge":
            self._request()
        elif event.input.id == self.LAST_INPUT:
            self._submit_code()
        else:
            self.focus_next()

    @on(Button.Pressed, "#request")
    def _request(self) -> None:
        self.identifier = self.value("identifier")
        answer = self.value("challenge")
        self.run_flow(lambda: self.flow.request(self.identifier, answer), self._requested)

    async def _requested(self, result: flows.Result) -> None:
        await self.recompose()
        if result.ok:
            self.query_one("#code").focus()
            self.status.clear()  # the step's first line already says it (it was shown twice at 80×24)
            return
        self.show_result(result)

    def request_fields(self, title: str, intro: str) -> ComposeResult:
        """The intro, the identifier and the human check, as declared (``flows.request_form``)."""
        asks = flows.request_form(self.flow, title, intro, None).asks
        yield Static(intro, markup=False)
        yield from field_widgets(asks[0], self.identifier, max_length=254)
        yield from challenge_widgets(asks)

    def _submit_code(self) -> None:
        """The last step, which differs per screen (new password, or the confirmation code)."""
        raise NotImplementedError(f"{type(self).__name__} must say what its last step submits")

    @on(Button.Pressed, "#to-login")
    def _to_login(self) -> None:
        self.dismiss(self.flow.identifier)


# -- Mot de passe oublié ---------------------------------------------------------------------------------


class ForgotPasswordScreen(ChallengeRequestScreen):
    TITLE_TEXT = flows.FORGOT_TITLE
    IDENTIFIER_STEP = flows.ResetStep.IDENTIFIER
    LAST_INPUT = "confirmation"

    def __init__(self, api: ApiClient, identifier: str = "", *, policy: PolicyCheck | None = None) -> None:
        super().__init__(identifier, id="forgot-password")
        self.flow = flows.ResetFlow(api, policy=policy)

    def body(self) -> ComposeResult:
        step = self.flow.step
        if step is flows.ResetStep.IDENTIFIER:
            yield from self.request_fields(flows.FORGOT_TITLE, flows.FORGOT_INTRO)
            yield Button("Recevoir un e-mail", id="request", variant="primary")
        elif step is flows.ResetStep.CODE:
            yield Static(flows.FORGOT_SENT, id="sent", markup=False)
            for ask in flows.reset_form(self.flow).asks:
                yield from field_widgets(ask, max_length=32)
                if ask.name == "new_password":
                    yield PolicyLines()
            yield Button("Changer mon mot de passe", id="reset", variant="primary")
        else:
            yield Static(flows.RESET_DONE, id="done", markup=False)
            yield Button("Me connecter", id="to-login", variant="primary")

    @on(Input.Changed, "#new_password")
    def _live_policy(self, event: Input.Changed) -> None:
        self.query_one(PolicyLines).show(event.value, self.flow.policy)

    @on(Button.Pressed, "#reset")
    def _submit_code(self) -> None:
        code, new, confirmation = self.value("code"), self.value("new_password"), self.value("confirmation")
        self.run_flow(lambda: self.flow.reset(code, new, confirmation), self._done_reset)

    async def _done_reset(self, result: flows.Result) -> None:
        if result.ok:
            await self.recompose()
            self.query_one("#to-login").focus()
        self.show_result(result)


# -- Retrouver mon identifiant ---------------------------------------------------------------------------


class RecoverIdentifierScreen(AccountScreen):
    TITLE_TEXT = flows.RECOVER_TITLE
    AUTO_FOCUS = "#last_name"

    def __init__(self, api: ApiClient) -> None:
        super().__init__(id="recover-identifier")
        self.flow = flows.RecoverFlow(api, today=api.clock.today())

    def body(self) -> ComposeResult:
        yield Static(flows.RECOVER_INTRO, markup=False)
        for ask in flows.recover_form(self.flow).asks:
            yield from field_widgets(ask, max_length=ACTIVATION_LENGTHS[ask.name])
        yield Button("Recevoir mon identifiant par e-mail", id="recover", variant="primary")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "nir":
            self._recover()
        else:
            self.focus_next()

    @on(Button.Pressed, "#recover")
    def _recover(self) -> None:
        values = [self.value(n) for n in ("last_name", "first_name", "birth_date", "nir")]
        self.run_flow(lambda: self.flow.submit(*values), self.show_result)


# -- Ce n'est pas moi (issue 16) ---------------------------------------------------------------------------


class NotMeScreen(AccountScreen):
    """The n° adhérent and the code of « Ce changement vient-il de vous ? »; once done, « Me connecter » goes
    back to the login screen with the identifier filled in (F4 there: Mot de passe oublié)."""

    TITLE_TEXT = flows.NOT_ME_TITLE
    AUTO_FOCUS = "#identifier"

    def __init__(self, api: ApiClient, identifier: str = "") -> None:
        super().__init__(id="not-me")
        self.flow = flows.NotMeFlow(api)
        self.identifier = identifier if identifier.isdigit() else ""
        self.done_text = ""

    def body(self) -> ComposeResult:
        if self.flow.done:
            yield Static(self.done_text, id="done", markup=False)
            yield Button("Me connecter", id="to-login", variant="primary")
            return
        yield Static(flows.NOT_ME_INTRO, markup=False)
        for ask in flows.not_me_form(self.flow).asks:
            yield from field_widgets(ask, self.identifier if ask.name == "identifier" else "", max_length=16)
        yield Button(flows.NOT_ME_BUTTON, id="revert", variant="warning")

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "code":
            self._revert()
        else:
            self.focus_next()

    @on(Button.Pressed, "#revert")
    def _revert(self) -> None:
        identifier, code = self.value("identifier"), self.value("code")
        self.run_flow(lambda: self.flow.submit(identifier, code), self._reverted)

    async def _reverted(self, result: flows.Result) -> None:
        if result.ok:
            self.done_text = result.message
            await self.recompose()
            self.query_one("#to-login").focus()
            self.status.clear()  # said once, in the box
            return
        self.show_result(result)

    @on(Button.Pressed, "#to-login")
    def _to_login(self) -> None:
        self.dismiss(self.flow.identifier)


# -- Changer mon mot de passe ----------------------------------------------------------------------------


class ChangePasswordScreen(AccountScreen):
    TITLE_TEXT = flows.CHANGE_TITLE
    AUTO_FOCUS = "#current_password"

    def __init__(self, api: ApiClient, *, forced: bool = False, policy: PolicyCheck | None = None) -> None:
        super().__init__(id="change-password")
        self.flow = flows.ChangePasswordFlow(api, policy=policy, forced=forced)

    def head(self) -> ComposeResult:
        # issue 10: docked above the fields, so the policy lines no longer scroll it out of view at 80×24
        if self.flow.forced:
            yield Static(flows.CHANGE_FORCED, id="forced", classes="warning", markup=False)

    def body(self) -> ComposeResult:
        for ask in flows.change_form(self.flow).asks:
            yield from field_widgets(ask)
            if ask.name == "new_password":
                yield PolicyLines()
        yield Button("Changer mon mot de passe", id="change", variant="primary")

    @on(Input.Changed, "#new_password")
    def _live_policy(self, event: Input.Changed) -> None:
        self.query_one(PolicyLines).show(event.value, self.flow.policy)

    @on(Input.Submitted)
    def _enter(self, event: Input.Submitted) -> None:
        if event.input.id == "confirmation":
            self._change()
        else:
            self.focus_next()

    @on(Button.Pressed, "#change")
    def _change(self) -> None:
        values = [self.value(n) for n in ("current_password", "new_password", "confirmation")]
        self.run_flow(lambda: self.flow.submit(*values), self._changed)

    def _changed(self, result: flows.Result) -> None:
        if result.ok:
            self.dismiss(result.message)
        else:
            self.show_result(result)

    def action_close(self) -> None:
        self.dismiss(None)


# -- the session-expiry warning --------------------------------------------------------------------------


class ExpiryWarningScreen(AccountScreen):
    TITLE_TEXT = flows.EXPIRY_TITLE
    AUTO_FOCUS = "#extend"
    HINT = "Entrée : prolonger · Échap : fermer cet avertissement"

    def __init__(self, watch: flows.ExpiryWatch) -> None:
        super().__init__(id="expiry-warning")
        self.watch = watch

    def body(self) -> ComposeResult:
        yield Static(flows.expiry_warning(self.watch.api), id="expiry-text", markup=False)
        with Horizontal(classes="buttons"):
            yield Button(flows.EXTEND_LABEL, id="extend", variant="primary")
            yield Button("Fermer", id="dismiss-warning")

    @on(Button.Pressed, "#extend")
    def _extend(self) -> None:
        self.run_flow(self.watch.extend, self._extended)

    def _extended(self, result: flows.Result) -> None:
        if result.ok:
            self.dismiss(result.message)
        else:
            self.show_result(result)

    @on(Button.Pressed, "#dismiss-warning")
    def _close(self) -> None:
        self.dismiss(None)


# -- Mes appareils de confiance, mes sessions ------------------------------------------------------------


class SecurityScreen(AccountScreen):
    TITLE_TEXT = flows.DEVICES_TITLE
    HINT = "Tab : élément suivant · Entrée : retirer l'élément choisi · Échap : retour"

    def __init__(self, api: ApiClient) -> None:
        super().__init__(id="security")
        self.api = api
        self.view = flows.SecurityView()
        self.loaded = False

    def body(self) -> ComposeResult:
        if not self.loaded:
            yield Static("Chargement…", markup=False)
            return
        if not self.view.devices:
            yield Static(flows.NO_DEVICES, id="no-devices", markup=False)
        for index, device in enumerate(self.view.devices):
            yield Static(flows.device_line(device), markup=False, classes="record")
            yield Button(f"Retirer « {device.name} »", id=f"device-{index}")
        yield Static(flows.SESSIONS_TITLE, classes="heading", markup=False)
        for index, item in enumerate(self.view.sessions):
            yield Static(flows.session_line(item), markup=False, classes="record")
            if not item.current:
                yield Button("Fermer cette session", id=f"session-{index}")

    def on_mount(self) -> None:
        self._load()

    def refresh_data(self) -> None:  # Ctrl+R (issue 19)
        self._load()

    def _load(self, message: str | None = None) -> None:
        async def call() -> flows.SecurityView:
            return await flows.load_security(self.api)

        async def then(view: flows.SecurityView) -> None:
            self.loaded = True
            self.view = view
            await self.recompose()
            if view.error:
                self.status.error(view.error)
            elif message:
                self.status.info(message)
            else:
                self.status.info(f"{len(view.devices)} appareil(s) de confiance, {len(view.sessions)} session(s).")

        self.run_flow(call, then)

    @on(Button.Pressed)
    def _revoke(self, event: Button.Pressed) -> None:
        button_id = event.button.id or ""
        if button_id.startswith("device-"):
            device = self.view.devices[int(button_id.removeprefix("device-"))]
            self.run_flow(lambda: flows.revoke_device(self.api, device), self._revoked)
        elif button_id.startswith("session-"):
            item = self.view.sessions[int(button_id.removeprefix("session-"))]
            self.run_flow(lambda: flows.revoke_session(self.api, item), self._revoked)

    def _revoked(self, result: flows.Result) -> None:
        if result.ok:
            self._load(result.message)
        else:
            self.show_result(result)


# -- application d'authentification ----------------------------------------------------------------------


class TotpScreen(AccountScreen):
    TITLE_TEXT = flows.TOTP_TITLE

    def __init__(self, api: ApiClient) -> None:
        super().__init__(id="totp")
        self.flow = flows.TotpFlow(api)

    def body(self) -> ComposeResult:
        flow = self.flow
        if flow.recovery_codes:
            yield Static(flows.TOTP_DONE, markup=False)
            yield Static(flows.TOTP_CODES_WARNING, classes="warning", markup=False)
            yield Static("\n".join(flow.recovery_codes), id="recovery-codes", markup=False)
            yield Button("J'ai noté mes codes", id="noted", variant="primary")
            return
        if flow.enrollment is None:
            yield Static("Préparation de l'application d'authentification…", markup=False)
            return
        yield Static(flows.TOTP_INTRO, markup=False)
        # issue 10: the secret in text first (what a screen reader or a braille display reads), then the
        # field, then the QR code, which no longer pushes the secret and the field out of view at 80×24
        yield Static(
            f"Secret (à saisir à la main) : {flows.group_secret(flow.enrollment.secret)}", id="secret", markup=False
        )
        yield from field_widgets(flows.TOTP_CODE, max_length=6)
        yield Button("Activer", id="confirm", variant="primary")
        yield Static("\n".join(flow.enrollment.qr_lines), id="qr", markup=False)

    def on_mount(self) -> None:
        self.run_flow(self.flow.start, self._started)

    async def _started(self, result: flows.Result) -> None:
        await self.recompose()
        if result.ok:
            self.query_one("#code").focus()
            self.status.clear()
        else:
            self.show_result(result)

    @on(Input.Submitted, "#code")
    @on(Button.Pressed, "#confirm")
    def _confirm(self) -> None:
        code = self.value("code")
        self.run_flow(lambda: self.flow.confirm(code), self._confirmed)

    async def _confirmed(self, result: flows.Result) -> None:
        if result.ok:
            await self.recompose()
            self.query_one("#noted").focus()
        self.show_result(result)

    @on(Button.Pressed, "#noted")
    def _noted(self) -> None:
        self.dismiss(flows.TOTP_DONE)


# -- the demo mailbox ------------------------------------------------------------------------------------


class MailboxScreen(AccountScreen):
    TITLE_TEXT = mailbox.TITLE
    HINT = "Haut/Bas : choisir un courriel · Tab : lire · Entrée ou F5 : actualiser · Échap : retour"
    BINDINGS: ClassVar[list[BindingType]] = [*modal_bindings(), *screen_bindings("mailbox")]
    ACTION_SCREEN = "mailbox"

    def __init__(self, path: Path) -> None:
        super().__init__(id="demo-mailbox")
        self.path = path
        self.mails: list[mailbox.DemoMail] = []

    def body(self) -> ComposeResult:
        yield Static(f"Dossier : {self.path}", id="mailbox-path", markup=False)
        yield OptionList(id="mails")
        yield Static("", id="mail-body", markup=False)

    def on_mount(self) -> None:
        self.action_reload()

    def action_reload(self) -> None:
        self.mails, problem = mailbox.load(self.path)
        options = self.query_one("#mails", OptionList)
        options.clear_options()
        options.add_options([m.summary() for m in self.mails])
        if problem:
            self.status.error(problem)
        elif not self.mails:
            self.status.info(mailbox.EMPTY)
        else:
            self.status.info(f"{len(self.mails)} courriel(s), le plus récent en premier.")
            options.highlighted = 0
            self._show(0)
        options.focus()

    @on(OptionList.OptionHighlighted, "#mails")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self._show(event.option_index)

    @on(OptionList.OptionSelected, "#mails")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        self._show(event.option_index)

    def _show(self, index: int) -> None:
        if 0 <= index < len(self.mails):
            mail = self.mails[index]
            self.query_one("#mail-body", Static).update(
                f"Objet : {mail.subject}\nÀ : {mail.to}\nDate : {mail.when}\n\n{mail.body}"
            )
