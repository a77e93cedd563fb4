"""The linear face of « Trouver un professionnel de santé » (flow `tui.flows.directory`, face `LinearFace`): the
criteria asked one by one, the results as one labelled line each, then a numbered « Et maintenant ? »; « Simuler »
goes on in the simulator with the practitioner's sector filled in."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api.directory import DirectoryApi
from tui.flows import directory as flow
from tui.flows.session import AuthenticatedSession
from tui.linear.face import LinearFace
from tui.linear.guarantees import run_simulator

if TYPE_CHECKING:
    from tui.linear.client import LinearClient


async def run_directory(client: LinearClient, session: AuthenticatedSession, *, simulate: bool = True) -> None:
    """``simulate``: the member's search offers « Simuler »; the conseiller's console reads the results only."""
    chosen = await flow.run(DirectoryApi(session.api), LinearFace(client), simulate=simulate)
    if chosen is not None:
        await run_simulator(client, session, known_sector=chosen.sector, practitioner=chosen.practitioner)
