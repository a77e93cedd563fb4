"""Every worked case of shared/domain/reimbursement-cases.json comes out exactly."""

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import pytest

from models.domain.simulation import run_simulation_json

COPY = Path(__file__).parent / "data" / "reimbursement-cases.json"
# CI clones the repository with shared/ beside it.
SHARED = Path(__file__).resolve().parents[2].parent / "shared" / "domain" / "reimbursement-cases.json"
CASES = json.loads(COPY.read_text(encoding="utf-8"))
TODAY = dt.date(2026, 6, 15)


def test_the_copy_is_the_shared_file_when_it_is_present():
    if SHARED.exists():
        assert json.loads(SHARED.read_text(encoding="utf-8")) == CASES
    assert {case["id"] for case in CASES} >= {"C01", "C02", "C05", "C08", "C12", "C14", "C19", "C20"}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_worked_case(case):
    response = run_simulation_json(case["request"], TODAY)
    if isinstance(response, list):
        # List requests are compared on their totals (the file's note).
        got = {
            key: str(sum((Decimal(line[key]) for line in response), Decimal("0.00")))
            for key in ("amo_paid", "amc_paid", "out_of_pocket")
        }
        lines = response
    else:
        got, lines = response, [response]
    assert {key: got[key] for key in case["expect"]} == case["expect"]
    requests = case["request"] if isinstance(case["request"], list) else [case["request"]]
    for line, request in zip(lines, requests, strict=True):
        total = Decimal(line["amo_paid"]) + Decimal(line["amc_paid"]) + Decimal(line["out_of_pocket"])
        assert total == Decimal(request["charged"])
