"""« Mon profil »: the sections in a list on the left (arrows, Entrée), the chosen section's lines on the
right, words from `tui.flows.profile`. Actions that change something (e-mail, mobile, RIB with its code,
duplicata, downloads) are in the linear mode for now; Sécurité opens issue 4's screens (F7, F8, Ctrl+T)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList, Static
from textual.widgets.option_list import Option

from tui.api import errors
from tui.api.profile import ProfileApi
from tui.flows import profile as flow
from tui.flows.login import AuthenticatedSession
from tui.widgets.status import StatusLine


class ProfileScreen(Screen[None]):
    BINDINGS = (
        Binding("escape", "app.pop_screen", "Retour au tableau de bord", id="back"),
        Binding("u", "duplicate", "Duplicata de carte", id="card_duplicate"),
    )
    DEFAULT_CSS = """
    #profile-sections { width: 30; }
    #profile-body { width: 1fr; padding: 0 1; }
    """

    class Loaded(Message):
        def __init__(self, section: str, lines: list[str]) -> None:
            super().__init__()
            self.section = section
            self.lines = lines

    class Failed(Message):
        def __init__(self, error: errors.ApiError) -> None:
            super().__init__()
            self.error = error

    def __init__(self, session: AuthenticatedSession) -> None:
        super().__init__(id="profile")
        self.session = session
        self.api = ProfileApi(session.api)
        self.section = flow.SECTIONS[0].id

    def compose(self) -> ComposeResult:
        yield Static(flow.HEADING, classes="heading", markup=False)
        yield StatusLine(id="profile-status")
        with Horizontal():
            yield OptionList(*[Option(s.title, id=s.id) for s in flow.SECTIONS], id="profile-sections")
            with VerticalScroll(id="profile-body"):
                yield Static("", id="profile-lines", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load(self.section)

    @on(OptionList.OptionHighlighted, "#profile-sections")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.section:
            self.section = event.option.id
            self._load(self.section)

    @work(exclusive=True, group="profile", exit_on_error=False)
    async def _load(self, section: str) -> None:
        self.query_one(StatusLine).info(flow.LOADING)
        try:
            lines = await flow.section_lines(self.api, section, width=max(self.size.width - 34, 30))
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.post_message(self.Loaded(section, lines))

    @on(Loaded)
    def _loaded(self, message: Loaded) -> None:
        if message.section != self.section:
            return
        self.query_one(StatusLine).clear()
        title = next(s.title for s in flow.SECTIONS if s.id == message.section)
        self.query_one("#profile-lines", Static).update("\n".join([title, "", *message.lines]))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one(StatusLine).error(message.error.message)

    @work(exclusive=True, group="profile-action", exit_on_error=False)
    async def action_duplicate(self) -> None:
        try:
            created = await self.api.card_duplicate()
        except errors.ApiError as exc:
            self.post_message(self.Failed(exc))
            return
        self.query_one(StatusLine).info(created.message)
