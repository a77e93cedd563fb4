"""The pure core: reimbursement engine, guarantee notation, dated tariffs, identifiers, French formats.

Imports nothing of the project outside `models.domain`; no I/O at call time, no clock. The public API
lives in the submodules (`simulation`, `notation`, `money`, `dates`, `identifiers`, `tariffs`); only
the most used names are re-exported here, to keep this import light.
"""

from models.domain.money import format_eur, parse_amount, round_half_up
from models.domain.request import InvalidRequest, SimulationRequest, parse_request
from models.domain.simulation import SimulationResult, run_simulation_json, simulate, simulate_event

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
