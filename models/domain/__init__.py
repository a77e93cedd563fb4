"""The pure core: reimbursement engine, guarantee notation, dated tariffs, identifiers, French formats.

Imports nothing of the project outside `models.domain`; no I/O at call time, no clock. The public API
lives in the submodules (`simulation`, `notation`, `money`, `dates`, `identifiers`, `tariffs`); the most
used names are also reachable here, imported on first use (PEP 562): importing `models.domain.dates`
must not load the reimbursement engine (the client's start-up, issue 11).
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from models.domain.money import format_eur, parse_amount, round_half_up
    from models.domain.request import InvalidRequest, SimulationRequest, parse_request
    from models.domain.simulation import SimulationResult, run_simulation_json, simulate, simulate_event

_WHERE = {
    "format_eur": "money",
    "parse_amount": "money",
    "round_half_up": "money",
    "InvalidRequest": "request",
    "SimulationRequest": "request",
    "parse_request": "request",
    "SimulationResult": "simulation",
    "run_simulation_json": "simulation",
    "simulate": "simulation",
    "simulate_event": "simulation",
}

__all__ = [
    "InvalidRequest",
    "SimulationRequest",
    "SimulationResult",
    "format_eur",
    "parse_amount",
    "parse_request",
    "round_half_up",
    "run_simulation_json",
    "simulate",
    "simulate_event",
]


def __getattr__(name: str) -> Any:
    if name not in _WHERE:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    return getattr(importlib.import_module(f"{__name__}.{_WHERE[name]}"), name)
