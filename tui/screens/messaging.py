"""Messagerie (inbox, thread, composer), "Mes démarches" and notifications, full screen.

The words come from ``tui.flows.messaging``; every HTTP call runs in a worker that posts a message; the
handlers update the widgets. All by keyboard: Entrée opens, ``e`` writes (or answers), Échap goes back,
Ctrl+S sends; in the composer the attachment path completes with Tab (``Input`` suggestions). The composer
is the flow's form (``flow.composer_form``) on the shared ``FormScreen``, asked by ``flow.write``.
"""

from __future__ import annotations

from typing import Any, ClassVar

from textual import on, work
from textual.app import ComposeResult
from textual.binding import BindingType
from textual.containers import Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, ListItem, ListView

from tui.api import errors
from tui.api.client import ApiClient
from tui.api.messaging import MessagingApi
from tui.bindings import help_binding, quit_binding, screen_bindings
from tui.flows import attachments, forms, retry
from tui.flows import messaging as flow
from tui.screens.forms import FormScreen, ScreenFace
from tui.widgets.attachments import AttachmentPicker
from tui.widgets.status import StatusLine
from tui.widgets.text import Label, Static


class _Loaded(Message):
    def __init__(self, payload: Any) -> None:
        super().__init__()
        self.payload = payload


class _Failed(Message):
    def __init__(self, error: errors.ApiError) -> None:
        super().__init__()
        self.error = error


class _ApiScreen(Screen[None]):
    ACTION_SCREEN = ""
    HEADING = ""
    KEPT = ""  # what stays typed when the server does not answer (the composer: the message)

    def __init__(self, api: ApiClient, drafts: flow.Drafts, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.api = api
        self.messaging = MessagingApi(api)
        self.drafts = drafts

    @property
    def status(self) -> StatusLine:
        return self.query_one(StatusLine)

    def action_back(self) -> None:
        self.dismiss(None)

    @on(_Failed)
    def _failed(self, message: _Failed) -> None:
        if isinstance(message.error, errors.SessionExpired):
            end = getattr(self.app, "session_ended", None)
            if end is not None:
                end(message.error.message)
                return
        if self.KEPT and retry.is_unreachable(message.error):
            self.status.error(retry.kept_sentence(message.error, self.KEPT, "réessayez (Ctrl+S)"))
            return
        self.status.error(message.error.message)


class MessagingScreen(_ApiScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("messaging")
    ACTION_SCREEN = "messaging"

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.MESSAGING_HEADING} ==", classes="heading", markup=False)
        yield StatusLine(id="messaging-status")
        yield Static("", id="inbox-summary", markup=False)
        yield ListView(id="threads")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self.action_reload()
        self.poll_timer = self.set_interval(flow.POLL_SECONDS, self.poll, name="poll")

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self.action_reload()

    def poll(self) -> None:
        """The timer's call: the inbox read again, quietly, while this screen is the one shown."""
        if self.app.screen is self:
            self._load()

    def action_reload(self) -> None:
        self.status.info("Chargement de vos messages…")
        self._load()

    @work(exclusive=True, group="inbox", exit_on_error=False)
    async def _load(self) -> None:
        try:
            self.post_message(_Loaded(await self.messaging.inbox()))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))

    @on(_Loaded)
    async def _loaded(self, message: _Loaded) -> None:
        inbox = message.payload
        self.status.clear()
        self.query_one("#inbox-summary", Static).update(flow.inbox_summary(inbox))
        threads = self.query_one("#threads", ListView)
        was = threads.index or 0  # a reload (a poll) keeps the member's place in the list
        await threads.clear()
        if not inbox.threads:
            self.status.info(flow.NO_THREADS)
        await threads.extend(
            ListItem(Label(flow.thread_line(t), markup=False), id=f"thread-{t.id}") for t in inbox.threads
        )
        if inbox.threads:
            threads.index = min(was, len(inbox.threads) - 1)
        threads.focus()

    @on(ListView.Selected, "#threads")
    def _open(self, event: ListView.Selected) -> None:
        thread_id = int((event.item.id or "thread-0").split("-")[1])
        self.app.push_screen(ThreadScreen(self.api, self.drafts, thread_id))

    def action_write(self) -> None:
        self._write()

    @work(exclusive=True, group="write", exit_on_error=False)
    async def _write(self) -> None:
        if await _write(self, flow.NEW):
            self.action_reload()


class ThreadScreen(_ApiScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("thread")
    ACTION_SCREEN = "thread"

    def __init__(self, api: ApiClient, drafts: flow.Drafts, thread_id: int) -> None:
        super().__init__(api, drafts)
        self.thread_id = thread_id

    def compose(self) -> ComposeResult:
        yield Static("== Conversation ==", classes="heading", markup=False)
        yield StatusLine(id="thread-status")
        with VerticalScroll(id="thread-body"):
            yield Vertical(id="thread-head")
            yield Vertical(id="thread-messages")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self._load()

    @work(exclusive=True, group="thread", exit_on_error=False)
    async def _load(self) -> None:
        try:
            self.post_message(_Loaded(await self.messaging.thread(self.thread_id)))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))

    @on(_Loaded)
    async def _loaded(self, message: _Loaded) -> None:
        thread = message.payload
        head = self.query_one("#thread-head", Vertical)
        await head.remove_children()
        await head.mount_all(Static(line, markup=False) for line in flow.thread_lines(thread))
        body = self.query_one("#thread-messages", Vertical)
        await body.remove_children()
        for block in flow.message_lines(thread):
            await body.mount(Static("\n".join(block), markup=False, classes="message"))
        self.query_one("#thread-body", VerticalScroll).focus()

    def action_write(self) -> None:
        self._write()

    @work(exclusive=True, group="write", exit_on_error=False)
    async def _write(self) -> None:
        if await _write(self, self.thread_id):
            self._load()


class ComposerScreen(FormScreen, inherit_bindings=False):
    """The composer of ``tui.flows.messaging`` (``composer_form``: a new message or a reply) on the shared
    form: a label over each field, the message as several lines, the attachments; Ctrl+S sends (the flow
    sends, again with the same Idempotency-Key when the server did not answer). Échap keeps the draft for
    the session — what was typed, attachments included."""

    BINDINGS: ClassVar[list[BindingType]] = [
        *Screen.BINDINGS,  # Tab and Maj+Tab between the fields: not inherited with the form's keys
        *screen_bindings("composer"),
        help_binding(),  # F1 in every footer (issue 19)
        quit_binding(),
    ]
    ACTION_SCREEN = "composer"

    def __init__(self, api: ApiClient, drafts: flow.Drafts, key: int, form: forms.Form | None = None) -> None:
        self.draft = drafts.get(key)
        super().__init__(form or flow.composer_form(key, self.draft))
        self.api, self.drafts, self.key = api, drafts, key
        self.files["attachments"] = self.draft.attachments  # the picker shows the draft's files and adds to them

    def first_field(self) -> str:
        # a reply starts in the message; a new message at its subject (the category has its default)
        return "subject" if self.key == flow.NEW else "body"

    def action_back(self) -> None:
        self.action_cancel()  # the composer's form keeps what was typed as the draft (``Form.on_leave``)

    def action_send(self) -> None:
        self.action_submit()

    def action_attach(self) -> None:
        self.query_one(AttachmentPicker).attach()

    def action_drop_attachment(self) -> None:
        self.query_one(AttachmentPicker).drop_last()


class _ComposerFace(ScreenFace):
    """``ScreenFace`` whose form is the ``ComposerScreen`` (it keeps the draft on Échap)."""

    def __init__(self, screen: _ApiScreen, key: int) -> None:
        super().__init__(screen, screen.status)
        self.owner, self.key = screen, key

    async def form(self, form: forms.Form) -> dict[str, Any] | None:
        owner = self.owner
        return await owner.app.push_screen_wait(ComposerScreen(owner.api, owner.drafts, self.key, form))


async def _write(screen: _ApiScreen, key: int) -> bool:
    """The composer's flow from ``screen``'s worker; True once the message was sent."""
    try:
        thread = await flow.write(screen.messaging, _ComposerFace(screen, key), screen.drafts, key)
    except errors.ApiError as exc:
        screen.post_message(_Failed(exc))
        return False
    except attachments.AttachmentError as exc:  # a file gone between the form and the sending
        screen.status.error(str(exc))
        return False
    if thread is not None:
        screen.app.notify(flow.SENT)
    return thread is not None


class RequestsScreen(_ApiScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("requests")
    ACTION_SCREEN = "requests"

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.REQUESTS_HEADING} ==", classes="heading", markup=False)
        yield StatusLine(id="requests-status")
        yield Static("+ Nouvelle démarche : touche +", id="new-request-hint", markup=False)
        yield ListView(id="requests")
        yield Static("", id="request-detail", markup=False)
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self._load()

    def action_new_request(self) -> None:
        from tui.screens.request_forms import NewRequestScreen

        clock = getattr(self.app, "clock", None)
        self.app.push_screen(NewRequestScreen(self.api, clock.today() if clock else None))

    @work(exclusive=True, group="requests", exit_on_error=False)
    async def _load(self) -> None:
        try:
            self.post_message(_Loaded(await self.messaging.requests()))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))

    @on(_Loaded)
    async def _loaded(self, message: _Loaded) -> None:
        payload = message.payload
        if hasattr(payload, "items"):
            self.status.clear()  # « Aucune démarche » said before must not stay above the démarches now listed
            listing = self.query_one("#requests", ListView)
            await listing.clear()
            if not payload.items:
                self.status.info(flow.NO_REQUESTS)
            await listing.extend(
                ListItem(Label(flow.request_line(r), markup=False), id=f"request-{r.id}") for r in payload.items
            )
            if payload.items:
                listing.index = 0
            listing.focus()
        else:
            self.query_one("#request-detail", Static).update("\n".join(flow.request_detail_lines(payload)))

    @on(ListView.Selected, "#requests")
    def _open(self, event: ListView.Selected) -> None:
        self._detail(int((event.item.id or "request-0").split("-")[1]))

    @work(exclusive=True, group="request", exit_on_error=False)
    async def _detail(self, request_id: int) -> None:
        try:
            self.post_message(_Loaded(await self.messaging.request(request_id)))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))


class NotificationsScreen(_ApiScreen):
    BINDINGS: ClassVar[list[BindingType]] = screen_bindings("notifications")
    ACTION_SCREEN = "notifications"

    def compose(self) -> ComposeResult:
        yield Static(f"== {flow.NOTIFICATIONS_HEADING} ==", classes="heading", markup=False)
        yield StatusLine(id="notifications-status")
        yield Static("", id="notifications-summary", markup=False)
        yield ListView(id="notifications")
        yield Footer(compact=True)

    def on_mount(self) -> None:
        self._load()

    def refresh_data(self) -> None:  # Ctrl+R, and back into view (issue 19)
        self._load()

    @work(exclusive=True, group="notifications", exit_on_error=False)
    async def _load(self, mark: int | None = None) -> None:
        try:
            if mark is not None:
                await self.messaging.mark_read(mark)
            self.post_message(_Loaded(await self.messaging.notifications()))
        except errors.ApiError as exc:
            self.post_message(_Failed(exc))

    @on(_Loaded)
    async def _loaded(self, message: _Loaded) -> None:
        items = message.payload
        self.status.clear()
        self.query_one("#notifications-summary", Static).update(flow.notifications_summary(items))
        listing = self.query_one("#notifications", ListView)
        index = listing.index
        await listing.clear()
        if not items.items:
            self.status.info(flow.NO_NOTIFICATIONS)
        await listing.extend(
            ListItem(Label(flow.notification_line(n), markup=False), id=f"notification-{n.id}") for n in items.items
        )
        listing.index = index if index is not None or not items.items else 0
        listing.focus()

    @on(ListView.Selected, "#notifications")
    def _read(self, event: ListView.Selected) -> None:
        self._load(int((event.item.id or "notification-0").split("-")[1]))
