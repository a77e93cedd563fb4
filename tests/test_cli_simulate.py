"""`espace simulate`: every worked case through the command line, exit codes and French errors."""

import argparse
import io
import json
import subprocess
import sys
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from espace.simulate import run
from models.domain.money import format_eur

CASES = json.loads((Path(__file__).parent / "domain" / "data" / "reimbursement-cases.json").read_text("utf-8"))
TODAY = date(2026, 11, 23)


def _simulate(stdin_text: str, file: str = "-") -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run(
        argparse.Namespace(file=file), stdin=io.StringIO(stdin_text), stdout=out, stderr=err, today=lambda: TODAY
    )
    return code, out.getvalue(), err.getvalue()


def _totals(result: dict | list) -> dict[str, Decimal]:
    lines = result if isinstance(result, list) else [result]
    keys = ("amo_paid", "amc_paid", "out_of_pocket", "br", "amo_gross")
    return {key: sum((Decimal(line[key]) for line in lines), Decimal(0)) for key in keys}


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_every_worked_case_through_the_command(case):
    code, out, err = _simulate(json.dumps(case["request"]))
    assert (code, err) == (0, "")
    totals = _totals(json.loads(out))
    for key, expected in case["expect"].items():
        assert totals[key] == Decimal(expected), f"{case['id']} {key}"


def test_a_file_argument_holding_a_list_gives_a_list(tmp_path):
    path = tmp_path / "event.json"
    path.write_text(json.dumps([CASES[0]["request"], CASES[0]["request"]]), "utf-8")
    code, out, _ = _simulate("", file=str(path))
    assert code == 0
    assert [line["amo_paid"] for line in json.loads(out)] == ["19.00", "19.00"]


def test_the_date_defaults_to_today_given_by_the_clock():
    code, out, _ = _simulate('{"act": "G", "charged": "30", "guarantee": "100% BR"}')
    assert code == 0
    assert json.loads(out)["tariff_version"] <= TODAY.isoformat()


@pytest.mark.parametrize(
    ("stdin_text", "expected"),
    [
        ('{"act": "G", "charged": "-5", "guarantee": "100% BR"}', "charged"),
        ('{"act": "G", "charged": 30.005, "guarantee": "100% BR"}', "charged"),
        ('{"act": "ZZ", "charged": "30", "guarantee": "100% BR"}', "code acte inconnu"),
        ('[{"act": "G", "charged": "30", "guarantee": "150 BR"}]', "[0].guarantee"),
        ('{"act": "G", "charged": "30"', "n'est pas du JSON valide"),
        ('"G"', "objet"),
    ],
)
def test_a_malformed_request_exits_2_with_a_french_message_naming_the_field(stdin_text, expected):
    code, out, err = _simulate(stdin_text)
    assert code == 2
    assert out == ""
    assert err.startswith("Erreur : ")
    assert expected in err


def test_an_unreadable_file_is_a_message_not_a_traceback(tmp_path):
    code, _, err = _simulate("", file=str(tmp_path / "absent.json"))
    assert code == 2
    assert "impossible de lire" in err


def test_the_installed_console_script_reads_standard_input():
    """The real entry point, as a user types it: `echo '{…}' | espace simulate -`."""
    espace = Path(sys.executable).with_name("espace")
    done = subprocess.run(
        [str(espace), "simulate", "-"],
        input='{"act":"G","charged":"30","guarantee":"100% BR","date":"2026-06-15"}',
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert (result["amo_paid"], result["amc_paid"], result["out_of_pocket"]) == ("19.00", "9.00", "2.00")
    assert f"Reste à votre charge : {format_eur(Decimal('2'))}" in result["explanation"]
