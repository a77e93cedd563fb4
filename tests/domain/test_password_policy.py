"""The password policy (security-rules.md, Password composition): property tests, and one test per broken
rule asserting its code. Hypothesis runs derandomized without an example database (tests/domain/conftest.py;
repeated here so this module stays reproducible wherever it is run from)."""

from __future__ import annotations

import string
from datetime import date

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from models.domain.password_policy import (
    MAX_LENGTH,
    MESSAGES,
    MIN_LENGTH,
    MIN_LENGTH_WITHOUT_SPECIAL,
    SPECIALS,
    PersonalData,
    blocklist,
    check,
    reused_violation,
)

reproducible = settings(derandomize=True, database=None, max_examples=200, deadline=None)
PERSONAL = PersonalData(member_number="1209934", first_name="Kévin", last_name="Nguyen", birth_date=date(1994, 3, 8))
SAFE = "Zq7!mxr-Volta"  # 13 characters, every class, nothing personal, not blocklisted

UPPER, LOWER, DIGITS = string.ascii_uppercase, string.ascii_lowercase, string.digits
SPECIAL = "".join(sorted(SPECIALS - {" "}))
ALLOWED = UPPER + LOWER + DIGITS + SPECIAL + " "


def codes(password: str, personal: PersonalData | None = PERSONAL) -> set[str]:
    return {v.code for v in check(password, personal)}


@st.composite
def strong(draw: st.DrawFn) -> str:
    """A password that meets every composition rule: one of each class, ≥ 12, ASCII, far from Kévin."""
    parts = [draw(st.sampled_from(alphabet)) for alphabet in (UPPER, LOWER, DIGITS, SPECIAL)]
    parts += draw(st.lists(st.sampled_from("XWQZJxwqzj!?#%"), min_size=MIN_LENGTH - 4, max_size=40))
    return "".join(draw(st.permutations(parts)))


@reproducible
@given(strong())
def test_a_password_with_every_class_and_enough_length_is_accepted(password):
    assert check(password, PERSONAL) == []


@reproducible
@given(st.text(alphabet=ALLOWED + "éàçÉ€ß", max_size=MAX_LENGTH + 20))
def test_every_violation_has_a_known_code_and_its_french_sentence(password):
    for violation in check(password, PERSONAL):
        assert violation.message == MESSAGES[violation.code]
    assert len({v.code for v in check(password, PERSONAL)}) == len(check(password, PERSONAL))  # each code once


@reproducible
@given(st.text(alphabet=ALLOWED, max_size=MIN_LENGTH - 1))
def test_anything_under_twelve_characters_is_too_short(password):
    assert "too_short" in codes(password)


@reproducible
@given(st.text(alphabet=ALLOWED, min_size=MAX_LENGTH + 1, max_size=MAX_LENGTH + 40))
def test_anything_over_128_characters_is_too_long(password):
    assert "too_long" in codes(password)


@reproducible
@given(strong(), st.sampled_from("éèàçÉôü€ß"), st.integers(min_value=0, max_value=50))
def test_one_accented_character_anywhere_is_refused(password, accent, where):
    where = min(where, len(password))
    assert "accented" in codes(password[:where] + accent + password[where:])


@reproducible
@given(st.text(alphabet=UPPER + LOWER + DIGITS, min_size=MIN_LENGTH_WITHOUT_SPECIAL, max_size=60))
def test_fourteen_characters_need_no_special_character_cnil(password):
    assert "missing_special" not in codes(password) and "too_short" not in codes(password)


@reproducible
@given(strong(), st.integers(min_value=0, max_value=50))
def test_the_member_number_anywhere_is_refused(password, where):
    where = min(where, len(password))
    assert "contains_member_number" in codes(password[:where] + "1209934" + password[where:])


@reproducible
@given(strong())
def test_the_policy_is_deterministic_and_ignores_nothing_without_personal_data(password):
    assert check(password, PERSONAL) == check(password, PERSONAL)
    assert codes(password, None) <= codes(password, PERSONAL)


@pytest.mark.parametrize(
    ("password", "code"),
    [
        ("Zq7!mxr-Vol", "too_short"),  # 11 characters
        ("Zq7!" + "x" * (MAX_LENGTH - 3), "too_long"),
        ("zq7!mxr-volta", "missing_upper"),
        ("ZQ7!MXR-VOLTA", "missing_lower"),
        ("Zqx!mxr-Volta", "missing_digit"),
        ("Zq7xmxrsVolta", "missing_special"),  # 13 characters without a special one
        ("Zq7!mxr-Vélta", "accented"),
        ("Zq7!1209934-V", "contains_member_number"),
        ("Zq7!Nguyen-Volta", "contains_name"),
        ("Zq7!kevin-Volta", "contains_name"),  # the first name, without its accent
        ("Zq!08031994-Vx", "contains_birth_date"),
        ("Zq!1994-03-08Vx", "contains_birth_date"),
        ("Azertyuiop2026!", "blocklisted"),
    ],
)
def test_each_broken_rule_gives_its_code(password, code):
    assert code in codes(password), check(password, PERSONAL)
    assert code not in codes(SAFE)


def test_a_safe_password_breaks_nothing_and_the_blocklist_is_loaded():
    assert check(SAFE, PERSONAL) == []
    assert "azertyuiop" in blocklist()


def test_reuse_is_the_servers_code():
    assert reused_violation().code == "reused" and reused_violation().message == MESSAGES["reused"]
