"""The ``Annotated`` dependencies: the single place where the session, the clock, the settings and
the caller's identity are established.

Two ways for a route: the member's pages (``MemberContext``: one request context built on the event loop
without I/O, then ONE hop to the thread pool that opens the session, authenticates and runs the service)
and the others (``SessionDep``, ``CurrentAuth``, ``CurrentMember``…: one dependency each). Both
authenticate with the same single statement (``services.auth.load_caller``)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date
from typing import Annotated, TypeVar

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import Connection
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from models.schemas.common import Role
from models.tables import Account, Member
from server.clock import Clock, paris_today
from server.db import ConnectionScope, SessionScope, retry_once_if_dropped
from server.errors import ApiError, forbidden, not_authenticated
from server.services import viewer as viewers
from server.services.auth import Authenticated, authenticate, quick_principal, require_fresh_password
from server.services.viewer import Viewer
from server.settings import Settings

T = TypeVar("T")

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="session",
    description="Jeton de session opaque obtenu par POST /api/v1/auth/login",
)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_scope() as session:
        yield session


# The dependencies that do no I/O are ``async def``: FastAPI runs a plain ``def`` dependency in its thread
# pool, one thread hop per dependency per request; those that query the database stay ``def``.
async def get_clock(request: Request) -> Clock:
    return request.app.state.clock


async def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_current_auth_even_expired(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Authenticated:
    token = _bearer_token(credentials)

    def again_on_a_fresh_connection() -> Authenticated:
        session.rollback()  # the failed statement left the session's transaction unusable
        return authenticate(session, clock, settings, token)

    # The request's first statement: the one that meets a connection the database dropped (no ping first).
    return retry_once_if_dropped(lambda: authenticate(session, clock, settings, token), again_on_a_fresh_connection)


def _bearer_token(credentials: HTTPAuthorizationCredentials | None) -> str:
    if credentials is None or not credentials.credentials:
        raise not_authenticated()
    return credentials.credentials


# The restricted session of an expired password: only the routes that take this one answer.
CurrentAuthEvenExpired = Annotated[Authenticated, Depends(get_current_auth_even_expired)]


async def get_current_auth(current: CurrentAuthEvenExpired) -> Authenticated:
    """Every other route: 403 password_expired while the password must be changed."""
    return require_fresh_password(current)


CurrentAuth = Annotated[Authenticated, Depends(get_current_auth)]


def get_optional_auth(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Authenticated | None:
    """Routes open to everyone that do more for a caller who is logged in (the simulator's member
    form): None without a bearer token; with one, the same rules as ``CurrentAuth`` (401 for a session
    that is not valid, 403 password_expired while the password must be changed)."""
    if credentials is None or not credentials.credentials:
        return None
    return require_fresh_password(authenticate(session, clock, settings, credentials.credentials))


OptionalAuth = Annotated[Authenticated | None, Depends(get_optional_auth)]


async def get_current_account(current: CurrentAuth) -> Account:
    return current.account


CurrentAccount = Annotated[Account, Depends(get_current_account)]


MEMBERS_ONLY = "Cet espace est réservé aux adhérents."
PRINCIPAL_ONLY = (
    "Cette partie de l'espace est réservée à l'assuré principal du contrat : votre accès personnel montre vos "
    "remboursements, vos garanties, votre carte et vos messages."
)


def _members_only() -> ApiError:
    return forbidden("members_only", MEMBERS_ONLY)


def member_of(current: Authenticated) -> Member:
    """The assuré principal's member, loaded with the session (no statement of its own); 403 for staff and for
    an ayant droit's own access (issue 21: the principal's own routes)."""
    if current.account.role == Role.member and current.account.beneficiary_id is not None:
        raise forbidden("principal_only", PRINCIPAL_ONLY)
    if current.account.role != Role.member or current.member is None:
        raise _members_only()
    return current.member


async def get_current_member(current: CurrentAuth) -> Member:
    return member_of(current)


CurrentMember = Annotated[Member, Depends(get_current_member)]


def viewer_of(session: Session, current: Authenticated) -> Viewer:
    """Issue 21: who looks at the household's care — the assuré principal (their member is already loaded:
    one statement for the care hidden from them) or an ayant droit's own access; 403 for staff."""
    found = (
        viewers.for_account(session, current.account, hides_care=current.hides_care)
        if current.account.role == Role.member
        else None
    )
    if found is None:
        raise _members_only()
    return found


def get_current_viewer(session: SessionDep, current: CurrentAuth) -> Viewer:
    """The routes a beneficiary's own access may call too; the services filter by this viewer."""
    return viewer_of(session, current)


CurrentViewer = Annotated[Viewer, Depends(get_current_viewer)]


async def get_principal_viewer(viewer: CurrentViewer) -> Viewer:
    """The assuré principal, with the care hidden from them (relevés, exports)."""
    if viewer.beneficiary is not None:
        raise forbidden("principal_only", PRINCIPAL_ONLY)
    return viewer


PrincipalViewer = Annotated[Viewer, Depends(get_principal_viewer)]


async def client_ip(request: Request) -> str | None:
    """The client's address: the peer, or, when the peer is a trusted proxy (setting
    ``trusted_proxies``), the last X-Forwarded-For hop that is not itself a trusted proxy."""
    peer = request.client.host if request.client else None
    trusted = set(request.app.state.settings.trusted_proxies)
    if peer is None or peer not in trusted:
        return peer
    hops = [h.strip() for h in request.headers.get("x-forwarded-for", "").split(",") if h.strip()]
    for hop in reversed(hops):
        if hop not in trusted:
            return hop[:64]
    return peer


ClientIp = Annotated[str | None, Depends(client_ip)]


# --- the member's pages: one request context, one hop -------------------------------------------------------


@dataclass(frozen=True)
class MemberCall:
    """Inside the thread pool: the open session and who is looking (the assuré principal or an ayant droit's
    own access: ``viewer``; ``member`` is the household's member row)."""

    session: Session
    account: Account
    viewer: Viewer
    auth: Authenticated

    @property
    def member(self) -> Member:
        return self.viewer.member


@dataclass(frozen=True)
class ReadCall:
    """Inside the thread pool, for a page that only reads on a Core connection: the connection and who is
    looking (``MemberCall.viewer``)."""

    connection: Connection
    viewer: Viewer


@dataclass(frozen=True)
class RequestContext:
    """What a member's route needs, built once per request on the event loop (no I/O): the clock, the
    settings, the client's address, the bearer token and where sessions come from. ``as_member`` does the
    rest in one thread-pool hop."""

    clock: Clock
    settings: Settings
    client_ip: str | None
    token: str
    sessions: SessionScope  # for a route that writes
    reads: SessionScope  # for a page that only reads (server.db.read_engine)
    read_connections: ConnectionScope  # for a page that only reads on a Core connection (``reading``)

    @property
    def today(self) -> date:
        return paris_today(self.clock)

    async def as_member(self, work: Callable[[MemberCall], T], *, writes: bool = False) -> T:
        """Runs ``work`` in the thread pool, in one hop: a session opened, the caller authenticated (one
        statement: 401 for a session that is not valid, 403 while the password must be changed or for
        staff), who is looking established (`viewer_of`), ``work`` run, the session closed. A page that
        only reads (``writes`` False) uses the read sessions and is run again once if it met a connection
        the database had dropped. The routes here serve an ayant droit's own access too: their services
        filter by ``call.viewer``."""
        return await run_in_threadpool(self._as_member_now, work, writes)

    def _as_member_now(self, work: Callable[[MemberCall], T], writes: bool) -> T:
        def attempt() -> T:
            with (self.sessions if writes else self.reads)() as session:
                auth = require_fresh_password(authenticate(session, self.clock, self.settings, self.token))
                viewer = viewer_of(session, auth)
                return work(MemberCall(session=session, account=auth.account, viewer=viewer, auth=auth))

        return attempt() if writes else retry_once_if_dropped(attempt)

    async def reading(self, work: Callable[[ReadCall], T]) -> T:
        """``as_member`` for a page that only reads and needs no ORM session (Mes remboursements' list): on a
        Core connection, the caller read by one Core statement (``services.auth.quick_principal``) — issue
        20: the ORM session, the identity map and the viewer's lookup were a third of the work left between
        this route and a bare one. When that statement finds something to say or to do (a session to refuse
        or to mark seen, a password to change, a beneficiary's own access, care hidden from the assuré
        principal), the request goes ``as_member``'s full way instead, with the same rules and answers."""
        return await run_in_threadpool(self._reading_now, work)

    def _reading_now(self, work: Callable[[ReadCall], T]) -> T:
        def attempt() -> T:
            with self.read_connections() as connection:
                member = quick_principal(connection, self.clock, self.settings, self.token)
                if member is not None:
                    return work(ReadCall(connection=connection, viewer=Viewer(member=member)))
            return self._as_member_now(lambda call: work(ReadCall(call.session.connection(), call.viewer)), False)

        return retry_once_if_dropped(attempt)


async def member_context(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)]
) -> RequestContext:
    """401 at once without a bearer token; the token itself is checked in ``as_member``'s hop."""
    state = request.app.state
    return RequestContext(
        clock=state.clock,
        settings=state.settings,
        client_ip=await client_ip(request),
        token=_bearer_token(credentials),
        sessions=state.session_scope,
        reads=state.read_scope,
        read_connections=state.read_connections,
    )


MemberContext = Annotated[RequestContext, Depends(member_context)]
