"""The care finder's directory (issue 21): practitioners from the RPPS extraction, establishments from
FINESS, each replaced as a whole by ``espace directory import``; the conventions (sector, OPTAM) apart,
since neither open file carries them and a re-import must not erase them.

``search_text`` and ``town_key`` hold the folded words (models.domain.directory.fold) that searches compare,
computed once at import rather than at every search. The words of ``search_text`` are indexed (migration 0014):
on SQLite by an FTS5 table per kind (``WORD_INDEXES``, external content: the import rebuilds it), on PostgreSQL by
a GIN index over ``to_tsvector('simple', search_text)`` — a search word is looked for at the start of the row's
words through that index instead of reading the whole table (~1 s a search for a million practitioners)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlmodel import Field, SQLModel


class DirectoryPractitioner(SQLModel, table=True):
    """One activity of a health professional (a line of PS_LibreAcces_Personne_activite)."""

    __tablename__ = "directory_practitioner"
    __table_args__ = (sa.Index("ix_directory_practitioner_town_key", "town_key"),)

    id: int | None = Field(default=None, primary_key=True)
    rpps: str = Field(max_length=12, index=True)
    last_name: str = Field(max_length=100)
    first_name: str = Field(max_length=100)
    profession_code: str = Field(max_length=4)
    profession: str = Field(max_length=100)
    speciality: str = Field(max_length=150)
    practice: str = Field(max_length=50)
    site: str = Field(max_length=200)
    address: str = Field(max_length=250)
    postcode: str = Field(max_length=5, index=True)
    town: str = Field(max_length=100)
    phone: str = Field(max_length=20)
    finess: str = Field(max_length=9)
    search_text: str = Field(max_length=700)
    town_key: str = Field(max_length=100)


class DirectoryEstablishment(SQLModel, table=True):
    """One establishment (a ``structureet`` line of the FINESS extraction, with its geolocation)."""

    __tablename__ = "directory_establishment"
    __table_args__ = (sa.Index("ix_directory_establishment_town_key", "town_key"),)

    id: int | None = Field(default=None, primary_key=True)
    finess: str = Field(max_length=9, index=True)
    legal_finess: str = Field(max_length=9)
    name: str = Field(max_length=250)
    category: str = Field(max_length=150)
    address: str = Field(max_length=250)
    postcode: str = Field(max_length=5, index=True)
    town: str = Field(max_length=100)
    phone: str = Field(max_length=20)
    x: float | None = None  # Lambert 93, metres
    y: float | None = None
    search_text: str = Field(max_length=500)
    town_key: str = Field(max_length=100)


class DirectoryConvention(SQLModel, table=True):
    """A practitioner's convention sector ("1", "2-optam", "2", "3": models.domain.tariffs.SECTORS) where
    the mutuelle knows it; absent means « non renseigné »."""

    __tablename__ = "directory_convention"

    rpps: str = Field(max_length=12, primary_key=True)
    sector: str = Field(max_length=8)


# The index of each table's ``search_text`` words (migration 0014): on SQLite an FTS5 table, on PostgreSQL a GIN
# index over an expression. Neither is described by ``SQLModel.metadata`` (a virtual table, a dialect's own index).
WORD_INDEXES = {
    "directory_practitioner": "directory_practitioner_fts",
    "directory_establishment": "directory_establishment_fts",
}
PG_WORD_INDEXES = {"ix_directory_practitioner_words", "ix_directory_establishment_words"}


def outside_metadata(name: str | None) -> bool:
    """A table or index the migrations create that ``SQLModel.metadata`` does not describe: the FTS5 tables and the
    shadow tables SQLite keeps for them (``…_fts_data``, ``…_fts_idx``…), PostgreSQL's GIN indexes of the words.
    Schema comparisons leave them out."""
    if name is None:
        return False
    return name in PG_WORD_INDEXES or any(name == fts or name.startswith(f"{fts}_") for fts in WORD_INDEXES.values())
