"""Démarches en ligne (issue 7): demander un remboursement, dépôt de documents, déclarer un accident,
prise en charge hospitalière, devis; and "Mes démarches", every request and its status in one list."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Annotated, Any

from pydantic import BaseModel, Field, WithJsonSchema

from models.schemas.common import (
    ClaimStatus,
    DocumentType,
    QuoteDomain,
    ReimbursementBasis,
    RequestKind,
    RequestStatus,
)
from models.schemas.ids import Id
from models.schemas.messaging import AttachmentInfo, UploadedFile

# An amount in euros as the server reads it: more than 0, at most 8 digits before the point and 2 after.
# Pydantic's own schema says "a number or any string"; this one declares the real rule, so that a client
# (or the fuzzer) that follows the document sends amounts the server takes.
AMOUNT_PATTERN = r"^(?:[1-9][0-9]{0,7}(?:\.[0-9]{1,2})?|0\.(?:0[1-9]|[1-9][0-9]?))$"
Amount = Annotated[
    Decimal,
    Field(gt=0, max_digits=10, decimal_places=2),
    WithJsonSchema(
        {
            "anyOf": [
                {"type": "number", "exclusiveMinimum": 0, "maximum": 99999999.99, "multipleOf": 0.01},
                {"type": "string", "pattern": AMOUNT_PATTERN},
            ],
            "description": "Montant en euros, au centime (ex. 25.50)",
        },
        mode="validation",
    ),
]


class ReimbursementRequestCreate(BaseModel):
    """ "+ Demander un remboursement": a facture acquittée, or a first mutuelle's décompte."""

    basis: ReimbursementBasis
    beneficiary_id: Id
    care_date: date
    label: str = Field(min_length=1, max_length=200, description="Le soin, en clair (ex. séance d'ostéopathie)")
    amount: Amount
    act: str | None = Field(default=None, max_length=32, description="Code de l'acte s'il est connu (ex. G)")
    other_insurer: str | None = Field(default=None, max_length=200, description="Nom de la première mutuelle")
    file: UploadedFile


class DocumentDepositCreate(BaseModel):
    """Dépôt de documents (MESE): one type of request per deposit, several pages allowed."""

    document_type: DocumentType
    beneficiary_id: Id
    description: str = Field(min_length=1, max_length=2000)
    files: list[UploadedFile] = Field(min_length=1, max_length=5)


class AccidentCreate(BaseModel):
    """ "Déclarer un accident" (MNPEM): the AMO and the mutuelle may recover costs from a third party."""

    beneficiary_id: Id
    accident_date: date
    place: str = Field(min_length=1, max_length=200)
    circumstances: str = Field(min_length=1, max_length=2000)
    third_party: bool = False
    third_party_details: str | None = Field(default=None, max_length=500)
    files: list[UploadedFile] = Field(default_factory=list, max_length=5)


class HospitalCoverCreate(BaseModel):
    """Prise en charge hospitalière (MESE form)."""

    member_number: str = Field(min_length=1, max_length=20)
    beneficiary_id: Id = Field(description="Personne hospitalisée")
    establishment: str = Field(min_length=1, max_length=200)
    finess: str | None = Field(default=None, max_length=20, description="N° FINESS (9 caractères, clé de Luhn)")
    entry_date: date
    admission_fax: str | None = Field(default=None, max_length=30)
    admission_email: str | None = Field(default=None, max_length=254)


class QuoteLine(BaseModel):
    act: str = Field(min_length=1, max_length=32, description="Code de l'acte (ex. HBLD634 pour une couronne)")
    label: str | None = Field(default=None, max_length=200)
    charged: Amount


class QuoteCreate(BaseModel):
    """Devis / demande de prise en charge: the engine estimates at once, a conseiller confirms later."""

    domain: QuoteDomain
    beneficiary_id: Id
    provider_name: str = Field(min_length=1, max_length=200)
    lines: list[QuoteLine] = Field(min_length=1, max_length=20)
    file: UploadedFile | None = None


class QuoteEstimateLine(BaseModel):
    """One line of a devis as the engine estimated it on the member's own cover (the simulator's answer for
    the same act: this year's consumption, the renewal period), or why it could not be estimated."""

    act: str
    label: str
    charged: Decimal
    amo_paid: Decimal | None = None
    amc_paid: Decimal | None = None
    out_of_pocket: Decimal | None = None
    explanation: list[str] = Field(default_factory=list)
    estimated: bool = True
    reason: str | None = Field(default=None, description="Pourquoi cette ligne n'a pas d'estimation")


class QuoteEstimate(BaseModel):
    """The totals are over the estimated lines only; ``quote_total`` is what the whole devis amounts to."""

    lines: list[QuoteEstimateLine]
    charged: Decimal
    amo_paid: Decimal
    amc_paid: Decimal
    out_of_pocket: Decimal
    quote_total: Decimal | None = None


class RequestSummary(BaseModel):
    id: int
    reference: str
    kind: RequestKind
    status: RequestStatus
    title: str
    beneficiary_name: str | None
    created_at: datetime
    updated_at: datetime
    claim_id: int | None = None
    claim_status: ClaimStatus | None = None


class RequestDetail(RequestSummary):
    description: str | None
    details: dict[str, Any]
    estimate: QuoteEstimate | None = None
    answer: str | None = None
    answer_estimate: QuoteEstimate | None = None
    answered_at: datetime | None = None
    documents: list[AttachmentInfo] = Field(default_factory=list)


class RequestList(BaseModel):
    items: list[RequestSummary]
