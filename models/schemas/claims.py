"""Mes remboursements: the list with its filters and totals, the détail of a claim, the statements."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from pydantic import BaseModel, Field

from models.domain import vocabulary

# The enumerations live in models.schemas.common (no Pydantic: the client starts without it); re-exported.
from models.schemas.common import ClaimSortKey as ClaimSortKey
from models.schemas.common import ClaimSource, ClaimStatus, Payee, PaymentKind, PaymentState
from models.schemas.common import SortOrder as SortOrder
from models.schemas.dashboard import ClaimSummary
from models.schemas.ids import Id
from models.schemas.query import MAX_QUERY_ITEMS, Page, QueryDate

DEFAULT_MONTHS = 24
"""Without a period, the list covers the last 24 months (care date)."""
STATEMENT_YEARS = 7
"""The relevé annuel des prestations is offered for the last 7 calendar years."""
MAX_PAGE_SIZE = 200

# Postes de soins: the stable codes of `Claim.care_category`; their French names are the vocabulary's.
CARE_CATEGORY_LABELS = vocabulary.CARE_CATEGORY_LABELS
care_category_label = vocabulary.care_category_label


class ClaimFilters(BaseModel):
    """The filters of the list, as the server applied them (the default period filled in).

    ``amount_min``/``amount_max`` bound the claim's montant dépensé (total of its lines). ``text`` is
    looked for in the French labels and codes of the claim's acts, ignoring case and accents."""

    date_from: QueryDate | None = None
    date_to: QueryDate | None = None
    beneficiary_id: Id | None = None
    care_category: str | None = Field(default=None, max_length=50)
    status: list[ClaimStatus] = Field(default_factory=list, max_length=MAX_QUERY_ITEMS)
    regularisation: bool | None = None
    amount_min: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    amount_max: Decimal | None = Field(default=None, ge=0, max_digits=12, decimal_places=2)
    payee: Payee | None = None
    text: str | None = Field(default=None, max_length=100)


class ClaimQuery(ClaimFilters):
    """The list's query string: the filters, the sort and the page."""

    sort: ClaimSortKey = ClaimSortKey.care_date
    order: SortOrder = SortOrder.desc
    page: Page = 1
    page_size: int = Field(default=50, ge=1, le=MAX_PAGE_SIZE)

    def filters(self) -> ClaimFilters:
        return ClaimFilters.model_validate(self.model_dump(include=set(ClaimFilters.model_fields)))

    def params(self) -> list[tuple[str, str]]:
        """As query parameters (what the client sends): only what differs from the defaults."""
        out: list[tuple[str, str]] = []
        for name, value in self.model_dump(mode="json", exclude_defaults=True).items():
            for item in value if isinstance(value, list) else [value]:
                out.append((name, str(item).lower() if isinstance(item, bool) else str(item)))
        return out


class ClaimTotals(BaseModel):
    count: int
    charged: Decimal  # dépensé
    amo_paid: Decimal  # Sécurité sociale
    amc_paid: Decimal  # mutuelle
    out_of_pocket: Decimal  # reste à charge


class ClaimListItem(ClaimSummary):
    beneficiary_id: int
    care_category: str
    regularisation: bool = False  # a trop-perçu or a negative payment is attached


class ClaimList(BaseModel):
    items: list[ClaimListItem]
    totals: ClaimTotals
    page: int
    page_size: int
    pages: int
    sort: ClaimSortKey
    order: SortOrder
    filters: ClaimFilters
    # issue 21: the confidentiality of a beneficiary's care, in words (« Les soins de Samuel ne sont plus
    # visibles ici, à sa demande. » for the assuré principal; the beneficiary's own sentence for them)
    notices: list[str] = []


class BeneficiaryChoice(BaseModel):
    id: int
    name: str


class CategoryChoice(BaseModel):
    code: str
    label: str


class ClaimOptions(BaseModel):
    """What the filter bar and the statements can offer this household."""

    beneficiaries: list[BeneficiaryChoice]
    care_categories: list[CategoryChoice]
    statement_years: list[int]  # newest first
    default_date_from: date


class Deduction(BaseModel):
    kind: str  # participation_forfaitaire, franchise…
    label: str  # "Participation forfaitaire", "Franchise médicale"
    amount: Decimal


class ContractShare(BaseModel):
    contract_id: int
    contract_name: str
    amount: Decimal


class ClaimLineDetail(BaseModel):
    position: int
    care_date: date
    beneficiary_name: str
    act: str
    label: str
    quantity: int
    charged: Decimal
    br: Decimal  # base de remboursement
    amo_rate: Decimal  # taux de la Sécurité sociale, 0.70 for 70 %
    amo_gross: Decimal
    deductions: list[Deduction]
    amo_paid: Decimal
    amc: list[ContractShare]  # part mutuelle, per contract in paying order
    amc_paid: Decimal
    out_of_pocket: Decimal
    explanation: list[str]  # the engine's explanation, kept with the line when it was computed
    tariff_version: str


class PaymentDetail(BaseModel):
    id: int
    payee: Payee
    payee_label: str
    amount: Decimal
    kind: PaymentKind
    state: PaymentState
    payment_date: date
    account_suffix: str | None = None
    return_reason: str | None = None


class DocumentSummary(BaseModel):
    id: int
    kind: str
    filename: str
    content_type: str
    size: int
    created_at: datetime


class ClaimDetail(BaseModel):
    id: int
    reference: str
    care_date: date
    received_date: date
    beneficiary_id: int
    beneficiary_name: str
    label: str
    care_category: str
    status: ClaimStatus
    source: ClaimSource
    provider_name: str | None = None
    rejection_reason: str | None = None
    next_step: str | None = None
    lines: list[ClaimLineDetail]
    totals: ClaimTotals
    payments: list[PaymentDetail]
    documents: list[DocumentSummary]
    regularisation: bool = False
