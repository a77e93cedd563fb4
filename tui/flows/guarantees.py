"""Mes garanties as a view-model: every sentence already in words, for both faces (full screen and
linear). Ceilings are drawn as a bar by the full-screen client AND written as text
("Dentaire : 120,00 € utilisés sur 350,00 € cette année"): never a bar alone."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

from models.domain.dates import format_date, format_date_long
from models.domain.money import format_eur
from models.domain.notation import table_words
from models.schemas.common import ContractLevel, ContractState, Relationship
from models.schemas.guarantees import CeilingUse, ContractGuarantees, EquipmentRenewal, MyGuarantees
from tui.api import errors
from tui.api.client import ApiClient
from tui.flows import contract_services
from tui.flows.claims import download_dir, save_download
from tui.flows.wording import inline_words

HEADING = "Mes garanties"
LOADING = "Chargement de vos garanties…"
NO_CONTRACT = "Aucun contrat."
BAR_WIDTH = 20
_STATES = {state: inline_words(state, "guarantees") for state in ContractState}  # words: tui.flows.wording


def bar(used: Decimal, limit: Decimal, width: int = BAR_WIDTH) -> str:
    """ "[██████░░░░░░░░░░░░░░]": the share used, in blocks (doubled by the sentence, never alone)."""
    ratio = Decimal(0) if limit <= 0 else min(Decimal(1), max(Decimal(0), used / limit))
    filled = int((ratio * width).to_integral_value())
    return "[" + "█" * filled + "░" * (width - filled) + "]"


def ceiling_sentence(ceiling: CeilingUse, dates: Callable[[date], str] = format_date) -> str:
    used, limit = format_eur(ceiling.used), format_eur(ceiling.limit)
    head = f"{ceiling.category_label} : {used} utilisés sur {limit}"
    if ceiling.period == "year":
        when = "cette année"
    elif ceiling.period_start is None:
        when = "(aucun équipement en cours)"
    else:
        when = f"pour l'équipement du {dates(ceiling.period_start)}"
    if ceiling.period == "ear":
        when += ", pour les deux oreilles"
    return f"{head} {when} ({ceiling.line_label}, {ceiling.contract_name})"


def equipment_sentence(
    first_name: str, item: EquipmentRenewal, today: date, dates: Callable[[date], str] = format_date
) -> str:
    what = "lunettes" if item.kind == "optics" else "aides auditives"
    if item.next_date > today:
        return (
            f"{first_name} : prochain équipement remboursable à partir du {dates(item.next_date)} "
            f"({what} du {dates(item.last_date)})"
        )
    return f"{first_name} : nouvel équipement remboursable dès maintenant ({what} du {dates(item.last_date)})"


@dataclass(frozen=True)
class LineView:
    label: str
    description: str
    notation: str
    example: str | None

    def lines(self) -> list[str]:
        rows = [f"{self.label} : {self.description} (au tableau : {self.notation})"]
        if self.example:
            rows.append(self.example)
        return rows


@dataclass(frozen=True)
class CategoryView:
    label: str
    lines: tuple[LineView, ...]


@dataclass(frozen=True)
class ContractView:
    title: str
    sentence: str
    categories: tuple[CategoryView, ...]
    services: tuple[tuple[str, ...], ...] = ()
    """Each service the contract includes, as its lines (``tui.flows.contract_services.service_lines``)."""


@dataclass(frozen=True)
class CeilingView:
    sentence: str
    bar: str


@dataclass(frozen=True)
class PersonView:
    name: str
    ceilings: tuple[CeilingView, ...]
    equipment: tuple[str, ...]


@dataclass(frozen=True)
class GuaranteesView:
    heading: str
    contracts: tuple[ContractView, ...]
    people: tuple[PersonView, ...]


def _contract(contract: ContractGuarantees, dates: Callable[[date], str]) -> ContractView:
    level = "surcomplémentaire" if contract.level is ContractLevel.supplementary else "contrat de base"
    sentence = f"{contract.name} : {level}, {_STATES[contract.state]}, depuis le {dates(contract.start_date)}"
    categories = tuple(
        CategoryView(
            category.label,
            tuple(
                LineView(
                    line.label,
                    line.description,
                    table_words(line.notation),  # « forfait de 350 € par an », never « hors RO »
                    line.example.sentence if line.example else None,
                )
                for line in category.lines
            ),
        )
        for category in contract.categories
    )
    services = tuple(tuple(contract_services.service_lines(s)) for s in contract.services)
    return ContractView(contract.name, sentence, categories, services)


def build_view(guarantees: MyGuarantees, *, long_dates: bool = False) -> GuaranteesView:
    dates = format_date_long if long_dates else format_date
    people = []
    for person in guarantees.beneficiaries:
        name = f"{person.first_name} {person.last_name}"
        if person.relationship is Relationship.member:
            name += " (vous)"
        people.append(
            PersonView(
                name,
                tuple(CeilingView(ceiling_sentence(c, dates), bar(c.used, c.limit)) for c in person.ceilings),
                tuple(equipment_sentence(person.first_name, e, guarantees.as_of, dates) for e in person.equipment),
            )
        )
    return GuaranteesView(
        heading=HEADING,
        contracts=tuple(_contract(c, dates) for c in guarantees.contracts),
        people=tuple(people),
    )


# -- the PDF of the table ----------------------------------------------------------------------------

PDF_FILENAME = "tableau-de-garanties.pdf"
PDF_PREPARING = "Tableau de garanties (PDF) : préparation en cours…"


@dataclass(frozen=True)
class PdfSaved:
    path: Path | None
    message: str

    @property
    def ok(self) -> bool:
        return self.path is not None


async def save_table_pdf(api: ApiClient, directory: Path | None = None) -> PdfSaved:
    """Download the member's tableau de garanties as a PDF into the downloads folder (the one the
    claims exports use: `tui.flows.claims.download_dir`) and say in words where it went."""
    try:
        content = await api.guarantees_pdf()
    except errors.ApiError as exc:
        return PdfSaved(None, exc.message)
    target = directory if directory is not None else download_dir()
    try:
        path = save_download(content, PDF_FILENAME, target)
    except OSError as exc:
        return PdfSaved(
            None,
            f"Le tableau de garanties n'a pas pu être enregistré dans le dossier {target} "
            f"({exc.strerror or exc}). Choisissez un autre dossier avec la variable ESPACE_DOWNLOAD_DIR.",
        )
    return PdfSaved(
        path, f"Votre tableau de garanties (PDF) est enregistré dans le dossier {path.parent}, sous le nom {path.name}."
    )
