"""Tableau de bord: the logged-in member's contracts, latest claims and unread messages.

Every query is filtered by the member's id here, in the service: a member never sees another's rows.
"""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.schemas.common import PaymentKind
from models.schemas.dashboard import BeneficiarySummary, ClaimSummary, ContractSummary, Dashboard
from models.tables import (
    Account,
    Beneficiary,
    Claim,
    ClaimLine,
    Contract,
    ContractBeneficiary,
    Member,
    Message,
    MessageThread,
    Payment,
)

LATEST_CLAIMS = 3
AREAS = ["dashboard", "messaging", "requests", "notifications", "claims", "guarantees", "simulator"]
ZERO = Decimal("0.00")


def _contracts(session: Session, member_id: int) -> list[ContractSummary]:
    contracts = session.exec(
        select(Contract).where(Contract.member_id == member_id).order_by(col(Contract.start_date), col(Contract.id))
    ).all()
    rows = session.exec(
        select(ContractBeneficiary.contract_id, Beneficiary)
        .join(Beneficiary, Beneficiary.id == ContractBeneficiary.beneficiary_id)  # type: ignore[arg-type]
        .where(col(ContractBeneficiary.contract_id).in_([c.id for c in contracts]))
        .order_by(col(Beneficiary.birth_date), col(Beneficiary.id))
    ).all()
    by_contract: dict[int, list[BeneficiarySummary]] = defaultdict(list)
    for contract_id, beneficiary in rows:
        by_contract[contract_id].append(BeneficiarySummary.model_validate(beneficiary, from_attributes=True))
    # base contracts first, each followed by the surcomplémentaires built on it
    contracts = sorted(contracts, key=lambda c: (c.base_contract_id or c.id or 0, c.base_contract_id is not None))
    return [
        ContractSummary.model_validate(
            {**contract.model_dump(), "beneficiaries": by_contract.get(contract.id or 0, [])}
        )
        for contract in contracts
    ]


def _latest_claims(session: Session, member_id: int) -> list[ClaimSummary]:
    rows = session.exec(
        select(Claim, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Claim.beneficiary_id)  # type: ignore[arg-type]
        .where(Claim.member_id == member_id)
        .order_by(col(Claim.care_date).desc(), col(Claim.id).desc())
        .limit(LATEST_CLAIMS)
    ).all()
    claim_ids = [claim.id for claim, _ in rows]
    totals = {
        claim_id: (charged, amo, amc, rac)
        for claim_id, charged, amo, amc, rac in session.exec(
            select(
                ClaimLine.claim_id,
                func.sum(ClaimLine.charged),
                func.sum(ClaimLine.amo_paid),
                func.sum(ClaimLine.amc_paid),
                func.sum(ClaimLine.out_of_pocket),
            )
            .where(col(ClaimLine.claim_id).in_(claim_ids))
            .group_by(col(ClaimLine.claim_id))
        ).all()
    }
    payments: dict[int, Payment] = {}
    for payment in session.exec(
        select(Payment)
        .where(col(Payment.claim_id).in_(claim_ids), Payment.kind == PaymentKind.payment)
        .order_by(col(Payment.payment_date), col(Payment.id))
    ).all():
        payments[payment.claim_id] = payment  # the latest payment of each claim
    summaries = []
    for claim, beneficiary in rows:
        charged, amo, amc, rac = (Decimal(v).quantize(ZERO) for v in totals.get(claim.id, (0, 0, 0, 0)))
        payment = payments.get(claim.id or 0)
        summaries.append(
            ClaimSummary(
                id=claim.id or 0,
                reference=claim.reference,
                care_date=claim.care_date,
                beneficiary_name=f"{beneficiary.first_name} {beneficiary.last_name}",
                label=claim.label,
                charged=charged,
                amo_paid=amo,
                amc_paid=amc,
                out_of_pocket=rac,
                status=claim.status,
                payee=payment.payee if payment else None,
                payee_label=payment.payee_label if payment else None,
                payment_state=payment.state if payment else None,
                payment_date=payment.payment_date if payment else None,
                account_suffix=payment.iban_suffix if payment else None,
                rejection_reason=claim.rejection_reason,
            )
        )
    return summaries


def _unread_messages(session: Session, member_id: int, account_id: int | None) -> int:
    statement = (
        select(func.count())
        .select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)  # type: ignore[arg-type]
        .where(MessageThread.member_id == member_id, col(Message.read_by_member_at).is_(None))
    )
    if account_id is not None:
        statement = statement.where(
            (col(Message.author_account_id).is_(None)) | (Message.author_account_id != account_id)
        )
    return int(session.exec(statement).one())


def dashboard(session: Session, member: Member, account: Account) -> Dashboard:
    assert member.id is not None
    return Dashboard(
        member_number=member.member_number,
        first_name=member.first_name,
        last_name=member.last_name,
        contracts=_contracts(session, member.id),
        latest_claims=_latest_claims(session, member.id),
        unread_messages=_unread_messages(session, member.id, account.id),
        areas=list(AREAS),
    )
