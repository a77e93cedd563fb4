"""Every worked case comes out exactly: those of shared/domain/reimbursement-cases.json, and the sourced,
dated cases of issue 17 in the same format (a non-OPTAM line, heavy acts in ville and at the hospital, a
devis against a consumed ceiling), tests/domain/data/worked-cases-issue17.json."""

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
ISSUE17 = json.loads((Path(__file__).parent / "data" / "worked-cases-issue17.json").read_text(encoding="utf-8"))
TODAY = dt.date(2026, 6, 15)


def test_the_copy_is_the_shared_file_when_it_is_present():
    if SHARED.exists():
        assert json.loads(SHARED.read_text(encoding="utf-8")) == CASES
    assert {case["id"] for case in CASES} >= {"C01", "C02", "C05", "C08", "C12", "C14", "C19", "C20"}


@pytest.mark.parametrize("case", CASES + ISSUE17, ids=[case["id"] for case in CASES + ISSUE17])
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


def test_the_cases_of_issue_17_are_sourced_dated_and_cover_every_rule_touched():
    for case in ISSUE17:
        assert case["source"].strip() and dt.date.fromisoformat(case["as_of"])
        requests = case["request"] if isinstance(case["request"], list) else [case["request"]]
        assert all("date" in request for request in requests), case["id"]
    flat = [
        r for case in ISSUE17 for r in (case["request"] if isinstance(case["request"], list) else [case["request"]])
    ]
    assert any(r["act"] == "CS" and r.get("sector") == "2" for r in flat)  # a non-OPTAM line
    assert any(r.get("setting", "ville") == "ville" and r["act"] == "ATM" for r in flat)  # heavy act in ville
    assert any(r.get("setting") == "hospital" and r["act"] == "ADC" for r in flat)  # heavy act in a clinic
    assert any(r["act"] == "FORFAIT_24" for r in flat)  # the forfait as its own line
    assert any(r.get("already_used") for r in flat)  # a devis against a consumed ceiling
