"""Tableau de bord: what a member sees first."""

from datetime import date
from decimal import Decimal

from pydantic import BaseModel, Field

from models.schemas.common import (
    ClaimStatus,
    ContractKind,
    ContractLevel,
    ContractServiceKind,
    ContractState,
    Payee,
    PaymentState,
    Relationship,
)

# The enumerations live in models.schemas.common (no Pydantic: the client starts without it); re-exported.
from models.schemas.common import DashboardAlertKind as DashboardAlertKind


class BeneficiarySummary(BaseModel):
    id: int
    first_name: str
    last_name: str
    relationship: Relationship
    birth_date: date


class ContractServiceOut(BaseModel):
    """A service the contract includes beyond reimbursements, and how to reach it (issue 21, item 4)."""

    kind: ContractServiceKind
    label: str = Field(description="« Assistance », « Téléconsultation », « Deuxième avis médical »…")
    name: str = Field(description="Le nom du service ou de son prestataire")
    description: str
    phone: str | None = None
    hours: str | None = Field(default=None, description="Quand appeler, en toutes lettres")
    web: str | None = None
    conditions: str = Field(description="Qui peut en profiter et à quelles conditions")
    available: bool = Field(description="Faux quand le contrat est résilié ou ses garanties suspendues")
    unavailable_reason: str | None = Field(default=None, description="Pourquoi, et que faire, quand il ne l'est pas")


class ContractSummary(BaseModel):
    id: int
    code: str  # e.g. C40SOCLE
    name: str  # e.g. "Santé Socle"
    kind: ContractKind
    level: ContractLevel
    state: ContractState
    start_date: date
    end_date: date | None = None
    employer: str | None = None  # collective contracts: through whom
    beneficiaries: list[BeneficiarySummary]
    services: list[ContractServiceOut] = []  # assistance, téléconsultation… and how to reach each


class ClaimSummary(BaseModel):
    id: int
    reference: str
    care_date: date
    beneficiary_name: str
    label: str  # "Consultation chez le médecin généraliste", "Frais de santé"…
    charged: Decimal
    amo_paid: Decimal
    amc_paid: Decimal
    out_of_pocket: Decimal
    status: ClaimStatus
    payee: Payee | None = None
    payee_label: str | None = None  # "votre pharmacien", when paid to a professional
    payment_state: PaymentState | None = None
    payment_date: date | None = None
    account_suffix: str | None = None  # last 4 characters of the IBAN paid into
    rejection_reason: str | None = None


class DashboardAlert(BaseModel):
    """A banner of the dashboard, about a contract: what happened and what to do, in French."""

    kind: DashboardAlertKind
    message: str
    contract_id: int | None = None
    amount_due: Decimal | None = None  # unpaid instalments already due, for the two contribution alerts


class Dashboard(BaseModel):
    member_number: str
    first_name: str
    last_name: str
    contracts: list[ContractSummary]
    latest_claims: list[ClaimSummary]  # the 3 latest, newest first
    unread_messages: int
    areas: list[str]  # the areas of the portal that exist on this server, e.g. ["dashboard"]
    alerts: list[DashboardAlert] = []  # contract banners, most urgent first (seen only once logged in)
    amount_due: Decimal | None = None  # total of the unpaid instalments already due, if any
    notices: list[str] = []  # issue 21: care hidden at a beneficiary's request, in words (both sides)
