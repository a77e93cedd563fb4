"""The care finder's search (issue 21), for members and conseillers alike: practitioners or establishments by
name, profession or speciality (``q``) and town or postcode (``where``), accents and case ignored, a page
at a time. The words are compared with the folded columns the import wrote (``search_text``, ``town_key``): each
searched word must begin a word of the row (« cardio » finds « Cardiologie », « martin » « Saint-Martin »), found
through the index of those words, never by reading the whole table."""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlmodel import Session, col, func, select

from models.domain import directory as words
from models.schemas.directory import DirectoryHit, DirectoryKind, DirectoryPage, DirectoryQuery
from models.tables import DirectoryConvention, DirectoryEstablishment, DirectoryPractitioner
from models.tables.directory import WORD_INDEXES
from server.errors import ApiError

_DEPARTEMENT = re.compile(r"^(\d{2}|2[ab]|97\d)$")
_POSTCODE = re.compile(r"^\d{5}$")


def _words_condition(
    table: type[DirectoryPractitioner] | type[DirectoryEstablishment], terms: list[str], dialect: str
) -> sa.ColumnElement:
    """The rows where every searched word begins a word of ``search_text``, through the index of its words
    (migration 0014): SQLite's FTS5 table, PostgreSQL's GIN index over ``to_tsvector('simple', search_text)`` —
    the same words on both, since ``search_text`` and the terms are folded to [0-9a-z] words. The terms, folded,
    hold nothing but those characters: they cannot change the query's syntax."""
    if dialect == "postgresql":
        simple = sa.literal_column("'simple'")  # a constant, as in the index's expression
        tsquery = " & ".join(f"{term}:*" for term in terms)
        return func.to_tsvector(simple, col(table.search_text)).op("@@")(func.to_tsquery(simple, tsquery))
    fts = WORD_INDEXES[table.__tablename__]  # type: ignore[index]
    match = " AND ".join(f'"{term}"*' for term in terms)
    rows = sa.select(sa.column("rowid")).select_from(sa.table(fts)).where(sa.literal_column(fts).op("MATCH")(match))
    return col(table.id).in_(rows)


def _where_clause(table: type[DirectoryPractitioner] | type[DirectoryEstablishment], where: str) -> sa.ColumnElement:
    """A postcode (13008), a département (13, 2A, 974), or the start of a town's name (« marseille » finds
    every arrondissement, « saint etienne » Saint-Étienne)."""
    folded = words.fold(where)
    compact = folded.replace(" ", "")
    if _POSTCODE.match(compact):
        return col(table.postcode) == compact
    if _DEPARTEMENT.match(compact):
        departement = {"2a": "20", "2b": "20"}.get(compact, compact)
        return col(table.postcode).startswith(departement)
    return col(table.town_key).startswith(folded, autoescape=True)


def _check(query: DirectoryQuery) -> None:
    problem = words.criteria_problem(query.q, query.where)
    if problem is not None:
        code = "directory_no_criterion" if problem == words.NO_CRITERION else "directory_too_short"
        raise ApiError(422, code, problem)


def search(session: Session, query: DirectoryQuery) -> DirectoryPage:
    _check(query)
    table = DirectoryPractitioner if query.kind == DirectoryKind.practitioner else DirectoryEstablishment
    terms = words.search_words(query.q)
    dialect = session.get_bind().dialect.name
    conditions: list[sa.ColumnElement] = [_words_condition(table, terms, dialect)] if terms else []
    if query.where.strip():
        conditions.append(_where_clause(table, query.where))
    total = session.exec(select(func.count()).select_from(table).where(*conditions)).one()
    offset = (query.page - 1) * query.page_size
    if table is DirectoryPractitioner:
        items = _practitioners(session, conditions, offset, query.page_size)
    else:
        items = _establishments(session, conditions, offset, query.page_size)
    return DirectoryPage(items=items, total=total, page=query.page, page_size=query.page_size)


def _practitioners(session: Session, conditions: list, offset: int, limit: int) -> list[DirectoryHit]:
    rows = session.exec(
        select(DirectoryPractitioner, DirectoryConvention.sector)
        .outerjoin(DirectoryConvention, col(DirectoryConvention.rpps) == col(DirectoryPractitioner.rpps))
        .where(*conditions)
        .order_by(col(DirectoryPractitioner.last_name), col(DirectoryPractitioner.first_name), DirectoryPractitioner.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        DirectoryHit(
            kind=DirectoryKind.practitioner,
            identifier=p.rpps,
            name=f"{p.first_name} {p.last_name}".strip(),
            profession=" – ".join(part for part in (p.profession, p.speciality) if part),
            site=p.site,
            address=p.address,
            postcode=p.postcode,
            town=p.town,
            phone=p.phone,
            sector=sector,
            sector_words=words.sector_words(sector),
            optam=None if sector is None else sector == "2-optam",
            cent_pour_cent_sante=words.cent_pour_cent_sante(p.profession_code),
        )
        for p, sector in rows
    ]


def _establishments(session: Session, conditions: list, offset: int, limit: int) -> list[DirectoryHit]:
    rows = session.exec(
        select(DirectoryEstablishment)
        .where(*conditions)
        .order_by(col(DirectoryEstablishment.name), DirectoryEstablishment.id)
        .offset(offset)
        .limit(limit)
    ).all()
    return [
        DirectoryHit(
            kind=DirectoryKind.establishment,
            identifier=e.finess,
            name=e.name,
            profession=e.category,
            address=e.address,
            postcode=e.postcode,
            town=e.town,
            phone=e.phone,
        )
        for e in rows
    ]
