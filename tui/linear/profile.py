"""The linear face of « Mon profil » (flows `tui.flows.profile`): numbered sections, labelled lines, and
the actions of each section as numbered choices. The questions, their order and their checks are the
flow's (``flow.run`` with a ``LinearFace``, ``tui.linear.face``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api import errors
from tui.api.profile import ProfileApi
from tui.flows import profile as flow
from tui.flows.session import AuthenticatedSession
from tui.linear import account as linear_account
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

BACK = "Retour"
SECURITY = ("Changer mon mot de passe", "Mes appareils de confiance et mes sessions")


async def _act(
    client: LinearClient,
    session: AuthenticatedSession,
    api: ProfileApi,
    section: str,
    sections: tuple[flow.Section, ...],
) -> None:
    actions = flow.actions_of(section, sections)
    labels = [a.label for a in actions] + (list(SECURITY) if section == "security" else [])
    if not labels:
        return
    index = await client.pick("Que voulez-vous faire ?", [*labels, BACK])
    if index >= len(labels):
        return
    if index < len(actions):
        await flow.run(actions[index].id, api, LinearFace(client), today=session.api.clock.today())
    elif labels[index] == SECURITY[0]:
        await linear_account.change_password(client, session)
    else:
        await linear_account.security(client, session)


async def run_profile(
    client: LinearClient,
    session: AuthenticatedSession,
    sections: tuple[flow.Section, ...] = flow.SECTIONS,
    heading: str = flow.HEADING,
) -> None:
    """« Mon profil », or (issue 21) « Mon accès » of an ayant droit's own access (``flow.BENEFICIARY_SECTIONS``)."""
    api = ProfileApi(session.api)
    while True:
        client.heading(heading)
        titles = [s.title for s in sections]
        index = await client.pick("Quelle rubrique ?", [*titles, BACK])
        if index >= len(sections):
            return
        section = sections[index]
        client.heading(section.title)
        try:
            for line in await flow.section_lines(api, section.id, boxed=False):
                client.say(line)
            await _act(client, session, api, section.id, sections)
        except errors.ApiError as exc:
            client.error(exc.message)
