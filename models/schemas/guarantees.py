"""Mes garanties: the member's contracts with their tableaux de garanties by poste, each line in its
notation, in plain French and with an example in euros computed by the engine; what each beneficiary
has used of each ceiling this period, and when the next optical or hearing équipement is covered.
Also the simulations a member saved in their space."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, Field

from models.schemas.common import ContractKind, ContractLevel, ContractState, Relationship, SectorScope
from models.schemas.dashboard import ContractServiceOut
from models.schemas.simulation import SimulationResult

CeilingPeriod = Literal["year", "equipment", "ear"]
EquipmentKind = Literal["optics", "hearing"]


class GuaranteeExample(BaseModel):
    """A typical act for the line, computed by the engine (the UNOCAM commitments ask for euros)."""

    act_label: str = Field(description="L'acte ou l'équipement de l'exemple, en français")
    charged: Decimal
    amo_paid: Decimal
    amc_paid: Decimal = Field(description="Ce que paient les contrats de la mutuelle (tous)")
    out_of_pocket: Decimal
    sentence: str = Field(description="L'exemple en une phrase, montants en euros")


class GuaranteeLineOut(BaseModel):
    id: int
    label: str
    act_codes: list[str]
    sector_scope: SectorScope
    basket: str | None = None
    notation: str = Field(description='La ligne telle qu\'écrite au tableau, ex. "150% BR"')
    description: str = Field(description="La même en français clair")
    ceiling_period: CeilingPeriod | None = Field(
        default=None, description="Un forfait plafonné par an, par équipement ou par oreille"
    )
    example: GuaranteeExample | None = None


class CareCategoryOut(BaseModel):
    code: str = Field(description="Poste de soins (hospitalisation, soins_courants, dentaire…)")
    label: str
    lines: list[GuaranteeLineOut]


class ContractGuarantees(BaseModel):
    id: int
    code: str
    name: str
    kind: ContractKind
    level: ContractLevel
    state: ContractState
    start_date: date
    end_date: date | None = None
    base_contract_id: int | None = Field(default=None, description="Surcomplémentaire : son contrat de base")
    table_name: str
    beneficiary_ids: list[int]
    categories: list[CareCategoryOut]
    services: list[ContractServiceOut] = Field(
        default=[], description="Ce que le contrat comprend en plus des remboursements, et comment le joindre"
    )


class CeilingUse(BaseModel):
    """What one beneficiary has used of one plafonné line in its current period."""

    contract_id: int
    contract_name: str
    care_category: str
    category_label: str
    line_label: str
    notation: str
    period: CeilingPeriod
    limit: Decimal
    used: Decimal
    remaining: Decimal
    period_start: date | None = Field(default=None, description="Début de la période (équipement : sa date)")
    period_end: date | None = None


class EquipmentRenewal(BaseModel):
    kind: EquipmentKind
    last_date: date = Field(description="Date du dernier équipement pris en charge")
    next_date: date = Field(description="À partir de cette date, un nouvel équipement est remboursable")
    renewal_years: int


class BeneficiaryCover(BaseModel):
    id: int
    first_name: str
    last_name: str
    relationship: Relationship
    birth_date: date
    ceilings: list[CeilingUse]
    equipment: list[EquipmentRenewal]


class MyGuarantees(BaseModel):
    as_of: date
    contracts: list[ContractGuarantees]
    beneficiaries: list[BeneficiaryCover]


class SavedSimulationCreate(BaseModel):
    """One simulation to keep: the member-form request of each scenario (the server recomputes them).
    Two scenarios when the member does not know whether the doctor is in the OPTAM (the range)."""

    scenarios: list[dict[str, Any]] = Field(min_length=1, max_length=2)


class SavedSimulationOut(BaseModel):
    id: int
    created_at: datetime
    beneficiary_id: int
    beneficiary_name: str
    act: str
    act_label: str
    charged: Decimal
    requests: list[dict[str, Any]]
    results: list[SimulationResult]
