"""The care finder's file formats and words (issue 21), without a database: folding, recognising a file from its
first line, reading a line by the header's column names (a reordered header still reads right), the FINESS
« code postal ville » and CEDEX, the search's criteria and the sector's words."""

from __future__ import annotations

import pytest

from models.domain import directory as files
from models.domain.tariffs import SECTORS
from models.domain.vocabulary import SECTOR_WORDS


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("Saint-Étienne", "saint etienne"),
        ("BENSAÏD  Karim", "bensaid karim"),
        ("Cœur d'Alène", "coeur d alene"),
        ("Orthopédie dento-faciale", "orthopedie dento faciale"),
        ("%_", ""),
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert files.fold(text) == folded


def test_each_file_is_recognised_from_its_first_line() -> None:
    assert files.detect("|".join(files.RPPS_HEADER) + "|") == files.RPPS
    assert files.detect("finess;etalab;111;2026-11-30") == files.FINESS
    assert files.detect("structureet;130990013;130990021;…") == files.FINESS
    assert files.detect("rpps;secteur") == files.CONVENTIONS
    assert files.detect("nom;prenom") is None


def _rpps_line(header: tuple[str, ...], **values: str) -> str:
    return "|".join(values.get(name, "") for name in header) + "|"


def test_rpps_columns_are_found_by_their_names_whatever_their_order() -> None:
    reordered = tuple(reversed(files.RPPS_HEADER))
    header = files.RppsHeader("|".join(reordered) + "|")
    line = _rpps_line(
        reordered,
        **{
            "Identification nationale PP": "810009990060",
            "Nom d'exercice": "FABRE",
            "Prénom d'exercice": "Olivier",
            "Libellé profession": "Médecin",
            "Libellé savoir-faire": "Pédiatrie",
            "Bureau cedex (coord. structure)": "13007 MARSEILLE CEDEX 07",
        },
    )
    practitioner = header.read(line, 2)
    assert (practitioner.rpps, practitioner.last_name) == ("810009990060", "FABRE")
    assert practitioner.speciality == "Pédiatrie"
    # no postcode nor town in their own columns: taken from the « bureau cedex » line
    assert (practitioner.postcode, practitioner.town) == ("13007", "MARSEILLE CEDEX 07")


def test_a_finess_line_gives_its_postcode_and_town_and_the_long_name() -> None:
    fields = ["structureet", "130990054", "130990062", "CH TIMONE", "CENTRE HOSPITALIER DE LA TIMONE"] + [""] * 27
    fields[files.F_ROUTING] = "13385 MARSEILLE CEDEX 05"
    fields[files.F_STREET_NUMBER], fields[files.F_STREET_TYPE], fields[files.F_STREET] = "264", "R", "SAINT-PIERRE"
    establishment = files.read_structure(";".join(fields), 3)
    assert (establishment.name, establishment.postcode, establishment.town, establishment.address) == (
        "CENTRE HOSPITALIER DE LA TIMONE",
        "13385",
        "MARSEILLE CEDEX 05",
        "264 R SAINT-PIERRE",
    )


@pytest.mark.parametrize(
    ("what", "where", "problem"),
    [
        ("", "", files.NO_CRITERION),
        ("  ", "  ", files.NO_CRITERION),
        ("a", "", files.TOO_SHORT),
        ("cardio", "1", files.TOO_SHORT),
        ("", None, None),  # « where » not asked yet: no verdict on the whole
        ("cardio", "", None),
        ("", "13", None),
    ],
)
def test_criteria(what: str, where: str | None, problem: str | None) -> None:
    assert files.criteria_problem(what, where) == problem


def test_sector_words_and_100_sante() -> None:
    assert files.sector_words(None) == "Secteur non renseigné"
    assert files.sector_words("2-optam").startswith("Secteur 2, adhérent OPTAM")
    assert tuple(SECTOR_WORDS) == SECTORS  # the simulator's sectors, each in words
    assert files.cent_pour_cent_sante("28") == "propose le 100 % Santé (lunettes sans reste à charge)"
    assert files.cent_pour_cent_sante("10") is None


@pytest.mark.parametrize(
    ("typed", "searched"),
    [
        ("Cardiologue", ["cardiologi"]),  # finds « Cardiologie et maladies vasculaires »
        ("médecin généraliste", ["medecin", "general"]),  # « Médecine générale »
        ("pédiatre", ["pediatri"]),
        ("psychiatres", ["psychiatri"]),
        ("kiné", ["kinesi"]),
        ("orthodontiste", ["dento", "faciale"]),  # « Orthopédie dento-faciale »
        ("Durand", ["durand"]),
    ],
)
def test_a_member_s_words_meet_the_rpps_labels(typed: str, searched: list[str]) -> None:
    assert files.search_words(typed) == searched
