from typing import Annotated

from fastapi import APIRouter, Header, Response

from models.schemas.auth import LoginRequest, SessionInfo, SessionOut
from server.deps import ClientIp, ClockDep, CurrentAuth, SessionDep, SettingsDep
from server.errors import error_responses
from server.services import auth as service

router = APIRouter(tags=["connexion"])


@router.post(
    "/auth/login",
    response_model=SessionOut,
    responses=error_responses(401, 403, 422),
    summary="Se connecter (n° adhérent ou e-mail, mot de passe)",
)
def login(
    body: LoginRequest,
    session: SessionDep,
    clock: ClockDep,
    settings: SettingsDep,
    ip: ClientIp,
    user_agent: Annotated[str | None, Header()] = None,
) -> SessionOut:
    return service.login(session, clock, settings, body, ip=ip, user_agent=user_agent)


@router.post(
    "/auth/logout",
    status_code=204,
    response_class=Response,
    responses=error_responses(401),
    summary="Se déconnecter (la session est révoquée côté serveur)",
)
def logout(current: CurrentAuth, session: SessionDep, clock: ClockDep, ip: ClientIp) -> Response:
    service.logout(session, clock, current, ip=ip)
    return Response(status_code=204)


@router.get(
    "/me/session",
    response_model=SessionInfo,
    responses=error_responses(401),
    summary="Qui suis-je : le compte et l'échéance de la session",
)
def me_session(current: CurrentAuth, session: SessionDep, settings: SettingsDep) -> SessionInfo:
    return service.session_info(session, settings, current)
