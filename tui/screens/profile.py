"""« Mon profil »: the sections in a list on the left (arrows), the chosen section's lines on the right,
words from `tui.flows.profile`. Each section's actions (``flow.ACTIONS``) are on a key shown in the footer
and in a menu (Entrée on the section); an action runs ``flow.run`` in a worker with a ``ScreenFace`` (modal
forms, the step-up code, a yes/no), as the linear mode does. Sécurité opens issue 4's screens (F7, F8,
Ctrl+T)."""

from __future__ import annotations

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, OptionList
from textual.widgets.option_list import Option

from tui.api import errors
from tui.api.profile import ProfileApi
from tui.bindings import screen_bindings
from tui.flows import profile as flow
from tui.flows.attachments import AttachmentError
from tui.flows.session import AuthenticatedSession
from tui.screens.forms import PickScreen, ScreenFace
from tui.widgets.status import StatusLine
from tui.widgets.text import Static


class ProfileScreen(Screen[None]):
    BINDINGS = screen_bindings("profile")
    ACTION_SCREEN = "profile"
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

    def __init__(
        self,
        session: AuthenticatedSession,
        sections: tuple[flow.Section, ...] = flow.SECTIONS,
        heading: str = flow.HEADING,
    ) -> None:
        """``sections``/``heading``: « Mon profil », or (issue 21) « Mon accès » of an ayant droit's own access."""
        super().__init__(id="profile")
        self.session = session
        self.api = ProfileApi(session.api)
        self.sections = sections
        self.heading = heading
        self.section = sections[0].id
        self.notice: str | None = None  # what the last action said, kept when the section is reloaded

    def compose(self) -> ComposeResult:
        yield Static(self.heading, classes="heading", markup=False)
        yield StatusLine(id="profile-status")
        with Horizontal():
            yield OptionList(*[Option(s.title, id=s.id) for s in self.sections], id="profile-sections")
            with VerticalScroll(id="profile-body"):
                yield Static("", id="profile-lines", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()
        self._load(self.section)

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self._load(self.section)

    @on(OptionList.OptionHighlighted, "#profile-sections")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if event.option.id and event.option.id != self.section:
            self.section = event.option.id
            self.notice = None
            self._load(self.section)
            self.refresh_bindings()

    @on(OptionList.OptionSelected, "#profile-sections")
    def _selected(self, event: OptionList.OptionSelected) -> None:
        actions = flow.actions_of(self.section, self.sections)
        if not actions:
            return
        title = next(s.title for s in self.sections if s.id == self.section)

        def picked(index: int | None) -> None:
            if index is not None:
                self._run_action(actions[index].id)

        labels = [f"{a.label} (touche {a.key})" for a in actions]
        self.app.push_screen(PickScreen(f"{title} : que voulez-vous faire ?", labels), picked)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "profile_action" and parameters:
            return str(parameters[0]) in {a.id for a in flow.actions_of(self.section, self.sections)}
        return True

    def action_profile_action(self, action_id: str) -> None:
        if action_id in {a.id for a in flow.actions_of(self.section, self.sections)}:  # the palette too
            self._run_action(action_id)

    @work(exclusive=True, group="profile-action", exit_on_error=False)
    async def _run_action(self, action_id: str) -> None:
        status = self.query_one("#profile-status", StatusLine)
        face = ScreenFace(self, status)
        try:
            await flow.run(action_id, self.api, face, today=self.session.api.clock.today())
        except errors.ApiError as exc:
            self.notice = None
            status.error(exc.message)
            return
        except AttachmentError as exc:
            status.error(str(exc))
            return
        finally:
            self.query_one("#profile-sections", OptionList).focus()
        self.notice = face.said[-1] if face.said else None
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
        if self.notice:
            self.query_one(StatusLine).info(self.notice)
        else:
            self.query_one(StatusLine).clear()
        title = next(s.title for s in self.sections if s.id == message.section)
        self.query_one("#profile-lines", Static).update("\n".join([title, "", *message.lines]))

    @on(Failed)
    def _failed(self, message: Failed) -> None:
        self.query_one(StatusLine).error(message.error.message)
