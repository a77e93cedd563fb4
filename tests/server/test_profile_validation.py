"""The checks of « Mon profil »: IBAN (with the clé RIB), BIC, NIR, French mobile numbers, email — each
refusal with a French message that names the problem."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.domain.contact import (
    ContactError,
    mask_iban,
    validate_bic,
    validate_email,
    validate_iban,
    validate_mobile,
)
from models.domain.identifiers import NirError, validate_nir

GOOD_IBAN = "FR7630006000011234567890189"
HYPOTHESIS = settings(derandomize=True, database=None, max_examples=200, deadline=None)


def iban_for(bban: str, country: str = "FR") -> str:
    digits = "".join(str(int(c, 36)) for c in bban + country + "00")
    return f"{country}{98 - int(digits) % 97:02d}{bban}"


def test_a_good_iban_in_any_spacing():
    assert validate_iban("fr76 3000 6000 0112 3456 7890 189") == GOOD_IBAN
    assert validate_iban(" FR76-3000-6000-0112-3456-7890-189 ") == GOOD_IBAN


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "saisissez votre IBAN"),
        ("FR76 3000 6000 0112 3456 7890 188", "clé de l'IBAN"),
        ("FR76 3000 6000 0112 3456 7890 1", "27 caractères pour la France"),
        (iban_for("30006000011234567890100"), "clé RIB"),
        ("FR76 3000 6000 0112 3456 7890 18é", "que des lettres et des chiffres"),
        ("7630006000011234567890189", "deux lettres (le pays)"),
        ("ZZ76 3000 6000 0112 3456 7890 189", "n'utilise pas d'IBAN"),
    ],
)
def test_a_wrong_iban_says_what_is_wrong(value, words):
    with pytest.raises(ContactError, match=re.escape(words)):
        validate_iban(value)


@HYPOTHESIS
@given(st.from_regex(r"[0-9]{23}", fullmatch=True), st.integers(min_value=0, max_value=96))
def test_the_rib_key_is_checked_even_when_the_iban_key_is_right(bban, shift):
    """Any BBAN whose clé RIB is wrong is refused although its IBAN key was computed right."""
    from schwifty import IBAN  # the library itself: the property is about our wording

    iban = iban_for(bban)
    try:
        IBAN(iban, validate_bban=True)
        ok = True
    except Exception:
        ok = False
    if ok:
        assert validate_iban(iban) == iban
    else:
        with pytest.raises(ContactError, match="clé RIB"):
            validate_iban(iban)


def test_the_iban_is_shown_masked():
    assert mask_iban(GOOD_IBAN) == "FR76 **** **** **** **** ***0 189"
    assert mask_iban("FR7610278089000002013640145") == "FR76 **** **** **** **** ***0 145"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "saisissez le BIC"),
        ("BNPAFR", "8 ou 11 caractères"),
        ("BNP1FRPP", "forme valable"),
        ("DEUTDEFF", "pays « DE », l'IBAN du pays « FR »"),
    ],
)
def test_a_wrong_bic_says_what_is_wrong(value, words):
    with pytest.raises(ContactError, match=re.escape(words)):
        validate_bic(value, GOOD_IBAN)


def test_a_good_bic():
    assert validate_bic("agri fr pp", GOOD_IBAN) == "AGRIFRPP"
    assert validate_bic("AGRIFRPPXXX", GOOD_IBAN) == "AGRIFRPPXXX"


def test_the_nir_keeps_its_french_messages():
    with pytest.raises(NirError, match="la clé"):
        validate_nir("280057512345600")
    with pytest.raises(NirError, match="15 caractères"):
        validate_nir("2800575123456")


@HYPOTHESIS
@given(
    st.sampled_from("67"),
    st.from_regex(r"[4-9][0-9]{7}", fullmatch=True),
    st.sampled_from(["0{p}{d}", "+33{p}{d}", "0033{p}{d}", "0{p} {s}", "+33 {p} {s}", "0{p}.{dots}"]),
)
def test_every_way_of_writing_a_french_mobile(prefix, digits, form):
    spaced = " ".join(digits[i : i + 2] for i in range(0, 8, 2))
    written = form.format(p=prefix, d=digits, s=spaced, dots=spaced.replace(" ", "."))
    assert validate_mobile(written) == f"0{prefix}{digits}"


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "saisissez votre numéro"),
        ("01 23 45 67 89", "commence par 06 ou 07"),
        ("06 12 34 56", "10 chiffres"),
        ("06 12 34 56 7a", "que des chiffres"),
        ("07 01 23 45 67", "ne sont pas des numéros de mobile"),
    ],
)
def test_a_wrong_mobile_says_what_is_wrong(value, words):
    with pytest.raises(ContactError, match=re.escape(words)):
        validate_mobile(value)


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("", "saisissez votre adresse"),
        ("prenom.nom.exemple.fr", "un seul @"),
        ("a@b@exemple.fr", "un seul @"),
        ("prenom nom@exemple.fr", "pas d'espace"),
        ("@exemple.fr", "avant le @"),
        ("prenom@exemple", "domaine"),
        ("x" * 250 + "@exemple.fr", "trop longue"),
    ],
)
def test_a_wrong_email_says_what_is_wrong(value, words):
    with pytest.raises(ContactError, match=re.escape(words)):
        validate_email(value)


@HYPOTHESIS
@given(st.from_regex(r"[a-z][a-z0-9.]{0,20}[a-z0-9]@[a-z]{2,10}\.(fr|com|org)", fullmatch=True))
def test_plain_addresses_are_accepted_lower_cased(address):
    assert validate_email(address.upper()) == address
