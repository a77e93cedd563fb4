"""The client against a REAL server app: the FastAPI app of `server.app.create_app` on a temporary
SQLite file, migrated and loaded with the demo world (`fixtures.demo.seed_demo`) once per test process,
one rolled-back transaction per test, reached in process through `httpx.ASGITransport` (no sockets).
The server's and the client's clocks are frozen (Monday 23 November 2026, 10:00, Paris); the client's
token store is in memory.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import httpx
import pytest
from sqlalchemy import Engine
from sqlmodel import Session

from fixtures.demo import seed_demo
from fixtures.world import DEMO_PASSWORD
from server.app import create_app
from server.db import create_db_engine
from server.migrate import upgrade
from server.security.passwords import hash_password
from server.settings import Settings
from tests.conftest import TEST_NOW, Factory
from tui.api.client import ApiClient
from tui.api.token_store import MemoryTokenStore
from tui.clock import FrozenClock

SERVER = "http://testserver"


@dataclass(frozen=True)
class DemoMember:
    member_number: str
    email: str
    password: str
    first_name: str


@pytest.fixture(autouse=True)
def linear_words_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    """The linear transcripts here check the flows' words as written; the rendering for speech and braille
    (times in words, lines cut at 80 characters…) is checked over whole sessions by test_linear_speech.py."""
    monkeypatch.setattr("tui.linear.speech.BY_DEFAULT", False)


@pytest.fixture
def client_clock() -> FrozenClock:
    return FrozenClock(TEST_NOW)


@pytest.fixture
def token_store() -> MemoryTokenStore:
    return MemoryTokenStore()


@pytest.fixture(scope="session")
def demo_engine(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    """A SQLite file of its own, migrated and loaded with the demo world once per test process (the
    shared test database must stay empty for the server's tests)."""
    cheap = Settings(demo_mode=True, argon2_time_cost=1, argon2_memory_cost=8, argon2_parallelism=1)
    engine = create_db_engine(f"sqlite:///{tmp_path_factory.mktemp('tui-db') / 'demo.db'}")
    with engine.begin() as connection:
        upgrade(connection=connection)
    with Session(engine) as session:
        report = seed_demo(session, TEST_NOW.date(), hasher=lambda secret: hash_password(cheap, secret))
        session.commit()
    assert report.seeded
    yield engine
    engine.dispose()


@pytest.fixture
def demo_session(demo_engine: Engine) -> Iterator[Session]:
    """The test's session on the demo database: everything it writes is rolled back afterwards."""
    connection = demo_engine.connect()
    transaction = connection.begin()
    session = Session(bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False)
    try:
        yield session
    finally:
        session.close()
        transaction.rollback()
        connection.close()


@pytest.fixture
def demo_app(settings: Settings, clock: Any, demo_session: Session) -> Any:
    @contextmanager
    def scope() -> Iterator[Session]:
        yield demo_session

    return create_app(settings, clock=clock, session_scope=scope)


@pytest.fixture
def demo_make(demo_session: Session, settings: Settings, clock: Any) -> Factory:
    return Factory(demo_session, settings, clock)


@pytest.fixture
def coralie() -> DemoMember:
    """The demo world's Coralie (MNPEM's example): her latest reimbursement is "Frais de santé 6,94 €"."""
    return DemoMember("1204587", "coralie.vidal@example.fr", DEMO_PASSWORD, "Coralie")


@pytest.fixture
def api_factory(demo_app: Any, client_clock: FrozenClock) -> Callable[[], ApiClient]:
    def build() -> ApiClient:
        return ApiClient(SERVER, transport=httpx.ASGITransport(app=demo_app), clock=client_clock)

    return build


@pytest.fixture
def api(api_factory: Callable[[], ApiClient]) -> ApiClient:
    return api_factory()


class FailFirstSend(httpx.ASGITransport):
    """The real server app in process, except for the first POST to a path ending with ``path``: that one
    fails as when the server is unreachable (``lose_answer=False``: the request never reaches it) or as a
    connection dropped after the server answered (``lose_answer=True``: it did create the thing). The
    ``Idempotency-Key`` of every such POST is kept in ``keys``, in order."""

    def __init__(self, app: Any, path: str, *, lose_answer: bool = False) -> None:
        super().__init__(app=app)
        self.path, self.lose_answer = path, lose_answer
        self.keys: list[str | None] = []

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        watched = request.method == "POST" and request.url.path.endswith(self.path)
        if watched:
            self.keys.append(request.headers.get("Idempotency-Key"))
        if not watched or len(self.keys) > 1:
            return await super().handle_async_request(request)
        if self.lose_answer:
            await (await super().handle_async_request(request)).aread()
            raise httpx.ReadError("connection reset by peer", request=request)
        raise httpx.ConnectError("Connection refused", request=request)


def unreachable_api(clock: FrozenClock) -> ApiClient:
    """A client whose every request fails to connect, as when the server is not started."""

    def refuse(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("Connection refused", request=request)

    return ApiClient("http://127.0.0.1:8765", transport=httpx.MockTransport(refuse), clock=clock)


# -- logging in as a member would (issue 4: login, then the second-factor code) ---------------------------


CODE_PATTERNS = (
    re.compile(r"code[^\n]*?: (\d{6,8})\b"),  # "Votre code de connexion … : 123456", "ce code … : 12345678"
    re.compile(r"code de connexion est (\d{6})\b"),  # the SMS text
    re.compile(r"code de confirmation (\d{6})\b"),  # issue 8: the step-up SMS before a RIB change
)


def code_from_outbox(session: Session, identifier: str) -> str:
    """The code (6 digits to log in, 8 to confirm an address or reset a password) of the latest mail, or
    SMS through the outbox sink, sent to the member behind ``identifier`` (n° adhérent or e-mail), read
    from the `mail_outbox` table as the demo mailbox would show it. Mails without a code are skipped."""
    from sqlmodel import col, select

    from models.tables import MailOutbox, Member
    from server.services.auth import account_email, find_account

    addresses: set[str] = {identifier.strip().lower()} if "@" in identifier else set()
    account = find_account(session, identifier)
    member = session.get(Member, account.member_id) if account is not None and account.member_id else None
    if member is None:
        member = session.exec(select(Member).where(Member.member_number == identifier.strip())).first()
    if account is not None and (email := account_email(session, account)):
        addresses.add(email)
    if member is not None and member.email:
        addresses.add(member.email)
    if member is not None and member.mobile:
        addresses.add(f"sms+{''.join(c for c in member.mobile if c.isdigit())}")
    for mail in session.exec(select(MailOutbox).order_by(col(MailOutbox.id).desc())).all():
        if mail.to not in addresses and mail.to.split("@")[0] not in addresses:
            continue
        for pattern in CODE_PATTERNS:
            if found := pattern.search(mail.body):
                return found[1]
    raise AssertionError(f"no code in the outbox for {identifier}")


def solve_challenge(question: str) -> str:
    """The answer a person would give to the server's text human check."""
    from tests.server.auth_helpers import solve

    return solve(question.partition(") : ")[2] if question.startswith("Vérification") else question)


CodeReader = Callable[[str], str]


@pytest.fixture
def read_code(demo_session: Session) -> CodeReader:
    """``read_code(identifier)``: the latest code sent to that member (mail or SMS in the outbox)."""
    return lambda identifier: code_from_outbox(demo_session, identifier)


def waits_for_the_user(worker: Any) -> bool:
    """A flow's worker suspended in ``push_screen_wait``: it ends only once the user answers the form or the
    question it opened, so a test that waited for it would wait for ever."""
    task = getattr(worker, "_task", None)
    coroutine = task.get_coro() if task is not None else None
    while coroutine is not None:
        code = getattr(coroutine, "cr_code", None)
        if code is not None and code.co_name == "push_screen_wait":
            return True
        coroutine = getattr(coroutine, "cr_await", None)
    return False


SETTLE_TURNS = 1500
"""Event-loop turns a settle may take (each a ``pilot.pause()``) before it says which worker never ends:
a failure that names the worker rather than a suite that hangs until CI's limit."""


async def settle(pilot: Any, *, rounds: int = 4) -> None:
    """Let the workers finish and the messages they post be handled. A worker waiting for the user's answer
    to a screen it opened (a flow-model form, a question) is not waited for: the test answers it next."""
    app = pilot.app
    for _ in range(rounds):
        for _turn in range(SETTLE_TURNS):
            busy = [w for w in app.workers if not w.is_finished and not waits_for_the_user(w)]
            if not busy:
                break
            await pilot.pause()
        else:
            raise AssertionError(f"workers that never end: {busy} (on {app.screen!r})")
        await pilot.pause()


@pytest.fixture
def login_through_ui(read_code: CodeReader) -> Callable[..., Any]:
    """``await login_through_ui(pilot, identifier, password, trust=False)``: types the identifier (None:
    keep the field's value) and the password on the login screen, answers the human check when one is
    asked, types the code read from the outbox on the code screen, then answers « Se fier à cet
    appareil ? » (Non merci unless ``trust``). Stops wherever the server leads instead (a trusted device
    skips the code; a refusal stays on the login screen)."""

    async def login(pilot: Any, identifier: str | None, password: str, *, trust: bool = False) -> None:
        from tui.screens.account import CodeScreen, TrustScreen
        from tui.screens.login import LoginScreen

        screen = pilot.app.screen
        assert isinstance(screen, LoginScreen), screen
        if identifier is not None:  # None: keep what the field holds (after a refusal)
            await pilot.press(*identifier, "enter")
        await pilot.press(*password, "enter")
        await settle(pilot)
        if pilot.app.screen is screen and screen.flow.challenge is not None and pilot.app.focused.id == "challenge":
            await pilot.press(*solve_challenge(screen.flow.challenge.question), "enter")
            await settle(pilot)
        if isinstance(pilot.app.screen, CodeScreen):
            await pilot.press(*read_code(screen.flow.identifier), "enter")
            await settle(pilot)
        if isinstance(pilot.app.screen, TrustScreen):
            await pilot.press("o" if trust else "n")
            await settle(pilot)

    return login


async def log_in_api(api: ApiClient, read_code: CodeReader, identifier: str, password: str) -> ApiClient:
    """Through the real routes: POST /auth/login, then /auth/second-factor with the outbox code."""
    result = await api.login(identifier, password)
    if result.pending is not None and result.session is None:
        await api.second_factor(result.pending.id, read_code(identifier))
    assert api.token is not None
    return api


@pytest.fixture
async def logged_in_api(api: ApiClient, read_code: CodeReader, coralie: DemoMember) -> ApiClient:
    """Coralie's authenticated ApiClient, logged in through the login and second-factor routes."""
    return await log_in_api(api, read_code, coralie.member_number, coralie.password)


@pytest.fixture
def log_in_as(api: ApiClient, read_code: CodeReader, token_store: MemoryTokenStore) -> Callable[..., Any]:
    """``await log_in_as(member_number)``: logs that demo member in through the real routes and keeps the
    token in the token store, so an app or linear client started next resumes the session (for tests
    about something other than the login screens)."""

    async def log_in(identifier: str, password: str = DEMO_PASSWORD) -> str:
        await log_in_api(api, read_code, identifier, password)
        assert api.token is not None
        token_store.set(api.base_url, api.token)
        return api.token

    return log_in


class ScriptedInput(io.StringIO):
    """Standard input for the linear mode whose answers may be computed when asked: a callable answer is
    called at that moment (to read a code just sent from the outbox, or a menu number from the output)."""

    def __init__(self, answers: list[str | Callable[[], str]]) -> None:
        super().__init__()
        self.answers = list(answers)

    def readline(self, size: int | None = -1) -> str:  # type: ignore[override]
        if not self.answers:
            return ""
        answer = self.answers.pop(0)
        return (answer() if callable(answer) else answer) + "\n"


async def run_linear_scripted(
    api: ApiClient, token_store: Any, answers_for: Callable[[io.StringIO], list[Any]]
) -> tuple[str, str]:
    """The linear client (no demo mailbox) on the answers ``answers_for(stdout)`` gives (some computed when
    asked, from what was printed); its standard output and error, once it has ended with status 0."""
    from tui.linear import LinearClient

    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput(answers_for(stdout))
    code = await LinearClient(
        api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store, demo_maildir=None
    ).run()
    assert code == 0
    return stdout.getvalue(), stderr.getvalue()


def menu_number(out: io.StringIO, label: str) -> Callable[[], str]:
    """The answer that picks ``label`` in the menu being asked, when asked: the entry's own words (a menu
    already read is only reminded in one line, so a number found in the output could be another menu's;
    the menus take an entry's words as a blind user may type them, `tui.flows.menus`). The entry must have
    been printed in a numbered menu."""

    def find() -> str:
        for line in reversed(out.getvalue().splitlines()):
            number, _, text = line.partition(". ")
            if number.isdigit() and text == label:
                return label
        raise AssertionError(f"« {label} » is not in the menu")

    return find


def recap_send(out: io.StringIO) -> Callable[[], str]:
    """Entrée at the recap read before a form is sent (``tui.linear.face``): checks that the question being
    asked is that recap, so that a script cannot send a form without it having been read back."""

    def send() -> str:
        asking = out.getvalue().rsplit("\n", 1)[-1]
        assert "« modifier »" in asking, f"not at a recap: {asking!r}"
        return ""

    return send


SEND = ("send",)
"""In a script of ``run_linear``-style answers: Entrée at the recap (``recap_send``)."""


def challenge_answer(out: io.StringIO) -> Callable[[], str]:
    """The answer to the latest human-check question printed on ``out``, when asked."""

    def find() -> str:
        for line in reversed(out.getvalue().splitlines()):
            if line.startswith("Vérification de sécurité (pour"):
                return solve_challenge(line)
        raise AssertionError("no human check was asked")

    return find


@pytest.fixture
def fixed_challenges(monkeypatch: pytest.MonkeyPatch) -> None:
    """The server's human-check questions drawn from a seeded generator: transcripts and snapshots that
    show a question stay the same from run to run."""
    import random

    monkeypatch.setattr("server.services.challenge._rng", random.Random(2026))


def identity_answers(session: Session, member_number: str) -> dict[str, str]:
    """What the member would answer to the console's identity questions (issue 16), as a caller says them:
    the date of birth, the amount of one of the last three paid reimbursements, the RIB's last 4, the postal
    code — keyed by question."""
    from sqlmodel import select

    from models.tables import Member
    from server.services.agent.identity import paid_amounts, rib_last4

    member = session.exec(select(Member).where(Member.member_number == member_number)).one()
    amount = min(paid_amounts(session, member.id or 0), default=None)
    return {
        "birth_date": member.birth_date.strftime("%d/%m/%Y"),
        "paid_amount": str(amount).replace(".", ",") if amount is not None else "",
        "rib_last4": rib_last4(session, member.id or 0) or "",
        "postal_code": member.postal_code,
    }
