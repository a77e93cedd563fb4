"""The asynchronous HTTP client of the portal's API: a plain class, no Textual.

It parses every answer into the shared `models.schemas` models and turns every failure into one of the
typed errors of `tui.api.errors` (also reachable as nested names, `ApiClient.NetworkError`…), each with a
French message. The session token lives in this object's memory; persisting it is the token store's job.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlsplit

from models.schemas.login_codes import PASSWORD_EXPIRED_CODE, LoginStatus
from tui.api import errors
from tui.clock import Clock, SystemClock

# httpx, Pydantic and the schemas are imported where they are first used, not here: the client must
# paint its login screen before any of them is needed (issue 11, start-up speed; a test checks it).
if TYPE_CHECKING:
    import httpx
    from pydantic import BaseModel

    from models.schemas import auth as schemas
    from models.schemas.auth import (
        Accepted,
        HumanChallenge,
        LoginResult,
        PasswordCheckResult,
        PendingLogin,
        RecoveryCodes,
        SecondFactorMethod,
        SecondFactorResult,
        SessionExtended,
        SessionInfo,
        SessionListItem,
        SessionOut,
        Terms,
        TotpEnrollment,
        TrustedDeviceOut,
        TrustedDeviceToken,
    )
    from models.schemas.claims import ClaimDetail, ClaimList, ClaimOptions, ClaimQuery
    from models.schemas.dashboard import Dashboard
    from models.schemas.errors import ErrorResponse
    from models.schemas.guarantees import MyGuarantees, SavedSimulationOut
    from models.schemas.simulation import SimulationResult

DEFAULT_SERVER = "http://127.0.0.1:8765"
API_PREFIX = "/api/v1"
USER_AGENT = "espace-tui/0.1"
KEEPALIVE_EXPIRY = 4.0
"""Seconds an idle pooled connection is reused (issue 19): below the server's own keep-alive (uvicorn closes
an idle connection after 5 s, `timeout_keep_alive`), so the client lets go of it first."""
REPLAYABLE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
"""Requests that may be sent twice without doing anything twice (HTTP's idempotent methods). A POST, even
with its Idempotency-Key, is not replayed behind the member's back: its form says the answer was lost and
sends it again with the same key when asked (tui.flows.retry)."""

Model = TypeVar("Model", bound="BaseModel")

# The routes of issue 4, in one place (the server's contract is `models.schemas.auth`).
PATHS = {
    "challenge": "/auth/challenge",
    "login": "/auth/login",
    "second_factor": "/auth/second-factor",
    "resend": "/auth/second-factor/resend",
    "trust_device": "/auth/second-factor/trust",
    "activate_code": "/auth/activation/code",
    "activate_identity": "/auth/activation/identity",
    "confirm_email": "/auth/confirm-email",
    "resend_confirmation": "/auth/confirm-email/resend",
    "terms": "/auth/terms",
    "forgot_password": "/auth/password/forgot",
    "reset_password": "/auth/password/reset",
    "recover_identifier": "/auth/identifier/recover",
    "contact_revert": "/auth/contact-revert",
    "check_password": "/auth/password/check",
    "change_password": "/auth/password/change",
    "session_info": "/me/session",
    "extend": "/auth/session/extend",
    "sessions": "/me/sessions",
    "trusted_devices": "/me/trusted-devices",
    "totp_enroll": "/me/totp/enroll",
    "totp_confirm": "/me/totp/confirm",
}


def is_loopback_host(host: str) -> bool:
    """True for localhost, 127.0.0.0/8 and ::1 (and nothing that merely starts with "localhost")."""
    host = host.strip("[]").lower()
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def check_server_url(base_url: str, transport: httpx.AsyncBaseTransport | None = None) -> str:
    """Refuse an unencrypted server unless it is this machine or the in-process test transport.

    Parsed with the standard library, not httpx: the address is checked at start-up, before httpx is
    needed (issue 11). Returns the address with its scheme and host in lower case."""
    invalid = f"Adresse de serveur invalide : « {base_url} ». Exemple : https://espace.example.fr"
    try:
        url = urlsplit(base_url)
        host = url.hostname
        url.port  # noqa: B018 -- raises ValueError on a port that is not a number from 0 to 65535
    except (ValueError, TypeError, AttributeError) as exc:
        raise errors.InsecureServer(invalid) from exc
    if any(char.isspace() or not char.isprintable() for char in base_url):
        raise errors.InsecureServer(invalid)
    normalized = url._replace(netloc=url.netloc.lower()).geturl()
    if url.scheme == "https" and host:
        return normalized
    if url.scheme == "http" and host:
        if _in_process(transport) or is_loopback_host(host):
            return normalized
        raise errors.InsecureServer(
            f"Adresse refusée : « {base_url} » n'est pas chiffrée (http://). Utilisez une adresse "
            "https://, ou http:// seulement vers cette machine (127.0.0.1, ::1 ou localhost)."
        )
    raise errors.InsecureServer(
        f"Adresse de serveur invalide : « {base_url} ». Elle doit commencer par https:// "
        "(ou http:// vers cette machine)."
    )


def _in_process(transport: object) -> bool:
    """The test transport that calls the server app in this process (no network to protect)."""
    if transport is None:
        return False
    import httpx  # already imported by whoever built the transport

    return isinstance(transport, httpx.ASGITransport)


@dataclass(frozen=True)
class Download:
    """A file the server sent: its bytes and the name it suggests."""

    filename: str
    content: bytes


_FILENAME = re.compile(r'filename="?([^";]+)"?')


def download_of(response: httpx.Response, fallback: str) -> Download:
    found = _FILENAME.search(response.headers.get("content-disposition", ""))
    name = found.group(1) if found else fallback
    return Download(name.replace("/", "_").replace("\\", "_"), response.content)


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
    PasswordExpired = errors.PasswordExpired
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
        self.base_url = check_server_url(base_url, transport).rstrip("/")
        self.clock: Clock = clock or SystemClock()
        self._transport = transport
        self._timeout = timeout
        self._http_client: httpx.AsyncClient | None = None  # made on the first request (see `_http`)
        self._session: SessionOut | None = None
        self._token: str | None = None
        self._last_activity: datetime | None = None
        self._idle_window: timedelta | None = None
        self.password_expired = False
        """Set when the server answered 403 ``password_expired`` to any route (the restricted session)."""
        self.on_password_expired: Callable[[], None] | None = None
        """Called then, so the front end opens the forced password change wherever the member is."""
        self.reauthenticate: Callable[[], Awaitable[bool]] | None = None
        """Called when the server says the session is over in the middle of a request: the front end logs
        the same person in again right there (True once done) and the request is sent again, so that a
        form being sent is not lost. Without it (or when it gives up) the request fails `SessionExpired`."""

    @property
    def _http(self) -> httpx.AsyncClient:
        """The HTTP connection pool, made (and httpx imported) when the first request is sent."""
        if self._http_client is None:
            import httpx

            self._http_client = httpx.AsyncClient(
                base_url=self.base_url,
                transport=self._transport,
                timeout=httpx.Timeout(self._timeout),
                headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
                follow_redirects=False,
                limits=httpx.Limits(keepalive_expiry=KEEPALIVE_EXPIRY),
            )
        return self._http_client

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

    def mirror_session(self, session: SessionOut) -> None:
        """After a resume: mirror the session's expiry times (from GET session info) to warn ahead."""
        self._install_session(session)

    def _install_session(self, session: SessionOut) -> None:
        self.password_expired = session.password_expired
        self._session = session
        self._token = session.token
        self._last_activity = self.clock.now()
        self._idle_window = max(session.idle_expires_at - self._last_activity, timedelta(0))

    async def challenge(self) -> HumanChallenge:
        """A human-check question (text, for a terminal and a screen reader)."""
        from models.schemas.auth import HumanChallenge

        response = await self._request("POST", PATHS["challenge"])
        return self._parse(response, HumanChallenge)

    async def login(
        self,
        identifier: str,
        password: str,
        *,
        challenge_id: str | None = None,
        challenge_answer: str | None = None,
        trusted_device_token: str | None = None,
    ) -> LoginResult:
        """Authenticated at once (a trusted device, or no second factor), or a pending login."""
        from models.schemas.auth import LoginRequest, LoginResult

        body = LoginRequest(
            identifier=identifier,
            password=password,
            challenge_id=challenge_id,
            challenge_answer=challenge_answer,
            trusted_device_token=trusted_device_token,
        )
        response = await self._request("POST", PATHS["login"], json=body.model_dump(mode="json"), login=True)
        result = self._parse(response, LoginResult)
        if result.status is LoginStatus.authenticated:
            if result.session is None:
                raise errors.UnexpectedResponse(status=response.status_code)
            self._install_session(result.session)
        elif result.pending is None:
            raise errors.UnexpectedResponse(status=response.status_code)
        return result

    async def second_factor(
        self, pending_id: str, code: str, *, trust_device: bool = False, device_name: str | None = None
    ) -> SecondFactorResult:
        from models.schemas import auth as schemas
        from models.schemas.auth import SecondFactorResult

        body = schemas.SecondFactorRequest(
            pending_id=pending_id, code=code, trust_device=trust_device, device_name=device_name
        )
        response = await self._request("POST", PATHS["second_factor"], json=body.model_dump(mode="json"), login=True)
        result = self._parse(response, SecondFactorResult)
        self._install_session(result.session)
        return result

    async def trust_device(self, pending_id: str, device_name: str | None = None) -> TrustedDeviceToken:
        """« Se fier à cet appareil ? » answered yes once the code was accepted (the session's own login)."""
        from models.schemas import auth as schemas
        from models.schemas.auth import TrustedDeviceToken

        body = schemas.TrustDeviceRequest(pending_id=pending_id, device_name=device_name)
        response = await self._request("POST", PATHS["trust_device"], json=body.model_dump(mode="json"), auth=True)
        return self._parse(response, TrustedDeviceToken)

    async def resend_code(self, pending_id: str, method: SecondFactorMethod | None = None) -> PendingLogin:
        from models.schemas import auth as schemas
        from models.schemas.auth import PendingLogin

        body = schemas.ResendRequest(pending_id=pending_id, method=method)
        response = await self._request("POST", PATHS["resend"], json=body.model_dump(mode="json"), login=True)
        return self._parse(response, PendingLogin)

    async def terms(self) -> Terms:
        from models.schemas.auth import Terms

        return self._parse(await self._request("GET", PATHS["terms"]), Terms)

    async def activate_by_code(self, body: schemas.ActivationByCode) -> Accepted:
        return await self._accepted(PATHS["activate_code"], body)

    async def activate_by_identity(self, body: schemas.ActivationByIdentity) -> Accepted:
        return await self._accepted(PATHS["activate_identity"], body)

    async def confirm_email(self, identifier: str, code: str) -> Accepted:
        from models.schemas import auth as schemas

        return await self._accepted(
            PATHS["confirm_email"], schemas.ConfirmEmailRequest(identifier=identifier, code=code)
        )

    async def resend_confirmation(
        self, identifier: str, *, challenge_id: str | None = None, challenge_answer: str | None = None
    ) -> Accepted:
        """Renvoyer l'e-mail de confirmation: always 202, the same message whether the account exists or not."""
        from models.schemas import auth as schemas

        body = schemas.ResendConfirmationRequest(
            identifier=identifier, challenge_id=challenge_id, challenge_answer=challenge_answer
        )
        return await self._accepted(PATHS["resend_confirmation"], body)

    async def forgot_password(
        self, identifier: str, *, challenge_id: str | None = None, challenge_answer: str | None = None
    ) -> Accepted:
        from models.schemas import auth as schemas

        body = schemas.ForgotPasswordRequest(
            identifier=identifier, challenge_id=challenge_id, challenge_answer=challenge_answer
        )
        return await self._accepted(PATHS["forgot_password"], body)

    async def reset_password(self, identifier: str, code: str, new_password: str) -> Accepted:
        from models.schemas import auth as schemas

        body = schemas.ResetPasswordRequest(identifier=identifier, code=code, new_password=new_password)
        return await self._accepted(PATHS["reset_password"], body)

    async def recover_identifier(self, body: schemas.RecoverIdentifierRequest) -> Accepted:
        return await self._accepted(PATHS["recover_identifier"], body)

    async def contact_revert(self, identifier: str, code: str) -> Accepted:
        """« Ce n'est pas moi »: the n° adhérent and the code of the message sent to the old contact."""
        from models.schemas import auth as schemas

        body = schemas.ContactRevertRequest(identifier=identifier, code=code)
        return await self._accepted(PATHS["contact_revert"], body)

    async def check_password(self, password: str) -> PasswordCheckResult:
        from models.schemas import auth as schemas
        from models.schemas.auth import PasswordCheckResult

        body = schemas.PasswordCheckRequest(password=password)
        response = await self._request(
            "POST", PATHS["check_password"], json=body.model_dump(mode="json"), auth=self._token is not None
        )
        return self._parse(response, PasswordCheckResult)

    async def change_password(self, current_password: str, new_password: str) -> None:
        from models.schemas import auth as schemas

        body = schemas.ChangePasswordRequest(current_password=current_password, new_password=new_password)
        await self._request("POST", PATHS["change_password"], json=body.model_dump(mode="json"), auth=True)
        self.password_expired = False
        if self._session is not None and self._session.password_expired:
            self._session = self._session.model_copy(update={"password_expired": False})

    async def session_info(self) -> SessionInfo:
        from models.schemas.auth import SessionInfo

        return self._parse(await self._request("GET", PATHS["session_info"], auth=True), SessionInfo)

    async def extend_session(self) -> SessionExtended:
        from models.schemas.auth import SessionExtended

        response = await self._request("POST", PATHS["extend"], auth=True)
        extended = self._parse(response, SessionExtended)
        if self._session is not None:
            self._session = self._session.model_copy(
                update={"expires_at": extended.expires_at, "idle_expires_at": extended.idle_expires_at}
            )
            self._last_activity = self.clock.now()
            self._idle_window = max(extended.idle_expires_at - self._last_activity, timedelta(0))
        return extended

    async def sessions(self) -> list[SessionListItem]:
        from models.schemas.auth import SessionListItem

        response = await self._request("GET", PATHS["sessions"], auth=True)
        return self._parse_list(response, SessionListItem)

    async def revoke_session(self, session_id: int) -> None:
        await self._request("DELETE", f"{PATHS['sessions']}/{session_id}", auth=True)

    async def trusted_devices(self) -> list[TrustedDeviceOut]:
        from models.schemas.auth import TrustedDeviceOut

        response = await self._request("GET", PATHS["trusted_devices"], auth=True)
        return self._parse_list(response, TrustedDeviceOut)

    async def revoke_trusted_device(self, device_id: int) -> None:
        await self._request("DELETE", f"{PATHS['trusted_devices']}/{device_id}", auth=True)

    async def totp_enroll(self) -> TotpEnrollment:
        from models.schemas.auth import TotpEnrollment

        return self._parse(await self._request("POST", PATHS["totp_enroll"], auth=True), TotpEnrollment)

    async def totp_confirm(self, code: str) -> RecoveryCodes:
        from models.schemas import auth as schemas
        from models.schemas.auth import RecoveryCodes

        body = schemas.TotpConfirmRequest(code=code)
        response = await self._request("POST", PATHS["totp_confirm"], json=body.model_dump(mode="json"), auth=True)
        return self._parse(response, RecoveryCodes)

    async def _accepted(self, path: str, body: BaseModel) -> Accepted:
        from models.schemas.auth import Accepted

        response = await self._request("POST", path, json=body.model_dump(mode="json"))
        return self._parse(response, Accepted)

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
        from models.schemas.dashboard import Dashboard

        response = await self._request("GET", "/me/dashboard", auth=True)
        return self._parse(response, Dashboard)

    # -- garanties and simulateur (issue 5) ---------------------------------------------------------

    async def guarantees(self) -> MyGuarantees:
        from models.schemas.guarantees import MyGuarantees

        return self._parse(await self._request("GET", "/me/guarantees", auth=True), MyGuarantees)

    async def guarantees_pdf(self) -> bytes:
        return (await self._request("GET", "/me/guarantees/pdf", auth=True)).content

    async def simulate(self, request: dict[str, Any]) -> SimulationResult:
        """The member form (``beneficiary_id``, no guarantee): the member's own contracts and ceilings."""
        from models.schemas.simulation import SimulationResult

        response = await self._request("POST", "/simulations", json=request, auth=self._token is not None)
        return self._parse(response, SimulationResult)

    async def simulate_care(self, requests: list[dict[str, Any]]) -> list[SimulationResult]:
        """Several lines of one care (the items of one pair of glasses), simulated together so that they share
        the ceilings of the équipement: one result per line, in order."""
        from models.schemas.simulation import SimulationResult

        response = await self._request("POST", "/simulations", json=requests, auth=self._token is not None)
        return self._parse_list(response, SimulationResult)

    async def save_simulation(self, scenarios: list[dict[str, Any]], key: str | None = None) -> SavedSimulationOut:
        """``key``: the Idempotency-Key, the same when the same simulation is saved again after a network
        error (``tui.flows.retry.Submission``), so it is saved once."""
        import uuid

        from models.schemas.guarantees import SavedSimulationCreate, SavedSimulationOut

        body = SavedSimulationCreate(scenarios=scenarios)
        response = await self._request(
            "POST",
            "/me/simulations",
            json=body.model_dump(mode="json"),
            auth=True,
            extra_headers={"Idempotency-Key": key or str(uuid.uuid4())},
        )
        return self._parse(response, SavedSimulationOut)

    async def saved_simulations(self) -> list[SavedSimulationOut]:
        from models.schemas.guarantees import SavedSimulationOut

        return self._parse_list(await self._request("GET", "/me/simulations", auth=True), SavedSimulationOut)

    # -- remboursements (issue 6) ---------------------------------------------------------------------

    async def claims(self, query: ClaimQuery | None = None) -> ClaimList:
        from models.schemas.claims import ClaimList, ClaimQuery

        params = (query or ClaimQuery()).params()
        return self._parse(await self._request("GET", "/me/claims", auth=True, params=params), ClaimList)

    async def claim_options(self) -> ClaimOptions:
        from models.schemas.claims import ClaimOptions

        return self._parse(await self._request("GET", "/me/claims/options", auth=True), ClaimOptions)

    async def claim(self, claim_id: int) -> ClaimDetail:
        from models.schemas.claims import ClaimDetail

        return self._parse(await self._request("GET", f"/me/claims/{claim_id}", auth=True), ClaimDetail)

    async def claims_csv(self, query: ClaimQuery | None = None) -> Download:
        from models.schemas.claims import ClaimQuery

        params = [(k, v) for k, v in (query or ClaimQuery()).params() if k not in ("page", "page_size")]
        response = await self._request("GET", "/me/claims/export", auth=True, params=params)
        return download_of(response, "remboursements.csv")

    async def payment_statement(self, payment_id: int) -> Download:
        response = await self._request("GET", f"/me/payments/{payment_id}/statement", auth=True)
        return download_of(response, "releve-prestations.pdf")

    async def period_statement(self, date_from: date | None, date_to: date | None) -> Download:
        params = {k: v.isoformat() for k, v in (("date_from", date_from), ("date_to", date_to)) if v is not None}
        response = await self._request("GET", "/me/statements/period", auth=True, params=params)
        return download_of(response, "releve-prestations.pdf")

    async def member_document(self, document_id: int, filename: str) -> Download:
        """One of the member's documents (a claim's linked document): the server checks it is theirs."""
        response = await self._request("GET", f"/me/documents/{document_id}", auth=True)
        return download_of(response, filename)

    async def annual_statement(self, year: int) -> Download:
        response = await self._request("GET", f"/me/statements/annual/{year}", auth=True)
        return download_of(response, f"releve-annuel-{year}.pdf")

    async def aclose(self) -> None:
        if self._http_client is not None:
            await self._http_client.aclose()

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
        extra_headers: dict[str, str] | None = None,
        params: Any = None,
        renewed: bool = False,
    ) -> httpx.Response:
        import httpx

        headers: dict[str, str] = dict(extra_headers or {})  # issue 7: Idempotency-Key
        if auth:
            if self._token is None:
                raise errors.NotAuthenticated()
            headers["Authorization"] = f"Bearer {self._token}"
        replayable = method.upper() in REPLAYABLE_METHODS
        for attempt in (1, 2):
            try:
                response = await self._http.request(
                    method, API_PREFIX + path, json=json, headers=headers, params=params
                )
                break
            except httpx.TimeoutException as exc:
                raise errors.TimeoutError() from exc
            except (httpx.RemoteProtocolError, httpx.ReadError) as exc:
                # issue 19: a kept-alive connection the server closed as the request left (« Server
                # disconnected without sending a response »): the request never ran, or may run twice
                # harmlessly — sent once more, on a new connection. A real outage fails again, and says so.
                if attempt == 1 and replayable:
                    continue
                raise errors.NetworkError() from exc
            except httpx.TransportError as exc:  # connection refused, DNS, TLS, reset…
                raise errors.NetworkError() from exc
        if response.is_success:
            if auth:
                self._last_activity = self.clock.now()
            return response
        error = self._error_for(response, auth=auth, login=login)
        expired = auth and isinstance(error, errors.SessionExpired) and not renewed
        if expired and self.reauthenticate is not None and await self.reauthenticate():
            return await self._request(
                method, path, json=json, auth=auth, extra_headers=extra_headers, params=params, renewed=True
            )
        raise error

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
            if code == PASSWORD_EXPIRED_CODE and auth:
                self.password_expired = True
                if self.on_password_expired is not None:
                    self.on_password_expired()
                return errors.PasswordExpired(message, **kwargs)
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
        from pydantic import ValidationError

        from models.schemas.errors import ErrorDetail, ErrorResponse

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

    def _parse_list(self, response: httpx.Response, model: type[Model]) -> list[Model]:
        from pydantic import ValidationError

        data = self._json(response)
        if not isinstance(data, list):
            raise errors.UnexpectedResponse(status=response.status_code)
        try:
            return [model.model_validate(item) for item in data]
        except ValidationError as exc:
            raise errors.UnexpectedResponse(status=response.status_code) from exc

    def _parse(self, response: httpx.Response, model: type[Model]) -> Model:
        from pydantic import ValidationError

        try:
            return model.model_validate(self._json(response))
        except ValidationError as exc:
            raise errors.UnexpectedResponse(status=response.status_code) from exc
