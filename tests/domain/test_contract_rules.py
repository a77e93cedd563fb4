"""The contrat responsable's rules on non-OPTAM lines are rules on how a table is written (checked when it is
loaded); the engine then applies the line that matches the doctor, once."""

import datetime as dt

import pytest

from fixtures.catalog import TABLES, check_tables
from models.domain.contract_rules import ContractNotResponsible, LineSpec, check_table, responsibility_problems

DAY = dt.date(2026, 6, 15)
OPTAM = LineSpec("Spécialistes — OPTAM", ("CS",), "200% BR", "optam")


def test_every_table_of_the_demo_world_is_responsible():
    check_tables(TABLES, DAY)


def test_a_non_optam_line_less_than_20_points_below_its_optam_line_is_refused_naming_both_lines():
    with pytest.raises(ContractNotResponsible) as refused:
        check_table(
            "Santé Premium", [OPTAM, LineSpec("Spécialistes — non OPTAM", ("CS",), "190% BR", "non_optam")], DAY
        )
    [problem] = refused.value.problems
    assert "« Spécialistes — non OPTAM » (190% BR)" in problem
    assert "« Spécialistes — OPTAM » (200% BR)" in problem and "au plus 180% BR" in problem
    assert "Tableau « Santé Premium » refusé (contrat responsable)" in str(refused.value)
    # 20 points exactly is the rule, not a breach
    assert responsibility_problems([OPTAM, LineSpec("non OPTAM", ("CS",), "180% BR", "non_optam")], DAY) == []


def test_a_non_optam_line_covering_more_than_100_percent_of_excess_is_refused():
    problems = responsibility_problems([LineSpec("Chirurgie — non OPTAM", ("ADC",), "TM + 120% BR", "non_optam")], DAY)
    assert problems and "au-delà de 100 % de la base de remboursement (au plus 200% BR" in problems[0]


def test_a_line_for_every_doctor_cannot_cover_excess_fees_and_a_non_optam_line_is_written_in_br():
    problems = responsibility_problems(
        [
            LineSpec("Spécialistes", ("CS",), "150% BR"),
            LineSpec("Psychiatres non OPTAM", ("CNPSY",), "100% FR", "non_optam"),
            LineSpec("Généralistes", ("G",), "100% BR"),  # no dépassement covered: fine for every doctor
            LineSpec("Pharmacie", ("PH7",), "100% FR"),  # not a doctor's act: not concerned
        ],
        DAY,
    )
    assert len(problems) == 2
    assert "« Spécialistes » (150% BR) couvre des dépassements d'honoraires pour tous les médecins" in problems[0]
    assert "« Psychiatres non OPTAM » (100% FR) doit s'écrire en pourcentage de la base" in problems[1]


def test_a_non_optam_line_without_excess_is_never_refused_for_the_gap():
    assert responsibility_problems([OPTAM, LineSpec("non OPTAM", ("CS",), "100% BR", "non_optam")], DAY) == []
