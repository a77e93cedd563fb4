"""The linear mode's démarche forms: the same ``tui.flows.request_forms`` as the full screen, asked one
field at a time (numbered menus for choices), every problem said in words, and a network error offered
again with the same ``Idempotency-Key`` (said in words: the démarche is never created twice)."""

from __future__ import annotations

from typing import Any

from models.domain.dates import format_date_long
from tui.api import errors
from tui.api.messaging import MessagingApi
from tui.clock import SystemClock
from tui.flows import request_forms as forms
from tui.flows.session import AuthenticatedSession

ABANDON = "Abandonner (rien n'est envoyé)"
MAX_ROUNDS = 5


def _context(session: AuthenticatedSession, dashboard: Any) -> forms.FormContext:
    clock = getattr(session.api, "clock", None) or SystemClock()
    return forms.FormContext.from_dashboard(dashboard, clock.today())


async def _ask(client: Any, state: forms.FormState, f: forms.Field) -> None:
    if f.kind == forms.FILES:
        state.files = []
        while True:
            path = (await client.prompt(f"{f.label}, chemin du fichier ({f.hint} ; Entrée : aucun de plus)")).strip()
            if not path:
                return
            try:
                forms.load_attachment(path)
            except forms.AttachmentError as exc:
                client.error(str(exc))
                continue
            state.files.append(path)
            client.say(f"Fichier ajouté : {path}")
        return
    if f.kind == forms.CHOICE:
        choices = f.choices
        if f.name == "document_type":
            choices = forms.document_types(state.get("category")) or choices
        if f.name.endswith("_act") and state.get("domain"):
            choices = forms.QUOTE_ACTS.get(forms.QuoteDomain(state.get("domain")), choices)
        options = [words for _, words in choices]
        if not f.required:
            options.append("Aucun (ligne vide)" if f.name.endswith("_act") else "Passer")
        index = await client.pick(f.label, options)
        state.values[f.name] = choices[index][0] if index < len(choices) else ""
        return
    # The tiers is asked only when one is in cause, and is then required: never « facultatif » there.
    required = f.required or f.name in _REQUIRED_WHEN_ASKED
    hint = f" ({f.hint})" if f.hint else ("" if required else " (facultatif, Entrée pour passer)")
    state.values[f.name] = await client.prompt_field(f"{f.label}{hint}", state.values.get(f.name) or None)


_REQUIRED_WHEN_ASKED = {"third_party_details"}


def _skip(state: forms.FormState, f: forms.Field) -> bool:
    """Questions that do not apply: further quote lines after an empty one, the tiers without a tiers."""
    if f.name.startswith("line"):
        index = int(f.name.removeprefix("line").split("_", 1)[0])
        if f.name.endswith("_amount"):
            return not state.get(f"line{index}_act")
        return index > 1 and not state.get(f"line{index - 1}_act")
    if f.name == "third_party_details":
        return state.get("third_party") != "oui"
    if f.name == "other_insurer":
        return state.get("basis") != "other_insurer_statement"
    return False


async def fill_and_send(client: Any, api: MessagingApi, state: forms.FormState, ctx: forms.FormContext) -> bool:
    client.heading(state.spec.title)
    client.say(state.spec.intro)
    to_ask = [f for f in state.spec.fields]
    for _ in range(MAX_ROUNDS):
        for f in to_ask:
            if not _skip(state, f):
                await _ask(client, state, f)
        try:
            body = forms.build(state, ctx)
            break
        except forms.FormErrors as exc:
            for sentence in exc.sentences():
                client.error(sentence)
            client.say("Corrigez les champs signalés :")
            wrong = set(exc.errors)
            if "admission_fax" in wrong:  # « au moins le fax ou l'e-mail »: both are asked again
                wrong.add("admission_email")
            to_ask = [f for f in state.spec.fields if f.name in wrong]
    else:
        client.error("formulaire abandonné après plusieurs essais : rien n'a été envoyé.")
        return False
    while True:
        key = state.submission.key_for(body)
        try:
            detail = await api.create_request(body, key)
        except (errors.NetworkError, errors.TimeoutError) as exc:
            client.error(forms.network_failure(exc.message))
            if await client.pick("Et maintenant ?", ["Renvoyer la même demande", ABANDON]) == 0:
                client.say("Nouvel envoi de la même demande (même numéro unique).")
                continue
            return False
        except errors.ApiError as exc:
            client.error(f"{exc.message} Rien n'a été enregistré.")
            return False
        state.submission.done()
        for line in forms.created_lines(detail):
            client.say(line)
        client.say(f"Envoyée le {format_date_long(ctx.today)}.")
        return True


async def new_request(client: Any, session: AuthenticatedSession, action_id: str | None = None) -> bool:
    """Choose a démarche (unless given) and fill its form; True once one was created."""
    api = MessagingApi(session.api)
    try:
        dashboard = await session.api.dashboard()
    except errors.ApiError as exc:
        client.error(exc.message)
        return False
    ctx = _context(session, dashboard)
    specs = forms.forms(ctx)
    if action_id is None:
        options = [s.title for s in specs] + [ABANDON]
        choice = await client.pick(forms.NEW_REQUEST.removeprefix("+ "), options)
        if choice == len(specs):
            return False
        spec = specs[choice]
    else:
        spec = forms.form_for(action_id, ctx)
    state = forms.FormState(spec)
    if spec.kind == forms.RequestKind.hospital:
        state.values["member_number"] = ctx.member_number
    return await fill_and_send(client, api, state, ctx)
