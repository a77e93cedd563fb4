"""The conseiller console (issue 9): search, identity check, banner, dossier, actions for the member,
call log, queue, audit, staff administration; and the member's view of who consulted their dossier.

Plain Pydantic, shared by the server and both front ends. Words shown to people come from
``tui.flows.wording`` (the enums) and the server's French sentences (``account_state_words``…).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, Field

from models.schemas.auth import SessionListItem, TrustedDeviceOut
from models.schemas.common import (
    AccountState,
    ClaimStatus,
    ComplaintOutcome,
    ContractKind,
    ContractState,
    PaymentState,
    RequestKind,
    RequestStatus,
    Role,
    Sex,
    ThreadCategory,
    ThreadStatus,
)

# The enumerations live in models.schemas.common (no Pydantic: the client starts without it); re-exported.
from models.schemas.common import AlertKind as AlertKind
from models.schemas.common import CallerKind as CallerKind
from models.schemas.common import CallOutcome as CallOutcome
from models.schemas.common import QueueKind as QueueKind
from models.schemas.dashboard import BeneficiarySummary, ContractSummary
from models.schemas.requests import QuoteEstimate

# --- search --------------------------------------------------------------------------------------


class MemberHit(BaseModel):
    """One search result: enough to tell homonyms apart, nothing that answers the identity questions."""

    id: int
    member_number: str
    last_name: str
    first_name: str
    birth_year: int
    age: int
    city: str
    postal_code: str
    contracts: list[str] = Field(description="« Santé Socle (collectif, actif) »…")
    account_state: AccountState | None = None
    matched_on: str = Field(description="member_number, name, nir, email, phone")


class MemberSearch(BaseModel):
    query: str
    hits: list[MemberHit]
    truncated: bool = False


# --- identity check ------------------------------------------------------------------------------


class IdentityCheckCreate(BaseModel):
    """What the caller confirmed, as typed by the conseiller; the server compares, never echoes."""

    caller_kind: CallerKind = CallerKind.member
    caller_name: str | None = Field(default=None, max_length=200, description="Qui appelle, si ce n'est pas l'adhérent")
    last_name: str | None = Field(default=None, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    birth_date: date | None = None
    last_reimbursement_date: date | None = None
    last_reimbursement_amount: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    nir: str | None = Field(default=None, max_length=21)
    reason: str | None = Field(
        default=None,
        max_length=1000,
        description="Motif écrit pour ouvrir le dossier malgré une vérification non concluante (signalé)",
    )


class IdentityCheckOut(BaseModel):
    id: int
    member_id: int
    passed: bool
    checks: dict[str, bool] = Field(description="Pour chaque élément demandé : concordant ou non")
    access_granted: bool
    flagged: bool
    reason: str | None = None
    at: datetime
    access_until: datetime | None = None
    message: str


# --- banner and dossier --------------------------------------------------------------------------


class Alert(BaseModel):
    kind: AlertKind
    text: str


class RecentReimbursement(BaseModel):
    claim_id: int
    care_date: date
    label: str
    amc_paid: Decimal
    status: ClaimStatus
    payment_state: PaymentState | None = Field(default=None, description="Du dernier virement (returned : revenu)")


class Banner(BaseModel):
    member_id: int
    member_number: str
    last_name: str
    first_name: str
    birth_date: date
    sex: Sex | None = Field(default=None, description="Absent : inconnu (« né(e) »)")
    contract_kind: ContractKind | None = None
    contract_state: ContractState | None = None
    contract_name: str | None = None
    account_state: AccountState | None = None
    account_words: str = Field(description="« verrouillé jusqu'à 14 h 32 », « jamais activé », « pas de mobile »…")
    identity_checked: bool
    identity_words: str
    flagged: bool = False
    alerts: list[Alert]
    last_contact: str | None = None
    last_reimbursements: list[RecentReimbursement]


class LoginEvent(BaseModel):
    at: datetime
    action: str
    result: str | None = None
    ip: str | None = None


class CallLogOut(BaseModel):
    id: int
    at: datetime
    agent_name: str
    caller_kind: CallerKind
    motif: str
    outcome: CallOutcome
    note: str | None = None
    ticket: str | None = None


class MemberProfile(BaseModel):
    email: str | None
    mobile: str | None
    address: str
    beneficiaries: list[BeneficiarySummary]


class Dossier(BaseModel):
    banner: Banner
    profile: MemberProfile
    contracts: list[ContractSummary]
    logins: list[LoginEvent]
    lockouts: list[LoginEvent]
    trusted_devices: list[TrustedDeviceOut]
    sessions: list[SessionListItem]
    calls: list[CallLogOut]


# --- actions for the member ----------------------------------------------------------------------


class ActionReason(BaseModel):
    reason: str = Field(min_length=3, max_length=1000, description="Pourquoi (dit par l'adhérent, en clair)")
    ticket: str | None = Field(default=None, max_length=50, description="Référence de ticket, si elle existe")


class ContactChange(ActionReason):
    email: str | None = Field(default=None, max_length=254)
    mobile: str | None = Field(default=None, max_length=20)


class CardToProfessional(ActionReason):
    """The carte de tiers payant, as a PDF, to a professional's email (a pharmacy, a hospital)."""

    email: str = Field(min_length=3, max_length=254, description="E-mail du professionnel de santé")
    professional: str | None = Field(default=None, max_length=200, description="Qui : « Pharmacie du Centre »")


class MemberAlertRecord(ActionReason):
    """Record (or clear) an alert no other table holds: courrier revenu NPAI, tutelle or curatelle."""

    kind: Literal["npai", "guardianship"]
    note: str | None = Field(
        default=None, max_length=500, description="Tutelle : la mesure et le tuteur (« curatelle renforcée, UDAF 63 »)"
    )
    clear: bool = Field(default=False, description="Lever l'alerte (adresse corrigée, mesure levée)")


class AgentThreadCreate(ActionReason):
    subject: str = Field(min_length=1, max_length=200)
    category: ThreadCategory = ThreadCategory.other
    body: str = Field(min_length=1, max_length=5000)


class AgentSimulation(ActionReason):
    scenarios: list[dict[str, object]] = Field(min_length=1, max_length=10, description="Le formulaire adhérent")


class ActionDone(BaseModel):
    action: str
    message: str
    audit_id: int
    member_told: bool = Field(description="Un e-mail (ou un courrier) part vers l'adhérent")


class SimulationDone(ActionDone):
    result: object


# --- call log ------------------------------------------------------------------------------------


class CallLogCreate(BaseModel):
    caller_kind: CallerKind = CallerKind.member
    motif: str = Field(min_length=1, max_length=200)
    outcome: CallOutcome
    note: str | None = Field(default=None, max_length=2000)
    ticket: str | None = Field(default=None, max_length=50)


# --- queue ---------------------------------------------------------------------------------------


class QueueItem(BaseModel):
    kind: QueueKind
    id: int
    member_id: int
    member_number: str
    member_name: str
    title: str
    category: ThreadCategory | None = None
    request_kind: RequestKind | None = None
    thread_status: ThreadStatus | None = None
    request_status: RequestStatus | None = None
    received_at: datetime
    due_at: datetime | None = None
    overdue: bool = False
    preferred_slots: str | None = None
    assigned_to: str | None = None
    assigned_to_me: bool = False


class Queue(BaseModel):
    items: list[QueueItem]


class InternalNoteCreate(BaseModel):
    body: str = Field(min_length=1, max_length=5000)


class InternalNoteOut(BaseModel):
    id: int
    at: datetime
    agent_name: str
    body: str


class QueueThread(BaseModel):
    """A thread as the conseiller sees it: the member's view plus the internal notes."""

    item: QueueItem
    messages: list[dict[str, object]]
    notes: list[InternalNoteOut]
    mediator: str | None = None


class AgentAnswer(BaseModel):
    body: str = Field(min_length=1, max_length=5000)
    outcome: ComplaintOutcome | None = Field(default=None, description="Obligatoire pour une réclamation")


class RequestDecision(BaseModel):
    accept: bool
    answer: str = Field(min_length=3, max_length=5000, description="Réponse à l'adhérent (motif d'un refus)")


class QueueRequest(BaseModel):
    item: QueueItem
    description: str | None
    details: dict[str, object]
    answer: str | None
    notes: list[InternalNoteOut]
    estimate: QuoteEstimate | None = Field(
        default=None, description="Devis : l'estimation donnée à l'adhérent, à confirmer ou corriger"
    )


# --- audit, staff --------------------------------------------------------------------------------


class AuditRow(BaseModel):
    id: int
    at: datetime
    actor_account_id: int | None
    actor_name: str | None
    action: str
    member_id: int | None
    member_number: str | None
    detail: dict[str, object]


class AuditPage(BaseModel):
    items: list[AuditRow]
    truncated: bool = False


class FlaggedCheck(BaseModel):
    id: int
    at: datetime
    agent_name: str
    member_id: int
    member_number: str
    member_name: str
    reason: str | None
    checks: dict[str, bool]


class DossierAccess(BaseModel):
    """What the member sees: who (a conseiller's name) consulted the dossier or acted, and when."""

    at: datetime
    who: str
    what: str


class DossierAccessList(BaseModel):
    items: list[DossierAccess]


class StaffCreate(BaseModel):
    email: str = Field(min_length=3, max_length=254)
    display_name: str = Field(min_length=1, max_length=200)
    role: Role = Role.agent


class StaffOut(BaseModel):
    id: int
    email: str | None
    display_name: str
    role: Role
    state: AccountState
    totp_enrolled: bool
    created_at: datetime
