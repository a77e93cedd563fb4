"""Mes remboursements: the household's claims, filtered, sorted and paged, with totals computed by the
database; the détail of one claim; the CSV export and the rows of the relevés.

Ownership lives here: every statement is bound to the viewer (``server.services.viewer``): the household's
id, and, for a beneficiary's own access, that beneficiary; for the assuré principal, without the care a
beneficiary asked to hide (issue 21). A claim or a payment out of sight answers 404 (never 403: its
existence is not disclosed).
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from decimal import Decimal
from functools import lru_cache
from typing import Any

from sqlalchemy import ColumnElement, Connection, String, bindparam, case, exists, func, literal_column, or_
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement
from sqlmodel import Session, col, select

from models.domain import search, vocabulary
from models.domain.dates import add_years
from models.domain.states import FINAL, UNDECIDED
from models.schemas.claims import (
    DEFAULT_MONTHS,
    MAX_PAGE_SIZE,
    STATEMENT_YEARS,
    BeneficiaryChoice,
    CategoryChoice,
    ClaimDetail,
    ClaimFilters,
    ClaimLineDetail,
    ClaimList,
    ClaimListItem,
    ClaimOptions,
    ClaimQuery,
    ClaimSortKey,
    ClaimTotals,
    ContractShare,
    Deduction,
    DocumentSummary,
    PaymentDetail,
    SortOrder,
    care_category_label,
)
from models.schemas.common import ClaimStatus, PaymentKind, PaymentState
from models.tables import Beneficiary, Claim, ClaimLine, ClaimLineAmc, Contract, Document, Payment
from server.errors import ApiError
from server.pdf.statements import StatementLine, StatementPayment
from server.services.viewer import Viewer

ZERO = Decimal("0.00")
STATUS_ORDER = [
    ClaimStatus.received,
    ClaimStatus.awaiting_document,
    ClaimStatus.processing,
    ClaimStatus.paid,
    ClaimStatus.rejected,
]


def claim_not_found() -> ApiError:
    return ApiError(404, "claim_not_found", "Ce remboursement n'existe pas ou ne concerne pas votre foyer.")


def payment_not_found() -> ApiError:
    return ApiError(404, "payment_not_found", "Ce paiement n'existe pas ou ne concerne pas votre foyer.")


def _money(value: Any) -> Decimal:
    return Decimal(value if value is not None else 0).quantize(ZERO)


def months_before(day: date, months: int) -> date:
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for dom in (day.day, 30, 29, 28):
        try:
            return date(year, month, dom)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def effective_filters(filters: ClaimFilters, today: date) -> ClaimFilters:
    """The default period (the last 24 months) when none is given; text trimmed, empty means none."""
    update: dict[str, Any] = {}
    if filters.date_from is None and filters.date_to is None:
        update["date_from"] = months_before(today, DEFAULT_MONTHS)
    if filters.text is not None and not filters.text.strip():
        update["text"] = None
    elif filters.text is not None:
        update["text"] = filters.text.strip()
    return filters.model_copy(update=update)


# -- the filtered set, in SQL ----------------------------------------------------------------------
#
# Measured on 100 000 members: running the list's SQL took a small share of the service's time; building
# the SQLAlchemy statements (and their cache keys) and loading ORM objects took most of it. So each
# statement is built once per *shape* (which filters are set, the sort, the order), with bound
# parameters for the values, kept in an LRU cache and run on the Core connection; the page and the totals
# of the whole filter come from one statement (window functions over the grouped rows).


@dataclass(frozen=True)
class _Shape:
    """Which filters are set (never their values)."""

    date_from: bool
    date_to: bool
    beneficiary: bool
    category: bool
    status: bool
    regularisation: bool | None = None
    payee: bool = False
    amount_min: bool = False
    amount_max: bool = False
    own: bool = False  # a beneficiary's own access: their care only
    hidden: bool = False  # the assuré principal: without the care hidden at a beneficiary's request
    sort: ClaimSortKey = ClaimSortKey.care_date
    order: SortOrder = SortOrder.desc
    paged: bool = True
    line_words: bool = False  # the text search's statement (`_searched`): each claim's acts, decided amounts

    @classmethod
    def of(cls, viewer: Viewer, filters: ClaimFilters, sort: ClaimSortKey, order: SortOrder, *, paged: bool) -> _Shape:
        return cls(
            own=viewer.beneficiary is not None,
            hidden=bool(viewer.hidden_ids) and viewer.beneficiary is None,
            date_from=filters.date_from is not None,
            date_to=filters.date_to is not None,
            beneficiary=filters.beneficiary_id is not None,
            category=filters.care_category is not None,
            status=bool(filters.status),
            regularisation=filters.regularisation,
            payee=filters.payee is not None,
            amount_min=filters.amount_min is not None,
            amount_max=filters.amount_max is not None,
            sort=sort,
            order=order,
            paged=paged,
        )


def _params(viewer: Viewer, filters: ClaimFilters) -> dict[str, Any]:
    return {
        "member_id": viewer.member_id,
        "own_beneficiary_id": viewer.beneficiary_id,
        "hidden_ids": list(viewer.hidden_ids),
        "date_from": filters.date_from,
        "date_to": filters.date_to,
        "beneficiary_id": filters.beneficiary_id,
        "care_category": filters.care_category,
        "statuses": list(filters.status),
        "payee": filters.payee,
        "amount_min": filters.amount_min,
        "amount_max": filters.amount_max,
    }


def _claim_conditions(shape: _Shape) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Claim.member_id == bindparam("member_id")]
    if shape.own:
        conditions.append(Claim.beneficiary_id == bindparam("own_beneficiary_id"))
    if shape.hidden:
        conditions.append(col(Claim.beneficiary_id).not_in(bindparam("hidden_ids", expanding=True)))
    if shape.date_from:
        conditions.append(col(Claim.care_date) >= bindparam("date_from"))
    if shape.date_to:
        conditions.append(col(Claim.care_date) <= bindparam("date_to"))
    if shape.beneficiary:
        conditions.append(Claim.beneficiary_id == bindparam("beneficiary_id"))
    if shape.category:
        conditions.append(Claim.care_category == bindparam("care_category"))
    if shape.status:
        conditions.append(col(Claim.status).in_(bindparam("statuses", expanding=True)))
    return conditions


class _LineWords(FunctionElement[str]):
    """A claim's acts and their labels in one text, « act | label | act | label… », aggregated over its lines
    (SQLite's group_concat, PostgreSQL's string_agg, the separator written in the statement: SQLAlchemy's
    aggregate_strings sends it as a parameter rendered again at every run). For the search over the words shown,
    it reads as those words one by one: the search's words hold no space, and folding only narrows spaces."""

    type = String()
    inherit_cache = True


@compiles(_LineWords)
def _line_words_sqlite(element: _LineWords, compiler: Any, **kw: Any) -> str:
    return f"group_concat({compiler.process(element.clauses, **kw)}, ' | ')"


@compiles(_LineWords, "postgresql")
def _line_words_postgresql(element: _LineWords, compiler: Any, **kw: Any) -> str:
    return f"string_agg({compiler.process(element.clauses, **kw)}, ' | ')"


def _searched(
    connection: Connection, shape: _Shape, params: dict[str, Any], text: str
) -> tuple[list[Any], dict[int, Sequence[Any]]]:
    """The claims of this household (within the other filters), in the list's order, whose words, as the
    list shows them, hold every searched word (`models.domain.search`): label, acts, person, status,
    professional, amounts; and the latest payment of each claim read.

    Matched here in Python, identically on SQLite and PostgreSQL; a household has a few hundred claims at most
    in a period, and the search is typed by a person. The rows are the list statement's, sorted by the
    database (its collation for names), each with its decided amounts: the page is a slice of them and the
    totals their sums — no statement more than an unsearched page (measured: the search cost 1.4–1.7× the
    bare route's processor with a third statement)."""
    rows = connection.execute(_list_statement(replace(shape, paged=False, line_words=True)), params).all()
    payments = _latest_payments(connection, [row[0] for row in rows])
    matches = search.matcher(text)
    found = []
    for row in rows:  # by position (``ITEM_COLUMNS``), as ``_items``
        claim_id, _ref, _day, _bid, first_name, last_name, label, _cat, status, _why, provider_name = row[:_AMOUNTS_AT]
        _payee, payee_label, payment_state, _date, _suffix = payments.get(claim_id, NO_PAYMENT)
        lines = row[LINE_WORDS_AT]
        words = search.claim_words(
            label=label,
            line_labels=(lines,) if lines is not None else (),  # « act | label | act | label… »
            beneficiary_name=f"{first_name} {last_name}",
            status=ClaimStatus(status),
            payment_state=payment_state,
            professionals=(provider_name, payee_label),
            amounts=[_money(value) for value in row[_AMOUNTS_AT : _AMOUNTS_AT + len(AMOUNTS)]],
        )
        if matches(words):
            found.append(row)
    return found, payments


def _found_totals(rows: Sequence[Any]) -> ClaimTotals:
    """The totals of the claims a search found: what the page statement's window sums give, from each claim's
    decided amounts (`_decided`, applied by the search's statement)."""

    def total(at: int) -> Decimal:
        return sum((_money(row[at]) for row in rows), ZERO)

    return ClaimTotals(
        count=len(rows),
        charged=total(_AMOUNTS_AT),
        amo_paid=total(DECIDED_AT),
        amc_paid=total(DECIDED_AT + 1),
        out_of_pocket=total(DECIDED_AT + 2),
    )


def _regularisation_exists() -> ColumnElement[bool]:
    return exists().where(
        Payment.claim_id == Claim.id,
        or_(Payment.kind == PaymentKind.overpayment_recovery, col(Payment.amount) < 0),
    )


AMOUNTS = ("charged", "amo_paid", "amc_paid", "out_of_pocket")
# The columns of the list statement, in this order (``_list_statement`` checks it): the rows are read by
# position — measured, reading a SQLAlchemy row by attribute name cost ~0.3 µs a value, a tenth of a
# claims page's processor time for its ~1 000 values; by position, a few hundredths of that.
ITEM_COLUMNS = (
    "id",
    "reference",
    "care_date",
    "beneficiary_id",
    "first_name",
    "last_name",
    "label",
    "care_category",
    "status",
    "rejection_reason",
    "provider_name",  # for the search over the words shown (`_matching_ids`), not in the list's items
    *AMOUNTS,
    "regularisation",
)
_AMOUNTS_AT = ITEM_COLUMNS.index(AMOUNTS[0])
TOTALS_AT = len(ITEM_COLUMNS)  # then, on a page: the filter's count and its sums, in AMOUNTS order
LINE_WORDS_AT = TOTALS_AT  # or, in the search's statement: the acts and labels, then the decided shares
DECIDED_AT = LINE_WORDS_AT + 1


def _is_final(status: Any) -> ColumnElement[bool]:
    """The status is one the mutuelle has decided (remboursé or rejeté). The statuses written in the statement
    (our own enumeration's values, no input): a list of values would be an "expanding" parameter, its SQL
    rendered again at every run of the page's statement (measured: a tenth of a millisecond)."""
    return status.in_([literal_column(f"'{s.value}'") for s in sorted(FINAL)])


def _decided(name: str, total: Any) -> Any:
    """In the totals, what was spent counts for every claim; the shares only for a claim the mutuelle has
    decided (remboursé or rejeté): before that they are « à venir », never a sum that looks paid."""
    if name == "charged":
        return total
    return case((_is_final(col(Claim.status)), total), else_=0)


@lru_cache(maxsize=512)
def _list_statement(shape: _Shape) -> Any:
    """One row per claim of the filter with its amounts (claim ⋈ beneficiary ⟕ claim_line, grouped by
    claim, the amounts read from the covering index of claim_line, the amount range in HAVING), sorted;
    paged, each row also carries the count and the sums of the whole filter (window functions, computed
    before LIMIT)."""
    sums = {name: func.coalesce(func.sum(getattr(ClaimLine, name)), 0) for name in AMOUNTS}
    regularisation = _regularisation_exists()
    where = _claim_conditions(shape)
    having: list[ColumnElement[bool]] = []
    if shape.amount_min:
        having.append(sums["charged"] >= bindparam("amount_min"))
    if shape.amount_max:
        having.append(sums["charged"] <= bindparam("amount_max"))
    if shape.regularisation is not None:
        where.append(regularisation if shape.regularisation else ~regularisation)
    if shape.payee:
        where.append(exists().where(Payment.claim_id == Claim.id, Payment.payee == bindparam("payee")))
    item_columns: dict[str, Any] = {
        "id": col(Claim.id),
        "reference": col(Claim.reference),
        "care_date": col(Claim.care_date),
        "beneficiary_id": col(Claim.beneficiary_id),
        "first_name": col(Beneficiary.first_name),
        "last_name": col(Beneficiary.last_name),
        "label": col(Claim.label),
        "care_category": col(Claim.care_category),
        "status": col(Claim.status),
        "rejection_reason": col(Claim.rejection_reason),
        "provider_name": col(Claim.provider_name),
        **sums,
        "regularisation": regularisation,
    }
    assert tuple(item_columns) == ITEM_COLUMNS  # the order ``_items`` unpacks
    columns: list[Any] = [expression.label(name) for name, expression in item_columns.items()]
    if shape.line_words:  # the search's statement (`_searched`): the acts and labels, then the decided amounts
        separator = literal_column("' | '")
        columns.append(_LineWords(col(ClaimLine.act).concat(separator).concat(col(ClaimLine.label))).label("lines"))
        columns.extend(_decided(name, sums[name]).label(f"decided_{name}") for name in AMOUNTS[1:])
    if shape.paged:  # then TOTAL_COLUMNS
        columns.append(func.count().over().label("total_count"))
        columns.extend(func.sum(_decided(name, total)).over().label(f"total_{name}") for name, total in sums.items())
    statement = (
        select(*columns)
        .join(Beneficiary, Beneficiary.id == Claim.beneficiary_id)  # type: ignore[arg-type]
        .outerjoin(ClaimLine, ClaimLine.claim_id == Claim.id)  # type: ignore[arg-type]
        .where(*where)
        .group_by(col(Claim.id), col(Beneficiary.id))
    )
    if having:
        statement = statement.having(*having)
    c = statement.selected_columns
    keys: dict[ClaimSortKey, list[Any]] = {
        ClaimSortKey.care_date: [c.care_date],
        ClaimSortKey.charged: [c.charged],
        ClaimSortKey.amc_paid: [c.amc_paid],
        ClaimSortKey.amo_paid: [c.amo_paid],
        ClaimSortKey.out_of_pocket: [c.out_of_pocket],
        ClaimSortKey.beneficiary: [c.first_name, c.last_name],
        ClaimSortKey.status: [case({s.value: i for i, s in enumerate(STATUS_ORDER)}, value=c.status, else_=99)],
    }
    ordering = [*keys[shape.sort], c.id]
    statement = statement.order_by(*(o.desc() if shape.order is SortOrder.desc else o.asc() for o in ordering))
    if shape.paged:
        statement = statement.limit(bindparam("limit")).offset(bindparam("offset"))
    return statement


@lru_cache(maxsize=512)
def _totals_statement(shape: _Shape) -> Any:
    """The totals alone: only for a page past the last one, whose statement returns no row to carry them."""
    sub = _list_statement(replace(shape, paged=False, sort=ClaimSortKey.care_date, order=SortOrder.desc))
    sub = sub.order_by(None).subquery("filtered")
    decided = _is_final(sub.c.status)
    return select(
        func.count(),
        *(func.sum(sub.c[name] if name == "charged" else case((decided, sub.c[name]), else_=0)) for name in AMOUNTS),
    ).select_from(sub)


ID_SLOTS = 50  # a list of claims is sent with a multiple of this many placeholders…
SLOTTED_IDS = 1_000  # …up to this many claims (a household's, within a period); beyond (an export), expanding


def _id_slots(count: int) -> int:
    """How many placeholders for ``count`` claims: a multiple of ``ID_SLOTS``, so that a statement is compiled
    once per size and reused (measured, an "expanding" IN list rendered again on every run cost ~0.1 ms a
    page); 0 beyond ``SLOTTED_IDS``: an expanding list."""
    return -(-count // ID_SLOTS) * ID_SLOTS if count <= SLOTTED_IDS else 0


def _slotted(prefix: str, ids: Sequence[int], slots: int) -> dict[str, int]:
    """The values of ``slots`` placeholders ``prefix0``… for ``ids``, filled up with a repeated id."""
    return {f"{prefix}{i}": ids[min(i, len(ids) - 1)] for i in range(slots)}


@lru_cache(maxsize=32)
def _payments_statement(slots: int) -> Any:
    """The claims' payments, latest last. ``slots`` > 0: that many placeholders (``id0``…, ``_id_slots``);
    0: an expanding list, for the export's thousands of claims."""
    ids = [bindparam(f"id{i}") for i in range(slots)] if slots else bindparam("ids", expanding=True)
    return (
        select(
            col(Payment.claim_id),
            col(Payment.payee),
            col(Payment.payee_label),
            col(Payment.state),
            col(Payment.payment_date),
            col(Payment.iban_suffix),
        )
        .where(col(Payment.claim_id).in_(ids), Payment.kind == PaymentKind.payment)
        .order_by(col(Payment.payment_date), col(Payment.id))
    )


def _latest_payments(connection: Connection, claim_ids: Sequence[int]) -> dict[int, Sequence[Any]]:
    """Each claim's latest payment: (payee, payee_label, state, payment_date, iban_suffix)."""
    latest: dict[int, Sequence[Any]] = {}
    if not claim_ids:
        return latest
    if slots := _id_slots(len(claim_ids)):
        rows = connection.execute(_payments_statement(slots), _slotted("id", claim_ids, slots))
    else:
        rows = connection.execute(_payments_statement(0), {"ids": list(claim_ids)})
    for claim_id, *payment in rows:
        latest[claim_id] = payment  # ordered by date: the last one wins
    return latest


NO_PAYMENT = (None, None, None, None, None)


def _items(
    connection: Connection, rows: Sequence[Any], payments: dict[int, Sequence[Any]] | None = None
) -> list[ClaimListItem]:
    """``payments``: the latest payments already read (the text search's), else read here."""
    if payments is None:
        payments = _latest_payments(connection, [row[0] for row in rows])
    items = []
    for row in rows:
        (
            claim_id,
            reference,
            care_date,
            beneficiary_id,
            first_name,
            last_name,
            label,
            care_category,
            status,
            rejection_reason,
            _provider_name,
            charged,
            amo_paid,
            amc_paid,
            out_of_pocket,
            regularisation,
        ) = row[:TOTALS_AT]
        payee, payee_label, payment_state, payment_date, account_suffix = payments.get(claim_id, NO_PAYMENT)
        items.append(
            ClaimListItem(
                id=claim_id,
                reference=reference,
                care_date=care_date,
                beneficiary_id=beneficiary_id,
                beneficiary_name=f"{first_name} {last_name}",
                label=label,
                care_category=care_category,
                charged=_money(charged),
                amo_paid=_money(amo_paid),
                amc_paid=_money(amc_paid),
                out_of_pocket=_money(out_of_pocket),
                status=ClaimStatus(status),
                payee=payee,
                payee_label=payee_label,
                payment_state=payment_state,
                payment_date=payment_date,
                account_suffix=account_suffix,
                rejection_reason=rejection_reason,
                regularisation=bool(regularisation),
            )
        )
    return items


def list_claims(session: Session, viewer: Viewer, query: ClaimQuery, today: date) -> ClaimList:
    """One page of the household's claims for the filter, sorted, with the totals of the whole filter."""
    return claims_page(session.connection(), viewer, query, today)


def claims_page(connection: Connection, viewer: Viewer, query: ClaimQuery, today: date) -> ClaimList:
    """``list_claims`` on a Core connection (the member's page needs no ORM session): one statement for the
    page and the totals, then one for the page's latest payments (a text search: one for the claims of the
    other filters, then one for their latest payments; see `_searched`)."""
    sort, order = query.sort, query.order
    page_size = max(1, min(query.page_size, MAX_PAGE_SIZE))
    page = max(1, query.page)
    applied = effective_filters(query.filters(), today)
    shape = _Shape.of(viewer, applied, sort, order, paged=True)
    params = _params(viewer, applied)
    payments = None
    if applied.text:
        found, payments = _searched(connection, shape, params, applied.text)
        rows: Sequence[Any] = found[(page - 1) * page_size : page * page_size]
        totals = _found_totals(found)
    else:
        params.update(limit=page_size, offset=(page - 1) * page_size)
        rows = connection.execute(_list_statement(shape), params).all()
        if rows:
            count, *sums = rows[0][TOTALS_AT:]
        elif page > 1:  # past the last page: the totals still describe the filter
            count, *sums = connection.execute(_totals_statement(shape), params).one()
        else:
            count, sums = 0, [ZERO] * 4
        totals = ClaimTotals(
            count=int(count or 0),
            charged=_money(sums[0]),
            amo_paid=_money(sums[1]),
            amc_paid=_money(sums[2]),
            out_of_pocket=_money(sums[3]),
        )
    return ClaimList(
        items=_items(connection, rows, payments),
        totals=totals,
        page=page,
        page_size=page_size,
        pages=max(1, math.ceil(totals.count / page_size)),
        sort=sort,
        order=order,
        filters=applied,
        notices=viewer.notices(),
    )


def all_claims(
    session: Session, viewer: Viewer, query: ClaimQuery, today: date
) -> tuple[ClaimFilters, list[ClaimListItem]]:
    """Every claim of the filter, sorted, without paging (the CSV export)."""
    applied = effective_filters(query.filters(), today)
    connection = session.connection()
    shape = _Shape.of(viewer, applied, query.sort, query.order, paged=False)
    params = _params(viewer, applied)
    if applied.text:
        rows, payments = _searched(connection, shape, params, applied.text)
        return applied, _items(connection, rows, payments)
    return applied, _items(connection, connection.execute(_list_statement(shape), params).all())


def options(session: Session, viewer: Viewer, today: date) -> ClaimOptions:
    beneficiaries = [
        b
        for b in session.exec(
            select(Beneficiary)
            .where(Beneficiary.member_id == viewer.member_id)
            .order_by(col(Beneficiary.birth_date), col(Beneficiary.id))
        ).all()
        if viewer.beneficiary is None or b.id == viewer.beneficiary_id
    ]
    categories = session.exec(select(Claim.care_category).where(*viewer.claim_conditions()).distinct()).all()
    return ClaimOptions(
        beneficiaries=[BeneficiaryChoice(id=b.id or 0, name=f"{b.first_name} {b.last_name}") for b in beneficiaries],
        care_categories=sorted(
            (CategoryChoice(code=code, label=care_category_label(code)) for code in categories),
            key=lambda c: c.label,
        ),
        statement_years=statement_years(today),
        default_date_from=months_before(today, DEFAULT_MONTHS),
    )


def statement_years(today: date) -> list[int]:
    """The calendar years of the relevé annuel: this year and the 6 before it."""
    return [today.year - i for i in range(STATEMENT_YEARS)]


# -- the détail --------------------------------------------------------------------------------------


def _owned_claim(session: Session, viewer: Viewer, claim_id: int) -> Claim:
    claim = session.exec(select(Claim).where(Claim.id == claim_id, *viewer.claim_conditions())).first()
    if claim is None:
        raise claim_not_found()
    return claim


def _deductions(engine_result: dict[str, Any], total: Decimal) -> list[Deduction]:
    found = [
        Deduction(
            kind=str(d.get("kind", "")),
            label=vocabulary.deduction_label(str(d.get("kind", ""))),
            amount=_money(d.get("amount")),
        )
        for d in engine_result.get("deductions") or []
        if isinstance(d, dict)
    ]
    if not found and total:
        found = [Deduction(kind="deduction", label="Retenue de la Sécurité sociale", amount=_money(total))]
    return found


def claim_detail(session: Session, viewer: Viewer, claim_id: int) -> ClaimDetail:
    claim = _owned_claim(session, viewer, claim_id)
    beneficiary = session.get(Beneficiary, claim.beneficiary_id)
    assert beneficiary is not None
    name = f"{beneficiary.first_name} {beneficiary.last_name}"
    lines = session.exec(
        select(ClaimLine).where(ClaimLine.claim_id == claim.id).order_by(col(ClaimLine.position), col(ClaimLine.id))
    ).all()
    shares: dict[int, list[ContractShare]] = {}
    for line_id, contract_id, contract_name, amount in session.exec(
        select(ClaimLineAmc.claim_line_id, ClaimLineAmc.contract_id, Contract.name, ClaimLineAmc.amount)
        .join(Contract, Contract.id == ClaimLineAmc.contract_id)  # type: ignore[arg-type]
        .where(col(ClaimLineAmc.claim_line_id).in_([line.id for line in lines]))
        .order_by(col(ClaimLineAmc.id))
    ).all():
        shares.setdefault(line_id, []).append(
            ContractShare(contract_id=contract_id, contract_name=contract_name, amount=_money(amount))
        )
    payments = session.exec(
        select(Payment).where(Payment.claim_id == claim.id).order_by(col(Payment.payment_date), col(Payment.id))
    ).all()
    documents = session.exec(
        select(Document.id, Document.kind, Document.filename, Document.content_type, Document.size, Document.created_at)
        .where(Document.claim_id == claim.id, Document.member_id == viewer.member_id)
        .order_by(col(Document.created_at), col(Document.id))
    ).all()
    details = [
        ClaimLineDetail(
            position=line.position,
            care_date=claim.care_date,
            beneficiary_name=name,
            act=line.act,
            label=line.label,
            quantity=line.quantity,
            charged=_money(line.charged),
            br=_money(line.br),
            amo_rate=Decimal(line.amo_rate),
            amo_gross=_money(line.amo_gross),
            deductions=_deductions(line.engine_result or {}, Decimal(line.deductions)),
            amo_paid=_money(line.amo_paid),
            amc=shares.get(line.id or 0, []),
            amc_paid=_money(line.amc_paid),
            out_of_pocket=_money(line.out_of_pocket),
            explanation=[str(e) for e in (line.engine_result or {}).get("explanation") or []],
            tariff_version=line.tariff_version,
        )
        for line in lines
    ]
    regularisation = any(p.kind is PaymentKind.overpayment_recovery or p.amount < 0 for p in payments)
    return ClaimDetail(
        id=claim.id or 0,
        reference=claim.reference,
        care_date=claim.care_date,
        received_date=claim.received_date,
        beneficiary_id=claim.beneficiary_id,
        beneficiary_name=name,
        label=claim.label,
        care_category=claim.care_category,
        status=claim.status,
        source=claim.source,
        provider_name=claim.provider_name,
        rejection_reason=claim.rejection_reason,
        next_step=claim.next_step,
        lines=details,
        totals=ClaimTotals(
            count=1,
            charged=sum((d.charged for d in details), ZERO),
            amo_paid=sum((d.amo_paid for d in details), ZERO),
            amc_paid=sum((d.amc_paid for d in details), ZERO),
            out_of_pocket=sum((d.out_of_pocket for d in details), ZERO),
        ),
        payments=[
            PaymentDetail(
                id=p.id or 0,
                payee=p.payee,
                payee_label=p.payee_label,
                amount=_money(p.amount),
                kind=p.kind,
                state=p.state,
                payment_date=p.payment_date,
                account_suffix=p.iban_suffix,
                return_reason=p.return_reason,
            )
            for p in payments
        ],
        documents=[DocumentSummary.model_validate(row, from_attributes=True) for row in documents],
        regularisation=regularisation,
    )


# -- CSV -----------------------------------------------------------------------------------------------

CSV_HEADERS = (
    "Date des soins",
    "Référence",
    "Bénéficiaire",
    "Poste de soins",
    "Acte",
    "Statut",
    "Montant dépensé (€)",
    "Remboursé Sécurité sociale (€)",
    "Remboursé mutuelle (€)",
    "Reste à charge (€)",
    "Payé à",
    "Date du paiement",
    "Régularisation",
    "Paiement",
)


def csv_amount(value: Decimal) -> str:
    """Decimal comma, no thousands separator, no currency sign: a spreadsheet reads it as a number."""
    return f"{value:.2f}".replace(".", ",")


def _csv_share(item: ClaimListItem, value: Decimal) -> str:
    """A share of a claim not decided yet is left empty (« à venir » on screen): never a figure that looks paid."""
    return "" if item.status in UNDECIDED else csv_amount(value)


def claims_csv(items: Iterable[ClaimListItem]) -> bytes:
    """French headers, ``;`` separator (the comma is the decimal separator in French), UTF-8 with a
    byte-order mark: Excel in a French locale then opens it with accents and amounts right."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";", lineterminator="\r\n")
    writer.writerow(CSV_HEADERS)
    for item in items:
        payee = ""
        if item.payee is not None:
            payee = "Vous" if item.payee.value == "member" else (item.payee_label or "Professionnel de santé")
        writer.writerow(
            (
                vocabulary.date_short(item.care_date),
                item.reference,
                item.beneficiary_name,
                care_category_label(item.care_category),
                item.label,
                vocabulary.claim_status_words(item.status, item.payment_state),
                csv_amount(item.charged),
                _csv_share(item, item.amo_paid),
                _csv_share(item, item.amc_paid),
                _csv_share(item, item.out_of_pocket),
                payee,
                vocabulary.date_short(item.payment_date) if item.payment_date else "",
                "Oui" if item.regularisation else "Non",
                vocabulary.claim_payment_sentence(item),
            )
        )
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


# -- the rows of the relevés -------------------------------------------------------------------------


def _statement_lines(session: Session, claim_ids: Sequence[int]) -> dict[int, list[StatementLine]]:
    by_claim: dict[int, list[StatementLine]] = {}
    if not claim_ids:
        return by_claim
    rows = session.exec(
        select(
            Claim.id,
            Claim.care_date,
            Claim.reference,
            Beneficiary.first_name,
            Beneficiary.last_name,
            ClaimLine.label,
            ClaimLine.charged,
            ClaimLine.br,
            ClaimLine.amo_rate,
            ClaimLine.amo_paid,
            ClaimLine.amc_paid,
            ClaimLine.out_of_pocket,
        )
        .join(Claim, Claim.id == ClaimLine.claim_id)  # type: ignore[arg-type]
        .join(Beneficiary, Beneficiary.id == Claim.beneficiary_id)  # type: ignore[arg-type]
        .where(col(Claim.id).in_(list(claim_ids)))
        .order_by(col(Claim.care_date), col(Claim.id), col(ClaimLine.position), col(ClaimLine.id))
    ).all()
    for cid, care_date, reference, first, last, label, charged, br, rate, amo, amc, rac in rows:
        by_claim.setdefault(cid, []).append(
            StatementLine(
                care_date,
                f"{first} {last}",
                reference,
                label,
                _money(charged),
                _money(br),
                Decimal(rate),
                _money(amo),
                _money(amc),
                _money(rac),
            )
        )
    return by_claim


def _statement_payments(session: Session, viewer: Viewer, *conditions: ColumnElement[bool]) -> list[StatementPayment]:
    rows = session.exec(
        select(Payment, Claim.reference)
        .join(Claim, Claim.id == Payment.claim_id)  # type: ignore[arg-type]
        .where(*viewer.claim_conditions(), *conditions)
        .order_by(col(Payment.payment_date), col(Payment.id))
    ).all()
    lines = _statement_lines(session, sorted({p.claim_id for p, _ in rows}))
    return [StatementPayment(p, reference, lines.get(p.claim_id, [])) for p, reference in rows]


def payment_statement(session: Session, viewer: Viewer, payment_id: int) -> list[StatementPayment]:
    found = _statement_payments(session, viewer, Payment.id == payment_id)
    if not found:
        raise payment_not_found()
    return found


def period_statement(session: Session, viewer: Viewer, date_from: date, date_to: date) -> list[StatementPayment]:
    if date_to < date_from:
        raise ApiError(422, "invalid_period", "La période est invalide : la date de fin précède la date de début.")
    if date_to > add_years(date_from, STATEMENT_YEARS):
        raise ApiError(422, "invalid_period", f"La période est trop longue : au plus {STATEMENT_YEARS} ans.")
    return _statement_payments(
        session, viewer, col(Payment.payment_date) >= date_from, col(Payment.payment_date) <= date_to
    )


def annual_statement(session: Session, viewer: Viewer, year: int, today: date) -> list[StatementLine]:
    """Every line whose claim was paid (a payment done) in the calendar year, by date of care."""
    if year not in statement_years(today):
        raise ApiError(
            404,
            "statement_not_available",
            f"Le relevé annuel est disponible pour les années {today.year - STATEMENT_YEARS + 1} à {today.year}.",
        )
    claim_ids = session.exec(
        select(Claim.id)
        .join(Payment, Payment.claim_id == Claim.id)  # type: ignore[arg-type]
        .where(
            *viewer.claim_conditions(),
            Claim.status == ClaimStatus.paid,
            Payment.kind == PaymentKind.payment,
            Payment.state == PaymentState.done,
            col(Payment.payment_date) >= date(year, 1, 1),
            col(Payment.payment_date) <= date(year, 12, 31),
        )
        .distinct()
    ).all()
    lines = _statement_lines(session, [cid for cid in claim_ids if cid is not None])
    return sorted(
        (line for claim_lines in lines.values() for line in claim_lines),
        key=lambda line: (line.care_date, line.reference),
    )
