"""The linear mode's démarches: the forms of ``tui.flows.request_forms`` asked by the ``LinearFace`` — one
question per field, only the wrong answer asked again, a numbered recap with « modifier N » before sending,
and a network error offered again with the same ``Idempotency-Key`` (the démarche is never created twice)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.flows import request_forms as flow
from tui.flows.session import AuthenticatedSession
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.linear.client import LinearClient


async def new_request(client: LinearClient, session: AuthenticatedSession, action_id: str | None = None) -> bool:
    """Choose a démarche (unless given) and fill its form; True once one was created."""
    today = session.api.clock.today()
    return await flow.run(session.api, LinearFace(client), action_id, today) is not None
