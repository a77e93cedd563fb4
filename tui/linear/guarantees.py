"""The linear face of Mes garanties and of the simulator (flows `tui.flows.guarantees` and
`tui.flows.simulator`): headings, one labelled line per record, no bar drawing. A thin renderer: the
simulator's questions, menus and checks are the flow's, asked through a ``LinearFace`` (issue 18)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api import errors
from tui.flows import contract_services
from tui.flows import guarantees as guarantees_flow
from tui.flows import simulator as flow
from tui.flows.session import AuthenticatedSession
from tui.linear.ending import Back
from tui.linear.face import LinearFace

if TYPE_CHECKING:
    from tui.linear.client import LinearClient


async def show_guarantees(client: LinearClient, session: AuthenticatedSession) -> None:
    try:
        data = await session.api.guarantees()
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    view = guarantees_flow.build_view(data, long_dates=True)
    client.heading(f"{view.heading} ({len(view.contracts)} contrat{'s' if len(view.contracts) > 1 else ''})")
    if not view.contracts:
        client.say(guarantees_flow.NO_CONTRACT)
    for contract in view.contracts:
        client.heading(contract.title)
        client.say(contract.sentence)
        for category in contract.categories:
            client.say(f"-- {category.label} --")
            for line in category.lines:
                for row in line.lines():
                    client.say(row)
        client.say(f"-- {contract_services.HEADING} --")
        if not contract.services:
            client.say(contract_services.NONE)
        for service in contract.services:
            for row in service:
                client.say(row)
    client.heading("Vos plafonds et vos prochains équipements")
    for person in view.people:
        client.say(f"-- {person.name} --")
        if not person.ceilings and not person.equipment:
            client.say("Aucun plafond en euros sur ses garanties en cours.")
        for ceiling in person.ceilings:
            client.say(ceiling.sentence)
        for sentence in person.equipment:
            client.say(sentence)


def _face(client: LinearClient) -> LinearFace:
    return LinearFace(client)


async def ask_who(client: LinearClient, form: flow.SimulatorForm, people: list[tuple[int, str]]) -> None:
    """« Pour qui ? » among the people covered, by their names (the console's simulation)."""
    if not await flow.ask_who(_face(client), flow.Questions((), people=tuple(people)), form):
        raise Back


async def ask_act(client: LinearClient, form: flow.SimulatorForm, known: tuple[flow.ActChoice, ...]) -> None:
    """The declared questions of one act (``flow.Questions``), asked for each act of the console's care;
    « annuler » goes back (``Back``)."""
    if not await flow.ask_act(_face(client), flow.Questions(known, known_sector=form.known_sector), form):
        raise Back


async def ask_doctor(client: LinearClient, form: flow.SimulatorForm) -> None:
    await flow.ask_doctor(_face(client), form)


def _say_result(client: LinearClient, outcome: flow.Outcome) -> None:
    client.heading(flow.RESULT_HEADING)
    views = outcome.several.items if outcome.several else [("", outcome.single)] if outcome.single else []
    for heading, view in views:
        if heading:
            client.say(f"-- {heading} --")
        for line in (*view.notes, *view.figures):
            client.say(line)
        for detail, sentences in view.explanations:
            client.say(f"{detail} :" if heading else f"-- {detail} --")
            for sentence in sentences:
                client.say(sentence)
    if outcome.several:
        client.say("-- Total --")
        for line in outcome.several.totals:
            client.say(line)
        client.say(flow.NOT_SAVED_SEVERAL)


async def run_simulator(
    client: LinearClient, session: AuthenticatedSession, *, known_sector: str | None = None, practitioner: str = ""
) -> None:
    """``known_sector``, ``practitioner``: « Simuler » from the care finder (issue 21). The questions and
    their checks are the flow's (``flow.ask_simulation`` through a ``LinearFace``)."""
    api = session.api
    try:
        people = (await api.guarantees()).beneficiaries
    except errors.ApiError as exc:
        client.heading(flow.HEADING)
        client.error(exc.message)
        return
    if not people:
        client.heading(flow.HEADING)
        client.say("Aucune personne couverte par vos contrats : la simulation n'est pas possible.")
        return
    form = flow.SimulatorForm(known_sector=known_sector, practitioner=practitioner)
    questions = flow.Questions(
        flow.acts(api.clock.now().date()), tuple(flow.beneficiary_choices(people)), known_sector=known_sector
    )
    face = _face(client)
    note = form.sector_note()
    glasses = await flow.ask_simulation(face, questions, form, (note,) if note else ())
    if glasses is None:
        client.say(flow.GIVEN_UP)
        return
    client.say("Simulation en cours…")
    try:
        outcome = await flow.simulate(api, form, glasses)
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    _say_result(client, outcome)
    if outcome.can_save and await flow.offer_save(api, face, form, outcome.requests):
        await show_saved(client, session)


async def show_saved(client: LinearClient, session: AuthenticatedSession) -> None:
    """Mes simulations enregistrées: one labelled line each, without having to save a new one."""
    saved = await flow.load_saved(session.api, long_dates=True)
    if saved.error:
        client.error(saved.error)
        return
    client.heading(saved.heading)
    if not saved.lines:
        client.say(flow.NO_SAVED)
    for line in saved.lines:
        client.say(line)


async def save_pdf(client: LinearClient, session: AuthenticatedSession) -> None:
    """Télécharger mon tableau de garanties (PDF): saved in the downloads folder, the path said."""
    client.heading("Tableau de garanties (PDF)")
    client.say(guarantees_flow.PDF_PREPARING)
    saved = await guarantees_flow.save_table_pdf(session.api)
    (client.say if saved.ok else client.error)(saved.message)
