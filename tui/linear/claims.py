"""The linear face of Mes remboursements (flow `tui.flows.claims`), for the ear (issue 18): a summary first
(« 75 remboursements sur 24 mois, page 1 sur 2. », the totals, the filters in words), the claims' short lines
when asked, a claim's détail when asked. The menu is the registry's, every action runs through
``flow.run`` with a ``LinearFace``: nothing here asks a question of its own."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.api import errors
from tui.flows import claims as flow
from tui.flows.session import AuthenticatedSession
from tui.linear.ending import Back
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.api.client import ApiClient
    from tui.linear.client import LinearClient


async def _show(face: LinearFace, api: ApiClient, state: flow.ClaimsState, *, filters: bool) -> None:
    """The summary of the page loaded (its claims are read on « Lire la page »); the filters in words
    when they changed."""
    try:
        result = await api.claims(state.model.query())
    except errors.ApiError as exc:
        face.error(exc.message)
        return
    state.result = result
    for notice in result.notices:  # issue 21: care hidden at a beneficiary's request, said in words
        face.say(notice)
    face.say(flow.summary_line(result, state.model))
    if result.totals.count:
        face.say(flow.amounts_line(result.totals))
    if filters:
        face.say("Filtres : " + state.model.sentence(state.options))


def _filters_changed(old: flow.ClaimFilterModel, new: flow.ClaimFilterModel) -> bool:
    return replace(old, page=1) != replace(new, page=1)


async def run_claims(client: LinearClient, session: AuthenticatedSession) -> None:
    face, api = LinearFace(client), session.api
    state = flow.ClaimsState(flow.ClaimFilterModel(api.clock.today()))
    try:
        state.options = await api.claim_options()
    except errors.ApiError as exc:
        face.error(exc.message)
        return
    client.heading(flow.HEADING)
    await _show(face, api, state, filters=True)
    actions = flow.menu_actions()
    # « détail 3 » typed at the menu opens claim 3 at once (the number is not asked after)
    numbered = frozenset(i for i, a in enumerate(actions) if a.id == flow.OPEN)
    while True:
        try:
            index = await client.pick(flow.MENU_QUESTION, [a.menu_label for a in actions], numbered=numbered)
        except Back:
            return
        if actions[index].id == flow.LIST_BACK:
            return
        state.selected = flow.claim_at(state.result, client.menu_number, face)
        try:
            outcome = await flow.run(actions[index].id, api, face, state)
        except errors.ApiError as exc:
            face.error(exc.message)
            continue
        if outcome.claim_id is not None:
            await show_claim(client, session, outcome.claim_id)
        elif outcome.model == state.model:
            face.say(flow.UNCHANGED)
        elif outcome.model is not None:
            changed = _filters_changed(state.model, outcome.model)
            state.model = outcome.model
            await _show(face, api, state, filters=changed)


async def show_claim(client: LinearClient, session: AuthenticatedSession, claim_id: int) -> None:
    """The détail as labelled lines, then what can be done with it (the registry's « claim » actions
    that apply), until « Revenir à la liste »."""
    face, api = LinearFace(client), session.api
    try:
        detail = await api.claim(claim_id)
    except errors.ApiError as exc:
        face.error(exc.message)
        return
    for line in flow.detail_text(detail, long_dates=True, icons=False):
        face.say(line)
    state = flow.ClaimsState(flow.ClaimFilterModel(api.clock.today()), detail=detail)
    actions = flow.detail_actions(detail)
    while len(actions) > 1:  # « Revenir » alone is no question
        index = await face.pick(flow.DETAIL_QUESTION, [a.menu_label for a in actions])
        if index is None or actions[index].id == flow.DETAIL_BACK:
            return
        try:
            await flow.run(actions[index].id, api, face, state)
        except errors.ApiError as exc:
            face.error(exc.message)
