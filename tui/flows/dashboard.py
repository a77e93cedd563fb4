"""The tableau de bord as a view-model: everything the member reads, already in words, for both faces.

The full-screen client lays it out; the linear mode prints it line by line. No rule lives in a screen.
"""

from __future__ import annotations

from dataclasses import dataclass

from models.domain.dates import format_date, format_date_long
from models.schemas.common import ContractState
from models.schemas.dashboard import ClaimSummary, ContractSummary, Dashboard
from tui.flows import contract_services, wording
from tui.flows.actions import DEFAULT_REGISTRY, Action, Registry, keys_label

HEADING = "Tableau de bord"
CLAIMS_HEADING = "Mes derniers remboursements"
CONTRACTS_HEADING = "Mon contrat"
NO_CLAIMS = "Aucun remboursement pour le moment."
NO_CONTRACT = "Aucun contrat en cours."
SERVICES_HEADING = "Mes services : assistance, téléconsultation…"
LOADING = "Chargement du tableau de bord…"


@dataclass(frozen=True)
class LabelledField:
    label: str
    value: str

    def __str__(self) -> str:
        return f"{self.label} : {self.value}"


@dataclass(frozen=True)
class Record:
    """One labelled record (a reimbursement): read as "Date : … ; Acte : … ; Remboursé : …"."""

    fields: tuple[LabelledField, ...]

    def line(self, separator: str = " ; ") -> str:
        return separator.join(str(f) for f in self.fields)

    def value(self, label: str) -> str:
        for f in self.fields:
            if f.label == label:
                return f.value
        raise KeyError(label)


@dataclass(frozen=True)
class ContractView:
    title: str
    sentence: str
    """Kind and state in words."""
    people: str
    warning: str | None = None
    """A banner-worthy sentence (garanties suspendues), shown first."""


@dataclass(frozen=True)
class AreaKey:
    action_id: str
    keys: str
    description: str

    def __str__(self) -> str:
        return f"{self.keys} : {self.description}"


@dataclass(frozen=True)
class DashboardView:
    heading: str
    greeting: str
    member_line: str
    contracts: tuple[ContractView, ...]
    claims_heading: str
    claims: tuple[Record, ...]
    unread: str
    areas: tuple[AreaKey, ...]
    """The keys to the portal's areas that exist on this server (and in this client)."""
    services: tuple[str, ...] = ()
    """The contracts' services (assistance, téléconsultation…), each once, with how to reach it."""
    alerts: tuple[str, ...] = ()
    """The server's contract banners (garanties suspendues with the amount due and how to pay, échéance
    impayée, contrat résilié, portabilité ending), already in French."""
    notices: tuple[str, ...] = ()
    """Issue 21: care hidden at a beneficiary's request, in words, on both sides."""

    @property
    def warnings(self) -> tuple[str, ...]:
        """The banners both faces show first: the contract's, then the confidentiality sentences."""
        if self.alerts:  # the server's banners already tell the suspension, with the amount due
            return self.alerts + self.notices
        return tuple(c.warning for c in self.contracts if c.warning) + self.notices


def claim_record(claim: ClaimSummary, *, long_dates: bool = False) -> Record:
    dates = format_date_long if long_dates else format_date
    return Record(
        (
            LabelledField("Date", dates(claim.care_date)),
            LabelledField("Pour", claim.beneficiary_name),
            LabelledField("Acte", claim.label),
            LabelledField("Remboursé", wording.reimbursed_words(claim)),
            LabelledField("Statut", wording.claim_status_sentence(claim)),
            LabelledField("Paiement", wording.payment_sentence(claim, dates)),
        )
    )


def contract_view(
    contract: ContractSummary, *, long_dates: bool = False, voice: wording.Voice = wording.MEMBER
) -> ContractView:
    dates = format_date_long if long_dates else format_date
    warning = None
    if contract.state is ContractState.suspended:
        warning = f"Attention : {contract.name} – " + wording.contract_state_sentence(contract, dates, voice) + "."
    return ContractView(
        title=contract.name,
        sentence=wording.contract_sentence(contract, dates, voice),
        people=wording.beneficiaries_sentence(contract, voice),
        warning=warning,
    )


def area_keys(areas: list[str], registry: Registry = DEFAULT_REGISTRY) -> tuple[AreaKey, ...]:
    """The registry's area actions the server lists; an area it does not list is not shown."""
    listed: list[Action] = [a for a in registry.available(logged_in=True, areas=areas) if a.area]
    return tuple(AreaKey(a.id, keys_label(a.keys), a.description) for a in listed)


def build_view(
    dashboard: Dashboard, *, long_dates: bool = False, registry: Registry = DEFAULT_REGISTRY
) -> DashboardView:
    claims = tuple(claim_record(c, long_dates=long_dates) for c in dashboard.latest_claims[:3])
    count = len(claims)
    return DashboardView(
        heading=HEADING,
        greeting=f"Bienvenue dans votre espace, {dashboard.first_name}",
        member_line=f"N° adhérent : {dashboard.member_number}",
        contracts=tuple(contract_view(c, long_dates=long_dates) for c in dashboard.contracts),
        claims_heading=f"{CLAIMS_HEADING} ({count})" if count else CLAIMS_HEADING,
        claims=claims,
        unread=wording.unread_sentence(dashboard.unread_messages),
        areas=area_keys(dashboard.areas, registry),
        services=tuple(
            contract_services.short_line(s)
            for s in contract_services.distinct(s for c in dashboard.contracts for s in c.services)
        ),
        alerts=tuple(f"Attention : {a.message}" for a in dashboard.alerts),
        notices=tuple(dashboard.notices),
    )
