"""The reference of the claims benchmark: the same first page and totals of Mes remboursements as
GET /api/v1/me/claims, by a bare FastAPI route — no authentication, no ORM, no Pydantic model, hand-written
SQL on a plain SQLAlchemy engine (no pre-ping), the JSON written by hand. What the stack itself costs.

    uvicorn --factory bench.bare_claims:app_factory     # ESPACE_DATABASE_URL: the database

One statement for the page with the totals of the whole filter (window functions, as the real service), one
for the page's latest payments (the same columns as the real route's items).
"""

from __future__ import annotations

import json
import os
from datetime import date
from typing import Any

from fastapi import FastAPI, Query, Response
from sqlalchemy import Connection, Engine, create_engine, text

STATUS_ORDER = ("received", "awaiting_document", "processing", "paid", "rejected")
SORTS = {
    "care_date": "care_date",
    "charged": "charged",
    "amo_paid": "amo_paid",
    "amc_paid": "amc_paid",
    "out_of_pocket": "out_of_pocket",
    "beneficiary": "first_name {order}, last_name",
    "status": "CASE status " + " ".join(f"WHEN '{s}' THEN {i}" for i, s in enumerate(STATUS_ORDER)) + " ELSE 99 END",
}

REGULARISED = """EXISTS (SELECT 1 FROM payment r WHERE r.claim_id = c.id
    AND (r.kind = 'overpayment_recovery' OR r.amount < 0))"""


def _money(value: Any) -> str:
    return f"{value:.2f}" if value is not None else "0.00"


def bare_app(engine: Engine) -> FastAPI:
    app = FastAPI(openapi_url=None, docs_url=None, redoc_url=None)
    postgres = engine.dialect.name == "postgresql"
    text_match = "l.label ILIKE :text" if postgres else "lower(l.label) LIKE :text"

    @app.get("/bare/claims")
    def claims(
        member_id: int,
        date_from: date | None = None,
        date_to: date | None = None,
        beneficiary_id: int | None = None,
        care_category: str | None = None,
        status: str | None = None,
        regularisation: bool | None = None,
        payee: str | None = None,
        amount_min: float | None = None,
        amount_max: float | None = None,
        text_: str | None = Query(None, alias="text"),
        sort: str = "care_date",
        order: str = "desc",
    ) -> Response:
        where = ["c.member_id = :member_id"]
        args: dict[str, Any] = {"member_id": member_id}
        for column, value, operator in (
            ("c.care_date", date_from, ">="),
            ("c.care_date", date_to, "<="),
            ("c.beneficiary_id", beneficiary_id, "="),
            ("c.care_category", care_category, "="),
            ("c.status", status, "="),
        ):
            if value is not None:
                name = f"p{len(args)}"
                where.append(f"{column} {operator} :{name}")
                args[name] = value
        regularised = REGULARISED
        if regularisation is not None:
            where.append(regularised if regularisation else f"NOT {regularised}")
        if payee:
            where.append("EXISTS (SELECT 1 FROM payment p WHERE p.claim_id = c.id AND p.payee = :payee)")
            args["payee"] = payee
        if text_:
            where.append(f"EXISTS (SELECT 1 FROM claim_line l WHERE l.claim_id = c.id AND {text_match})")
            args["text"] = f"%{text_.lower()}%"
        having = []
        if amount_min is not None:
            having.append("coalesce(sum(cl.charged), 0) >= :amount_min")
            args["amount_min"] = amount_min
        if amount_max is not None:
            having.append("coalesce(sum(cl.charged), 0) <= :amount_max")
            args["amount_max"] = amount_max
        direction = "ASC" if order == "asc" else "DESC"
        key = SORTS.get(sort, "care_date").format(order=direction)
        statement = text(
            f"""
            SELECT id, reference, care_date, beneficiary_id, first_name, last_name, label, care_category, status,
                   rejection_reason, charged, amo_paid, amc_paid, out_of_pocket, regularisation,
                   count(*) OVER () AS total_count, sum(charged) OVER () AS total_charged,
                   sum(amo_paid) OVER () AS total_amo_paid, sum(amc_paid) OVER () AS total_amc_paid,
                   sum(out_of_pocket) OVER () AS total_out_of_pocket
            FROM (
                SELECT c.id, c.reference, c.care_date, c.beneficiary_id, b.first_name, b.last_name, c.label,
                       c.care_category, c.status, c.rejection_reason,
                       coalesce(sum(cl.charged), 0) AS charged, coalesce(sum(cl.amo_paid), 0) AS amo_paid,
                       coalesce(sum(cl.amc_paid), 0) AS amc_paid,
                       coalesce(sum(cl.out_of_pocket), 0) AS out_of_pocket, {regularised} AS regularisation
                FROM claim c JOIN beneficiary b ON b.id = c.beneficiary_id
                LEFT JOIN claim_line cl ON cl.claim_id = c.id
                WHERE {" AND ".join(where)}
                GROUP BY c.id, b.id {"HAVING " + " AND ".join(having) if having else ""}
            ) filtered
            ORDER BY {key} {direction}, id {direction} LIMIT 50"""
        )
        with engine.connect() as connection:
            page = list(connection.execute(statement, args))
            items = _items(connection, page)
        first = page[0] if page else None
        return Response(
            json.dumps(
                {
                    "items": items,
                    "totals": {
                        "count": first.total_count if first else 0,
                        **{
                            name: _money(getattr(first, f"total_{name}") if first else None)
                            for name in ("charged", "amo_paid", "amc_paid", "out_of_pocket")
                        },
                    },
                }
            ),
            media_type="application/json",
        )

    return app


def _items(connection: Connection, page: list[Any]) -> list[dict[str, Any]]:
    latest: dict[int, Any] = {}
    if page:
        ids = ", ".join(str(int(row.id)) for row in page)
        for payment in connection.execute(
            text(
                "SELECT claim_id, payee, payee_label, state, payment_date, iban_suffix FROM payment "
                f"WHERE claim_id IN ({ids}) AND kind = 'payment' ORDER BY payment_date, id"
            )
        ):
            latest[payment.claim_id] = payment
    items = []
    for row in page:
        payment = latest.get(row.id)
        items.append(
            {
                "id": row.id,
                "reference": row.reference,
                "care_date": str(row.care_date),
                "beneficiary_id": row.beneficiary_id,
                "beneficiary_name": f"{row.first_name} {row.last_name}",
                "label": row.label,
                "care_category": row.care_category,
                "charged": _money(row.charged),
                "amo_paid": _money(row.amo_paid),
                "amc_paid": _money(row.amc_paid),
                "out_of_pocket": _money(row.out_of_pocket),
                "status": row.status,
                "payee": payment.payee if payment else None,
                "payee_label": payment.payee_label if payment else None,
                "payment_state": payment.state if payment else None,
                "payment_date": str(payment.payment_date) if payment else None,
                "account_suffix": payment.iban_suffix if payment else None,
                "rejection_reason": row.rejection_reason,
                "regularisation": bool(row.regularisation),
            }
        )
    return items


def app_factory() -> FastAPI:
    """For ``uvicorn --factory``: the database of ESPACE_DATABASE_URL, as the real server reads it."""
    return bare_app(create_engine(os.environ["ESPACE_DATABASE_URL"]))
