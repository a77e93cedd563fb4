"""The care finder's API (issue 21): the search's query string and its page of results."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, Field

from models.schemas.query import Page, QueryText

MAX_DIRECTORY_PAGE_SIZE = 50


class DirectoryKind(StrEnum):
    practitioner = "praticien"
    establishment = "etablissement"


class DirectoryQuery(BaseModel):
    """At least one of ``q`` (name, profession or speciality; for an establishment its name or category) and
    ``where`` (town, or postcode: 5 digits, or a département: 2 digits); accents and case do not matter."""

    q: QueryText = ""
    where: QueryText = ""
    kind: DirectoryKind = DirectoryKind.practitioner
    page: Page = 1
    page_size: int = Field(default=20, ge=1, le=MAX_DIRECTORY_PAGE_SIZE)


class DirectoryHit(BaseModel):
    kind: DirectoryKind
    identifier: str  # Identification nationale PP (RPPS) or n° FINESS
    name: str
    profession: str  # « Médecin – Cardiologie et maladies vasculaires », or the establishment's category
    site: str = ""
    address: str
    postcode: str
    town: str
    phone: str
    sector: str | None = None  # "1", "2-optam", "2", "3" (the simulator's sectors) when known
    sector_words: str | None = None  # practitioners only: the sector in words, or « Secteur non renseigné »
    optam: bool | None = None
    cent_pour_cent_sante: str | None = None


class DirectoryPage(BaseModel):
    items: list[DirectoryHit]
    total: int
    page: int
    page_size: int
