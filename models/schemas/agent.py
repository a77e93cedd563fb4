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
    CallCodeChannel,
    ClaimStatus,
    ComplaintOutcome,
    ContactChannel,
    ContractKind,
    ContractState,
    IdentityQuestion,
    PaymentState,
    Relationship,
    RequestKind,
    RequestStatus,
    Role,
    Sex,
    ThirdPartyDocument,
    ThreadCategory,
    ThreadStatus,
    VerificationLevel,
)

# The enumerations live in models.schemas.common (no Pydantic: the client starts without it); re-exported.
from models.schemas.common import AlertKind as AlertKind
from models.schemas.common import CallerKind as CallerKind
from models.schemas.common import CallOutcome as CallOutcome
from models.schemas.common import QueueKind as QueueKind
from models.schemas.dashboard import BeneficiarySummary, ContractSummary
from models.schemas.ids import Id
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
    department: str = Field(description="Le département (« 63 »), pas la ville : le code postal est une question")
    contracts: list[str] = Field(description="« Santé Socle (collectif, actif) »…")
    account_state: AccountState | None = None
    matched_on: str = Field(description="member_number, name, nir, email, phone")


class MemberSearch(BaseModel):
    query: str
    hits: list[MemberHit]
    truncated: bool = False


# --- the call and its verification level ---------------------------------------------------------


class CallStart(BaseModel):
    """« Qui appelle ? »: the member the call is about, and who is on the line."""

    member_id: Id
    caller_kind: CallerKind = CallerKind.member
    caller_name: str | None = Field(default=None, max_length=200, description="Qui appelle, si ce n'est pas l'adhérent")


class CallQuestion(BaseModel):
    key: IdentityQuestion
    label: str = Field(description="La question, telle que le conseiller la pose")
    hint: str = Field(description="Ce que l'on peut taper : « JJ/MM/AAAA », « 28,50 »…")


class CodeRoute(BaseModel):
    """Where the strong level's code can go, without the address itself before the check."""

    channel: CallCodeChannel
    words: str = Field(description="« par e-mail (s****e@exemple.fr) », « par courrier à l'adresse postale »")
    usable: bool
    why_not: str | None = Field(default=None, description="Pourquoi ce canal n'est pas possible")


class CodePending(BaseModel):
    channel: CallCodeChannel
    words: str
    expires_at: datetime
    resends_left: int


class CallOut(BaseModel):
    """The call as the conseiller's screen needs it: before any check, only what tells homonyms apart."""

    id: int
    summary: MemberHit
    caller_kind: CallerKind
    caller_name: str | None = None
    started_at: datetime
    expires_at: datetime
    ended_at: datetime | None = None
    level: VerificationLevel
    level_words: str = Field(description="« identité vérifiée à 10 h 05 », « lecture seule (motif écrit) »…")
    flagged: bool = False
    reason: str | None = None
    questions: list[CallQuestion]
    phone_channel_open: bool = True
    phone_channel_words: str | None = None
    code_routes: list[CodeRoute] = Field(default_factory=list)
    code_pending: CodePending | None = None
    allowed: list[str] = Field(description="Les opérations que ce niveau permet (le tableau des niveaux)")


class IdentityAnswers(BaseModel):
    """The caller's answers as typed by the conseiller (« 28,50 », « 28.5 », « 28 € » alike); never stored."""

    answers: dict[IdentityQuestion, str] = Field(
        description="Une réponse par question posée ; vide avec un motif : lecture seule sur la vérification "
        "manquée de cet appel (sans la compter deux fois)"
    )
    reason: str | None = Field(
        default=None,
        max_length=1000,
        description="Motif écrit pour ouvrir le dossier en lecture seule malgré une vérification manquée (signalé)",
    )


class IdentityCheckOut(BaseModel):
    id: int
    passed: bool
    checks: dict[str, bool] = Field(description="Pour chaque question posée : concordant ou non")
    message: str
    call: CallOut


class CallCodeRequest(BaseModel):
    channel: CallCodeChannel


class CallCodeCheck(BaseModel):
    code: str = Field(min_length=1, max_length=20)


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
    level: VerificationLevel
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
    call_id: int | None = None
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


class HouseholdAccount(BaseModel):
    """One person of the household and their access to the Espace Adhérent (issue 21)."""

    beneficiary_id: int
    name: str
    relationship: Relationship
    access: AccountState | None  # None: no account
    care_private: bool = False  # their care is hidden from the assuré principal, at their request


class Dossier(BaseModel):
    banner: Banner
    profile: MemberProfile
    contracts: list[ContractSummary]
    logins: list[LoginEvent]
    lockouts: list[LoginEvent]
    trusted_devices: list[TrustedDeviceOut]
    sessions: list[SessionListItem]
    calls: list[CallLogOut]
    household_accounts: list[HouseholdAccount] = []  # issue 21: who in the household has an account


# --- actions for the member ----------------------------------------------------------------------


class ActionReason(BaseModel):
    reason: str = Field(min_length=3, max_length=1000, description="Pourquoi (dit par l'adhérent, en clair)")
    ticket: str | None = Field(default=None, max_length=50, description="Référence de ticket, si elle existe")


class ContactChange(ActionReason):
    """One new contact at a time: a code goes to it, read back by the caller (``ContactCodeCheck``)."""

    email: str | None = Field(default=None, max_length=254)
    mobile: str | None = Field(default=None, max_length=20)


class ContactCodeCheck(BaseModel):
    channel: ContactChannel
    code: str = Field(min_length=1, max_length=20)


class DocumentToThirdParty(ActionReason):
    """The carte de tiers payant or the attestation, as a PDF: to a professional of the tiers payant network,
    named by its FINESS number (the address is the one the mutuelle has on file for it), or to the member's own
    e-mail on file. Never to an address typed during the call."""

    document: ThirdPartyDocument
    finess: str | None = Field(
        default=None, max_length=20, description="N° FINESS du professionnel ; absent : l'adhérent"
    )
    beneficiary_id: Id | None = Field(default=None, description="Carte : la personne soignée (sinon tout le foyer)")


class PartnerOut(BaseModel):
    finess: str
    name: str
    kind: str
    city: str
    email: str


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
    action_words: str = Field(description="L'action en mots (« lecture du dossier »), jamais un code")
    member_id: int | None
    member_number: str | None
    detail: dict[str, object]
    detail_words: str = Field(default="", description="Le détail en mots : motif, adresse utilisée, section lue…")


class AuditPage(BaseModel):
    items: list[AuditRow]
    truncated: bool = False


class FlaggedCheck(BaseModel):
    """A dossier opened read-only on a written reason, or a member whose phone channel is closed."""

    id: int
    at: datetime
    agent_name: str
    member_id: int
    member_number: str
    member_name: str
    reason: str | None
    words: str = Field(description="Ce qui s'est passé, en mots : « date de naissance non concordante »…")
    phone_channel_closed: bool = False


class CallEnd(BaseModel):
    """Ending a call, with its log (motif, outcome, note) or without (a wrong number, the next caller)."""

    log: CallLogCreate | None = None


class CallEnded(BaseModel):
    call: CallOut
    log: CallLogOut | None = None
    message: str


class PhoneChannelReopen(BaseModel):
    reason: str = Field(min_length=3, max_length=1000)


class DossierAccess(BaseModel):
    """What the member sees: who (a conseiller's name) consulted the dossier or acted, when, why, and the exact
    address anything was sent to."""

    at: datetime
    who: str
    what: str
    why: str | None = None
    sent_to: str | None = None


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
