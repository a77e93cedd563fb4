"""Checks of what a member types in « Mon profil », each with a French message that can be shown as is.

- IBAN and BIC: schwifty (the IBAN key, the length and structure of each country, and for France the
  clé RIB of the BBAN); the BIC must agree with the IBAN's country;
- French mobile numbers: 06 or 07 then 8 digits, written 06 12 34 56 78, 0612345678, +33 6 12 34 56 78
  or 0033612345678; stored as 0612345678;
- email: one @, a dotted domain, no space, at most 254 characters (no lookup of the domain).

Pure: no database, no web library.
"""

from __future__ import annotations

import re

from schwifty import BIC, IBAN
from schwifty.exceptions import (
    InvalidBBANChecksum,
    InvalidChecksumDigits,
    InvalidCountryCode,
    InvalidLength,
    SchwiftyException,
)


class ContactError(ValueError):
    """An invalid value; the message is French and can be shown as is."""


def compact(value: str) -> str:
    return re.sub(r"[\s\-.]", "", value).upper()


def validate_iban(value: str) -> str:
    """The IBAN in compact form (FR7630006000011234567890189), or ContactError."""
    raw = compact(value)
    if not raw:
        raise ContactError("saisissez votre IBAN (il commence par FR76 pour un compte en France)")
    if not re.fullmatch(r"[A-Z0-9]+", raw):
        raise ContactError("un IBAN ne contient que des lettres et des chiffres")
    if not re.fullmatch(r"[A-Z]{2}[0-9]{2}[A-Z0-9]+", raw):
        raise ContactError("un IBAN commence par deux lettres (le pays) et deux chiffres (la clé), ex. FR76")
    try:
        iban = IBAN(raw, validate_bban=True)
    except InvalidCountryCode:
        raise ContactError(f"le pays « {raw[:2]} » n'utilise pas d'IBAN") from None
    except InvalidLength:
        expected = " (27 caractères pour la France)" if raw.startswith("FR") else ""
        raise ContactError(f"l'IBAN n'a pas la bonne longueur{expected} : vérifiez qu'il est complet") from None
    except InvalidChecksumDigits:
        raise ContactError(
            "la clé de l'IBAN (les 2 chiffres après le pays) ne correspond pas : une erreur de frappe ?"
        ) from None
    except InvalidBBANChecksum:
        raise ContactError("la clé RIB (les 2 derniers chiffres) ne correspond pas au numéro de compte") from None
    except SchwiftyException:
        raise ContactError("cet IBAN n'a pas une forme valable pour son pays") from None
    return str(iban.compact)


def validate_bic(value: str, iban: str | None = None) -> str:
    """The BIC (8 or 11 characters), or ContactError; with an IBAN, the countries must agree."""
    raw = compact(value)
    if not raw:
        raise ContactError("saisissez le BIC de votre banque (8 ou 11 caractères, ex. BNPAFRPP)")
    if len(raw) not in (8, 11):
        raise ContactError("le BIC compte 8 ou 11 caractères (ex. BNPAFRPP ou BNPAFRPPXXX)")
    if not re.fullmatch(r"[A-Z]{6}[A-Z0-9]{2}([A-Z0-9]{3})?", raw):
        raise ContactError(
            "le BIC n'a pas une forme valable : 4 lettres (banque), 2 lettres (pays), 2 caractères (ex. BNPAFRPP)"
        )
    try:
        bic = BIC(raw)
    except SchwiftyException:
        raise ContactError(
            "le BIC n'a pas une forme valable : 4 lettres (banque), 2 lettres (pays), 2 caractères"
        ) from None
    if iban is not None and bic.country_code != iban[:2]:
        raise ContactError(
            f"le BIC est celui d'une banque du pays « {bic.country_code} », l'IBAN du pays « {iban[:2]} »"
        )
    return str(bic.compact)


def mask_iban(iban: str) -> str:
    """FR7630006000011234567890189 -> FR76 **** **** **** **** ***0 189: the country and key, the last 4."""
    masked = iban[:4] + "".join("*" if c.isalnum() else c for c in iban[4:-4]) + iban[-4:]
    return " ".join(masked[i : i + 4] for i in range(0, len(masked), 4))


def validate_mobile(value: str) -> str:
    """A French mobile number in national form (0612345678, as stored), or ContactError."""
    raw = re.sub(r"[\s\-.()]", "", value)
    if not raw:
        raise ContactError("saisissez votre numéro de mobile (ex. 06 12 34 56 78)")
    if raw.startswith("+33"):
        national = "0" + raw[3:]
    elif raw.startswith("0033"):
        national = "0" + raw[4:]
    else:
        national = raw
    if not national.isdigit():
        raise ContactError("un numéro de mobile ne contient que des chiffres (et + au début)")
    if len(national) != 10:
        raise ContactError("un numéro de mobile compte 10 chiffres (ex. 06 12 34 56 78)")
    if national[:2] not in ("06", "07"):
        raise ContactError("un numéro de mobile français commence par 06 ou 07")
    if national[:2] == "07" and national[2] in "0123":
        raise ContactError("les numéros en 070, 071, 072 et 073 ne sont pas des numéros de mobile")
    return national


def format_mobile(stored: str) -> str:
    """+33612345678 -> 06 12 34 56 78."""
    national = "0" + stored[3:] if stored.startswith("+33") else stored
    return " ".join(national[i : i + 2] for i in range(0, len(national), 2))


def mask_mobile(stored: str) -> str:
    """+33612345678 -> 06 ** ** ** 78."""
    words = format_mobile(stored).split(" ")
    return " ".join([words[0], *["**"] * (len(words) - 2), words[-1]])


EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[A-Za-z]{2,}")


def validate_email(value: str) -> str:
    """The address, trimmed and lower-cased, or ContactError."""
    raw = value.strip()
    if not raw:
        raise ContactError("saisissez votre adresse e-mail")
    if len(raw) > 254:
        raise ContactError("l'adresse e-mail est trop longue (254 caractères au plus)")
    if raw.count("@") != 1:
        raise ContactError("une adresse e-mail contient un seul @ (ex. prenom.nom@exemple.fr)")
    if any(c.isspace() for c in raw):
        raise ContactError("une adresse e-mail ne contient pas d'espace")
    local, domain = raw.split("@")
    if not local:
        raise ContactError("il manque la partie avant le @")
    if not EMAIL.fullmatch(raw) or domain.startswith(".") or ".." in domain:
        raise ContactError("le domaine après le @ doit être complet (ex. exemple.fr)")
    return raw.lower()


POSTAL_CODE = re.compile(r"\d{5}")


def validate_postal_code(value: str) -> str:
    raw = value.strip().replace(" ", "")
    if not POSTAL_CODE.fullmatch(raw):
        raise ContactError("le code postal compte 5 chiffres (ex. 13001)")
    return raw
