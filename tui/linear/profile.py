"""The linear face of « Mon profil » (flows `tui.flows.profile`): numbered sections, labelled lines, and
the actions of each section as numbered choices. The questions, their order and their checks are the
flow's (``flow.run`` with a ``LinearFace``): a text field is one question, a choice a numbered menu, a
file a path; ``Form.check`` runs after each answer (the IBAN and the BIC are checked as they are given)."""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from tui.api import errors
from tui.api.profile import ProfileApi
from tui.flows import profile as flow
from tui.flows.login import AuthenticatedSession
from tui.flows.messaging import AttachmentError, load_attachment

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

BACK = "Retour"
NONE = "Aucun"
SECURITY = ("Changer mon mot de passe", "Mes appareils de confiance et mes sessions")


class LinearFace:
    """``flow.Face`` on standard input and output."""

    def __init__(self, client: LinearClient) -> None:
        self.client = client

    async def _file(self, ask: flow.Ask) -> list[str]:
        paths: list[str] = []
        while len(paths) < ask.limit:
            suffix = " (Entrée : aucun)" if not ask.required or paths else ""
            path = (await self.client.prompt(f"{ask.label} : chemin du fichier PDF, JPEG ou PNG{suffix}")).strip()
            if not path:
                break
            try:
                load_attachment(path)
            except AttachmentError as exc:
                self.client.error(str(exc))
                continue
            paths.append(path)
            self.client.say(f"Pièce jointe ajoutée : {path}.")
        return paths

    async def form(self, form: flow.Form) -> flow.Values | None:
        self.client.heading(form.title)
        for line in form.intro:
            self.client.say(line)
        values: flow.Values = {}
        for ask in form.asks:
            if ask.when is not None and not ask.when(values):
                continue
            while True:
                await self._ask(ask, values)
                if form.check is None or not (problem := form.check(values)):
                    break
                self.client.error(problem)  # this field again, what was typed offered back: nothing is lost
                if ask.kind not in (flow.CHOICE, flow.FILE):
                    ask = replace(ask, default=str(values.get(ask.name) or ""))
        if problem := flow.problem(form, values):
            self.client.error(problem)
            return None
        return values

    async def _ask(self, ask: flow.Ask, values: flow.Values) -> None:
        if ask.kind == flow.CHOICE:
            options = list(ask.choices) + ([] if ask.required else [("", NONE)])
            values[ask.name] = options[await self.client.pick(ask.label, [words for _, words in options])][0]
        elif ask.kind == flow.FILE:
            values[ask.name] = await self._file(ask)
        else:
            prompt = ask.label + (f" ({ask.hint})" if ask.hint else "")
            prompt += f" (Entrée : {ask.default})" if ask.default else ""
            values[ask.name] = (await self.client.prompt(prompt)).strip() or ask.default

    async def confirm(self, question: str) -> bool:
        return await self.client.pick(question, ["Oui", "Non"]) == 0

    def say(self, text: str) -> None:
        self.client.say(text)

    def error(self, text: str) -> None:
        self.client.error(text)


async def _act(client: LinearClient, session: AuthenticatedSession, api: ProfileApi, section: str) -> None:
    actions = flow.actions_of(section)
    labels = [a.label for a in actions] + (list(SECURITY) if section == "security" else [])
    if not labels:
        return
    index = await client.pick("Que voulez-vous faire ?", [*labels, BACK])
    if index >= len(labels):
        return
    if index < len(actions):
        await flow.run(actions[index].id, api, LinearFace(client), today=session.api.clock.today())
    elif labels[index] == SECURITY[0]:
        await client.change_password(session)
    else:
        await client.security(session)


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
            await _act(client, session, api, section.id)
        except errors.ApiError as exc:
            client.error(exc.message)
