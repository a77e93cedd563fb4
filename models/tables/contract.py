"""Contracts, the guarantee tables they point to, and contribution schedules."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlmodel import Field, SQLModel

from models.schemas.common import ContractKind, ContractLevel, ContractServiceKind, ContractState, SectorScope
from models.tables._types import enum_field, json_field, money_field, utc_field


class GuaranteeTable(SQLModel, table=True):
    __tablename__ = "guarantee_table"

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name: str = Field(max_length=200)


class GuaranteeLine(SQLModel, table=True):
    """One line of a tableau de garanties: which acts it covers and the engine notation it pays."""

    __tablename__ = "guarantee_line"

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="guarantee_table.id", index=True)
    care_category: str = Field(max_length=50)  # poste de soins
    act_codes: list[str] = json_field(default_factory=list)  # acts this line covers
    sector_scope: SectorScope = enum_field(SectorScope, default=SectorScope.any)
    basket: str | None = Field(default=None, max_length=20)  # "100-sante" / "maitrise" / "libre"
    notation: str = Field(max_length=200)  # e.g. "150% BR", "forfait 100 € RO inclus par équipement"
    label: str = Field(max_length=200)
    position: int = 0


class ContractService(SQLModel, table=True):
    """A service the product includes beyond reimbursements (assistance, téléconsultation, deuxième avis
    médical, prévention) and how to reach it. It belongs to the guarantee table — the product every contract
    on it shares, as the seed portals show one assistance for the collective contract and another for the
    individual one — not to each member's contract row."""

    __tablename__ = "contract_service"

    id: int | None = Field(default=None, primary_key=True)
    table_id: int = Field(foreign_key="guarantee_table.id", index=True)
    kind: ContractServiceKind = enum_field(ContractServiceKind)
    name: str = Field(max_length=200)  # the provider's or the service's own name
    description: str = Field(max_length=500)
    phone: str | None = Field(default=None, max_length=40)
    hours: str | None = Field(default=None, max_length=200)
    web: str | None = Field(default=None, max_length=200)
    conditions: str = Field(max_length=500)  # who may use it and when: « 3 séances par an »…
    position: int = 0


class Contract(SQLModel, table=True):
    __tablename__ = "contract"

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    code: str = Field(max_length=32)  # e.g. C40SOCLE
    name: str = Field(max_length=200)
    kind: ContractKind = enum_field(ContractKind)
    level: ContractLevel = enum_field(ContractLevel, default=ContractLevel.base)
    base_contract_id: int | None = Field(default=None, foreign_key="contract.id")  # surcomplémentaire
    state: ContractState = enum_field(ContractState, default=ContractState.active)
    start_date: date
    end_date: date | None = None
    employer: str | None = Field(default=None, max_length=200)
    guarantee_table_id: int = Field(foreign_key="guarantee_table.id", index=True)


class ContractBeneficiary(SQLModel, table=True):
    __tablename__ = "contract_beneficiary"

    contract_id: int = Field(foreign_key="contract.id", primary_key=True)
    beneficiary_id: int = Field(foreign_key="beneficiary.id", primary_key=True, index=True)


class ContributionSchedule(SQLModel, table=True):
    """Échéancier de cotisations of an individual contract."""

    __tablename__ = "contribution_schedule"

    id: int | None = Field(default=None, primary_key=True)
    contract_id: int = Field(foreign_key="contract.id", index=True)
    year: int
    frequency: str = Field(default="monthly", max_length=20)


class ContributionInstalment(SQLModel, table=True):
    __tablename__ = "contribution_instalment"

    id: int | None = Field(default=None, primary_key=True)
    schedule_id: int = Field(foreign_key="contribution_schedule.id", index=True)
    due_date: date
    amount: Decimal = money_field()
    paid_at: datetime | None = utc_field(nullable=True)
