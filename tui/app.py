"""The full-screen client (Textual).

Login is a modal pushed first; its result (an authenticated session: the API client with its token) is
handed to the dashboard screen. Every HTTP call runs in a worker that posts a message; handlers change
the widgets. Every action comes from the registry of `tui.flows.actions` (bindings, footer, help,
command palette), with the keys remapped from the config file.
"""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual import events, on, work
from textual.app import App
from textual.binding import Binding
from textual.command import CommandPalette, Provider
from textual.geometry import Offset
from textual.message import Message
from textual.theme import Theme

from tui.api.token_store import MemoryTokenStore, OpeningTokenStore, TokenStore, is_open
from tui.bindings import bindings_from_registry, install_extra_bindings
from tui.clock import Clock, SystemClock
from tui.commands import RegistryCommands
from tui.flows import login as login_flow
from tui.flows import mailbox
from tui.flows.actions import (
    ANONYMOUS,
    DEFAULT_REGISTRY,
    QUIT_QUESTION,
    SCREEN,
    SESSION,
    Action,
    footer_key_label,
    keys_label,
)
from tui.flows.config import THEME_WORDS, THEMES, ClientConfig
from tui.flows.login import RESUMING
from tui.flows.session import AuthenticatedSession
from tui.screens.login import LoginScreen
from tui.screens.welcome import WelcomeScreen
from tui.widgets.cursor import focus_cursor, own_cursor
from tui.widgets.french import speak_french
from tui.widgets.loaded import is_loaded_instance
from tui.widgets.palette import FrenchCommandPalette
from tui.widgets.type_ahead import TypeAhead

# Start-up speed (issue 11): only what paints the login screen is imported here. Every other screen, the
# reimbursement engine, httpx and Pydantic are imported where they are first needed (a test checks it).
if TYPE_CHECKING:
    from tui.api.client import ApiClient
    from tui.flows.account import ExpiryWatch
    from tui.screens.dashboard import DashboardScreen


def on_dashboard(screen: object) -> DashboardScreen | None:
    return screen if is_loaded_instance(screen, "tui.screens.dashboard", "DashboardScreen") else None  # type: ignore[return-value]


HIGH_CONTRAST = Theme(
    name="contraste",
    primary="#ffff00",
    secondary="#00ffff",
    accent="#ffff00",
    warning="#ffff00",
    error="#ff6060",
    success="#00ff00",
    foreground="#ffffff",
    background="#000000",
    surface="#000000",
    panel="#000000",
    boost="#000000",
    dark=True,
)


def freeze_startup_heap() -> None:
    """Measured in Mes remboursements (bench.claims_bench): about one filter key press in ten took 250 to
    350 ms instead of ~60, each time Python's collector ran a full collection over the client's whole heap
    (Textual, the API's models). What start-up built lives as long as the app: once frozen (``gc.freeze``),
    a full collection looks only at what came after. Not in the tests, which build many apps in one
    process: frozen cycles are never collected."""
    gc.collect()
    gc.freeze()
    gc.enable()  # paused by the real client from its start (tui.main.run): start-up makes no garbage worth it


class EspaceApp(App[int]):
    TITLE = "Espace Adhérent"
    CSS_PATH = Path(__file__).parent / "styles" / "app.tcss"
    BINDINGS = bindings_from_registry()  # ids from the registry; the user's keys come via set_keymap
    # The registry, not Textual's English system commands.
    COMMANDS: ClassVar[set[type[Provider] | Callable[[], type[Provider]]]] = {RegistryCommands}
    ENABLE_COMMAND_PALETTE = True

    class LoggedOut(Message):
        def __init__(self, message: str) -> None:
            super().__init__()
            self.message = message

    class TokenStoreOpened(Message):
        """Posted from the token store's thread once it has opened (see `OpeningTokenStore`)."""

    class Resumed(Message):
        def __init__(self, session: AuthenticatedSession | None) -> None:
            super().__init__()
            self.session = session

    def __init__(
        self,
        api: ApiClient | None = None,
        *,
        api_factory: Callable[[], ApiClient] | None = None,
        clock: Clock | None = None,
        token_store: TokenStore | None = None,
        config: ClientConfig | None = None,
        demo_maildir: Path | None = None,
        freeze_heap: bool = False,
    ) -> None:
        super().__init__()
        self.freeze_heap = freeze_heap  # the real client (tui.main) only: see freeze_startup_heap
        self.animation_level = "none"
        if api is None:
            if api_factory is None:
                raise ValueError("EspaceApp needs an ApiClient or an api_factory")
            api = api_factory()
        self.api = api
        self.clock = clock or api.clock or SystemClock()
        self.token_store = token_store or MemoryTokenStore()
        self.config = config or ClientConfig()
        # The demo mailbox exists only in demo mode (ESPACE_DEMO_MAILDIR, set by the demo launcher).
        self.demo_maildir = demo_maildir if demo_maildir is not None else mailbox.demo_maildir()
        self.registry = self.config.registry(DEFAULT_REGISTRY.with_demo(self.demo_maildir is not None))
        install_extra_bindings(self, self.registry)
        self.expiry_watch: ExpiryWatch | None = None
        self._expiry_timer = None
        self.session: AuthenticatedSession | None = None
        self.areas: list[str] = []
        self.register_theme(HIGH_CONTRAST)
        self.theme = self.config.theme
        self.type_ahead = TypeAhead(self, self._deliver_key)

    # -- type-ahead (issue 19, item 8): keys typed while a screen opens are kept for it ------------------

    def push_screen(self, screen: Any, *args: Any, **kwargs: Any) -> Any:
        speak_french()  # Textual's own binding words, for the widgets of the modules loaded by now (item 9)
        pushed = super().push_screen(screen, *args, **kwargs)
        self.type_ahead.hold(self.screen)  # the screen just pushed (a name resolves to its instance)
        return pushed

    def pop_screen(self) -> Any:
        """Échap returns where the user came from (issue 19, item 10): a screen opened only on the way to
        another (the claims list under the détail that key 1 opened from the dashboard) has its
        ``return_through`` set, and leaves with the screen it led to."""
        leaving = self.screen
        popped = super().pop_screen()
        if getattr(self.screen, "return_through", False) and len(self.screen_stack) > 2:
            popped = super().pop_screen()
        if not (leaving.is_modal or getattr(leaving, "READ_ONLY", False)):
            # back into view: read again, unless what covered it changed nothing (a modal's action says what
            # it did and reloads its screen itself; a READ_ONLY screen, a claim's détail, only showed)
            self.call_later(self._back_in_view, self.screen)
        return popped

    def _back_in_view(self, screen: object) -> None:
        """Issue 19, item 6: a data screen shown again reads its data again (what was done meanwhile, on
        the screen it led to or by someone else, shows at once) — unless it left the screen meanwhile
        (logout pops every screen)."""
        refresh = getattr(screen, "refresh_data", None)
        if screen is self.screen and self.session is not None and callable(refresh):
            refresh()

    def get_key_display(self, binding: Binding) -> str:
        """The footer names keys in French, as the help does (« Échap », « Entrée », « F1 »), not Textual's
        « esc », « enter », « f1 » (issue 19: one word for one thing)."""
        return binding.key_display or footer_key_label(binding.key.split(",")[0])

    async def on_event(self, event: events.Event) -> None:
        if isinstance(event, events.Key) and not event.is_forwarded:
            if not self.type_ahead.keep(event):
                await self._deliver_key(event)
            return
        await super().on_event(event)

    async def _deliver_key(self, event: events.Key) -> None:
        target = self.focused or self.screen  # where Textual forwards a key no priority binding takes
        await super().on_event(event)
        if event.is_forwarded:
            self.type_ahead.follow(target)

    # -- the terminal cursor follows the focus (braille displays track it) ---------------------------

    @property  # type: ignore[override]
    def cursor_position(self) -> Offset:
        """Where Textual puts the terminal cursor: the text field's own cursor, else the focused row,
        option or item (see `tui.widgets.cursor`)."""
        try:
            focused = self.focused
        except Exception:  # no screen yet
            focused = None
        if focused is None or own_cursor(focused):
            return self._text_cursor
        return focus_cursor(focused)

    @cursor_position.setter
    def cursor_position(self, offset: Offset) -> None:
        self._text_cursor = offset

    # -- start, login, logout -----------------------------------------------------------------------

    def on_descendant_focus(self, event: events.DescendantFocus) -> None:
        """A steady text cursor: blinking distracts (WCAG 2.2.2), a braille display loses a cursor that is
        gone half the time, and what a screen shows must not depend on the moment it is looked at."""
        if own_cursor(event.widget):  # an Input or a TextArea
            event.widget.cursor_blink = False  # type: ignore[attr-defined]

    def on_mount(self) -> None:
        if self.freeze_heap:
            self.call_after_refresh(freeze_startup_heap)
        self.set_keymap(self.registry.keymap())
        self.push_screen(WelcomeScreen())
        for warning in self.config.warnings:
            self.notify(warning, title="Configuration", severity="warning", timeout=10)
        if not is_open(self.token_store):
            # Start-up (issues 11, 20): the real client's keyring opens in its own thread once the login form
            # is painted; what it holds (a session to resume, the remembered identifier) comes in after.
            self.show_login()
            self.call_after_refresh(self._open_token_store)
        elif self.token_store.get(self.api.base_url):
            self._resume()
        else:
            self.show_login()

    async def on_unmount(self) -> None:
        if isinstance(self.token_store, OpeningTokenStore):
            await self.token_store.aclose()  # the last writes reach the keyring (awaited, never blocking)
        await self.api.aclose()

    def _open_token_store(self) -> None:
        assert isinstance(self.token_store, OpeningTokenStore)
        # post_message is thread-safe: the store's thread tells the app, which never waits for it
        self.token_store.start(self.api.base_url, on_open=lambda: self.post_message(self.TokenStoreOpened()))

    @on(TokenStoreOpened)
    def _token_store_opened(self) -> None:
        login = self.screen if isinstance(self.screen, LoginScreen) else None
        if login is None:  # logged in already, or another screen on top: nothing to fill in
            return
        login.store_opened()
        has_session = bool(self.token_store.get(self.api.base_url))  # read by the store's thread already
        if has_session and self.session is None and not login.in_use:
            login.status.info(RESUMING)  # the form is about to give way: say why
            self._resume()
        else:  # nothing kept, or the member is already logging in by hand: theirs wins
            login.recall_identifier()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def _resume(self) -> None:
        self.post_message(self.Resumed(await login_flow.resume(self.api, self.token_store)))

    @on(Resumed)
    def _resumed(self, message: Resumed) -> None:
        if self.session is not None:  # logged in meanwhile (by hand): the kept session is not wanted
            return
        login = self.screen if isinstance(self.screen, LoginScreen) else None
        if message.session is None:
            if login is None:
                self.show_login()
            else:  # the form was painted while the keyring opened; the session it held has ended
                login.status.clear()
                login.recall_identifier()
        elif login is not None:
            login.dismiss(message.session)  # its callback is _logged_in
        else:
            self._logged_in(message.session)

    def show_login(self, notice: str | None = None, *, is_error: bool = False) -> None:
        screen = LoginScreen(
            self.api, notice=notice, notice_is_error=is_error, registry=self.registry, token_store=self.token_store
        )
        self.push_screen(screen, self._logged_in)

    def _logged_in(self, session: AuthenticatedSession | None) -> None:
        from tui.flows.account import ExpiryWatch
        from tui.screens.dashboard import DashboardScreen

        if session is None:
            return
        self.session = session
        if session.api.token:
            self.token_store.set(session.api.base_url, session.api.token)
        self.expiry_watch = ExpiryWatch(session.api)
        if self._expiry_timer is None:
            self._expiry_timer = self.set_interval(5, self.check_expiry, name="expiry")
        # A 403 password_expired from any route, on any screen, opens the forced change.
        session.api.on_password_expired = lambda: self.call_later(self.force_password_change)
        if session.api.password_expired or (session.session is not None and session.session.password_expired):
            # the restricted session of an expired password: only the change is possible
            self.force_password_change()
            return
        if session.session is not None and session.session.role != "member":  # issue 9: staff land in their console
            self._open_console(session)
            return
        self.push_screen(DashboardScreen(session, self.registry))
        self.refresh_bindings()

    def _open_console(self, session: AuthenticatedSession) -> None:
        from tui.api.agent import AgentApi
        from tui.screens.agent import AgentConsoleScreen

        name = session.session.display_name if session.session else ""
        self.push_screen(AgentConsoleScreen(AgentApi(session.api), name))
        self.refresh_bindings()

    def _forced_change_done(self, message: str | None) -> None:
        from tui.screens.dashboard import DashboardScreen

        if self.session is None:
            return
        if message is None:  # Échap on the forced change: leave rather than stay half logged in
            self._logout(self.session)
            return
        if not any(isinstance(s, DashboardScreen) for s in self.screen_stack):
            self.push_screen(DashboardScreen(self.session, self.registry))
        elif (dashboard := on_dashboard(self.screen)) is not None:
            dashboard.refresh_data()
        self.refresh_bindings()
        self.notify(message, timeout=8)

    def force_password_change(self) -> None:
        from tui.screens.account import ChangePasswordScreen

        if self.session is None or isinstance(self.screen, ChangePasswordScreen):
            return
        self.push_screen(ChangePasswordScreen(self.session.api, forced=True), self._forced_change_done)

    def check_expiry(self) -> None:
        """Called by a timer (tests call it after moving the FrozenClock): warn ahead of idle expiry."""
        from tui.screens.account import ExpiryWarningScreen

        watch = self.expiry_watch
        if self.session is None or watch is None or isinstance(self.screen, ExpiryWarningScreen):
            return
        if watch.due():
            self.push_screen(ExpiryWarningScreen(watch), self._expiry_answered)

    def _expiry_answered(self, message: str | None) -> None:
        if message:
            self.notify(message, timeout=5)

    def _back_to_login(self, notice: str, *, is_error: bool = False) -> None:
        self.session = None
        self.expiry_watch = None
        self.areas = []
        while len(self.screen_stack) > 2:  # the default screen and the welcome screen stay
            self.pop_screen()
        self.show_login(notice, is_error=is_error)

    def session_ended(self, message: str) -> None:
        """The server ended the session (expiry): forget it and ask to log in again."""
        self.token_store.delete(self.api.base_url)
        self._back_to_login(message, is_error=True)

    def set_areas(self, areas: list[str]) -> None:
        self.areas = list(areas)
        self.refresh_bindings()

    @work(exclusive=True, group="session", exit_on_error=False)
    async def _logout(self, session: AuthenticatedSession) -> None:
        self.post_message(self.LoggedOut(await login_flow.logout(session, self.token_store)))

    @on(LoggedOut)
    def _logged_out(self, message: LoggedOut) -> None:
        self._back_to_login(message.message)

    # -- actions (all declared in tui.flows.actions) ------------------------------------------------

    def available_actions(self, screen: object | None = None) -> list[Action]:
        """The registry's actions usable now on `screen` (the current one by default), for the palette and
        the help screen."""
        info = self.session.session if self.session is not None else None
        staff = info is not None and info.role in ("agent", "supervisor")  # issue 9: the console's actions
        actions = self.registry.available(
            logged_in=self.session is not None,
            areas=self.areas,
            console=staff,
            supervisor=staff and info is not None and info.role == "supervisor",
            screen=getattr(screen or self.screen, "ACTION_SCREEN", None),  # issue 10: this screen's own keys
            section=getattr(screen or self.screen, "section", None),  # the profile's keys of the section shown
        )
        if self._refreshable(screen or self.screen) and all(a.id != "refresh" for a in actions):
            actions = (*actions, self.registry["refresh"])  # Ctrl+R: on every data screen (issue 19)
        return sorted(actions, key=lambda a: a.context != SCREEN)  # the screen's keys first, then the others

    def _refreshable(self, screen: object) -> bool:
        return self.session is not None and callable(getattr(screen, "refresh_data", None))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        try:
            declared = self.registry[action]
        except KeyError:
            return True  # Textual's own actions
        if action == "refresh":  # issue 19: on every screen that implements the hook, once logged in
            return self._refreshable(self.screen)
        if declared.context == SESSION:
            if self.session is None or on_dashboard(self.screen) is None:
                # issue 9: logout, help from the console
                in_console = self.session is not None and is_loaded_instance(
                    self.screen, "tui.screens.agent", "AgentConsoleScreen"
                )
                return in_console and declared.area is None
            if declared.area is not None and declared.area not in self.areas:
                return False
        if declared.context == ANONYMOUS:
            return self.session is None and isinstance(self.screen, LoginScreen)
        return True

    def action_help(self) -> None:
        from tui.screens.help import HelpScreen

        if isinstance(self.screen, HelpScreen):
            # The Aide key closes the help too: the user's own key when remapped from the config file
            # (the help screen's own close keys are the default ones).
            self.screen.dismiss(None)
        else:
            self.push_screen(HelpScreen(self.available_actions()))

    def action_command_palette(self) -> None:
        if not CommandPalette.is_open(self):
            self.push_screen(FrenchCommandPalette(placeholder="Chercher une action…", id="--command-palette"))

    def action_logout(self) -> None:
        if self.session is not None:
            if (dashboard := on_dashboard(self.screen)) is not None:
                dashboard.status.info("Déconnexion en cours…")
            self._logout(self.session)

    def action_refresh(self) -> None:
        """Ctrl+R / F5: the screen shown reads its data again, through the hook every data screen implements,
        ``refresh_data`` (issue 19: the dossier did not follow what others changed until it was opened again)."""
        refresh = getattr(self.screen, "refresh_data", None)
        if callable(refresh):
            refresh()

    def action_dashboard(self) -> None:
        self.action_refresh()

    def action_claims(self) -> None:
        self.open_claims()

    def open_claims(self, claim_id: int | None = None) -> None:
        """Mes remboursements (issue 6), from the dashboard; with a claim id, straight to its détail."""
        from tui.screens.claims import ClaimsScreen

        if self.session is not None and on_dashboard(self.screen) is not None:
            screen = ClaimsScreen(self.session, self.clock.today(), open_claim_id=claim_id)
            screen.return_through = claim_id is not None  # Échap on that détail: back to the dashboard
            self.push_screen(screen)

    # -- issue 7: messagerie, démarches, notifications ----------------------------------------------

    def _open_messaging(self, screen_name: str) -> None:
        from tui.flows.messaging import Drafts
        from tui.screens import messaging as screens

        if self.session is None:
            return
        drafts = getattr(self, "drafts", None)
        if drafts is None:
            drafts = self.drafts = Drafts()  # kept in memory for the session
        self.push_screen(getattr(screens, screen_name)(self.session.api, drafts))

    def action_messaging(self) -> None:
        self._open_messaging("MessagingScreen")

    def action_requests(self) -> None:
        self._open_messaging("RequestsScreen")

    def action_notifications(self) -> None:
        self._open_messaging("NotificationsScreen")

    def _open_request_form(self, action_id: str | None) -> None:
        from tui.screens.request_forms import NewRequestScreen, RequestFormScreen

        if self.session is None:
            return
        today = self.clock.today()
        api = self.session.api
        self.push_screen(RequestFormScreen(api, action_id, today) if action_id else NewRequestScreen(api, today))

    def action_new_request(self) -> None:
        self._open_request_form(None)

    def action_new_reimbursement(self) -> None:
        self._open_request_form("new_reimbursement")

    def action_new_document(self) -> None:
        self._open_request_form("new_document")

    def action_new_accident(self) -> None:
        self._open_request_form("new_accident")

    def action_new_hospital(self) -> None:
        self._open_request_form("new_hospital")

    def action_new_quote(self) -> None:
        self._open_request_form("new_quote")

    # -- issue 4: the account ------------------------------------------------------------------------

    def _login_identifier(self) -> str:
        screen = self.screen
        if isinstance(screen, LoginScreen):
            return screen.query_one("#identifier").value  # type: ignore[attr-defined]
        return ""

    def _back_with_identifier(self, identifier: str | None) -> None:
        screen = self.screen
        if identifier and isinstance(screen, LoginScreen):
            screen.status.clear()  # issue 19: what was said before (a refusal) is not about this login
            screen.query_one("#identifier").value = identifier  # type: ignore[attr-defined]
            screen.query_one("#password").focus()

    def action_activate(self) -> None:
        from tui.screens.account import ActivationScreen

        self.push_screen(ActivationScreen(self.api), self._back_with_identifier)

    def action_forgot_password(self) -> None:
        from tui.screens.account import ForgotPasswordScreen

        self.push_screen(ForgotPasswordScreen(self.api, self._login_identifier()), self._back_with_identifier)

    def action_forgot_identifier(self) -> None:
        from tui.screens.account import RecoverIdentifierScreen

        self.push_screen(RecoverIdentifierScreen(self.api))

    def action_resend_confirmation(self) -> None:
        from tui.screens.confirmation import ResendConfirmationScreen

        self.push_screen(ResendConfirmationScreen(self.api, self._login_identifier()), self._back_with_identifier)

    def action_login_help(self) -> None:
        from tui.screens.login_help import LoginHelpScreen

        self.push_screen(LoginHelpScreen(self.registry), self._after_login_help)

    def _after_login_help(self, remedy: str | None) -> None:
        """The flow the answer leads to, over the login screen; the login form itself for the code's
        questions (a code is resent from the code step, after the password)."""
        from tui.flows.login_help import LOGIN

        screen = self.screen
        if remedy is None or not isinstance(screen, LoginScreen):
            return
        if remedy == LOGIN:
            field = "#password" if screen.query_one("#identifier").value else "#identifier"  # type: ignore[attr-defined]
            screen.query_one(field).focus()
            return
        getattr(self, f"action_{remedy}")()

    def action_not_me(self) -> None:
        from tui.screens.account import NotMeScreen

        self.push_screen(NotMeScreen(self.api, self._login_identifier()), self._back_with_identifier)

    def action_change_password(self) -> None:
        from tui.screens.account import ChangePasswordScreen

        if self.session is not None:
            self.push_screen(ChangePasswordScreen(self.session.api), self._changed_password)

    def _changed_password(self, message: str | None) -> None:
        if message:
            self.notify(message, timeout=8)

    def action_security(self) -> None:
        from tui.screens.account import SecurityScreen

        if self.session is not None:
            self.push_screen(SecurityScreen(self.session.api))

    def action_totp_enroll(self) -> None:
        from tui.screens.account import TotpScreen

        if self.session is not None:
            self.push_screen(TotpScreen(self.session.api), self._changed_password)

    def action_demo_mailbox(self) -> None:
        from tui.screens.account import MailboxScreen

        if self.demo_maildir is not None and not isinstance(self.screen, MailboxScreen):
            self.push_screen(MailboxScreen(self.demo_maildir))

    def action_guarantees(self) -> None:
        from tui.screens.guarantees import GuaranteesScreen

        if self.session is not None:
            self.push_screen(GuaranteesScreen(self.session))

    def action_simulator(self) -> None:
        from tui.screens.simulator import SimulatorScreen

        if self.session is not None:
            self.push_screen(SimulatorScreen(self.session))

    def action_directory(self) -> None:  # issue 21
        from tui.screens.directory import DirectoryScreen

        if self.session is not None and not isinstance(self.screen, DirectoryScreen):
            self.push_screen(DirectoryScreen(self.session.api, self.session))

    def action_profile(self) -> None:  # issue 8
        from tui.screens.profile import ProfileScreen

        if self.session is not None:
            self.push_screen(ProfileScreen(self.session))

    def action_access(self) -> None:  # issue 21: an ayant droit's own access
        from tui.flows.profile import BENEFICIARY_HEADING, BENEFICIARY_SECTIONS
        from tui.screens.profile import ProfileScreen

        if self.session is not None:
            self.push_screen(ProfileScreen(self.session, BENEFICIARY_SECTIONS, BENEFICIARY_HEADING))

    def action_guarantees_pdf(self) -> None:
        """The PDF of the table, said in the Mes garanties screen's status line (opened if needed)."""
        from tui.screens.guarantees import GuaranteesScreen

        if self.session is None:
            return
        if isinstance(self.screen, GuaranteesScreen):
            self.screen.action_download_pdf()
        else:
            self.push_screen(GuaranteesScreen(self.session, download=True))

    def action_saved_simulations(self) -> None:
        from tui.screens.simulator import SavedSimulationsScreen

        if self.session is not None and not isinstance(self.screen, SavedSimulationsScreen):
            self.push_screen(SavedSimulationsScreen(self.session))

    def action_theme(self) -> None:
        current = self.theme if self.theme in THEMES else THEMES[0]
        self.theme = THEMES[(THEMES.index(current) + 1) % len(THEMES)]
        self.notify(f"Thème : {THEME_WORDS.get(self.theme, self.theme)}", timeout=3)

    async def action_quit(self) -> None:
        """Issue 19: what was typed and not sent is not lost on one key — asked first (Entrée: non)."""
        from tui.widgets.typed import has_typed

        if not has_typed(self.screen_stack):  # nothing to lose: no form module is loaded just to leave
            self.exit(0)
            return
        from tui.screens.forms import ConfirmScreen

        if isinstance(self.screen, ConfirmScreen):
            self.exit(0)
            return
        self.push_screen(ConfirmScreen(QUIT_QUESTION), self._quit_answered)

    def action_help_quit(self) -> None:
        """Ctrl+C, which many press to quit: Textual answers in English (« Press q to quit the app »)."""
        self.notify(f"Pour quitter : {keys_label(self.registry['quit'].keys)}.", title="Quitter ?")

    def _quit_answered(self, yes: bool | None) -> None:
        if yes:
            self.exit(0)
