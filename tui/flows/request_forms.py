"""The démarches (new reimbursement, documents, accident, prise en charge hospitalière, devis), without
Textual, on the one flow model (``tui.flows.forms``, issue 18): each form is DECLARED ONCE here — its fields,
the checks of each answer (French messages, amounts "62,50", dates "15/07/2025", the FINESS key with
``models.domain.finess``, the fax or e-mail of the admission service), the request body the API takes —
and ``run`` asks it through a ``Face``: the full-screen form and the linear questions are its renderers.

A choice that decides the other fields is asked first, on its own (the category of a document narrows its
types, the domain of a devis its acts), so that each form is a plain list of fields. The hospital form's
« Établissement » can be searched in the care finder (``GET /directory``, issue 21): the name and the FINESS
number of the establishment chosen fill the form.

Every creating call carries an ``Idempotency-Key``: one ``Submission`` per démarche gives the same key when
the same body is sent again after a network error, so a retry never creates the démarche twice.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from models.domain import finess, vocabulary
from models.domain.dates import format_date, parse_date
from models.domain.money import MAX_AMOUNT, AmountError, read_typed_amount
from models.schemas.common import DocumentType, QuoteDomain, ReimbursementBasis, RequestKind
from models.schemas.directory import DirectoryKind, DirectoryQuery
from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    QuoteLine,
    ReimbursementRequestCreate,
    RequestDetail,
)
from tui.api import errors
from tui.api.client import ApiClient
from tui.api.directory import DirectoryApi
from tui.api.messaging import MessagingApi
from tui.flows import retry, wording
from tui.flows.attachments import load_attachment
from tui.flows.forms import (
    CHOICE,
    DATE,
    FILE,
    LINES,
    NOTHING_SENT,
    Ask,
    Face,
    Form,
    Found,
    Lookup,
    LookupFailed,
    Problem,
    Values,
    again,
    refused_fields,
)

__all__ = ["parse_date"]  # the date reader of the client's forms, also imported from here by older flows

MAX_FILES = 5
MAX_QUOTE_LINES = 4
DATE_HINT = "JJ/MM/AAAA, par exemple 15/07/2025"
AMOUNT_HINT = "en euros, par exemple 62,50"
NEW_REQUEST = "+ Nouvelle démarche"
KEPT = "votre démarche est gardée"
FOUND_LIMIT = 10


@dataclass(frozen=True)
class Demarche:
    action_id: str  # the registry's action that opens it (tui.flows.actions)
    kind: RequestKind
    title: str
    intro: str


DEMARCHES: tuple[Demarche, ...] = (
    Demarche(
        "new_reimbursement",
        RequestKind.reimbursement,
        "Demander un remboursement",
        "Joignez la facture acquittée, ou le décompte de votre première mutuelle. La demande est suivie "
        "dans « Mes démarches » et « Mes remboursements ».",
    ),
    Demarche(
        "new_document",
        RequestKind.document,
        "Dépôt de documents",
        "Un seul type de demande par envoi. Un accusé de réception vous est adressé par e-mail.",
    ),
    Demarche(
        "new_accident",
        RequestKind.accident,
        "Déclarer un accident",
        "Si un tiers est responsable, la mutuelle se fera rembourser par son assureur.",
    ),
    Demarche(
        "new_hospital",
        RequestKind.hospital,
        "Prise en charge hospitalière",
        "La prise en charge est envoyée par nos soins à l'établissement. Il est nécessaire de saisir au "
        "moins le fax ou l'e-mail du service d'admission.",
    ),
    Demarche(
        "new_quote",
        RequestKind.quote,
        "Devis (demande de prise en charge)",
        "Dentaire, optique ou aides auditives : l'estimation du remboursement s'affiche dès l'envoi ; un "
        "conseiller la confirme ensuite.",
    ),
)


def demarche(action_id: str) -> Demarche:
    return next(d for d in DEMARCHES if d.action_id == action_id)


@dataclass(frozen=True)
class Person:
    id: int
    name: str


@dataclass(frozen=True)
class FormContext:
    """What the forms need from the server: the n° adhérent and who is covered (the tableau de bord)."""

    member_number: str
    people: tuple[Person, ...]
    today: date

    @classmethod
    def from_dashboard(cls, dashboard: Any, today: date) -> FormContext:
        seen: dict[int, Person] = {}
        for contract in dashboard.contracts:
            for b in contract.beneficiaries:
                seen.setdefault(b.id, Person(b.id, f"{b.first_name} {b.last_name}"))
        return cls(dashboard.member_number, tuple(seen.values()), today)

    def person_choices(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(p.id), p.name) for p in self.people)


def _words(enum: type) -> tuple[tuple[str, str], ...]:
    return tuple((member.value, wording.status_words(member)) for member in enum)


# Dépôt de documents (MESE): a category, then a type of document within it.
DOCUMENT_CATEGORIES: tuple[tuple[str, str, tuple[DocumentType, ...]], ...] = (
    (
        "soins",
        "Remboursement de soins",
        (
            DocumentType.paid_invoice,
            DocumentType.quote,
            DocumentType.prescription,
            DocumentType.other_insurer_statement,
        ),
    ),
    (
        "droits",
        "Assurance Maladie et famille",
        (DocumentType.amo_rights_certificate, DocumentType.birth_certificate, DocumentType.school_certificate),
    ),
    ("adhesion", "Mon adhésion", (DocumentType.proof_of_address, DocumentType.bank_details)),
    ("accident", "Accident", (DocumentType.accident_report,)),
    ("autre", "Autre", (DocumentType.other,)),
)


def _acts(*codes: str) -> tuple[tuple[str, str], ...]:
    return tuple((code, vocabulary.ACT_LABELS[code]) for code in codes)  # the vocabulary's care words


QUOTE_ACTS: dict[QuoteDomain, tuple[tuple[str, str], ...]] = {
    QuoteDomain.dental: _acts("PROTHESE", "SC"),
    QuoteDomain.optical: _acts("MONTURE", "VERRE_SIMPLE", "VERRE_COMPLEXE", "VERRE_TRES_COMPLEXE"),
    QuoteDomain.hearing: _acts("AUDIO"),
}
YES_NO = (("non", "Non"), ("oui", "Oui"))


def document_types(category: str) -> tuple[tuple[str, str], ...]:
    for code, _, types in DOCUMENT_CATEGORIES:
        if code == category:
            return tuple((t.value, wording.status_words(t)) for t in types)
    return ()


@dataclass(frozen=True)
class FirstChoice:
    """The choice asked before a form, because the form's fields depend on it."""

    question: str
    choices: tuple[tuple[str, str], ...]


FIRST_CHOICES: dict[str, FirstChoice] = {
    "new_document": FirstChoice("Catégorie", tuple((c, w) for c, w, _ in DOCUMENT_CATEGORIES)),
    "new_quote": FirstChoice("Domaine", _words(QuoteDomain)),
}


# -- the checks of the answers ------------------------------------------------------------------------------

MAX_LENGTHS = {
    "member_number": 20,
    "description": 2000,
    "circumstances": 2000,
    "third_party_details": 500,
    "admission_fax": 30,
    "admission_email": 254,
}
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
PAST_DATES = ("care_date", "accident_date")
FAX_OR_EMAIL = "Il est nécessaire de saisir au moins le fax ou l'e-mail du service d'admission."


def _is_amount(name: str) -> bool:
    return name == "amount" or (name.startswith("line") and name.endswith("_amount"))


def answer_problem(name: str, text: str, ctx: FormContext) -> str | None:
    """What is wrong with one typed answer, without its label (None: nothing). The rules of the server's
    request schemas and services, said before sending."""
    if len(text) > MAX_LENGTHS.get(name, 200):
        return f"{MAX_LENGTHS.get(name, 200)} caractères au plus."
    if _is_amount(name):
        try:  # THE reader of a typed amount (models.domain.money), as in every other form
            read_typed_amount(text, limit=MAX_AMOUNT)
        except AmountError as exc:
            return f"{exc}."
    elif name in PAST_DATES:
        found = parse_date(text)
        if found is not None and found > ctx.today:
            return f"la date ne peut pas être après aujourd'hui ({format_date(ctx.today)})."
    elif name == "member_number" and text != ctx.member_number:
        return f"ce n'est pas votre n° adhérent ({ctx.member_number})."
    elif name == "finess":
        try:
            finess.validate(text)
        except finess.InvalidFiness as exc:
            return f"{exc}."
    elif name == "admission_fax" and len(re.sub(r"\D", "", text)) != 10:
        return "un numéro à 10 chiffres, par exemple 04 73 75 00 00."
    elif name == "admission_email" and not _EMAIL.match(text):
        return "une adresse e-mail, par exemple admissions@chu.fr."
    return None


def _checker(asks: tuple[Ask, ...], ctx: FormContext) -> Callable[[Values], Problem | None]:
    labels = {a.name: a.label for a in asks}

    def check(values: Values) -> Problem | None:
        for name, value in values.items():
            text = value.strip() if isinstance(value, str) else ""
            if name in labels and text and (found := answer_problem(name, text, ctx)):
                return Problem(f"{labels[name]} : {found}", name)
        return None

    return check


def _fax_or_email(values: Values) -> Problem | None:
    """The whole form's rule, said with the recap (either field may be the one to give)."""
    if str(values.get("admission_fax") or "").strip() or str(values.get("admission_email") or "").strip():
        return None
    return Problem(FAX_OR_EMAIL)


# -- the forms ----------------------------------------------------------------------------------------------


def _people(ctx: FormContext, label: str) -> Ask:
    people = ctx.person_choices()
    return Ask("beneficiary", label, CHOICE, choices=people, default=people[0][0] if len(people) == 1 else "")


def _quote_lines(domain: str) -> tuple[Ask, ...]:
    acts = QUOTE_ACTS.get(QuoteDomain(domain), ()) if domain else ()
    asks: list[Ask] = []
    for i in range(1, MAX_QUOTE_LINES + 1):
        first = i == 1
        asks.append(
            Ask(
                f"line{i}_act",
                f"Ligne {i} : acte",
                CHOICE,
                choices=acts,
                required=first,
                default=acts[0][0] if first and len(acts) == 1 else "",
                # a further line is asked only after a line with an act (« Aucun » ends the devis)
                when=None if first else (lambda v, before=f"line{i - 1}_act": bool(v.get(before))),
            )
        )
        asks.append(
            Ask(
                f"line{i}_amount",
                f"Ligne {i} : montant",
                hint=AMOUNT_HINT,
                when=None if first else (lambda v, act=f"line{i}_act": bool(v.get(act))),
            )
        )
    return tuple(asks)


def _asks(action_id: str, ctx: FormContext, first: str, lookup: Lookup | None) -> tuple[Ask, ...]:
    if action_id == "new_reimbursement":
        return (
            Ask("basis", "Justificatif", CHOICE, choices=_words(ReimbursementBasis)),
            _people(ctx, "Bénéficiaire des soins"),
            Ask("care_date", "Date des soins", DATE, hint=DATE_HINT),
            Ask("label", "Soin (en clair)", hint="par exemple : séance d'ostéopathie"),
            Ask("amount", "Montant payé", hint=AMOUNT_HINT),
            Ask(
                "other_insurer",
                "Nom de la première mutuelle",
                hint="celle du décompte joint",
                when=lambda v: v.get("basis") == ReimbursementBasis.other_insurer_statement.value,
            ),
            Ask("files", "Justificatif (fichier)", FILE, hint="un fichier PDF, JPEG ou PNG, 10 Mo au plus"),
        )
    if action_id == "new_document":
        types = document_types(first)
        return (
            Ask(
                "document_type",
                "Type de document",
                CHOICE,
                choices=types,
                default=types[0][0] if len(types) == 1 else "",
            ),
            _people(ctx, "Bénéficiaire concerné"),
            Ask("description", "Décrire la demande", LINES),
            Ask("files", "Documents", FILE, hint="1 à 5 fichiers PDF, JPEG ou PNG", limit=MAX_FILES),
        )
    if action_id == "new_accident":
        return (
            _people(ctx, "Personne accidentée"),
            Ask("accident_date", "Date de l'accident", DATE, hint=DATE_HINT),
            Ask("place", "Lieu de l'accident"),
            Ask("circumstances", "Circonstances", LINES),
            Ask("third_party", "Un tiers est-il en cause ?", CHOICE, choices=YES_NO),
            Ask(
                "third_party_details",
                "Le tiers et son assureur",
                hint="si un tiers est en cause",
                when=lambda v: v.get("third_party") == "oui",
            ),
            Ask(
                "files",
                "Pièces (constat, certificat)",
                FILE,
                required=False,
                hint="jusqu'à 5 fichiers",
                limit=MAX_FILES,
            ),
        )
    if action_id == "new_hospital":
        return (
            Ask("member_number", "N° adhérent", default=ctx.member_number),
            _people(ctx, "Personne hospitalisée"),
            Ask(
                "establishment",
                "Établissement",
                hint="son nom, ou « nom, ville » : l'annuaire propose les établissements trouvés"
                if lookup
                else "son nom",
                lookup=lookup,
            ),
            Ask(
                "finess",
                "N° FINESS de l'établissement",
                required=False,
                hint="9 caractères ; rempli quand l'établissement est choisi dans l'annuaire",
            ),
            Ask("entry_date", "Date d'entrée", DATE, hint=DATE_HINT),
            Ask("admission_fax", "Fax du service d'admission", required=False),
            Ask("admission_email", "E-mail du service d'admission", required=False),
        )
    if action_id == "new_quote":
        return (
            _people(ctx, "Bénéficiaire"),
            Ask("provider_name", "Professionnel (dentiste, opticien, audioprothésiste)"),
            *_quote_lines(first),
            Ask("files", "Le devis (fichier)", FILE, required=False, hint="un fichier"),
        )
    raise KeyError(action_id)


def request_form(action_id: str, ctx: FormContext, *, first: str = "", lookup: Lookup | None = None) -> Form:
    """The form of a démarche; ``first``: the answer to its ``FIRST_CHOICES`` question (category, domain);
    ``lookup``: how the hospital form searches its establishment (None: typed only)."""
    d = demarche(action_id)
    intro = (d.intro,)
    if first and action_id in FIRST_CHOICES:
        spec = FIRST_CHOICES[action_id]
        intro += (f"{spec.question} : {dict(spec.choices)[first]}.",)
    asks = _asks(action_id, ctx, first, lookup)
    return Form(
        d.title,
        intro,
        asks,
        check=_checker(asks, ctx),
        submit="Envoyer la démarche",
        final=_fax_or_email if action_id == "new_hospital" else None,
    )


# -- the request body ---------------------------------------------------------------------------------------


def _text(values: Values, name: str) -> str:
    return str(values.get(name) or "").strip()


def _files(values: Values) -> list[Any]:
    return [load_attachment(path) for path in values.get("files") or []]


def build(action_id: str, values: Values, ctx: FormContext, first: str = "") -> BaseModel:
    """The request body of a filled form (``forms.first_problem`` found nothing: every answer reads)."""
    who = int(_text(values, "beneficiary"))
    if action_id == "new_reimbursement":
        basis = ReimbursementBasis(_text(values, "basis"))
        other = basis == ReimbursementBasis.other_insurer_statement
        return ReimbursementRequestCreate(
            basis=basis,
            beneficiary_id=who,
            care_date=parse_date(_text(values, "care_date")),
            label=_text(values, "label"),
            amount=read_typed_amount(_text(values, "amount"), limit=MAX_AMOUNT),
            other_insurer=_text(values, "other_insurer") if other else None,
            file=_files(values)[0],
        )
    if action_id == "new_document":
        return DocumentDepositCreate(
            document_type=DocumentType(_text(values, "document_type")),
            beneficiary_id=who,
            description=_text(values, "description"),
            files=_files(values),
        )
    if action_id == "new_accident":
        third = _text(values, "third_party") == "oui"
        return AccidentCreate(
            beneficiary_id=who,
            accident_date=parse_date(_text(values, "accident_date")),
            place=_text(values, "place"),
            circumstances=_text(values, "circumstances"),
            third_party=third,
            third_party_details=_text(values, "third_party_details") if third else None,
            files=_files(values),
        )
    if action_id == "new_hospital":
        number = _text(values, "finess")
        return HospitalCoverCreate(
            member_number=_text(values, "member_number"),
            beneficiary_id=who,
            establishment=_text(values, "establishment"),
            finess=finess.validate(number) if number else None,
            entry_date=parse_date(_text(values, "entry_date")),
            admission_fax=_text(values, "admission_fax") or None,
            admission_email=_text(values, "admission_email") or None,
        )
    acts = dict(QUOTE_ACTS[QuoteDomain(first)])
    lines: list[QuoteLine] = []
    for i in range(1, MAX_QUOTE_LINES + 1):
        act = _text(values, f"line{i}_act")
        if not act:
            break
        amount: Decimal = read_typed_amount(_text(values, f"line{i}_amount"), limit=MAX_AMOUNT)
        lines.append(QuoteLine(act=act, label=acts[act], charged=amount))
    files = _files(values)
    return QuoteCreate(
        domain=QuoteDomain(first),
        beneficiary_id=who,
        provider_name=_text(values, "provider_name"),
        lines=lines,
        file=files[0] if files else None,
    )


# -- the establishment, from the care finder ----------------------------------------------------------------


def establishment_words(hit: Any) -> str:
    place = " ".join(part for part in (hit.postcode, hit.town) if part)
    return f"{hit.name}, {place} (FINESS {hit.identifier})" if place else f"{hit.name} (FINESS {hit.identifier})"


def establishment_queries(typed: str) -> list[DirectoryQuery]:
    """« CHU, Clermont » is a name and a town; a single word is tried as a name, then as a town."""
    kind, size = DirectoryKind.establishment, FOUND_LIMIT
    name, _, town = typed.partition(",")
    if town.strip():
        return [DirectoryQuery(kind=kind, q=name.strip(), where=town.strip(), page_size=size)]
    return [
        DirectoryQuery(kind=kind, q=typed.strip(), page_size=size),
        DirectoryQuery(kind=kind, where=typed.strip(), page_size=size),
    ]


def establishment_lookup(api: DirectoryApi) -> Lookup:
    """The hospital form's search: the establishments of the directory by name and/or town; choosing one
    fills « Établissement » with its name and « N° FINESS » with its number."""

    async def find(typed: str) -> list[Found]:
        for query in establishment_queries(typed):
            try:
                page = await api.search(query)
            except errors.SessionExpired:
                raise
            except errors.ApiError as exc:
                raise LookupFailed(f"Recherche dans l'annuaire impossible : {exc.message}") from exc
            if page.items:
                return [
                    Found(establishment_words(hit), {"establishment": hit.name, "finess": hit.identifier})
                    for hit in page.items
                ]
        return []

    return find


# -- the flow ---------------------------------------------------------------------------------------------


REQUEST_FIELDS = {"beneficiary_id": "beneficiary", "file": "files"}
"""A request's fields that the forms call otherwise: a refusal of the server names the form's field."""


async def run(api: ApiClient, face: Face, action_id: str | None, today: date) -> RequestDetail | None:
    """Choose a démarche (unless given), ask its form, send it (a network error offers to send the same
    démarche again, with the same Idempotency-Key; a field the server refuses is asked again alone, the
    other answers kept) and say what was created; None when nothing was."""
    try:
        ctx = FormContext.from_dashboard(await api.dashboard(), today)
    except errors.SessionExpired:
        raise
    except errors.ApiError as exc:
        face.error(exc.message)
        return None
    if action_id is None:
        index = await face.pick(NEW_REQUEST.removeprefix("+ "), [d.title for d in DEMARCHES])
        if index is None:
            return None
        action_id = DEMARCHES[index].action_id
    first = ""
    if action_id in FIRST_CHOICES:
        spec = FIRST_CHOICES[action_id]
        index = await face.pick(spec.question, [words for _, words in spec.choices])
        if index is None:
            face.say(NOTHING_SENT)
            return None
        first = spec.choices[index][0]
    lookup = establishment_lookup(DirectoryApi(api)) if action_id == "new_hospital" else None
    declared = request_form(action_id, ctx, first=first, lookup=lookup)
    submission = retry.Submission()
    messaging = MessagingApi(api)
    typed: Values = {}
    wrong: set[str] = set()
    refusal = ""
    while True:
        values = await face.form(again(declared, typed, wrong, refusal))
        if values is None:
            face.say(NOTHING_SENT)
            return None
        body = build(action_id, values, ctx, first)
        try:
            detail = await retry.send_kept(
                face, lambda body=body: messaging.create_request(body, submission.key_for(body)), KEPT
            )
        except errors.SessionExpired:
            raise
        except errors.ApiError as exc:
            face.error(f"{exc.message} Rien n'a été enregistré.")
            wrong = refused_fields(exc, REQUEST_FIELDS) & {ask.name for ask in declared.asks}
            if exc.status == 422 and wrong:  # the server refused a field: it alone is asked again
                typed, refusal = values, exc.message
                continue
            return None
        break
    if detail is None:
        return None
    for line in created_lines(detail):
        face.say(line)
    return detail


def created_lines(detail: RequestDetail) -> list[str]:
    """What to say once the démarche exists: its reference, its status, and a devis's estimate."""
    lines = [
        f"Démarche envoyée : {detail.title}, référence {detail.reference}, statut "
        f"« {wording.status_words(detail.status)} ». Un accusé de réception vous est adressé par e-mail ; "
        "suivez-la dans « Mes démarches »."
    ]
    if detail.estimate is not None:  # totals over the estimated lines only, the others named with why
        lines.extend(vocabulary.quote_estimate_sentences(detail.estimate))
    if detail.claim_id is not None:
        lines.append("Le remboursement apparaît aussi dans « Mes remboursements », au statut « Reçu ».")
    return lines
