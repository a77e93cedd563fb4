"""N° FINESS (Fichier national des établissements sanitaires et sociaux): 9 characters, the
département (2, ``2A``/``2B`` for Corsica), a 6-digit number and a Luhn check digit.

python-stdnum has no FINESS module (checked: stdnum.fr holds nir, nif, siren, siret, tva, rcs, accise),
so the documented Luhn check is implemented here. Corsica: ``2A``/``2B`` are read as ``20`` for the key
(inferred: the ATIH/FINESS documentation describes the key on the numeric form).
"""

from __future__ import annotations

import re

_FORMAT = re.compile(r"^(\d{2}|2[AB])\d{7}$")


class InvalidFiness(ValueError):
    pass


def compact(value: str) -> str:
    return re.sub(r"[\s.\-]", "", value).upper()


def luhn_valid(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        n = int(char)
        if position % 2 == 1:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def validate(value: str) -> str:
    """The compact number, or InvalidFiness with a French reason."""
    number = compact(value)
    if not _FORMAT.match(number):
        raise InvalidFiness("le n° FINESS compte 9 caractères : 9 chiffres (2A ou 2B en tête pour la Corse)")
    numeric = "20" + number[2:] if number[:2] in ("2A", "2B") else number
    if not luhn_valid(numeric):
        raise InvalidFiness("n° FINESS invalide : la clé de contrôle (dernier chiffre) ne correspond pas")
    return number
