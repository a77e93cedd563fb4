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
from server.services.auth import Authenticated, authenticate
from server.settings import Settings

bearer_scheme = HTTPBearer(
    auto_error=False,
    scheme_name="session",
    description="Jeton de session opaque obtenu par POST /api/v1/auth/login",
)


def get_session(request: Request) -> Iterator[Session]:
    with request.app.state.session_scope() as session:
        yield session


def get_clock(request: Request) -> Clock:
    return request.app.state.clock


def get_settings(request: Request) -> Settings:
    return request.app.state.settings


SessionDep = Annotated[Session, Depends(get_session)]
ClockDep = Annotated[Clock, Depends(get_clock)]
SettingsDep = Annotated[Settings, Depends(get_settings)]


def get_current_auth(
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer_scheme)],
) -> Authenticated:
    if credentials is None or not credentials.credentials:
        raise not_authenticated()
    return authenticate(session, clock, settings, credentials.credentials)


CurrentAuth = Annotated[Authenticated, Depends(get_current_auth)]


def get_current_account(current: CurrentAuth) -> Account:
    return current.account


CurrentAccount = Annotated[Account, Depends(get_current_account)]


def get_current_member(session: SessionDep, account: CurrentAccount) -> Member:
    if account.role != Role.member or account.member_id is None:
        raise forbidden("members_only", "Cet espace est réservé aux adhérents.")
    member = session.get(Member, account.member_id)
    if member is None:
        raise forbidden("members_only", "Cet espace est réservé aux adhérents.")
    return member


CurrentMember = Annotated[Member, Depends(get_current_member)]


def client_ip(request: Request) -> str | None:
    return request.client.host if request.client else None


ClientIp = Annotated[str | None, Depends(client_ip)]
