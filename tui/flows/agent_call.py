"""A conseiller's call, without Textual (issue 16): « Qui appelle ? », the server's identity questions, the
strong level's code read back, every action for the member, the call's end with its log, and the supervisor's
forms. Each form is declared once here and both faces render it (the full-screen console with modal forms,
the linear mode with questions): ``tui.flows.profile.Face``.

The server decides what a level allows; the flows only say it first, with the server's words (``CallOut.allowed``
and its 403 « level_required »). A form the server refuses because of one field comes back with everything typed
kept, the problem said first."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from typing import TYPE_CHECKING, Any

from models.domain import contact as contact_rules
from models.domain import finess as finess_rules
from models.domain.audit_words import ACTION_WORDS
from models.domain.dates import parse_date
from models.schemas.agent import CallLogCreate, CallOutcome, StaffCreate
from tui.api import errors
from tui.flows.agent import (
    ALERTS,
    CALLERS,
    OUTCOMES,
    audit_lines,
    check_lines,
    flagged_lines,
    hit_line,
    reason_problem,
    staff_lines,
)
from tui.flows.claims import download_dir, save_download, saved_sentence
from tui.flows.forms import (
    CHOICE,
    CODE,
    LONG,
    Ask,
    Face,
    Form,
    Problem,
    Values,
    again,
    confirm_sending,
    keep,
    refused_fields,
)
from tui.flows.retry import send_kept

if TYPE_CHECKING:
    from models.schemas.agent import ActionDone, CallOut, CodeRoute, MemberHit
    from models.schemas.dashboard import BeneficiarySummary
    from tui.api.agent import AgentApi

NOTHING_SENT = "Annulé : rien n'a été envoyé."
ANSWERS_KEPT = "les réponses sont gardées"
REASON = Ask("reason", "Motif (dit par l'appelant)", hint="3 caractères au moins")
TICKET_MAX = 50  # the server's limit (CallLogCreate, an action's body): said before sending
TICKET = Ask("ticket", "Référence de ticket", required=False, hint=f"{TICKET_MAX} caractères au plus")
LEVEL_NEEDED = {  # said before sending, in the server's terms; the server checks it again
    "read": "ouvrez l'appel et vérifiez l'identité (ou écrivez un motif : lecture seule)",
    "identity": "posez d'abord les questions de vérification d'identité",
    "strong": "faites d'abord la vérification forte (touche v : un code envoyé à l'adhérent, relu par lui)",
}


def refused_again(form: Form, typed: Values, refused: errors.ApiError | None) -> Form:
    """``forms.again`` with the fields a refusal of the server names (``answers.birth_date``, ``finess``)."""
    return again(form, typed, refused_fields(refused), refused.message if refused else "")


def _reason_problem(values: Values) -> str | None:
    return reason_problem(str(values.get("reason") or ""))


def _ticket_problem(values: Values) -> Problem | None:
    if len(str(values.get("ticket") or "").strip()) > TICKET_MAX:
        return Problem(f"Référence de ticket : {TICKET_MAX} caractères au plus.", "ticket")
    return None


def _typed_reason_problem(values: Values) -> str | Problem | None:
    """The motif's rule as the form is filled (an empty motif is the required field's problem, said as such),
    then the ticket's."""
    if str(values.get("reason") or "").strip() and (problem := _reason_problem(values)) is not None:
        return Problem(problem, "reason")
    return _ticket_problem(values)


CALLER_CHOICES = tuple((kind.value, words.capitalize()) for kind, words in CALLERS)
DOCUMENT_CHOICES = (("card", "Carte de tiers payant"), ("certificate", "Attestation"))


# --- « Qui appelle ? » and the call -------------------------------------------------------------------------


def caller_form() -> Form:
    return Form(
        "Qui appelle ?",
        ("Le niveau de vérification vaut pour cet appel, et s'arrête avec lui.",),
        (
            Ask("caller_kind", "Qui est en ligne", CHOICE, choices=CALLER_CHOICES, default="member"),
            Ask(
                "caller_name",
                "Son nom",
                required=False,
                hint="si ce n'est pas l'adhérent",
                when=lambda v: v.get("caller_kind") not in ("", "member"),
            ),
        ),
        submit="Ouvrir l'appel",
    )


def search_form() -> Form:
    """The linear console's search (the full screen searches as it is typed, on the console itself)."""
    return Form(
        "Rechercher l'adhérent",
        (),
        (
            Ask(
                "query",
                "Recherche",
                required=False,
                hint="n° adhérent, nom prénom (date de naissance), NIR, e-mail ou mobile ; Entrée : abandonner",
            ),
        ),
        submit="Rechercher",
        recap=False,  # a search sends nothing and changes nothing
    )


def call_lines(call: CallOut) -> list[str]:
    """The call before the check: only what tells homonyms apart, the level, and the questions to ask."""
    lines = [hit_line(call.summary), f"Vérification : {call.level_words}"]
    if not call.phone_channel_open:
        lines.append(call.phone_channel_words or "Canal téléphonique fermé.")
    elif call.level == "none":
        lines.append("Questions à poser (demandez, ne lisez rien) : " + " ; ".join(q.label for q in call.questions))
    return lines


def log_form(typed: Values | None = None) -> Form:
    form = Form(
        "Noter l'appel",
        ("Ce que lira le prochain conseiller.",),
        (
            Ask("motif", "Motif de l'appel"),
            Ask("outcome", "Issue de l'appel", CHOICE, choices=tuple((k, w.capitalize()) for k, w in OUTCOMES)),
            Ask("note", "Note pour le prochain conseiller", LONG, required=False),
            TICKET,
        ),
        check=_ticket_problem,
        submit="Noter et terminer l'appel",
    )
    return keep(form, typed or {})


async def end(api: AgentApi, face: Face, call: CallOut, *, log: bool = True) -> bool:
    """End the call, with its log when the conseiller writes one. False if they went back to the call."""
    if log:
        values = await face.form(log_form())
        if values is None:
            if not await face.confirm("Terminer l'appel sans le noter ?"):
                return False
        else:
            body = CallLogCreate(
                motif=values["motif"].strip(),
                outcome=CallOutcome(values["outcome"]),
                note=str(values.get("note") or "").strip() or None,
                ticket=str(values.get("ticket") or "").strip() or None,
            )
            ended = await send_kept(face, lambda: api.end_call(call.id, body), "la note de l'appel est gardée")
            if ended is not None:
                face.say(ended.message)
            return ended is not None
    ended = await send_kept(face, lambda: api.end_call(call.id))
    if ended is not None:
        face.say(ended.message)
    return ended is not None


async def start(api: AgentApi, face: Face, hit: MemberHit, current: CallOut | None) -> CallOut | None:
    """A call for ``hit``: the call in progress (another caller) is offered to be logged first."""
    if current is not None and current.ended_at is None:
        who = f"{current.summary.first_name} {current.summary.last_name}"
        if await face.confirm(f"Noter l'appel en cours avec {who} avant d'ouvrir le suivant ?"):
            await end(api, face, current)
    values = await face.form(caller_form())
    if values is None:
        face.say("Aucun appel ouvert.")
        return None
    name = str(values.get("caller_name") or "").strip() or None
    try:
        call = await send_kept(face, lambda: api.start_call(hit.id, values["caller_kind"], name))
    except errors.ApiError as exc:
        face.error(exc.message)
        return None
    if call is not None:
        for line in call_lines(call):
            face.say(line)
    return call


# --- the identity check and the strong level ----------------------------------------------------------------


def identity_form(call: CallOut, typed: Values | None = None) -> Form:
    asks = tuple(Ask(q.key.value, q.label, hint=q.hint) for q in call.questions)
    reason = Ask(
        "reason",
        "Motif si la vérification échoue",
        LONG,
        required=False,
        hint="10 caractères ; ouvre le dossier en lecture seule, signalé au superviseur",
    )
    form = Form(
        f"Vérifier l'identité — {call.summary.last_name} {call.summary.first_name} (n° {call.summary.member_number})",
        ("Demandez, ne lisez rien : le serveur compare les réponses au dossier et ne les garde pas.",),
        (*asks, reason),
        submit="Vérifier",
    )
    return keep(form, typed or {})


async def verify(api: AgentApi, face: Face, call: CallOut) -> CallOut:
    """The server's questions until they pass, a written reason opens the dossier read-only, or the conseiller
    stops; a typo is said and asked again with every answer kept (it is not counted)."""
    typed: Values = {}
    refused: errors.ApiError | None = None
    while call.phone_channel_open:
        values = await face.form(refused_again(identity_form(call), typed, refused))
        if values is None:
            return call
        typed, refused = values, None
        answers = {q.key.value: str(values.get(q.key.value, "")) for q in call.questions}
        reason = str(values.get("reason") or "").strip() or None
        try:
            result = await send_kept(face, partial(api.check_answers, call.id, answers, reason), ANSWERS_KEPT)
        except errors.ApiError as exc:
            face.error(exc.message)
            if exc.code == "phone_channel_closed":
                return call
            refused = exc  # a typo: only that answer asked again (it was not counted)
            continue
        if result is None:
            return call
        call = result.call
        *checks, sentence = check_lines(result)
        for line in checks:
            face.say(line)
        (face.say if result.passed else face.error)(sentence)
        if result.passed or call.level != "none":
            return call
        typed = {}  # wrong answers are asked afresh
        if not call.phone_channel_open:
            break
        values = await face.form(next_step_form())
        if values is None or values["next"] == "stop":
            return call
        if values["next"] == "reason":
            return await _read_only(api, face, call)
    face.error(call.phone_channel_words or "Canal téléphonique fermé.")
    return call


def next_step_form() -> Form:
    return Form(
        "Vérification manquée",
        ("Chaque vérification manquée compte : 3 en 24 h ferment le canal téléphonique de cet adhérent.",),
        (
            Ask(
                "next",
                "Que faire ?",
                CHOICE,
                choices=(
                    ("again", "Reposer les questions"),
                    ("reason", "Ouvrir en lecture seule sur motif écrit (signalé au superviseur)"),
                    ("stop", "Ne pas ouvrir le dossier"),
                ),
                default="stop",
            ),
        ),
    )


async def _read_only(api: AgentApi, face: Face, call: CallOut) -> CallOut:
    """A written reason on the check that just failed (not answered again: that would count twice)."""
    typed: Values = {}
    while True:
        form = Form(
            "Motif écrit",
            ("Le dossier s'ouvre en lecture seule, sans aucune action ; le superviseur est prévenu.",),
            (Ask("reason", "Motif", LONG, hint="10 caractères au moins"),),
            submit="Ouvrir en lecture seule",
        )
        values = await face.form(keep(form, typed))
        if values is None:
            return call
        typed = values
        try:
            result = await send_kept(face, partial(api.check_answers, call.id, {}, str(values["reason"]).strip()))
        except errors.ApiError as exc:
            face.error(exc.message)  # too short: asked again, what was typed offered back
            continue
        if result is None:
            return call
        face.say(result.message)
        return result.call


def _route_choices(routes: list[CodeRoute]) -> tuple[tuple[str, str], ...]:
    return tuple((r.channel.value, r.words) for r in routes if r.usable)


async def strengthen(api: AgentApi, face: Face, call: CallOut) -> CallOut:
    """The strong level: a code sent to a contact on file for long enough (or posted), read back by the caller."""
    if call.level == "strong":
        face.say(f"Vérification forte déjà faite : {call.level_words}.")
        return call
    if call.level != "identity":
        face.error("La vérification forte vient après les questions d'identité réussies : posez-les d'abord.")
        return call
    unusable = tuple(
        f"Pas {route.words.split(' (')[0]} : {route.why_not}." for route in call.code_routes if not route.usable
    )
    if call.code_pending is None:
        choices = _route_choices(call.code_routes)
        if not choices:
            for line in unusable:
                face.say(line)
            face.error("Aucun moyen d'envoyer un code : proposez à l'adhérent d'écrire depuis son Espace Adhérent.")
            return call
        values = await face.form(
            Form(
                "Vérification forte",
                ("Un code part à l'adhérent ; il vous le lit. Il ne sert qu'une fois.", *unusable),
                (Ask("channel", "Envoyer le code", CHOICE, choices=choices, default=choices[0][0]),),
                submit="Envoyer le code",
            )
        )
        if values is None:
            return call
        try:
            sent = await send_kept(face, lambda: api.send_code(call.id, values["channel"]))
        except errors.ApiError as exc:
            face.error(exc.message)
            return call
        if sent is None:
            return call
        call = sent
    pending = call.code_pending
    assert pending is not None
    face.say(f"Code envoyé {pending.words}.")
    while True:
        values = await face.form(
            Form(
                "Code relu par l'appelant",
                (f"Code envoyé {pending.words}.",),
                (Ask("code", "Code lu par l'appelant", CODE),),
                submit="Vérifier le code",
            )
        )
        if values is None:
            return call
        try:
            return await _checked(api, face, call, str(values["code"]))
        except errors.ApiError as exc:
            face.error(exc.message)
            if exc.code != "code_refused" or "annulé" in exc.message:
                return call


async def _checked(api: AgentApi, face: Face, call: CallOut, code: str) -> CallOut:
    checked = await api.check_code(call.id, code)
    face.say(f"Vérification forte : {checked.level_words}.")
    return checked


# --- the actions for the member: one declaration per form ---------------------------------------------------


@dataclass(frozen=True)
class Context:
    """What an action's form needs from the dossier: the people, for a card."""

    beneficiaries: tuple[BeneficiarySummary, ...] = ()


@dataclass(frozen=True)
class ActionForm:
    operation: str  # the levels table's operation (``server.services.agent.levels``)
    title: str
    build: Callable[[Context], tuple[Ask, ...]]
    body: Callable[[Values], dict[str, object]]  # the request's extra fields
    intro: str = ""
    check: Callable[[Values], Problem | None] | None = None  # a field's rule said before sending (server's too)


def _no_extra(_: Values) -> dict[str, object]:
    return {}


def _alert_body(values: Values) -> dict[str, object]:
    kind, clear, _ = ALERTS[int(values["alert"])]
    note = str(values.get("note") or "").strip()
    return {"kind": kind, "clear": clear, **({"note": note} if note else {})}


def _thread_body(values: Values) -> dict[str, object]:
    return {"subject": values["subject"].strip(), "body": values["body"].strip()}


def _contact_body(values: Values) -> dict[str, object]:
    return {"email" if values.get("channel") == "email" else "mobile": str(values["value"]).strip()}


def _contact_problem(values: Values) -> Problem | None:
    """The new e-mail or mobile checked as the member's own profile checks it (``models.domain.contact``)."""
    value = str(values.get("value") or "").strip()
    if not value or not values.get("channel"):  # empty: the required field's problem
        return None
    try:
        (contact_rules.validate_email if values["channel"] == "email" else contact_rules.validate_mobile)(value)
    except contact_rules.ContactError as exc:
        return Problem(f"Nouvelle valeur : {exc}.", "value")
    return None


def _document_body(values: Values) -> dict[str, object]:
    body: dict[str, object] = {"document": values["document"]}
    if values.get("recipient") == "professional":
        body["finess"] = str(values["finess"]).strip()
    if values.get("document") == "card" and str(values.get("beneficiary") or "").strip():
        body["beneficiary_id"] = int(values["beneficiary"])
    return body


def _document_problem(values: Values) -> Problem | None:
    """The professional's n° FINESS: 9 characters and its key (``models.domain.finess``, as the server)."""
    number = str(values.get("finess") or "").strip()
    if values.get("recipient") != "professional" or not number:
        return None
    try:
        finess_rules.validate(number)
    except finess_rules.InvalidFiness as exc:
        return Problem(f"N° FINESS : {exc}.", "finess")
    return None


def _document_asks(ctx: Context) -> tuple[Ask, ...]:
    people = tuple((str(b.id), f"{b.first_name} {b.last_name}") for b in ctx.beneficiaries)
    return (
        Ask(
            "document", "Document", CHOICE, choices=(("card", "Carte de tiers payant"), ("certificate", "Attestation"))
        ),
        Ask(
            "recipient",
            "À qui",
            CHOICE,
            choices=(
                ("professional", "Un professionnel du réseau (n° FINESS)"),
                ("member", "L'adhérent lui-même (son e-mail enregistré)"),
            ),
        ),
        Ask(
            "finess",
            "N° FINESS du professionnel",
            hint="9 caractères ; l'adresse est celle que la mutuelle a pour lui",
            when=lambda v: v.get("recipient") == "professional",
        ),
        Ask(
            "beneficiary",
            "Pour qui (la carte ne montre que cette personne)",
            CHOICE,
            choices=people,
            required=False,
            when=lambda v: v.get("document") == "card",
        ),
    )


ACTION_FORMS: dict[str, ActionForm] = {
    "unlock": ActionForm("unlock", "Débloquer l'accès", lambda _: (), _no_extra),
    "reset_link": ActionForm(
        "reset_link",
        "Envoyer un lien de réinitialisation",
        lambda _: (),
        _no_extra,
        intro="Le lien part au contact enregistré ; vous ne voyez jamais le mot de passe.",
    ),
    "activation": ActionForm("activation", "Renvoyer l'activation", lambda _: (), _no_extra),
    "revoke": ActionForm("revoke", "Déconnecter appareils de confiance et sessions", lambda _: (), _no_extra),
    "alert": ActionForm(
        "alert",
        "Enregistrer ou lever une alerte",
        lambda _: (
            Ask("alert", "Alerte", CHOICE, choices=tuple((str(n), words) for n, (_, _, words) in enumerate(ALERTS))),
            Ask("note", "Mesure et tuteur", hint="ex. curatelle renforcée, UDAF 63", required=False),
        ),
        _alert_body,
    ),
    "thread": ActionForm(
        "thread",
        "Ouvrir une conversation pour l'adhérent",
        lambda _: (Ask("subject", "Objet"), Ask("body", "Message à l'adhérent", LONG)),
        _thread_body,
    ),
    "contact": ActionForm(
        "contact",
        "Changer l'e-mail ou le mobile",
        lambda _: (
            Ask("channel", "Quoi", CHOICE, choices=(("email", "L'e-mail"), ("mobile", "Le mobile"))),
            Ask("value", "Nouvelle valeur", hint="l'adresse ou le numéro"),
        ),
        _contact_body,
        check=_contact_problem,
    ),
    "send_document": ActionForm(
        "send_document",
        "Envoyer la carte de tiers payant ou l'attestation",
        _document_asks,
        _document_body,
        check=_document_problem,
    ),
}


def action_form(action: str, ctx: Context, typed: Values | None = None) -> Form:
    declared = ACTION_FORMS[action]

    def check(values: Values) -> str | Problem | None:
        return (declared.check(values) if declared.check else None) or _typed_reason_problem(values)

    form = Form(
        declared.title,
        (declared.intro,) if declared.intro else (),
        (*declared.build(ctx), REASON, TICKET),
        check=check,
        submit="Envoyer",
    )
    return keep(form, typed or {})


def simulation_form() -> Form:
    """What a simulation for the member is sent with, once its acts are asked (the simulator's own questions)."""
    return Form(
        "Envoyer la simulation",
        ("Elle ne change rien au dossier ; l'adhérent en reçoit le résumé par e-mail.",),
        (REASON, TICKET),
        check=_typed_reason_problem,
        submit="Simuler",
    )


def allowed_or_why(call: CallOut | None, action: str) -> str | None:
    """None when the call's level allows ``action``; else what to do first (the server checks it again)."""
    operation = ACTION_FORMS[action].operation if action in ACTION_FORMS else action
    if call is None or call.ended_at is not None:
        return "Ouvrez d'abord un appel (« Qui appelle ? »)."
    if operation in call.allowed:
        return None
    need = "strong" if operation in ("contact", "send_document") else "identity"
    if call.level == "read_only":
        return f"Dossier en lecture seule (vérification manquée) : aucune action. Pour agir, {LEVEL_NEEDED[need]}."
    return f"Pour cela, {LEVEL_NEEDED[need]}."


async def act(api: AgentApi, face: Face, call: CallOut | None, action: str, ctx: Context) -> ActionDone | None:
    """One action for the member: its form (kept when the server refuses a field), a read-back, one sending."""
    why = allowed_or_why(call, action)
    if why is not None or call is None:
        face.error(why or "")
        return None
    declared = ACTION_FORMS[action]
    typed: Values = {}
    refused: errors.ApiError | None = None
    while True:
        form = refused_again(action_form(action, ctx), typed, refused)
        values = await face.form(form)
        if values is None:
            face.say(NOTHING_SENT)
            return None
        typed, refused = values, None  # every field checked by the face (the form's check included)
        extra = declared.body(values)
        who = f"{call.summary.first_name} {call.summary.last_name}"
        if not await confirm_sending(face, form, values, f"Confirmer : « {declared.title} » pour {who} ?"):
            face.say(NOTHING_SENT)
            return None
        reason, ticket = str(values["reason"]).strip(), str(values.get("ticket") or "").strip() or None
        try:
            done = await send_kept(face, partial(api.act, call.summary.id, action, reason, ticket, **extra))
        except errors.ApiError as exc:
            face.error(exc.message)
            if exc.status == 422:
                refused = exc  # one field is wrong: the form comes back with everything typed, that field asked
                continue
            return None
        if done is not None:
            face.say(done.message)
            if action == "contact":
                return await _contact_code(api, face, call, "email" if values["channel"] == "email" else "mobile")
            if done.member_told:
                face.say("L'adhérent est prévenu par e-mail.")
        return done


async def _contact_code(api: AgentApi, face: Face, call: CallOut, channel: str) -> ActionDone | None:
    """The code sent to the new contact, read back by the caller: only then does it replace the old one."""
    while True:
        values = await face.form(
            Form(
                "Code reçu au nouveau contact",
                ("L'appelant lit le code reçu ; l'ancien contact sera prévenu, avec « ce n'est pas moi ».",),
                (Ask("code", "Code lu par l'appelant", CODE),),
                submit="Confirmer le changement",
            )
        )
        if values is None:
            face.say("Changement non confirmé : l'ancien contact reste en place.")
            return None
        try:
            done = await send_kept(face, partial(api.confirm_contact, call.summary.id, channel, str(values["code"])))
        except errors.ApiError as exc:
            face.error(exc.message)
            if exc.status == 422:
                continue  # a wrong code: asked again
            return None
        if done is not None:
            face.say(done.message)
        return done


# --- supervision --------------------------------------------------------------------------------------------


def audit_form(staff: list[tuple[str, str]], actions: list[tuple[str, str]], typed: Values | None = None) -> Form:
    def dates(values: Values) -> Problem | None:
        for name, label in (("date_from", "Du"), ("date_to", "Au")):
            text = str(values.get(name) or "").strip()
            if text and parse_date(text) is None:
                return Problem(f"{label} : une date JJ/MM/AAAA, par exemple 23/11/2026.", name)
        return None

    form = Form(
        "Journal d'audit",
        ("Laissez vide ce que vous ne filtrez pas.",),
        (
            Ask("agent", "Conseiller", CHOICE, choices=tuple(staff), required=False),
            Ask("member_number", "N° adhérent", required=False),
            Ask("action", "Action", CHOICE, choices=tuple(actions), required=False),
            Ask("date_from", "Du", hint="JJ/MM/AAAA", required=False),
            Ask("date_to", "Au", hint="JJ/MM/AAAA", required=False),
        ),
        check=dates,
        submit="Lire le journal",
        recap=False,  # filters of a reading: nothing is sent nor changed, nothing to read back
    )
    return keep(form, typed or {})


def audit_filters(values: Values) -> dict[str, Any]:
    filters: dict[str, Any] = {}
    if values.get("agent"):
        filters["agent_id"] = int(values["agent"])
    if values.get("action"):
        filters["action"] = values["action"]
    for name in ("date_from", "date_to"):
        day = parse_date(str(values.get(name) or "").strip())
        if day is not None:
            filters[name] = day.isoformat()
    return filters


def _staff_email_problem(values: Values) -> Problem | None:
    """The work address checked as every e-mail of the portal is (``models.domain.contact``); the server checks
    it again, and that no account has it yet."""
    email = str(values.get("email") or "").strip()
    if not email:  # the required field's problem
        return None
    try:
        contact_rules.validate_email(email)
    except contact_rules.ContactError as exc:
        return Problem(f"E-mail professionnel : {exc}.", "email")
    return None


def staff_form(typed: Values | None = None) -> Form:
    form = Form(
        "Créer un compte conseiller",
        (
            "Un lien pour choisir son mot de passe part à son adresse ; l'application d'authentification est demandée "
            "à la première connexion.",
        ),
        (
            Ask("display_name", "Nom affiché", hint="Prénom NOM"),
            Ask("email", "E-mail professionnel"),
            Ask("role", "Rôle", CHOICE, choices=(("agent", "Conseiller"), ("supervisor", "Superviseur"))),
        ),
        check=_staff_email_problem,
        submit="Créer le compte",
    )
    return keep(form, typed or {})


def reopen_form() -> Form:
    return Form(
        "Rouvrir le canal téléphonique",
        ("Les vérifications manquées ne comptent plus après la réouverture.",),
        (Ask("reason", "Pourquoi", LONG, hint="ex. l'adhérent s'est présenté en agence avec sa pièce d'identité"),),
        check=_typed_reason_problem,
        submit="Rouvrir",
    )


def choice_form(title: str, intro: list[str], label: str, choices: tuple[tuple[str, str], ...]) -> Form:
    """A list to read, then one choice about it (the supervisor's screens)."""
    return Form(title, tuple(intro), (Ask("choice", label, CHOICE, choices=choices),), submit="Valider")


async def audit(api: AgentApi, face: Face) -> list[str] | None:
    """The journal filtered by conseiller, member, action and period, in words; None if given up."""
    staff = await api.staff()
    actions = sorted(ACTION_WORDS.items(), key=lambda item: item[1])
    typed: Values = {}
    while (
        values := await face.form(audit_form([(str(s.id), s.display_name) for s in staff], actions, typed))
    ) is not None:
        typed = values
        filters = audit_filters(values)
        number = str(values.get("member_number") or "").strip()
        if number:
            found = [h for h in (await api.search(number)).hits if h.member_number == number]
            if not found:
                face.error(f"N° adhérent : aucun adhérent n° {number}. Corrigez le numéro, ou laissez-le vide.")
                continue
            filters["member_id"] = found[0].id
        page = await api.audit(**filters)
        return [f"Journal d'audit ({len(page.items)})", *audit_lines(page)]
    return None


READ_ONLY = "read"


async def flagged(api: AgentApi, face: Face) -> list[str]:
    """The dossiers opened on a written reason and the closed phone channels, in words; a closed channel can be
    reopened from here. The lines, to show when nothing was chosen."""
    checks = await api.flagged()
    lines = flagged_lines(checks)
    closed = [c for c in checks if c.phone_channel_closed]
    if not closed:
        return lines
    choices = (
        (READ_ONLY, "Seulement lire la liste"),  # a value: an empty one would be a required field left empty
        *((str(c.member_id), f"Rouvrir le canal de {c.member_name}") for c in closed),
    )
    values = await face.form(choice_form("Dossiers signalés", lines, "Que faire ?", choices))
    if values is None or values.get("choice") in ("", READ_ONLY):
        return []
    reason = await face.form(reopen_form())
    if reason is not None:
        done = await send_kept(face, partial(api.reopen_phone_channel, int(values["choice"]), reason["reason"]))
        if done is not None:
            face.say(done.message)
    return []


async def staff(api: AgentApi, face: Face) -> None:
    """The conseiller accounts: create one (a link goes to their address), or disable one (sessions closed)."""
    accounts = await api.staff()
    active = [s for s in accounts if s.state != "disabled"]
    choices = (("create", "Créer un compte conseiller"), *((str(s.id), f"Désactiver {s.display_name}") for s in active))
    values = await face.form(choice_form("Comptes conseillers", staff_lines(accounts), "Que faire ?", choices))
    if values is None:
        return
    if values["choice"] != "create":
        target = next(s for s in active if str(s.id) == values["choice"])
        if await face.confirm(f"Désactiver le compte de {target.display_name} ?"):
            done = await api.disable_staff(target.id)
            face.say(f"Compte de {done.display_name} désactivé : ses sessions sont fermées.")
        return
    typed: Values = {}
    while (values := await face.form(staff_form(typed))) is not None:
        typed = values
        role = "supervisor" if values["role"] == "supervisor" else "agent"
        body = StaffCreate(email=values["email"].strip(), display_name=values["display_name"].strip(), role=role)
        try:
            created = await send_kept(face, partial(api.create_staff, body))
        except errors.ApiError as exc:
            face.error(exc.message)  # the form comes back with what was typed
            continue
        if created is not None:
            face.say(
                f"Compte créé pour {created.display_name} : un lien pour choisir son mot de passe part à "
                f"{created.email} ; l'application d'authentification sera demandée à la première connexion."
            )
        return


async def save_attachments(api: AgentApi, messages: list[dict[str, Any]], directory: Any = None) -> list[str]:
    """The member's attachments of a conversation, saved in the download folder (never over a file): one
    sentence per file with its path; the server checks the queue or the call allows it."""
    target = directory or download_dir()
    sentences = []
    for message in messages:
        for attachment in message.get("attachments") or []:
            file = await api.document(int(attachment["id"]), str(attachment["filename"]))
            sentences.append(saved_sentence(save_download(file.content, file.filename, target), "Fichier joint"))
    return sentences or ["Aucune pièce jointe dans cette conversation."]
