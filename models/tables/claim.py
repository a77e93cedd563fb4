"""Claims (remboursements), their lines as computed by the engine, and payments."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.schemas.common import ClaimSource, ClaimStatus, Payee, PaymentKind, PaymentState
from models.tables._types import RATE, enum_field, json_field, money_field


class Claim(SQLModel, table=True):
    __tablename__ = "claim"
    __table_args__ = (sa.Index("ix_claim_member_care_date", "member_id", "care_date"),)

    id: int | None = Field(default=None, primary_key=True)
    reference: str = Field(max_length=32, unique=True)
    member_id: int = Field(foreign_key="member.id")
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    care_date: date
    received_date: date
    label: str = Field(max_length=200)
    care_category: str = Field(max_length=50)
    status: ClaimStatus = enum_field(ClaimStatus, default=ClaimStatus.received)
    rejection_reason: str | None = Field(default=None, max_length=500)
    next_step: str | None = Field(default=None, max_length=500)
    provider_name: str | None = Field(default=None, max_length=200)
    source: ClaimSource = enum_field(ClaimSource, default=ClaimSource.noemie)


class ClaimLine(SQLModel, table=True):
    """One line as the engine computed it. ``engine_result`` is the engine's whole response (with the
    explanation): history is never recomputed with later tariffs."""

    __tablename__ = "claim_line"
    # Covering index of the list of claims: its totals and its text filter read only this index, never
    # the wide rows (the engine's JSON lives in them).
    __table_args__ = (
        sa.Index(
            "ix_claim_line_claim_amounts",
            "claim_id",
            "act",
            "label",
            "charged",
            "amo_paid",
            "amc_paid",
            "out_of_pocket",
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    position: int = 0
    act: str = Field(max_length=32)
    label: str = Field(max_length=200)
    quantity: int = 1
    charged: Decimal = money_field()
    br: Decimal = money_field()
    amo_rate: Decimal = Field(sa_type=RATE)
    amo_gross: Decimal = money_field()
    deductions: Decimal = money_field(default=Decimal("0.00"))  # total kept back by the AMO
    amo_paid: Decimal = money_field()
    amc_paid: Decimal = money_field()  # sum of claim_line_amc.amount
    out_of_pocket: Decimal = money_field()
    engine_result: dict[str, Any] = json_field(default_factory=dict)
    tariff_version: str = Field(max_length=50)


class ClaimLineAmc(SQLModel, table=True):
    """Each contract's share of a line, in paying order (base, then surcomplémentaire)."""

    __tablename__ = "claim_line_amc"

    id: int | None = Field(default=None, primary_key=True)
    claim_line_id: int = Field(foreign_key="claim_line.id", index=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    amount: Decimal = money_field()


class Payment(SQLModel, table=True):
    """A transfer tied to a claim; a trop-perçu recovery is a negative amount."""

    __tablename__ = "payment"

    id: int | None = Field(default=None, primary_key=True)
    claim_id: int = Field(foreign_key="claim.id", index=True)
    payee: Payee = enum_field(Payee)
    payee_label: str = Field(max_length=200)
    amount: Decimal = money_field()
    kind: PaymentKind = enum_field(PaymentKind, default=PaymentKind.payment)
    state: PaymentState = enum_field(PaymentState, default=PaymentState.planned)
    payment_date: date
    iban_suffix: str | None = Field(default=None, max_length=4)
    return_reason: str | None = Field(default=None, max_length=300)
