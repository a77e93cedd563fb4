"""The linear face of Mes garanties and of the simulator (flows `tui.flows.guarantees` and
`tui.flows.simulator`): headings, one labelled line per record, numbered choices, no bar drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING

from tui.api import errors
from tui.flows import contract_services, retry
from tui.flows import guarantees as guarantees_flow
from tui.flows import simulator as flow
from tui.flows.session import AuthenticatedSession

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


async def _pick(client: LinearClient, heading: str, options: list[str]) -> int:
    return await client.pick(heading, options)


async def ask_who(client: LinearClient, form: flow.SimulatorForm, people: list[tuple[int, str]]) -> None:
    """« Pour qui ? » among the people covered, by their names."""
    form.beneficiary_id = people[await _pick(client, "Pour qui ?", [name for _, name in people])][0]


async def ask_act(client: LinearClient, form: flow.SimulatorForm, known: tuple[flow.ActChoice, ...]) -> None:
    """The questions of one act, into ``form``: the poste, the act found by a few letters, the amount, the
    base de remboursement and the panier when the act has them, then the doctor's dépassements. The
    member's simulator asks them once; the console's asks them for each act of one care."""
    form.poste = flow.POSTES[await _pick(client, "Quel poste de soins ?", [label for _, label in flow.POSTES])][0]
    while form.act is None:
        text = await client.prompt("Rechercher l'acte (quelques lettres, Entrée pour tout voir)")
        found = flow.search(known, form.poste, text)
        if not found:
            client.error(f"aucun acte ne correspond à « {text} » dans ce poste. Essayez un autre mot.")
            continue
        form.act = found[await _pick(client, f"Actes trouvés ({len(found)})", [a.label for a in found])]
    while flow.parse_euros(form.charged) is None:
        form.charged = await client.prompt(flow.AMOUNT_QUESTION)
        if flow.parse_euros(form.charged) is None:
            client.error(f"{flow.amount_problem(form.charged)}.")
    if form.act.needs_br:
        while flow.parse_euros(form.br) is None:
            form.br = await client.prompt(flow.BR_QUESTION)
            if flow.parse_euros(form.br) is None:
                client.error(f"{flow.amount_problem(form.br)}.")
    if form.act.baskets:
        form.basket = form.act.baskets[await _pick(client, flow.BASKET_QUESTION, [b for _, b in form.act.baskets])][0]
    await ask_doctor(client, form)


async def ask_doctor(client: LinearClient, form: flow.SimulatorForm) -> None:
    """Dépassements d'honoraires, then OPTAM when there are some: only for a doctor's act."""
    answers = [label for _, label in flow.ANSWERS]
    if form.asks_excess:
        form.excess = flow.ANSWERS[await _pick(client, flow.EXCESS_QUESTION, answers)][0]
        if form.asks_optam:
            form.optam = flow.ANSWERS[await _pick(client, flow.OPTAM_QUESTION, answers)][0]


async def run_simulator(
    client: LinearClient, session: AuthenticatedSession, *, known_sector: str | None = None, practitioner: str = ""
) -> None:
    """``known_sector``, ``practitioner``: « Simuler » from the care finder (issue 21)."""
    api = session.api
    client.heading(flow.HEADING)
    try:
        people = (await api.guarantees()).beneficiaries
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    if not people:
        client.say("Aucune personne couverte par vos contrats : la simulation n'est pas possible.")
        return
    form = flow.SimulatorForm(known_sector=known_sector, practitioner=practitioner)
    if note := form.sector_note():
        client.say(note)
    await ask_who(client, form, flow.beneficiary_choices(people))
    await ask_act(client, form, flow.acts(api.clock.now().date()))
    scenarios = form.scenarios()
    client.say("Simulation en cours…")
    try:
        results = [await api.simulate(request) for request in scenarios]
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    view = flow.result_view(scenarios, results)
    client.heading("Résultat de la simulation")
    for note in view.notes:
        client.say(note)
    for figure in view.figures:
        client.say(figure)
    for heading, sentences in view.explanations:
        client.say(f"-- {heading} --")
        for sentence in sentences:
            client.say(sentence)
    question = "Enregistrer cette simulation dans votre espace ?"
    while await _pick(client, question, ["Oui", "Non"]) == 0:
        try:
            await api.save_simulation(scenarios, form.save_key(scenarios))
        except errors.ApiError as exc:
            if not retry.is_unreachable(exc):
                client.error(exc.message)
                return
            client.error(retry.kept_sentence(exc, flow.SAVE_KEPT))
            question = "L'enregistrer maintenant ?"  # the same simulation, with the same key
            continue
        client.say("Simulation enregistrée dans votre espace.")
        await show_saved(client, session)
        return


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
