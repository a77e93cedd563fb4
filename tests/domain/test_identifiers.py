import datetime as dt

import pytest

from models.domain.identifiers import NirError, make_nir, nir_matches, validate_nir


def test_known_valid_numbers():
    assert validate_nir("295109912611193") == "295109912611193"
    assert validate_nir("2 53 07 2B 073 004 70") == "253072B07300470"


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("295109912611194", "la clé"),
        ("29510991261119", "15 caractères"),
        ("2951099126111X3", "que des chiffres"),
    ],
)
def test_refused_with_a_french_reason(number, message):
    with pytest.raises(NirError, match=message):
        validate_nir(number)


def _with_key(body: str) -> str:
    # The same key formula as stdnum, so that only the rule under test fails.
    return body + f"{97 - int(body) % 97:02d}"


def test_first_digit_and_month_rules_stdnum_lacks():
    with pytest.raises(NirError, match="premier chiffre"):
        validate_nir(_with_key("5951099126111"))
    with pytest.raises(NirError, match="mois"):
        validate_nir(_with_key("2951399126111"))
    with pytest.raises(NirError, match="mois"):
        validate_nir(_with_key("2950099126111"))
    # Unknown months used by the INSEE and provisional first digits are accepted.
    assert validate_nir(_with_key("1953075056001"))
    assert validate_nir(_with_key("7955075056001"))


def test_make_nir_round_trips_and_matches_the_person():
    nir = make_nir("F", dt.date(1995, 10, 3), "99", "126", 111)
    assert nir == "295109912611193"
    corsica = make_nir("F", dt.date(1953, 7, 20), "2B", 73, 4)
    assert corsica == "253072B07300470"
    assert nir_matches(corsica, "F", dt.date(1953, 7, 20))
    assert not nir_matches(corsica, "M", dt.date(1953, 7, 20))
    assert not nir_matches(corsica, "F", dt.date(1954, 7, 20))
    assert not nir_matches(corsica, "F", dt.date(1953, 8, 20))
    unknown_month = _with_key("1953075056001")
    assert nir_matches(unknown_month, "M", dt.date(1995, 4, 1))


def test_make_nir_refuses_a_wrong_place():
    with pytest.raises(NirError, match="5 caractères"):
        make_nir("M", dt.date(1990, 1, 1), "75", "1", 1)
