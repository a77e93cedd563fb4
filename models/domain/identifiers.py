"""NIR (numéro de sécurité sociale) checks with French messages.

python-stdnum (`stdnum.fr.nir`) checks the length, the characters (2A/2B for Corsica) and the key.
It does not check the first digit nor the month (reimbursement-rules.md §7), so this module adds:
  - first digit: 1 (man) or 2 (woman); 3 and 4 (people born abroad registered under the
    provisional scheme of the past) and 7 and 8 (NIA, numéro d'identification d'attente, given while
    the INSEE registers someone) are accepted as provisional numbers, odd for men, even for women;
  - month: 01–12, or the INSEE ranges for an unknown or fictitious month (20–42 and 50–99).
"""

from __future__ import annotations

import datetime as dt

from stdnum.exceptions import InvalidChecksum, InvalidLength, ValidationError
from stdnum.fr import nir as stdnum_nir

MALE_DIGITS = frozenset("137")
FEMALE_DIGITS = frozenset("248")


class NirError(ValueError):
    """An invalid NIR; the message is French and can be shown as is."""


def _month_known(month: int) -> bool:
    return 1 <= month <= 12


def _month_allowed(month: int) -> bool:
    return _month_known(month) or 20 <= month <= 42 or month >= 50


def validate_nir(value: str) -> str:
    """The NIR in compact form (15 characters), or NirError saying what is wrong."""
    if not isinstance(value, str):
        raise NirError("le numéro de sécurité sociale doit être une chaîne de caractères")
    try:
        number = stdnum_nir.validate(value)
    except InvalidLength:
        raise NirError(
            "le numéro de sécurité sociale comporte 15 caractères : 13 chiffres et une clé de 2 chiffres"
        ) from None
    except InvalidChecksum:
        raise NirError("la clé (les deux derniers chiffres) ne correspond pas au numéro de sécurité sociale") from None
    except ValidationError:
        raise NirError(
            "le numéro de sécurité sociale ne contient que des chiffres (et 2A ou 2B pour la Corse)"
        ) from None
    if number[0] not in MALE_DIGITS | FEMALE_DIGITS:
        raise NirError("le premier chiffre doit être 1 (homme) ou 2 (femme)")
    if not _month_allowed(int(number[3:5])):
        raise NirError(f"le mois de naissance « {number[3:5]} » n'existe pas (01 à 12)")
    return number


def spaced_nir(nir: str | None) -> str:
    """« 2 88 03 63 113 412 27 », as printed on a carte Vitale (the card, its PDF); « – » when unknown."""
    if not nir or len(nir) != 15:
        return "–"
    return f"{nir[0]} {nir[1:3]} {nir[3:5]} {nir[5:7]} {nir[7:10]} {nir[10:13]} {nir[13:]}"


def nir_matches(nir: str, sex: str, birth_date: dt.date) -> bool:
    """Whether a valid NIR agrees with the person's sex ("M"/"H" or "F") and birth date.

    An unknown month (20–42, 50–99) matches any month; the year is compared on its two digits.
    """
    number = validate_nir(nir)
    sex = sex.strip().upper()
    if sex in ("M", "H"):
        if number[0] not in MALE_DIGITS:
            return False
    elif sex == "F":
        if number[0] not in FEMALE_DIGITS:
            return False
    else:
        raise NirError("le sexe doit être « M » ou « F »")
    if int(number[1:3]) != birth_date.year % 100:
        return False
    month = int(number[3:5])
    return not _month_known(month) or month == birth_date.month


def make_nir(sex: str, birth_date: dt.date, department: str, commune: str | int, order: int) -> str:
    """Build a valid NIR with its key (used by the demo fixtures).

    `department` and `commune` together make the 5-character place of birth: "75" + "056", "2A" +
    "004", or, overseas, "971" + "05"; "99" + a country code for people born abroad.
    """
    sex = sex.strip().upper()
    if sex not in ("M", "H", "F"):
        raise NirError("le sexe doit être « M » ou « F »")
    place = f"{department}{commune:03d}" if isinstance(commune, int) else f"{department}{commune}"
    if len(place) != 5:
        raise NirError("le département et la commune de naissance font ensemble 5 caractères")
    if not 1 <= order <= 999:
        raise NirError("le numéro d'ordre va de 001 à 999")
    first = "2" if sex == "F" else "1"
    body = f"{first}{birth_date.year % 100:02d}{birth_date.month:02d}{place}{order:03d}"
    return validate_nir(body + stdnum_nir.calc_check_digits(body))


# --- names, as a conseiller types them ---------------------------------------------------------------

_LIGATURES = str.maketrans({"œ": "oe", "æ": "ae", "’": "'", "ʼ": "'"})


def fold_name(text: str) -> str:
    """A name as searched: lower case, accents stripped, spaces collapsed ("MÜLLER" -> "muller",
    "Hélène" -> "helene", "Œuvray" -> "oeuvray"). Stored beside the name so an index answers prefixes."""
    import unicodedata

    decomposed = unicodedata.normalize("NFKD", text.casefold().translate(_LIGATURES))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(plain.split())
