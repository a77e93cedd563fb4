"""The type every screen and linear module names once logged in: its own module, so that naming the session
does not import the login flow (issue 18)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from models.schemas.auth import SessionOut
    from tui.api.client import ApiClient


@dataclass(frozen=True)
class AuthenticatedSession:
    """The result of the login flow: the API client, now holding the token, and the session's facts."""

    api: ApiClient
    session: SessionOut | None
    """None when the session was resumed from the token store (the server knows the rest)."""
