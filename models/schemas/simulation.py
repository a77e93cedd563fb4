"""Simulation request/response, as in shared/domain/simulation-contract.md.

The engine (``models.domain.simulation``) validates requests itself and answers plain JSON; these
models document that JSON in the OpenAPI document (amounts are decimal strings, e.g. ``"19.00"``).
"""

import datetime as dt
from decimal import Decimal
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field


class SimulationPatient(BaseModel):
    age: int | None = Field(default=None, ge=0, le=130)
    exemptions: list[Literal["maternite", "c2s"]] = Field(default_factory=list)


class SimulationRequest(BaseModel):
    model_config = ConfigDict(extra="allow")

    act: str = Field(description="Code de l'acte (G, CS, PH7, MONTURE…)")
    charged: Decimal | str = Field(description="Montant dépensé (frais réels), 0 à 100 000 €, 2 décimales")
    quantity: int = Field(default=1, ge=1, le=365)
    date: dt.date | None = Field(default=None, description="Date des soins (par défaut : aujourd'hui)")
    br: Decimal | str | None = None
    sector: Literal["1", "2-optam", "2", "3"] = "1"
    pathway: bool = True
    setting: Literal["ville", "hospital"] = Field(
        default="ville",
        description="Lieu des soins : en ville, ou pendant un séjour à l'hôpital (80 %, sans participation)",
    )
    basket: Literal["100-sante", "maitrise", "libre"] | None = None
    ald: bool = False
    at_mp: bool = False
    patient: dict[str, Any] | None = Field(default=None, description='{"age": 40, "exemptions": []}')
    guarantee: str | None = Field(default=None, description='Ligne de garantie, ex. "100% BR"')
    guarantees: list[str] | None = None
    already_used: Decimal | str | None = None
    last_equipment: dt.date | None = None
    beneficiary_id: str | None = None


class SimulationDeduction(BaseModel):
    kind: Literal["participation_forfaitaire", "franchise"]
    amount: str


class SimulationAmcShare(BaseModel):
    contract: str
    amount: str


class SimulationResult(BaseModel):
    model_config = ConfigDict(extra="allow")

    br: str
    amo_rate: str
    amo_gross: str
    deductions: list[SimulationDeduction]
    amo_paid: str
    amc: list[SimulationAmcShare]
    amc_paid: str
    out_of_pocket: str
    tariff_version: str
    explanation: list[str]
