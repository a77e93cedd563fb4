"""Simulations a member saved in their space: what was asked and what the engine answered then."""

from __future__ import annotations

from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlmodel import Field, SQLModel

from models.tables._types import json_field, utc_field


class SavedSimulation(SQLModel, table=True):
    """One saved simulation. ``requests`` holds the member-form request of each scenario (one, or two
    when the member did not know whether the doctor is in the OPTAM: the range), ``results`` the
    engine's response to each, as computed when saved (never recomputed)."""

    __tablename__ = "saved_simulation"
    __table_args__ = (sa.Index("ix_saved_simulation_member_created", "member_id", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    beneficiary_id: int = Field(foreign_key="beneficiary.id", index=True)
    act: str = Field(max_length=32)
    charged: str = Field(max_length=20)  # the amount as the engine read it ("60.00")
    requests: list[Any] = json_field(default_factory=list)
    results: list[Any] = json_field(default_factory=list)
    created_at: datetime = utc_field()
