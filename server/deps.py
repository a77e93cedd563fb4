"""The ``Annotated`` dependencies: the single place where the session, the clock, the settings and
the caller's identity are established."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlmodel import Session

from models.schemas.common import Role
from models.tables import Account, Member
from server.clock import Clock
from server.errors import forbidden, not_authenticated
from server.services import viewer as viewers
from server.services.auth import Authenticated, authenticate, require_fresh_password
from server.services.viewer import Viewer
from server.settings import Settings

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
    if credentials is None or not credentials.credentials:
        raise not_authenticated()
    return authenticate(session, clock, settings, credentials.credentials)


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


def get_current_member(session: SessionDep, account: CurrentAccount) -> Member:
    """The assuré principal's own routes: a beneficiary's access (issue 21) is refused here."""
    if account.role == Role.member and account.beneficiary_id is not None:
        raise forbidden("principal_only", PRINCIPAL_ONLY)
    if account.role != Role.member or account.member_id is None:
        raise forbidden("members_only", MEMBERS_ONLY)
    member = session.get(Member, account.member_id)
    if member is None:
        raise forbidden("members_only", "Cet espace est réservé aux adhérents.")
    return member


CurrentMember = Annotated[Member, Depends(get_current_member)]


def get_current_viewer(session: SessionDep, account: CurrentAccount) -> Viewer:
    """Issue 21: the routes a beneficiary's own access may call too; the services filter by this viewer."""
    found = viewers.for_account(session, account) if account.role == Role.member else None
    if found is None:
        raise forbidden("members_only", MEMBERS_ONLY)
    return found


CurrentViewer = Annotated[Viewer, Depends(get_current_viewer)]


async def get_principal_viewer(viewer: CurrentViewer) -> Viewer:
    """The assuré principal, with the care hidden from them (relevés, exports)."""
    if viewer.beneficiary is not None:
        raise forbidden("principal_only", PRINCIPAL_ONLY)
    return viewer


PrincipalViewer = Annotated[Viewer, Depends(get_principal_viewer)]


def client_ip(request: Request) -> str | None:
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
