"""The asynchronous HTTP client of the portal's API: a plain class, no Textual.

It parses every answer into the shared `models.schemas` models and turns every failure into one of the
typed errors of `tui.api.errors` (also reachable as nested names, `ApiClient.NetworkError`…), each with a
French message. The session token lives in this object's memory; persisting it is the token store's job.
"""

from __future__ import annotations

import ipaddress
from datetime import datetime, timedelta
from typing import Any, TypeVar

import httpx
from pydantic import BaseModel, ValidationError

from models.schemas.auth import LoginRequest, SessionOut
from models.schemas.dashboard import Dashboard
from models.schemas.errors import ErrorDetail, ErrorResponse
from tui.api import errors
from tui.flows.clock import Clock, SystemClock

DEFAULT_SERVER = "http://127.0.0.1:8765"
API_PREFIX = "/api/v1"
USER_AGENT = "espace-tui/0.1"

Model = TypeVar("Model", bound=BaseModel)


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (and nothing that merely starts with "localhost")."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(base_url: str, transport: httpx.AsyncBaseTransport | None = None) -> httpx.URL:
    """Refuse an unencrypted server unless it is this machine or the in-process test transport."""
    try:
        url = httpx.URL(base_url)
    except (httpx.InvalidURL, TypeError) as exc:
        raise errors.InsecureServer(
            f"Adresse de serveur invalide : « {base_url} ». Exemple : https://espace.example.fr"
        ) from exc
    if url.scheme == "https" and url.host:
        return url
    if url.scheme == "http" and url.host:
        if isinstance(transport, httpx.ASGITransport) or is_loopback_host(url.host):
            return url
        raise errors.InsecureServer(
            f"Adresse refusée : « {base_url} » n'est pas chiffrée (http://). Utilisez une adresse "
            "https://, ou http:// seulement vers cette machine (127.0.0.1, ::1 ou localhost)."
        )
    raise errors.InsecureServer(
        f"Adresse de serveur invalide : « {base_url} ». Elle doit commencer par https:// "
        "(ou http:// vers cette machine)."
    )


class ApiClient:
    """One member's conversation with the server."""

    # The typed errors, as nested names (``except ApiClient.SessionExpired``).
    Error = errors.ApiError
    NetworkError = errors.NetworkError
    TimeoutError = errors.TimeoutError
    InsecureServer = errors.InsecureServer
    InvalidCredentials = errors.InvalidCredentials
    AccountBlocked = errors.AccountBlocked
    NotAuthenticated = errors.NotAuthenticated
    SessionExpired = errors.SessionExpired
    Forbidden = errors.Forbidden
    NotFound = errors.NotFound
    Throttled = errors.Throttled
    ValidationFailed = errors.ValidationFailed
    ServerError = errors.ServerError
    UnexpectedResponse = errors.UnexpectedResponse

    def __init__(
        self,
        base_url: str = DEFAULT_SERVER,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Clock | None = None,
        *,
        timeout: float = 10.0,
    ) -> None:
        self.base_url = str(check_server_url(base_url, transport)).rstrip("/")
        self.clock: Clock = clock or SystemClock()
        self._http = httpx.AsyncClient(
            base_url=self.base_url,
            transport=transport,
            timeout=httpx.Timeout(timeout),
            headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
            follow_redirects=False,
        )
        self._session: SessionOut | None = None
        self._token: str | None = None
        self._last_activity: datetime | None = None
        self._idle_window: timedelta | None = None

    # -- session ------------------------------------------------------------------------------------

    @property
    def token(self) -> str | None:
        return self._token

    @property
    def session(self) -> SessionOut | None:
        return self._session

    @property
    def is_authenticated(self) -> bool:
        return self._token is not None

    def use_token(self, token: str) -> None:
        """Resume a session whose token was kept by the token store (the server will tell if it ended)."""
        self._token = token
        self._session = None

    def forget_session(self) -> None:
        self._token = None
        self._session = None

    def seconds_before_idle_expiry(self) -> float | None:
        """Seconds left before the server ends the session for inactivity, by the client's clock.

        The server pushes the idle expiry on each authenticated request; the client mirrors it so it can
        warn ahead (the server stays the judge)."""
        if self._session is None or self._idle_window is None or self._last_activity is None:
            return None
        now = self.clock.now()
        idle_end = self._last_activity + self._idle_window
        return (min(idle_end, self._session.expires_at) - now).total_seconds()

    # -- endpoints ----------------------------------------------------------------------------------

    async def health(self) -> dict[str, Any]:
        response = await self._request("GET", "/health")
        return self._json(response)

    async def login(self, identifier: str, password: str) -> SessionOut:
        body = LoginRequest(identifier=identifier, password=password)
        response = await self._request("POST", "/auth/login", json=body.model_dump(), login=True)
        session = self._parse(response, SessionOut)
        self._session = session
        self._token = session.token
        self._last_activity = self.clock.now()
        self._idle_window = max(session.idle_expires_at - self._last_activity, timedelta(0))
        return session

    async def logout(self) -> None:
        """End the session on the server; the local token is forgotten whatever happens."""
        if self._token is None:
            return
        try:
            await self._request("POST", "/auth/logout", auth=True)
        except errors.SessionExpired:
            pass  # already over on the server: that is what we wanted
        finally:
            self.forget_session()

    async def dashboard(self) -> Dashboard:
        response = await self._request("GET", "/me/dashboard", auth=True)
        return self._parse(response, Dashboard)

    async def aclose(self) -> None:
        await self._http.aclose()

    async def __aenter__(self) -> ApiClient:
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        await self.aclose()

    # -- plumbing -----------------------------------------------------------------------------------

    async def _request(
        self,
        method: str,
        path: str,
        *,
        json: Any = None,
        auth: bool = False,
        login: bool = False,
    ) -> httpx.Response:
        headers: dict[str, str] = {}
        if auth:
            if self._token is None:
                raise errors.NotAuthenticated()
            headers["Authorization"] = f"Bearer {self._token}"
        try:
            response = await self._http.request(method, API_PREFIX + path, json=json, headers=headers)
        except httpx.TimeoutException as exc:
            raise errors.TimeoutError() from exc
        except httpx.TransportError as exc:  # connection refused, DNS, TLS, reset…
            raise errors.NetworkError() from exc
        if response.is_success:
            if auth:
                self._last_activity = self.clock.now()
            return response
        raise self._error_for(response, auth=auth, login=login)

    def _error_for(self, response: httpx.Response, *, auth: bool, login: bool) -> errors.ApiError:
        status = response.status_code
        body = self._error_body(response)
        message = body.message if body else None
        code = body.code if body else None
        details = body.details if body else []
        kwargs: dict[str, Any] = {"code": code, "status": status, "details": details}
        if status == 401:
            if login:
                return errors.InvalidCredentials(message, **kwargs)
            self.forget_session()
            # One fixed sentence: whatever the server's reason, the member's next step is the same.
            return errors.SessionExpired(**kwargs)
        if status == 403:
            if login:
                return errors.AccountBlocked(message, **kwargs)
            return errors.Forbidden(message, **kwargs)
        if status == 404:
            return errors.NotFound(message, **kwargs)
        if status == 422:
            return errors.ValidationFailed(message, **kwargs)
        if status == 429:
            return errors.Throttled(message, **kwargs)
        if status == 408:
            return errors.TimeoutError(message, **kwargs)
        if status >= 500:
            return errors.ServerError(message, **kwargs)
        return errors.ApiError(message, **kwargs)

    @staticmethod
    def _error_body(response: httpx.Response) -> ErrorResponse | None:
        try:
            data = response.json()
        except ValueError:
            return None
        if not isinstance(data, dict):
            return None
        if "code" in data and "message" in data:
            try:
                return ErrorResponse.model_validate(data)
            except ValidationError:
                return None
        detail = data.get("detail")
        if isinstance(detail, list):  # FastAPI's default validation answer, should one slip through
            details = [
                ErrorDetail(
                    field=".".join(str(part) for part in item.get("loc", [])[1:]) or None,
                    message=str(item.get("msg", "")),
                )
                for item in detail
                if isinstance(item, dict)
            ]
            return ErrorResponse(code="validation_error", message="", details=details)
        return None

    @staticmethod
    def _json(response: httpx.Response) -> Any:
        try:
            return response.json()
        except ValueError as exc:
            raise errors.UnexpectedResponse(status=response.status_code) from exc

    def _parse(self, response: httpx.Response, model: type[Model]) -> Model:
        try:
            return model.model_validate(self._json(response))
        except ValidationError as exc:
            raise errors.UnexpectedResponse(status=response.status_code) from exc
