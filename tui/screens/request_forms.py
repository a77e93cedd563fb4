"""The démarches, full screen: « + Nouvelle démarche » lists them; a démarche runs the flow of
``tui.flows.request_forms`` in a worker with a ``ScreenFace`` — its choices as a list, its form as the
shared ``FormScreen`` (a label over each field, the error under the wrong field, the hospital's
« Établissement » searched in the care finder on Entrée), a network error offered again with the same
``Idempotency-Key`` (never a second démarche). What the flow says is written on this screen; a devis's
estimate stays here to be read, the others come back to « Mes démarches ».
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, ListItem, ListView

from tui.api import errors
from tui.api.client import ApiClient
from tui.bindings import screen_bindings
from tui.flows import request_forms as flow
from tui.flows.attachments import AttachmentError
from tui.screens.forms import ScreenFace
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static


class NewRequestScreen(Screen[None]):
    """« + Nouvelle démarche »: the five démarches; Entrée opens the form."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("new_request")
    ACTION_SCREEN = "new_request"

    def __init__(self, api: ApiClient, today: Any) -> None:
        super().__init__()
        self.api = api
        self.today = today

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.NEW_REQUEST.removeprefix('+ ')} ==", classes="heading", markup=False)
        yield StatusLine(id="new-request-status")
        yield ListView(
            *(ListItem(Label(f"{d.title} : {d.intro}", markup=False), id=d.action_id) for d in flow.DEMARCHES),
            id="request-kinds",
        )
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one("#request-kinds", ListView).focus()

    @on(ListView.Selected, "#request-kinds")
    def _open(self, event: ListView.Selected) -> None:
        self.app.push_screen(RequestFormScreen(self.api, event.item.id or "new_reimbursement", self.today))

    def action_back(self) -> None:
        self.dismiss(None)


class RequestFormScreen(Screen[None]):
    """One démarche: the flow asks over this screen; its words are written here."""

    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("request_form")
    ACTION_SCREEN = "request_form"

    def __init__(self, api: ApiClient, action_id: str, today: Any) -> None:
        super().__init__()
        self.api = api
        self.action_id = action_id
        self.today = today
        self.demarche = flow.demarche(action_id)

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def compose(self) -> ComposeResult:
        yield Static(f"== {self.demarche.title} ==", classes="heading", markup=False)
        yield StatusLine(id="form-status")
        with VerticalScroll(id="form-fields"):
            yield Static(self.demarche.intro, classes="form-intro", markup=False)
            yield Static("", id="form-result", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.status.info("Chargement de vos bénéficiaires…")
        self._run()

    @work(exclusive=True, group="request-flow", exit_on_error=False)
    async def _run(self) -> None:
        face = ScreenFace(self, self.status)
        try:
            detail = await flow.run(self.api, face, self.action_id, self.today)
        except errors.SessionExpired as exc:
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(exc.message)
            return
        except (errors.ApiError, AttachmentError) as exc:  # a file gone between the form and the sending
            self.status.error(str(getattr(exc, "message", exc)))
            return
        self.query_one("#form-result", Static).update("\n".join(face.said))
        if detail is None:
            return
        self.app.notify(face.said[0] if face.said else flow.created_lines(detail)[0])
        if detail.estimate is not None:  # a devis: the estimate is shown here, at once
            self.status.info("Devis envoyé. Échap pour revenir.")
            self.query_one("#form-fields", VerticalScroll).scroll_end(animate=False)
            return
        self._close()

    def _close(self) -> None:
        # back to « Mes démarches » (reloaded when it shows again), past the chooser when it was used
        app = self.app
        app.pop_screen()
        if isinstance(app.screen, NewRequestScreen):
            app.pop_screen()

    def action_back(self) -> None:
        self.dismiss(None)
