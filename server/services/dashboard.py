"""Tableau de bord: the logged-in member's contracts, latest claims and unread messages.

Every query is filtered by the member's id here, in the service: a member never sees another's rows.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import func
from sqlmodel import Session, col, select

from models.domain.dates import format_date
from models.domain.money import format_eur
from models.schemas.common import ContractState, PaymentKind
from models.schemas.dashboard import (
    BeneficiarySummary,
    ClaimSummary,
    ContractSummary,
    Dashboard,
    DashboardAlert,
    DashboardAlertKind,
)
from models.tables import (
    Account,
    Beneficiary,
    Claim,
    ClaimLine,
    Contract,
    ContractBeneficiary,
    ContributionInstalment,
    ContributionSchedule,
    Message,
    MessageThread,
    Payment,
)
from server.services.contract_services import services_by_contract
from server.services.messaging import thread_conditions
from server.services.viewer import Viewer

LATEST_CLAIMS = 3
AREAS = [
    "dashboard",
    "messaging",
    "requests",
    "notifications",
    "claims",
    "guarantees",
    "simulator",
    "profile",
    "directory",  # issue 21: the care finder
]
# issue 21: what an ayant droit's own access reaches (« Mon accès » holds their card and confidentiality)
BENEFICIARY_AREAS = ["dashboard", "messaging", "claims", "guarantees", "directory", "access"]
ZERO = Decimal("0.00")
PORTABILITY_WARNING = timedelta(days=60)  # "portabilité ending soon": within two months


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
    services = services_by_contract(session, contracts)
    return [
        ContractSummary.model_validate(
            {
                **contract.model_dump(),
                "beneficiaries": by_contract.get(contract.id or 0, []),
                "services": services.get(contract.id or 0, []),
            }
        )
        for contract in contracts
    ]


def _latest_claims(session: Session, viewer: Viewer) -> list[ClaimSummary]:
    rows = session.exec(
        select(Claim, Beneficiary)
        .join(Beneficiary, Beneficiary.id == Claim.beneficiary_id)  # type: ignore[arg-type]
        .where(*viewer.claim_conditions())
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


def _unread_messages(session: Session, viewer: Viewer, account_id: int | None) -> int:
    statement = (
        select(func.count())
        .select_from(Message)
        .join(MessageThread, MessageThread.id == Message.thread_id)  # type: ignore[arg-type]
        .where(*thread_conditions(viewer), col(Message.read_by_member_at).is_(None))
    )
    if account_id is not None:
        statement = statement.where(
            (col(Message.author_account_id).is_(None)) | (Message.author_account_id != account_id)
        )
    return int(session.exec(statement).one())


def _unpaid_by_contract(session: Session, member_id: int, today: date) -> dict[int, Decimal]:
    rows = session.exec(
        select(ContributionSchedule.contract_id, func.sum(ContributionInstalment.amount))
        .join(ContributionSchedule, ContributionSchedule.id == ContributionInstalment.schedule_id)  # type: ignore[arg-type]
        .join(Contract, Contract.id == ContributionSchedule.contract_id)  # type: ignore[arg-type]
        .where(
            Contract.member_id == member_id,
            col(ContributionInstalment.paid_at).is_(None),
            ContributionInstalment.due_date <= today,
        )
        .group_by(col(ContributionSchedule.contract_id))
    ).all()
    return {contract_id: Decimal(total).quantize(ZERO) for contract_id, total in rows if total}


def _alerts(session: Session, member_id: int, today: date, phone: str, hours: str) -> list[DashboardAlert]:
    """Contract banners: garanties suspendues, échéance impayée, contrat résilié, portabilité ending soon."""
    contracts = session.exec(select(Contract).where(Contract.member_id == member_id).order_by(col(Contract.id))).all()
    unpaid = _unpaid_by_contract(session, member_id, today)
    how_to_pay = (
        f"Pour régler, appelez le service adhérent au {phone} ({hours}) : paiement par carte bancaire, ou "
        "virement avec votre n° d'adhérent en référence. Vos garanties reprennent le lendemain du paiement, à midi."
    )
    alerts: list[DashboardAlert] = []
    for c in contracts:
        due = unpaid.get(c.id or 0)
        if c.state is ContractState.suspended:
            amount = f" : {format_eur(due)} de cotisations impayées" if due else ""
            alerts.append(
                DashboardAlert(
                    kind=DashboardAlertKind.guarantees_suspended,
                    message=f"Vos garanties « {c.name} » sont suspendues{amount}. Vos soins ne sont pas "
                    f"remboursés tant que la somme due n'est pas réglée. {how_to_pay}",
                    contract_id=c.id,
                    amount_due=due,
                )
            )
        elif due and c.state is not ContractState.terminated:
            alerts.append(
                DashboardAlert(
                    kind=DashboardAlertKind.unpaid_instalment,
                    message=f"Échéance impayée sur « {c.name} » : {format_eur(due)}. Sans règlement, vos "
                    f"garanties peuvent être suspendues. {how_to_pay}",
                    contract_id=c.id,
                    amount_due=due,
                )
            )
        if c.state is ContractState.terminated:
            since = f" depuis le {format_date(c.end_date)}" if c.end_date else ""
            alerts.append(
                DashboardAlert(
                    kind=DashboardAlertKind.contract_terminated,
                    message=f"Votre contrat « {c.name} » est résilié{since} : les soins postérieurs ne sont "
                    "plus remboursés. Vos remboursements et documents passés restent consultables ici.",
                    contract_id=c.id,
                )
            )
        elif c.state is ContractState.portability and c.end_date and today <= c.end_date <= today + PORTABILITY_WARNING:
            alerts.append(
                DashboardAlert(
                    kind=DashboardAlertKind.portability_ending,
                    message=f"Votre portabilité des droits « {c.name} » prend fin le {format_date(c.end_date)} : "
                    f"pour rester couvert(e), demandez un contrat individuel au {phone}.",
                    contract_id=c.id,
                )
            )
    order = list(DashboardAlertKind)
    return sorted(alerts, key=lambda a: order.index(a.kind))


def _own_contracts(contracts: list[ContractSummary], beneficiary_id: int) -> list[ContractSummary]:
    """A beneficiary's own access: the contracts that cover them, naming nobody else of the household."""
    return [
        c.model_copy(update={"beneficiaries": [b for b in c.beneficiaries if b.id == beneficiary_id]})
        for c in contracts
        if any(b.id == beneficiary_id for b in c.beneficiaries)
    ]


def dashboard(
    session: Session,
    viewer: Viewer,
    account: Account,
    today: date | None = None,
    *,
    phone: str = "",
    hours: str = "",
) -> Dashboard:
    member = viewer.member
    assert member.id is not None
    contracts = _contracts(session, member.id)
    if viewer.beneficiary is not None:
        # issue 21: their own name, contracts and care; the contributions' banners are the assuré principal's
        person = viewer.beneficiary
        return Dashboard(
            member_number=member.member_number,
            first_name=person.first_name,
            last_name=person.last_name,
            contracts=_own_contracts(contracts, viewer.beneficiary_id or 0),
            latest_claims=_latest_claims(session, viewer),
            unread_messages=_unread_messages(session, viewer, account.id),
            areas=list(BENEFICIARY_AREAS),
            notices=viewer.notices(),
        )
    alerts = _alerts(session, member.id, today, phone, hours) if today is not None else []
    dues = [a.amount_due for a in alerts if a.amount_due]
    return Dashboard(
        member_number=member.member_number,
        first_name=member.first_name,
        last_name=member.last_name,
        contracts=contracts,
        latest_claims=_latest_claims(session, viewer),
        unread_messages=_unread_messages(session, viewer, account.id),
        areas=list(AREAS),
        alerts=alerts,
        amount_due=sum(dues, start=ZERO) if dues else None,
        notices=viewer.notices(),
    )
