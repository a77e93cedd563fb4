"""The forms that create a démarche, without Textual: what to ask, in what order, what to check (French
messages, amounts "62,50", dates "15/07/2025", the FINESS key checked here with ``models.domain.finess``,
fax or email of the admission service), and the request body the API takes. Both front ends (the
full-screen form and the linear questions) fill one ``FormState`` and call ``build``.

Every creating call carries an ``Idempotency-Key``: ``Submission`` (``tui.flows.retry``) makes one per
submission of a form and gives the same one back when the same form is sent again after a network error,
so a retry never creates the démarche twice; a changed form gets a new key.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from pydantic import BaseModel

from models.domain import finess, vocabulary
from models.domain.dates import format_date, parse_date
from models.domain.money import MAX_AMOUNT, AmountError, read_typed_amount
from models.schemas.common import DocumentType, QuoteDomain, ReimbursementBasis, RequestKind
from models.schemas.messaging import UploadedFile
from models.schemas.requests import (
    AccidentCreate,
    DocumentDepositCreate,
    HospitalCoverCreate,
    QuoteCreate,
    QuoteLine,
    ReimbursementRequestCreate,
    RequestDetail,
)
from tui.flows import wording
from tui.flows.attachments import AttachmentError, load_attachment
from tui.flows.retry import Submission

MAX_FILES = 5
MAX_QUOTE_LINES = 4
DATE_HINT = "JJ/MM/AAAA, par exemple 15/07/2025"
AMOUNT_HINT = "en euros, par exemple 62,50"
NEW_REQUEST = "+ Nouvelle démarche"
RETRY_SAFE = "Votre demande porte un numéro unique : en la renvoyant, elle ne sera jamais enregistrée deux fois."

# Text, amount, date, a choice among (value, words), a long text, the files.
TEXT, AMOUNT, DATE, CHOICE, LONG, FILES = "text", "amount", "date", "choice", "long", "files"


@dataclass(frozen=True)
class Field:
    name: str
    label: str
    kind: str = TEXT
    required: bool = True
    choices: tuple[tuple[str, str], ...] = ()
    hint: str = ""
    max_length: int = 200


@dataclass(frozen=True)
class FormSpec:
    kind: RequestKind
    action_id: str
    title: str
    intro: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        return next(f for f in self.fields if f.name == name)


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


class FormErrors(ValueError):
    """Every problem of the form, by field name, in French; ``first`` is the field to go back to."""

    def __init__(self, errors: dict[str, str]) -> None:
        self.errors = errors
        super().__init__(" ; ".join(errors.values()))

    @property
    def first(self) -> str:
        return next(iter(self.errors))

    def sentences(self) -> list[str]:
        return list(self.errors.values())


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
ALL_QUOTE_ACTS = tuple(act for acts in QUOTE_ACTS.values() for act in acts)
YES_NO = (("non", "Non"), ("oui", "Oui"))


def document_types(category: str) -> tuple[tuple[str, str], ...]:
    for code, _, types in DOCUMENT_CATEGORIES:
        if code == category:
            return tuple((t.value, wording.status_words(t)) for t in types)
    return ()


def quote_line_fields(index: int) -> tuple[Field, Field]:
    return (
        Field(f"line{index}_act", f"Ligne {index} : acte", CHOICE, required=index == 1, choices=ALL_QUOTE_ACTS),
        Field(f"line{index}_amount", f"Ligne {index} : montant", AMOUNT, required=index == 1, hint=AMOUNT_HINT),
    )


def forms(ctx: FormContext) -> tuple[FormSpec, ...]:
    people = ctx.person_choices()
    return (
        FormSpec(
            RequestKind.reimbursement,
            "new_reimbursement",
            "Demander un remboursement",
            "Joignez la facture acquittée, ou le décompte de votre première mutuelle. La demande est suivie "
            "dans « Mes démarches » et « Mes remboursements ».",
            (
                Field("basis", "Justificatif", CHOICE, choices=_words(ReimbursementBasis)),
                Field("beneficiary", "Bénéficiaire des soins", CHOICE, choices=people),
                Field("care_date", "Date des soins", DATE, hint=DATE_HINT),
                Field("label", "Soin (en clair)", hint="par exemple : séance d'ostéopathie"),
                Field("amount", "Montant payé", AMOUNT, hint=AMOUNT_HINT),
                Field(
                    "other_insurer",
                    "Nom de la première mutuelle",
                    required=False,
                    hint="seulement pour un décompte d'une autre mutuelle",
                ),
                Field("files", "Justificatif (fichier)", FILES, hint="un fichier PDF, JPEG ou PNG, 10 Mo au plus"),
            ),
        ),
        FormSpec(
            RequestKind.document,
            "new_document",
            "Dépôt de documents",
            "Un seul type de demande par envoi. Un accusé de réception vous est adressé par e-mail.",
            (
                Field("category", "Catégorie", CHOICE, choices=tuple((c, w) for c, w, _ in DOCUMENT_CATEGORIES)),
                Field("document_type", "Type de document", CHOICE, choices=_words(DocumentType)),
                Field("beneficiary", "Bénéficiaire concerné", CHOICE, choices=people),
                Field("description", "Décrire la demande", LONG, max_length=2000),
                Field("files", "Documents", FILES, hint="1 à 5 fichiers PDF, JPEG ou PNG, 10 Mo au plus chacun"),
            ),
        ),
        FormSpec(
            RequestKind.accident,
            "new_accident",
            "Déclarer un accident",
            "Si un tiers est responsable, la mutuelle se fera rembourser par son assureur.",
            (
                Field("beneficiary", "Personne accidentée", CHOICE, choices=people),
                Field("accident_date", "Date de l'accident", DATE, hint=DATE_HINT),
                Field("place", "Lieu de l'accident"),
                Field("circumstances", "Circonstances", LONG, max_length=2000),
                Field("third_party", "Un tiers est-il en cause ?", CHOICE, choices=YES_NO),
                Field("third_party_details", "Le tiers et son assureur", required=False, max_length=500),
                Field(
                    "files",
                    "Pièces (constat, certificat)",
                    FILES,
                    required=False,
                    hint="facultatif : jusqu'à 5 fichiers",
                ),
            ),
        ),
        FormSpec(
            RequestKind.hospital,
            "new_hospital",
            "Prise en charge hospitalière",
            "La prise en charge est envoyée par nos soins à l'établissement. Il est nécessaire de saisir au "
            "moins le fax ou l'e-mail du service d'admission.",
            (
                Field("member_number", "N° adhérent", max_length=20),
                Field("beneficiary", "Personne hospitalisée", CHOICE, choices=people),
                Field("establishment", "Nom de l'établissement"),
                Field(
                    "finess",
                    "N° FINESS de l'hôpital ou de la clinique",
                    required=False,
                    hint="9 caractères, sur les courriers de l'établissement",
                    max_length=20,
                ),
                Field("entry_date", "Date d'entrée", DATE, hint=DATE_HINT),
                Field("admission_fax", "Fax du service d'admission", required=False, max_length=30),
                Field("admission_email", "Email du service d'admission", required=False, max_length=254),
            ),
        ),
        FormSpec(
            RequestKind.quote,
            "new_quote",
            "Devis (demande de prise en charge)",
            "Dentaire, optique ou aides auditives : l'estimation du remboursement s'affiche dès l'envoi ; un "
            "conseiller la confirme ensuite.",
            (
                Field("domain", "Domaine", CHOICE, choices=_words(QuoteDomain)),
                Field("beneficiary", "Bénéficiaire", CHOICE, choices=people),
                Field("provider_name", "Professionnel (dentiste, opticien, audioprothésiste)"),
                *(f for i in range(1, MAX_QUOTE_LINES + 1) for f in quote_line_fields(i)),
                Field("files", "Le devis (fichier)", FILES, required=False, hint="facultatif : un fichier"),
            ),
        ),
    )


def form_for(action_id: str, ctx: FormContext) -> FormSpec:
    return next(spec for spec in forms(ctx) if spec.action_id == action_id)


@dataclass
class FormState:
    spec: FormSpec
    values: dict[str, str] = field(default_factory=dict)
    files: list[str] = field(default_factory=list)
    submission: Submission = field(default_factory=Submission)

    def get(self, name: str) -> str:
        return self.values.get(name, "").strip()


def network_failure(message: str) -> str:
    """What to say when the answer was lost: it may or may not have arrived; sending again is safe."""
    return f"{message} Rien n'est perdu : renvoyez le formulaire. {RETRY_SAFE}"


# -- checks ------------------------------------------------------------------------------------------------


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


class _Checker:
    def __init__(self, state: FormState, ctx: FormContext) -> None:
        self.state, self.ctx = state, ctx
        self.errors: dict[str, str] = {}

    def _label(self, name: str) -> str:
        return self.state.spec.field(name).label

    def fail(self, name: str, message: str) -> None:
        self.errors.setdefault(name, f"{self._label(name)} : {message}")

    def text(self, name: str, *, required: bool | None = None) -> str | None:
        f = self.state.spec.field(name)
        value = self.state.get(name)
        if not value:
            if f.required if required is None else required:
                self.fail(name, "à remplir.")
            return None
        if len(value) > f.max_length:
            self.fail(name, f"{f.max_length} caractères au plus.")
            return None
        return value

    def choice(self, name: str, allowed: tuple[tuple[str, str], ...] | None = None) -> str | None:
        value = self.text(name)
        if value is None:
            return None
        options = allowed if allowed is not None else self.state.spec.field(name).choices
        if value not in {v for v, _ in options}:
            self.fail(name, "choisissez une des valeurs proposées.")
            return None
        return value

    def amount(self, name: str, *, required: bool | None = None) -> Decimal | None:
        value = self.text(name, required=required)
        if value is None:
            return None
        try:  # THE reader of a typed amount (models.domain.money), as in every other form
            return read_typed_amount(value, limit=MAX_AMOUNT)
        except AmountError as exc:
            self.fail(name, f"{exc}.")
            return None

    def day(self, name: str, *, past: bool = False) -> date | None:
        value = self.text(name)
        if value is None:
            return None
        found = parse_date(value)
        if found is None:
            self.fail(name, f"écrivez la date au format {DATE_HINT} (reçu : « {value} »).")
            return None
        if past and found > self.ctx.today:
            self.fail(name, f"la date ne peut pas être après aujourd'hui ({format_date(self.ctx.today)}).")
            return None
        return found

    def beneficiary(self) -> int | None:
        value = self.choice("beneficiary", self.ctx.person_choices())
        return int(value) if value is not None else None

    def files(self) -> list[UploadedFile]:
        spec = self.state.spec.field("files")
        paths = [p for p in self.state.files if p.strip()]
        if not paths and spec.required:
            self.fail("files", "joignez le fichier (PDF, JPEG ou PNG).")
        limit = 1 if self.state.spec.kind in (RequestKind.reimbursement, RequestKind.quote) else MAX_FILES
        if len(paths) > limit:
            self.fail("files", f"{limit} fichier{'s' if limit > 1 else ''} au plus.")
        out = []
        for path in paths:
            try:
                out.append(load_attachment(path))
            except AttachmentError as exc:
                self.fail("files", str(exc))
        return out


def build(state: FormState, ctx: FormContext) -> BaseModel:
    """The request body of the form, or ``FormErrors`` naming every field to correct."""
    c = _Checker(state, ctx)
    kind = state.spec.kind
    body: BaseModel | None = None
    if kind == RequestKind.reimbursement:
        basis = c.choice("basis")
        who, care, label, amount = c.beneficiary(), c.day("care_date", past=True), c.text("label"), c.amount("amount")
        other = c.text("other_insurer")
        if basis == ReimbursementBasis.other_insurer_statement and not other:
            c.fail("other_insurer", "indiquez le nom de votre première mutuelle (celle du décompte joint).")
        files = c.files()
        if not c.errors:
            body = ReimbursementRequestCreate(
                basis=ReimbursementBasis(basis),
                beneficiary_id=who,
                care_date=care,
                label=label,
                amount=amount,
                other_insurer=other if basis == ReimbursementBasis.other_insurer_statement else None,
                file=files[0],
            )
    elif kind == RequestKind.document:
        category = c.choice("category")
        doc_type = c.choice("document_type", document_types(category) if category else None)
        who, description, files = c.beneficiary(), c.text("description"), c.files()
        if not c.errors:
            body = DocumentDepositCreate(
                document_type=DocumentType(doc_type), beneficiary_id=who, description=description, files=files
            )
    elif kind == RequestKind.accident:
        who, when = c.beneficiary(), c.day("accident_date", past=True)
        place, circumstances = c.text("place"), c.text("circumstances")
        third = c.choice("third_party") == "oui"
        details = c.text("third_party_details", required=third)
        files = c.files()
        if not c.errors:
            body = AccidentCreate(
                beneficiary_id=who,
                accident_date=when,
                place=place,
                circumstances=circumstances,
                third_party=third,
                third_party_details=details if third else None,
                files=files,
            )
    elif kind == RequestKind.hospital:
        number = c.text("member_number")
        if number and number != ctx.member_number:
            c.fail("member_number", f"ce n'est pas votre n° adhérent ({ctx.member_number}).")
        who, establishment = c.beneficiary(), c.text("establishment")
        raw_finess = c.text("finess")
        checked_finess = None
        if raw_finess:
            try:
                checked_finess = finess.validate(raw_finess)
            except finess.InvalidFiness as exc:
                c.fail("finess", f"{exc}.")
        entry = c.day("entry_date")
        fax, email = c.text("admission_fax"), c.text("admission_email")
        if fax and len(re.sub(r"\D", "", fax)) != 10:
            c.fail("admission_fax", "un numéro à 10 chiffres, par exemple 04 73 75 00 00.")
        if email and not _EMAIL.match(email):
            c.fail("admission_email", "une adresse e-mail, par exemple admissions@chu.fr.")
        if not fax and not email:
            c.fail("admission_fax", "il est nécessaire de saisir au moins le fax ou l'e-mail du service d'admission.")
        if not c.errors:
            body = HospitalCoverCreate(
                member_number=number,
                beneficiary_id=who,
                establishment=establishment,
                finess=checked_finess,
                entry_date=entry,
                admission_fax=fax,
                admission_email=email,
            )
    else:
        domain = c.choice("domain")
        who, provider = c.beneficiary(), c.text("provider_name")
        acts = QUOTE_ACTS.get(QuoteDomain(domain), ALL_QUOTE_ACTS) if domain else ALL_QUOTE_ACTS
        lines = []
        for i in range(1, MAX_QUOTE_LINES + 1):
            act_name, amount_name = f"line{i}_act", f"line{i}_amount"
            if i > 1 and not state.get(act_name) and not state.get(amount_name):
                continue
            act = c.choice(act_name, acts)
            amount = c.amount(amount_name, required=True)
            if act and amount:
                lines.append(QuoteLine(act=act, label=dict(acts)[act], charged=amount))
        files = c.files()
        if not c.errors:
            body = QuoteCreate(
                domain=QuoteDomain(domain),
                beneficiary_id=who,
                provider_name=provider,
                lines=lines,
                file=files[0] if files else None,
            )
    if c.errors or body is None:
        raise FormErrors(c.errors)
    return body


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
