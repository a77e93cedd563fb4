"""Renvoyer l'e-mail de confirmation (login screen, F5): the identifier and the human check, the server's
message (the same whether the account exists or not), then the code of the new mail pasted to confirm
the address. The screen only lays out `tui.flows.account.ResendConfirmationFlow`."""

from __future__ import annotations

from textual import on
from textual.app import ComposeResult
from textual.widgets import Button

from tui.api.client import ApiClient
from tui.flows import account as flows
from tui.screens.account import ChallengeRequestScreen, field_widgets
from tui.widgets.text import Static

Step = flows.ResendConfirmationStep


class ResendConfirmationScreen(ChallengeRequestScreen):
    """Dismissed with the identifier once the address is confirmed (the login screen keeps it)."""

    TITLE_TEXT = flows.RESEND_CONFIRMATION_TITLE
    IDENTIFIER_STEP = Step.IDENTIFIER
    LAST_INPUT = "code"

    def __init__(self, api: ApiClient, identifier: str = "") -> None:
        super().__init__(identifier, id="resend-confirmation")
        self.flow = flows.ResendConfirmationFlow(api)

    def body(self) -> ComposeResult:
        step = self.flow.step
        if step is Step.IDENTIFIER:
            yield from self.request_fields(flows.RESEND_CONFIRMATION_TITLE, flows.RESEND_CONFIRMATION_INTRO)
            yield Button("Renvoyer l'e-mail", id="request", variant="primary")
        elif step is Step.CODE:
            yield Static(f"{self.flow.server_message}\n{flows.RESEND_CONFIRMATION_PASTE}", id="sent", markup=False)
            yield from field_widgets(flows.EMAILED_CODE, max_length=32)
            yield Button("Confirmer mon adresse", id="confirm", variant="primary")
        else:
            yield Static(flows.WELCOME, id="welcome", markup=False)
            yield Button("Me connecter", id="to-login", variant="primary")

    @on(Button.Pressed, "#confirm")
    def _submit_code(self) -> None:
        code = self.value("code")
        self.run_flow(lambda: self.flow.confirm(code), self._confirmed)

    async def _confirmed(self, result: flows.Result) -> None:
        if result.ok:
            await self.recompose()
            self.query_one("#to-login").focus()
            self.status.clear()  # the welcome text says it already
        else:
            self.show_result(result)
