"""« Mon profil » (issue 8): coordonnées, préférences, RIB, ayants droit, télétransmission, cotisations,
carte de tiers payant, contract life, Mes données."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.schemas.common import (
    AccountState,
    ContractKind,
    ContractState,
    DocumentType,
    NoemieLinkState,
    Relationship,
    Sex,
)

# The enumerations live in models.schemas.common (no Pydantic: the client starts without it); re-exported.
from models.schemas.common import BankAccountPurpose as BankAccountPurpose
from models.schemas.common import ContactChannel as ContactChannel
from models.schemas.common import ContributionsKind as ContributionsKind
from models.schemas.common import NotificationChannel as NotificationChannel
from models.schemas.common import StatementChannel as StatementChannel
from models.schemas.common import StepUpMethod as StepUpMethod
from models.schemas.common import UnionKind as UnionKind
from models.schemas.ids import Id
from models.schemas.messaging import UploadedFile

# ErrorDetail.message of a step-up check with no code left to check (expired, used, or too many wrong codes):
# the client then stops asking for the code instead of asking again as after a wrong one.
NO_STEP_UP_CODE_PENDING = "aucun code en attente"

# --- coordonnées -------------------------------------------------------------------------------------


class Address(BaseModel):
    line1: str = Field(min_length=1, max_length=200)
    line2: str | None = Field(default=None, max_length=200)
    postal_code: str = Field(min_length=1, max_length=10)
    city: str = Field(min_length=1, max_length=100)


class AddressChange(BaseModel):
    address: Address
    proof: UploadedFile | None = Field(default=None, description="Justificatif de domicile (PDF, JPEG ou PNG)")


class PendingContact(BaseModel):
    channel: ContactChannel
    destination: str = Field(description="La nouvelle adresse ou le nouveau numéro, où le code a été envoyé")
    expires_at: datetime


class Preferences(BaseModel):
    statements: StatementChannel = StatementChannel.email
    channels: list[NotificationChannel] = Field(default_factory=lambda: [NotificationChannel.portal])


class Profile(BaseModel):
    member_number: str
    first_name: str
    last_name: str
    birth_date: date
    sex: Sex | None = Field(default=None, description="Absent : inconnu (« né(e) »)")
    address: Address | None
    email: str | None
    mobile: str | None = Field(description="Format national : 06 12 34 56 78")
    pending: list[PendingContact] = Field(default_factory=list)
    preferences: Preferences
    collective: bool = Field(description="Au moins un contrat collectif (entreprise) en cours")
    employer: str | None = None


class ChangeResult(BaseModel):
    message: str
    request_reference: str | None = None
    profile: Profile


class EmailChange(BaseModel):
    email: str = Field(min_length=1, max_length=254)


class MobileChange(BaseModel):
    mobile: str = Field(min_length=1, max_length=30)


class ContactConfirm(BaseModel):
    code: str = Field(min_length=1, max_length=12)


class PendingStarted(BaseModel):
    message: str
    pending: PendingContact


# --- second facteur récent ---------------------------------------------------------------------------


class StepUpChallenge(BaseModel):
    method: StepUpMethod
    destination: str | None = Field(default=None, description="Où le code a été envoyé (masqué)")
    expires_at: datetime | None = None
    window_minutes: int = Field(
        description="Une fois le code saisi, minutes pendant lesquelles un RIB, l'e-mail ou le mobile peut changer"
    )
    message: str


class StepUpVerify(BaseModel):
    code: str = Field(min_length=1, max_length=12)


class StepUpStatus(BaseModel):
    valid_until: datetime | None
    message: str


# --- RIB ---------------------------------------------------------------------------------------------


class BankAccountIn(BaseModel):
    iban: str = Field(min_length=1, max_length=50)
    bic: str = Field(min_length=1, max_length=20)
    holder: str = Field(min_length=1, max_length=140, description="Titulaire du compte")
    beneficiary_id: Id | None = Field(
        default=None, description="RIB de remboursement pour un seul bénéficiaire ; absent : tout le contrat"
    )


class BankAccountOut(BaseModel):
    id: int
    purpose: BankAccountPurpose
    iban_masked: str
    bic: str
    holder: str
    beneficiary_id: int | None
    beneficiary_name: str | None = Field(description="Absent : le RIB vaut pour tout le contrat")
    since: date
    mandate_rum: str | None = None
    mandate_signed_on: date | None = None


class BankAccounts(BaseModel):
    reimbursement: list[BankAccountOut]
    direct_debit: BankAccountOut | None
    direct_debit_allowed: bool = Field(description="Contrat individuel : cotisations prélevées")
    step_up_valid_until: datetime | None = Field(description="Jusqu'à quand un changement de RIB est permis")
    step_up_window_minutes: int = Field(
        description="Un changement de RIB demande un second facteur donné dans ce nombre de minutes"
    )
    message: str | None = None


# --- ayants droit, télétransmission ------------------------------------------------------------------


class FamilyMember(BaseModel):
    id: int
    relationship: Relationship
    first_name: str
    last_name: str
    birth_date: date
    sex: Sex
    nir_masked: str | None
    noemie: NoemieLinkState
    ald: bool
    # issue 21: their own access (« accès secondaire »): its state (None: none yet), whether the assuré
    # principal may create it and, if not, why; whether they asked to hide their care from the principal
    access: AccountState | None = None
    access_allowed: bool = False
    access_refusal: str | None = None
    care_hidden: bool = False


class PendingFamilyRequest(BaseModel):
    id: int
    reference: str
    kind: str
    title: str
    status: str
    created_at: datetime


class Family(BaseModel):
    members: list[FamilyMember]
    collective: bool
    requests_allowed: bool
    employer_message: str | None
    requests: list[PendingFamilyRequest]
    notices: list[str] = []  # issue 21: « Les soins de Samuel ne sont plus visibles ici, à sa demande. »


class Justificatif(BaseModel):
    type: DocumentType
    file: UploadedFile


class FamilyAdd(BaseModel):
    relationship: Relationship = Field(description="spouse (conjoint) ou child (enfant)")
    first_name: str = Field(min_length=1, max_length=100)
    last_name: str = Field(min_length=1, max_length=100)
    birth_date: date
    sex: Sex
    nir: str | None = Field(default=None, max_length=30, description="NIR de l'ayant droit ou de son parent")
    union: UnionKind | None = Field(default=None, description="Conjoint : mariage, PACS ou concubinage")
    justificatifs: list[Justificatif] = Field(default_factory=list, max_length=5)


class FamilyRemove(BaseModel):
    beneficiary_id: Id
    reason: str = Field(min_length=1, max_length=500)
    justificatifs: list[Justificatif] = Field(default_factory=list, max_length=5)


class NoemieActivation(BaseModel):
    beneficiary_id: Id
    attestation: UploadedFile = Field(description="Attestation de droits de l'Assurance Maladie")


class RequestCreated(BaseModel):
    id: int
    reference: str
    title: str
    message: str


# --- cotisations ---------------------------------------------------------------------------------------


class Instalment(BaseModel):
    due_date: date
    amount: Decimal
    paid: bool
    overdue: bool


class Contributions(BaseModel):
    kind: ContributionsKind
    year: int
    contract_name: str | None
    message: str
    due_this_year: Decimal
    paid: Decimal
    unpaid: Decimal
    instalments: list[Instalment]


# --- carte, documents ----------------------------------------------------------------------------------


class CardBeneficiary(BaseModel):
    name: str
    relationship: Relationship
    nir: str | None
    birth_date: date
    domains: list[str]


class Card(BaseModel):
    available: bool
    message: str | None
    amc_number: str
    operator: str
    contract_name: str | None
    member_number: str
    valid_from: date | None
    valid_to: date | None
    domains_legend: dict[str, str]
    beneficiaries: list[CardBeneficiary]


class ContractDocument(BaseModel):
    title: str
    description: str
    path: str = Field(description="Chemin de l'API qui rend le PDF")


class ContractDocuments(BaseModel):
    items: list[ContractDocument]


# --- vie du contrat ------------------------------------------------------------------------------------


class ContractLifeItem(BaseModel):
    id: int
    name: str
    kind: ContractKind
    state: ContractState
    start_date: date
    end_date: date | None
    employer: str | None
    portability_end: date | None
    retirement: list[str] = Field(default_factory=list, description="Futur(e) retraité(e) : ce qui change")
    termination_allowed: bool
    termination_message: str


class ContractLife(BaseModel):
    contracts: list[ContractLifeItem]


class TerminationCreate(BaseModel):
    contract_id: Id
    reason: str = Field(min_length=1, max_length=500)


class RetirementQuestion(BaseModel):
    contract_id: Id
    retirement_date: date | None = None
    question: str = Field(min_length=1, max_length=2000)


class ThreadOpened(BaseModel):
    thread_id: int
    message: str


# --- issue 21: family access ---------------------------------------------------------------------------


class FamilyAccessDone(BaseModel):
    """What the assuré principal's action on a beneficiary's own access did, in words."""

    beneficiary_id: int
    access: AccountState | None
    message: str


class MyAccess(BaseModel):
    """A beneficiary's own access, as they see it: whose contract, and their confidentiality choice."""

    beneficiary_id: int
    first_name: str
    last_name: str
    principal_name: str
    care_private: bool
    care_private_since: datetime | None = None
    message: str  # the state of the choice, in words, and what it means


class CarePrivacy(BaseModel):
    private: bool = Field(description="true : mes soins ne sont plus visibles par l'assuré principal")
