"""The password policy, pure: every broken rule as a code and a French sentence.

≥ 12 characters with upper, lower, digit and special, or (CNIL 2022-100) ≥ 14 with upper, lower and
digit; no accented letter; at most 128; not containing the member number, the name or the birth date;
not in a blocklist. The history (not one of the last 5) needs the stored hashes: the server adds
``REUSED`` itself. The client imports this module to check as the member types.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from importlib import resources

MIN_LENGTH = 12
MIN_LENGTH_WITHOUT_SPECIAL = 14
MAX_LENGTH = 128
RULES_SUMMARY = (
    "Au moins 12 caractères avec une majuscule, une minuscule, un chiffre et un caractère spécial "
    "(ou 14 caractères sans caractère spécial) ; sans accent ; sans votre n° adhérent, nom ni date de naissance."
)
"""The rules in one sentence, shown beside every new-password field (client screens, the reset link's page)."""
HISTORY_DEPTH = 5

MESSAGES: dict[str, str] = {
    "too_short": "Le mot de passe doit faire au moins 12 caractères (ou 14 sans caractère spécial).",
    "too_long": "Le mot de passe ne doit pas dépasser 128 caractères.",
    "missing_upper": "Ajoutez au moins une lettre majuscule.",
    "missing_lower": "Ajoutez au moins une lettre minuscule.",
    "missing_digit": "Ajoutez au moins un chiffre.",
    "missing_special": "Ajoutez au moins un caractère spécial (par exemple ! ? - _ @), ou allez jusqu'à 14 caractères.",
    "accented": "N'utilisez pas de lettre accentuée ni de caractère hors de l'alphabet latin simple.",
    "contains_member_number": "Le mot de passe ne doit pas contenir votre numéro d'adhérent.",
    "contains_name": "Le mot de passe ne doit pas contenir votre nom ni votre prénom.",
    "contains_birth_date": "Le mot de passe ne doit pas contenir votre date de naissance.",
    "blocklisted": "Ce mot de passe est trop courant : choisissez-en un autre.",
    "reused": "Ce mot de passe fait partie de vos 5 derniers : choisissez-en un nouveau.",
}
REUSED = "reused"
SPECIALS = set("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~ ")


@dataclass(frozen=True)
class Violation:
    code: str
    message: str


@dataclass(frozen=True)
class PersonalData:
    member_number: str | None = None
    first_name: str | None = None
    last_name: str | None = None
    birth_date: date | None = None
    extra: tuple[str, ...] = field(default_factory=tuple)


def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


@lru_cache(maxsize=1)
def blocklist() -> frozenset[str]:
    text = resources.files("models.domain").joinpath("data/password_blocklist.txt").read_text(encoding="utf-8")
    return frozenset(line.strip().casefold() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def _is_blocklisted(password: str) -> bool:
    folded = password.casefold()
    stripped = re.sub(r"[\d\W_]+$", "", folded)  # "Soleil2024!" is "soleil" with a tail
    core = re.sub(r"^[\d\W_]+", "", stripped)
    return folded in blocklist() or stripped in blocklist() or core in blocklist()


def _birth_forms(birth: date) -> set[str]:
    d, m, y = f"{birth.day:02d}", f"{birth.month:02d}", f"{birth.year:04d}"
    return {d + m + y, y + m + d, d + m + y[2:], f"{d}/{m}/{y}", f"{d}-{m}-{y}", f"{y}-{m}-{d}", f"{d}.{m}.{y}"}


def check(password: str, personal: PersonalData | None = None) -> list[Violation]:
    """Every rule the password breaks (empty list: acceptable, history aside)."""
    codes: list[str] = []
    if len(password) > MAX_LENGTH:
        codes.append("too_long")
    has_upper = any("A" <= c <= "Z" for c in password)
    has_lower = any("a" <= c <= "z" for c in password)
    has_digit = any("0" <= c <= "9" for c in password)
    has_special = any(c in SPECIALS for c in password)
    long_enough = len(password) >= MIN_LENGTH_WITHOUT_SPECIAL or (len(password) >= MIN_LENGTH and has_special)
    if not long_enough:
        codes.append("too_short")
    if not has_upper:
        codes.append("missing_upper")
    if not has_lower:
        codes.append("missing_lower")
    if not has_digit:
        codes.append("missing_digit")
    if not has_special and len(password) < MIN_LENGTH_WITHOUT_SPECIAL:
        codes.append("missing_special")
    if any(not (c.isascii() and (c.isalnum() or c in SPECIALS)) for c in password):
        codes.append("accented")
    if personal is not None:
        folded = _fold(password)
        compact = re.sub(r"[\s\-_.']", "", folded)
        if personal.member_number and personal.member_number in password:
            codes.append("contains_member_number")
        names = [personal.first_name, personal.last_name, *personal.extra]
        for name in names:
            if not name:
                continue
            for part in re.split(r"[\s\-']+", _fold(name)):
                if len(part) >= 3 and (part in folded or part in compact):
                    codes.append("contains_name")
                    break
            if "contains_name" in codes:
                break
        if personal.birth_date is not None and any(form in password for form in _birth_forms(personal.birth_date)):
            codes.append("contains_birth_date")
    if _is_blocklisted(password):
        codes.append("blocklisted")
    return [Violation(code, MESSAGES[code]) for code in codes]


def reused_violation() -> Violation:
    return Violation(REUSED, MESSAGES[REUSED])
