"""The client's side of the HTTP API (no Textual): `ApiClient`, its typed French errors, the token store."""

from tui.api.client import DEFAULT_SERVER, ApiClient, check_server_url, is_loopback_host
from tui.api.errors import (
    AccountBlocked,
    ApiError,
    Forbidden,
    InsecureServer,
    InvalidCredentials,
    NetworkError,
    NotAuthenticated,
    NotFound,
    ServerError,
    SessionExpired,
    Throttled,
    TimeoutError,
    UnexpectedResponse,
    ValidationFailed,
)

__all__ = [
    "DEFAULT_SERVER",
    "AccountBlocked",
    "ApiClient",
    "ApiError",
    "Forbidden",
    "InsecureServer",
    "InvalidCredentials",
    "NetworkError",
    "NotAuthenticated",
    "NotFound",
    "ServerError",
    "SessionExpired",
    "Throttled",
    "TimeoutError",
    "UnexpectedResponse",
    "ValidationFailed",
    "check_server_url",
    "is_loopback_host",
]
