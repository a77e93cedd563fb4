"""Money in euros: parsing, rounding to the cent and French display.

Every amount is a `Decimal`; floats never reach a computation (a JSON number is read through its
textual form so that 30.1 stays 30.10 and not 30.0999…).

Display uses U+00A0 (no-break space) both as thousands separator and before the euro sign. The
narrow no-break space U+202F is the typographer's choice, but many terminal fonts and screen readers
render it badly; U+00A0 is universally supported and still prevents a line break inside an amount.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

NBSP = "\u00a0"
CENT = Decimal("0.01")
ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("100000")


class AmountError(ValueError):
    """An amount that cannot be read; the message is French and shown as is."""


def round_half_up(value: Decimal) -> Decimal:
    """Round to the cent, half up (the convention of the décomptes: 0,005 € becomes 0,01 €)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def parse_amount(value: str | int | float | Decimal) -> Decimal:
    """Read an amount given as text ("62,50", "62.50", "1 234,56 €"), integer or Decimal.

    Raises AmountError for anything that is not a finite number; range checks belong to the caller,
    which knows what the amount means.
    """
    if isinstance(value, bool):
        # bool is an int subclass: True must not silently become 1 €.
        raise AmountError(f"« {value} » n'est pas un montant")
    if isinstance(value, Decimal):
        result = value
    elif isinstance(value, int):
        result = Decimal(value)
    elif isinstance(value, float):
        # repr() gives the shortest text that reads back as the same float: 30.1 -> "30.1".
        try:
            result = Decimal(repr(value))
        except InvalidOperation as exc:  # pragma: no cover - repr of a float is always readable
            raise AmountError(f"« {value} » n'est pas un montant") from exc
    elif isinstance(value, str):
        text = value.strip().replace(NBSP, "").replace("\u202f", "").replace(" ", "")
        text = text.removesuffix("€").replace(",", ".")
        if not text or text.count(".") > 1 or not text.lstrip("+-").replace(".", "").isdigit():
            raise AmountError(f"« {value} » n'est pas un montant")
        try:
            result = Decimal(text)
        except InvalidOperation as exc:  # "²" is a digit for str.isdigit(), "+-5" passes lstrip: not for Decimal
            raise AmountError(f"« {value} » n'est pas un montant") from exc
    else:
        raise AmountError(f"« {value!r} » n'est pas un montant")
    if not result.is_finite():
        raise AmountError(f"« {value} » n'est pas un montant")
    return result


def read_typed_amount(text: str, *, limit: Decimal = MAX_AMOUNT, allow_zero: bool = False) -> Decimal:
    """THE reader of an amount a person typed, in every form of both front ends: « 60 », « 60,50 »,
    « 60.50 », « 60 € », « 1 200,50 » (spaces, no-break spaces) give the same Decimal, to the cent.
    Refused with a French sentence that says what to write instead (AmountError): an exponent (« 1e5 »),
    a sign (negative amounts do not exist in a form), more than two decimals, zero unless ``allow_zero``,
    anything above ``limit`` — the message names the limit."""
    raw = text.strip()
    shown = f"« {raw} »"
    example = "écrivez-le en euros, par exemple 60 ou 60,50"
    if raw.startswith("-"):
        raise AmountError(f"{shown} : un montant ne peut pas être négatif ; {example}")
    if raw.startswith("+"):
        raise AmountError(f"{shown} n'est pas un montant : {example}")
    try:
        value = parse_amount(raw)  # digits, one decimal separator, thousands spaces, « € » at the end
    except AmountError:
        raise AmountError(f"{shown} n'est pas un montant : {example}") from None
    if decimal_places(value) > 2:
        raise AmountError(
            f"{shown} a plus de deux chiffres après la virgule : écrivez-le au centime, par exemple 60,50"
        )
    if value > limit:
        raise AmountError(
            f"{shown} dépasse la limite de {format_eur(limit)} : écrivez un montant d'au plus {format_eur(limit)}"
        )
    if value == 0 and not allow_zero:
        raise AmountError(f"le montant doit être supérieur à 0 € (reçu : {shown}) ; {example}")
    return round_half_up(value)


def decimal_places(value: Decimal) -> int:
    """How many decimals the amount was written with (2 for 1.50, 0 for 15)."""
    exponent = value.as_tuple().exponent
    return max(0, -exponent) if isinstance(exponent, int) else 0


def cents(value: Decimal) -> int:
    """The amount in integer cents (how the database stores it), rounded half up."""
    return int(round_half_up(value) * 100)


def from_cents(value: int) -> Decimal:
    return (Decimal(value) / 100).quantize(CENT)


def to_json_amount(value: Decimal) -> str:
    """The API's form: a plain decimal string with two decimals, "19.00"."""
    return str(round_half_up(value))


def _group_thousands(digits: str) -> str:
    groups = []
    while len(digits) > 3:
        groups.insert(0, digits[-3:])
        digits = digits[:-3]
    groups.insert(0, digits)
    return NBSP.join(groups)


def format_eur(value: Decimal) -> str:
    """French display of an amount: "1 234,56 €", "-12,00 €" (U+00A0 as the spaces)."""
    rounded = round_half_up(value)
    sign = "-" if rounded < 0 else ""
    integer, fraction = f"{abs(rounded):.2f}".split(".")
    return f"{sign}{_group_thousands(integer)},{fraction}{NBSP}€"


def format_percent(rate: Decimal) -> str:
    """A rate (0.70) shown as "70 %"; decimals only when needed ("62,5 %")."""
    percent = (rate * 100).normalize()
    text = f"{percent:f}".replace(".", ",")
    return f"{text}{NBSP}%"
