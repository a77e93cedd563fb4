"""The one flow model of both front ends (issue 18): a form is declared once here — its fields, how each is
checked, which field a problem belongs to, the recap read before sending — and a ``Face`` renders it: the
full-screen client as a modal form (``tui.screens.forms``), the linear mode as one question per line
(``tui.linear.face``). A flow is a coroutine that asks through a ``Face`` and never knows which one it has.

Why a problem names its field: the linear mode asks again only the wrong field, with what was typed offered
back (Entrée keeps it), and the full-screen form writes the sentence under that field and puts the cursor
there; a problem of the whole form (``field`` None) is shown with the recap."""

from __future__ import annotations

import re
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any, Protocol

from models.domain.dates import parse_date
from tui.api import errors
from tui.flows.attachments import AttachmentError, load_attachment

TEXT, CHOICE, FILE, CODE, DATE, LONG = "text", "choice", "file", "code", "date", "long"
SECRET = "secret"
"""A password: typed without echo, never offered back after a mistake, masked in the recap."""
NUMBER = "number"
"""The number of a line of a list just said (« 3 », « détail 3 »): a wrong one is typed again, never offered
back, so that Entrée alone keeps its meaning (back, or a new search)."""
LINES = "lines"
"""Several lines of text (a message, a reply): a text area in full screen; in the linear mode the lines are
read one by one until an empty line (issue 19: replies are multi-line). LONG stays one line, as its forms'
scripts expect."""
DATE_HINT = "JJ/MM/AAAA, par exemple 15/07/2025"
NOTHING_SENT = "Rien n'a été envoyé."
Values = dict[str, Any]


@dataclass(frozen=True)
class Problem:
    """What is wrong, in French, and the field it belongs to (None: the form as a whole)."""

    message: str
    field: str | None = None


Check = Callable[[Values], "str | Problem | None"]


@dataclass(frozen=True)
class Found:
    """One answer a ``lookup`` found (an establishment of the directory): how a list shows it, and the
    answers choosing it fills in — this field and others (its name and its FINESS number)."""

    words: str
    values: dict[str, str]


class LookupFailed(Exception):
    """The lookup could not be made (the server did not answer): said in French, what was typed is kept."""


Lookup = Callable[[str], Awaitable[Sequence[Found]]]


@dataclass(frozen=True)
class Ask:
    """One field: ``choices`` are (value, words); a FILE field holds a list of paths (``limit`` files)."""

    name: str
    label: str
    kind: str = TEXT
    choices: tuple[tuple[str, str], ...] = ()
    required: bool = True
    hint: str = ""
    default: str = ""
    limit: int = 1
    when: Callable[[Values], bool] | None = None  # asked only when this holds for the answers so far
    before: str = ""
    """Said just before the field the first time it is asked (the password rules, the human-check question,
    the CGU before the box to tick): what the answer depends on, heard right before giving it."""
    options: Callable[[Values], tuple[tuple[str, str], ...]] | None = None
    """A choice whose values depend on the answers so far (the acts a search found, the paniers of an act):
    ``choices`` computed when the field is asked (``resolved``)."""
    lookup: Lookup | None = None
    """What was typed can be searched (the directory, for an establishment): the linear mode searches it as
    soon as it is typed and offers a numbered list, the full-screen form on Entrée in the field; the choice
    fills this field and the others its ``Found`` names. Typing without choosing keeps what was typed."""


@dataclass(frozen=True)
class Form:
    title: str
    intro: tuple[str, ...]
    asks: tuple[Ask, ...]
    check: Check | None = None  # also run as the user types; a str problem belongs to the field last answered
    submit: str = "Valider"
    recap: bool = True
    """Read the answers back before sending, with « modifier N » (linear mode), when two fields or more were
    asked: one answer was just heard, reading it back again helps no one (a code, a « Pour qui »). Off for a
    form that sends and changes nothing (a search)."""
    given: Values = field(default_factory=dict)
    """Answers already given and still right (the server refused another field of this form): not asked
    again, read back in the recap and changeable there; the full-screen form shows them filled in."""
    final: Check | None = None
    """A rule across fields checked only once the form is filled, not as the user types (« au moins le fax
    ou l'e-mail »: said while the first field is typed, it would be an error before any was made)."""
    refused: Problem | None = None
    """The server's refusal of the last sending and the field it names: the full-screen form shows it under
    that field, the cursor there, until that answer changes (the linear face has said it before asking)."""
    on_leave: Callable[[Values], None] | None = None
    """Given what was typed when the user leaves the form without sending it (« annuler », Échap, Ctrl+C):
    the message composer keeps it as the draft. Both faces call it."""


class Face(Protocol):
    """What a flow may do with the person in front of it, whichever front end that is."""

    reads_back: bool
    """The face reads a form's answers back before sending, with a choice to send or cancel (the linear
    recap): a flow does not ask « Confirmer … ? » after it (``confirm_sending``). A full-screen form shows every
    answer while it is filled: its flow still asks."""

    async def form(self, form: Form) -> Values | None:
        """The answers once ``first_problem(form, answers)`` is None; None when the user gives up."""

    async def confirm(self, question: str) -> bool: ...

    async def pick(self, question: str, options: Sequence[str]) -> int | None:
        """The index of the option chosen; None when the user goes back."""

    def say(self, text: str) -> None: ...

    def error(self, text: str) -> None:
        """What went wrong, said as an error; the flow goes on (a wrong code is asked again)."""


def keep(form: Form, typed: Values) -> Form:
    """The same form, filled in with what was typed (nothing typed is thrown away)."""
    return replace(
        form, asks=tuple(replace(a, default=str(typed[a.name])) if typed.get(a.name) else a for a in form.asks)
    )


def refused_fields(refused: errors.ApiError | None, aliases: Mapping[str, str] | None = None) -> set[str]:
    """The fields a refusal of the server names: the last part of each detail's path (``answers.birth_date``
    -> ``birth_date``), through ``aliases`` where the request calls a field otherwise than the form
    (``beneficiary_id`` -> ``beneficiary``)."""
    named = {d.field.rsplit(".", 1)[-1] for d in (refused.details if refused else ()) if d.field}
    return {(aliases or {}).get(name, name) for name in named}


def again(form: Form, typed: Values, wrong: set[str], refusal: str = "") -> Form:
    """The form once more, everything typed kept; when fields of the form are ``wrong`` (the server refused
    them, saying ``refusal``), the other answers are given — not asked again, read back in the recap — and
    only those fields are asked, what was typed offered back, the refusal written under the first."""
    kept = keep(form, typed)
    names = [ask.name for ask in form.asks if ask.name in wrong]
    if not names:
        return kept
    given = {k: v for k, v in typed.items() if k in {ask.name for ask in form.asks} and k not in wrong}
    return replace(kept, given=given, refused=Problem(refusal, names[0]) if refusal else None)


async def confirm_sending(face: Face, form: Form, values: Values, question: str) -> bool:
    """« Confirmer : … ? » before an action, unless the face has just read the answers back and the user
    chose to send there: the same action heard twice is one too many (issue 18)."""
    if face.reads_back and wants_recap(form, values):
        return True
    return await face.confirm(question)


_LINE_NUMBER = re.compile(r"^\s*(?:d[ée]tail\s*)?(\d+)\s*$", re.IGNORECASE)


def line_number(text: str) -> int | None:
    """« 3 » or « détail 3 » -> 3; None for anything else."""
    found = _LINE_NUMBER.match(text)
    return int(found.group(1)) if found else None


def wrong_number(typed: object, first: int, last: int) -> Problem:
    return Problem(f"Numéro invalide : « {typed} ». Tapez un nombre de {first} à {last}.", "number")


def number_form(title: str, label: str, first: int, last: int, *, empty: str | None = None) -> Form:
    """One line of a numbered list, chosen by the number the list said (the linear mode's way to choose a
    search result, a queue item, a claim). ``empty``: what Entrée alone does, said in the question (« retour »,
    « nouvelle recherche »); without it a number is required. ``chosen_line`` reads the answer."""

    def check(values: Values) -> Problem | None:
        typed = str(values.get("number") or "").strip()
        if not typed and empty is not None:
            return None
        number = line_number(typed)
        return wrong_number(typed, first, last) if number is None or not first <= number <= last else None

    hint = f"{first} à {last}" + (f", Entrée : {empty}" if empty is not None else "")
    ask = Ask("number", label, NUMBER, hint=hint, required=empty is None)
    return Form(title, (), (ask,), check=check, submit="Voir", recap=False)


def chosen_line(values: Values | None) -> int | None:
    """The line number a ``number_form`` answered; None when Entrée was pressed alone or the form was left."""
    return line_number(str((values or {}).get("number") or ""))


def resolved(ask: Ask, values: Values) -> Ask:
    """The field with its choices for these answers (``options``); the field itself when they are fixed."""
    return ask if ask.options is None else replace(ask, choices=ask.options(values))


def asked(form: Form, values: Values) -> list[Ask]:
    """The fields asked for these answers (a field whose ``when`` fails is not asked), choices resolved."""
    return [resolved(ask, values) for ask in form.asks if ask.when is None or ask.when(values)]


def field_problem(ask: Ask, value: Any) -> str | None:
    """The French problem of one answer on its own (required, a known choice, a date, readable files)."""
    if ask.kind == FILE:
        paths = list(value or [])
        if ask.required and not paths:
            return f"Joignez : {ask.label.lower()} (PDF, JPEG ou PNG)."
        for path in paths:
            try:
                load_attachment(path)
            except AttachmentError as exc:
                return str(exc)
        return None
    text = str(value if value is not None else "").strip()
    if not text:
        return f"Champ obligatoire : {ask.label}." if ask.required else None
    if ask.kind == CHOICE and text not in {v for v, _ in ask.choices}:
        return f"{ask.label} : choisissez parmi " + ", ".join(w for _, w in ask.choices) + "."
    if ask.kind == DATE and parse_date(text) is None:
        return f"{ask.label} : date non valable ({DATE_HINT})."
    return None


def as_problem(found: str | Problem | None, field: str | None) -> Problem | None:
    if found is None or isinstance(found, Problem):
        return found
    return Problem(found, field)


def first_problem(form: Form, values: Values) -> Problem | None:
    """The first problem of a filled form, with its field (both faces call it before sending)."""
    for ask in asked(form, values):
        default: Any = [] if ask.kind == FILE else ""
        if message := field_problem(ask, values.get(ask.name, default)):
            return Problem(message, ask.name)
    found = as_problem(form.check(values), None) if form.check else None
    if found is None and form.final is not None:
        found = as_problem(form.final(values), None)
    return found


def problem(form: Form, values: Values) -> str | None:
    """The French message of the first problem of a filled form."""
    found = first_problem(form, values)
    return found.message if found else None


def answer_words(ask: Ask, value: Any) -> str:
    """An answer as the recap reads it: a choice by its words, files by their names, a code masked."""
    if ask.kind == FILE:
        names = [str(path).rstrip("/").rsplit("/", 1)[-1] for path in value or []]
        return ", ".join(names) if names else "aucun fichier"
    text = str(value if value is not None else "").strip()
    if not text:
        return "(vide)"
    if ask.kind == CHOICE:
        return dict(ask.choices).get(text, text)
    if ask.kind in (CODE, SECRET):
        return "(masqué)"
    if ask.kind == LINES:  # one recap line: the lines of a message joined, as a screen reader reads them
        return " / ".join(line.strip() for line in text.splitlines() if line.strip())
    return text


def wants_recap(form: Form, values: Values) -> bool:
    return form.recap and len(asked(form, values)) >= 2


def recap_lines(form: Form, values: Values) -> list[str]:
    """« 1. Objet : Remboursement de lunettes » — one numbered line per field asked, in the order asked."""
    return [
        f"{n}. {ask.label} : {answer_words(ask, values.get(ask.name))}" for n, ask in enumerate(asked(form, values), 1)
    ]
