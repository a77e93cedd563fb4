"""The services a contract includes beyond reimbursements (issue 21, item 4): assistance, téléconsultation,
deuxième avis médical, prévention, with how to reach each. They belong to the product (the guarantee
table); whether the member may use them now depends on the contract's state, decided here once for the
dashboard, Mes garanties and the conseiller's dossier."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlmodel import Session, col, select

from models.domain.vocabulary import service_unavailable_reason, status_words
from models.schemas.dashboard import ContractServiceOut
from models.tables import Contract, ContractService


def services_by_contract(session: Session, contracts: Sequence[Contract]) -> dict[int, list[ContractServiceOut]]:
    """Each contract's services in the order of its product, with whether they may be used now."""
    table_ids = sorted({c.guarantee_table_id for c in contracts})
    by_table: dict[int, list[ContractService]] = defaultdict(list)
    for row in session.exec(
        select(ContractService)
        .where(col(ContractService.table_id).in_(table_ids))
        .order_by(col(ContractService.position), col(ContractService.id))
    ).all():
        by_table[row.table_id].append(row)
    result: dict[int, list[ContractServiceOut]] = {}
    for contract in contracts:
        reason = service_unavailable_reason(contract.state)
        result[contract.id or 0] = [
            ContractServiceOut(
                kind=row.kind,
                label=status_words(row.kind),
                name=row.name,
                description=row.description,
                phone=row.phone,
                hours=row.hours,
                web=row.web,
                conditions=row.conditions,
                available=reason is None,
                unavailable_reason=reason,
            )
            for row in by_table.get(contract.guarantee_table_id, [])
        ]
    return result
