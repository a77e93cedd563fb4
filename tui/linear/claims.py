"""The linear face of Mes remboursements (flow `tui.flows.claims`): a heading with the count, the
filters written out, the totals, one labelled line per claim, then a numbered menu of what to do
(filters, sort, pages, détail, exports). Same model as the full-screen table."""

from __future__ import annotations

from typing import TYPE_CHECKING

from models.domain.dates import format_date_long
from models.schemas.claims import ClaimDetail
from tui.api import errors
from tui.flows import claims as flow
from tui.flows.session import AuthenticatedSession

if TYPE_CHECKING:
    from tui.linear.client import LinearClient

MENU = (
    ("status", "Filtrer par statut (au choix suivant)"),
    ("person", "Filtrer par bénéficiaire (au choix suivant)"),
    ("category", "Filtrer par poste de soins (au choix suivant)"),
    ("period", "Changer la période (au choix suivant)"),
    ("dates", "Choisir les dates (du … au …)"),
    ("payee", "Filtrer par destinataire du paiement (au choix suivant)"),
    ("regularisation", "Seulement les régularisations (oui / non)"),
    ("amount", "Filtrer par montant dépensé"),
    ("search", "Chercher un acte (texte)"),
    ("sort", "Changer le tri"),
    ("reverse", "Inverser l'ordre du tri"),
    ("next_page", "Page suivante"),
    ("previous_page", "Page précédente"),
    ("open", "Voir le détail d'un remboursement"),
    ("export_csv", "Exporter la liste en CSV"),
    ("period_statement", "Relevé de prestations de la période (PDF)"),
    ("annual_statement", "Relevé annuel des prestations (PDF)"),
    ("clear", "Effacer les filtres"),
    ("back", "Revenir au menu principal"),
)


async def _show(client: LinearClient, session: AuthenticatedSession, model: flow.ClaimFilterModel, options):
    try:
        result = await session.api.claims(model.query())
    except errors.ApiError as exc:
        client.error(exc.message)
        return None
    client.heading(flow.heading(result))
    for notice in result.notices:  # issue 21: care hidden at a beneficiary's request, said in words
        client.say(notice)
    client.say("Filtres : " + model.sentence(options))
    client.say(flow.totals_line(result.totals) + f" ; {flow.page_line(result)}")
    if not result.items:
        client.say(flow.NO_CLAIMS)
    start = (result.page - 1) * result.page_size
    for number, item in enumerate(result.items, start=start + 1):
        client.say(f"{number}. " + flow.list_record(item, format_date_long))
    return result


async def _save(client: LinearClient, call, what: str) -> None:
    client.say(f"{what} : préparation en cours…")
    try:
        download = await call
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    path = flow.save_download(download.content, download.filename, flow.download_dir())
    client.say(flow.saved_sentence(path, what))


async def show_claim(client: LinearClient, session: AuthenticatedSession, claim_id: int) -> None:
    try:
        detail = await session.api.claim(claim_id)
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    for line in flow.detail_text(detail, long_dates=True):
        client.say(line)
    await _after_detail(client, session, detail)


async def _after_detail(client: LinearClient, session: AuthenticatedSession, detail: ClaimDetail) -> None:
    """What the full-screen détail offers on its keys (d, j), as a numbered choice; none when neither
    a payment nor a linked document is there."""
    payment = flow.statement_payment(detail)
    count = len(detail.documents)
    choices: list[str] = []
    if payment is not None:
        choices.append("statement")
    if count:
        choices.append("documents")
    if not choices:
        return
    labels = {
        "statement": "Enregistrer le relevé de prestations du paiement (PDF)",
        "documents": "Enregistrer " + ("le document joint" if count == 1 else f"les {count} documents joints"),
    }
    index = await client.pick(
        "Ce remboursement : que voulez-vous faire ?", [*(labels[c] for c in choices), "Revenir à la liste"]
    )
    if index >= len(choices):
        return  # back to the list
    if choices[index] == "statement" and payment is not None:
        await _save(client, session.api.payment_statement(payment.id), "Relevé de prestations")
        return
    try:
        sentences = await flow.save_documents(session.api, detail)
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    for sentence in sentences:
        client.say(sentence)


async def run_claims(client: LinearClient, session: AuthenticatedSession) -> None:
    model = flow.ClaimFilterModel(session.api.clock.today())
    try:
        options = await session.api.claim_options()
    except errors.ApiError as exc:
        client.error(exc.message)
        return
    result = await _show(client, session, model, options)
    while True:
        index = await client.pick("Mes remboursements : que voulez-vous faire ?", [label for _id, label in MENU])
        action = MENU[index][0]
        new = model
        if action == "back":
            return
        if action == "status":
            new = model.next_status()
        elif action == "person":
            new = model.next_beneficiary(options)
        elif action == "category":
            new = model.next_category(options)
        elif action == "period":
            new = model.next_period()
        elif action == "payee":
            new = model.next_payee()
        elif action == "regularisation":
            new = model.toggle_regularisation()
        elif action == "amount":
            try:
                new = model.with_amounts(await client.prompt("Montant dépensé (20-100, 20- ou -100 ; vide : tous)"))
            except flow.AmountError as exc:
                client.error(str(exc))
                continue
        elif action == "dates":
            try:
                new = model.with_dates(await client.prompt(flow.DATES_PROMPT))
            except flow.DateRangeError as exc:
                client.error(str(exc))
                continue
        elif action == "search":
            new = model.with_text(await client.prompt(flow.SEARCH_PROMPT))
        elif action == "sort":
            new = model.next_sort()
        elif action == "reverse":
            new = model.reversed()
        elif action == "next_page":
            new = model.next_page(result.pages if result else 1)
        elif action == "previous_page":
            new = model.previous_page()
        elif action == "clear":
            new = model.cleared()
        elif action == "open":
            items = result.items if result else []
            if not items:
                client.error("aucun remboursement dans la liste.")
                continue
            start = (result.page - 1) * result.page_size if result else 0
            answer = (await client.prompt(f"Numéro du remboursement ({start + 1} à {start + len(items)})")).strip()
            if not answer.isdigit() or not start + 1 <= int(answer) <= start + len(items):
                client.error(f"numéro invalide : « {answer} ».")
                continue
            await show_claim(client, session, items[int(answer) - start - 1].id)
            continue
        elif action == "export_csv":
            await _save(client, session.api.claims_csv(model.query()), "Fichier CSV")
            continue
        elif action == "period_statement":
            period = model.period
            await _save(
                client,
                session.api.period_statement(period.date_from or options.default_date_from, period.date_to),
                "Relevé de prestations",
            )
            continue
        elif action == "annual_statement":
            years = options.statement_years
            answer = (await client.prompt(f"Année ({years[-1]} à {years[0]})")).strip()
            if not answer.isdigit() or int(answer) not in years:
                client.error(f"année invalide : « {answer} ». Choisissez entre {years[-1]} et {years[0]}.")
                continue
            await _save(client, session.api.annual_statement(int(answer)), f"Relevé annuel {answer}")
            continue
        model = new
        client.say("Filtres appliqués : " + model.sentence(options))
        result = await _show(client, session, model, options)
