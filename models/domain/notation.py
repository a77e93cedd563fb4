"""The guarantee notation of real tableaux de garanties, parsed into a small model.

Lines are parsed, never compared as whole strings, so "150 % br", "150% BR" and "150%BR" mean the same.
`str()` of a parsed line gives its canonical form, and parsing the canonical form gives the line back.

Accepted forms (case, spaces and the decimal comma are free):
    N% BR                 AMO included
    N% FR                 frais réels, AMO included
    TM + N% BR            the ticket modérateur plus N % of the BR, on top of the AMO
    forfait X € RO inclus
    forfait X € hors RO
    100% Santé
A forfait may end with a period: "/an", "par équipement", "par oreille", "par jour".
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from enum import Enum

from models.domain.money import NBSP, decimal_places, format_eur


class NotationError(ValueError):
    """A guarantee line that cannot be read; the French message says what is wrong."""

    def __init__(self, line: str, problem: str) -> None:
        self.line = line
        self.problem = problem
        super().__init__(f"« {line} » : {problem}")

    @property
    def message(self) -> str:
        return str(self)


class Kind(Enum):
    PERCENT_BR = "percent_br"
    PERCENT_FR = "percent_fr"
    TM_PLUS_BR = "tm_plus_br"
    FORFAIT_INCLUDED = "forfait_ro_inclus"
    FORFAIT_ON_TOP = "forfait_hors_ro"
    SANTE_100 = "100_sante"


class Period(Enum):
    YEAR = "/an"
    EQUIPMENT = "par équipement"
    EAR = "par oreille"
    DAY = "par jour"


MAX_PERCENT = Decimal("1000")
MAX_FORFAIT = Decimal("100000")
_NUM = r"\d+(?:[.,]\d+)?"
_PERIODS = (
    (re.compile(r"/\s*an$"), Period.YEAR),
    (re.compile(r"par\s+[ée]quipement$"), Period.EQUIPMENT),
    (re.compile(r"par\s+oreille$"), Period.EAR),
    (re.compile(r"par\s+jour$"), Period.DAY),
)
_SANTE = re.compile(rf"^({_NUM})\s*%\s*sant[ée]$")
_TM = re.compile(rf"^tm\s*\+\s*({_NUM})\s*%\s*br$")
_PERCENT = re.compile(rf"^({_NUM})\s*%\s*(br|fr)$")
_FORFAIT = re.compile(rf"^forfait\s+({_NUM})\s*(?:€|eur|euros?)\s*(ro\s+inclus|hors\s+ro)$")
_EXAMPLES = (
    "« 150% BR », « 100% FR », « TM + 100% BR », « forfait 50 € RO inclus », « forfait 50 € hors RO », « 100% Santé »"
)


def _number_text(value: Decimal, money: bool) -> str:
    """Canonical number: integers bare ("150"), else a decimal comma (2 places for euros)."""
    if value == value.to_integral_value():
        return str(int(value))
    text = f"{value:.2f}" if money else f"{value.normalize():f}"
    return text.replace(".", ",")


@dataclass(frozen=True)
class Guarantee:
    """One parsed guarantee line. `value` is the percentage (150 for 150 %) or the forfait in euros."""

    kind: Kind
    value: Decimal = Decimal(100)
    period: Period | None = None

    @property
    def rate(self) -> Decimal:
        return self.value / 100

    @property
    def is_forfait(self) -> bool:
        return self.kind in (Kind.FORFAIT_INCLUDED, Kind.FORFAIT_ON_TOP)

    @property
    def includes_amo(self) -> bool:
        """Whether the level counts what the AMO (and any earlier contract) already paid."""
        return self.kind not in (Kind.TM_PLUS_BR, Kind.FORFAIT_ON_TOP)

    def __str__(self) -> str:
        number = _number_text(self.value, money=self.is_forfait)
        text = {
            Kind.PERCENT_BR: f"{number}% BR",
            Kind.PERCENT_FR: f"{number}% FR",
            Kind.TM_PLUS_BR: f"TM + {number}% BR",
            Kind.FORFAIT_INCLUDED: f"forfait {number} € RO inclus",
            Kind.FORFAIT_ON_TOP: f"forfait {number} € hors RO",
            Kind.SANTE_100: "100% Santé",
        }[self.kind]
        return f"{text} {self.period.value}" if self.period else text


def _read_number(line: str, text: str, what: str, limit: Decimal, money: bool) -> Decimal:
    value = Decimal(text.replace(",", "."))
    if decimal_places(value) > 2:
        raise NotationError(line, f"{what} {text} a plus de deux décimales")
    if value <= 0 or value > limit:
        bound = f"{_number_text(limit, money)}{' €' if money else ' %'}"
        raise NotationError(line, f"{what} doit être compris entre 0 (exclu) et {bound} (reçu : {text})")
    return value


def parse(line: str) -> Guarantee:
    """Parse one guarantee line; raises NotationError with a French message on anything else."""
    if not isinstance(line, str):
        raise NotationError(repr(line), "une garantie s'écrit sous forme de texte, par exemple « 100% BR »")
    original = " ".join(line.replace(NBSP, " ").replace("\u202f", " ").split())
    if not original:
        raise NotationError(line, f"la garantie est vide ; formes acceptées : {_EXAMPLES}")
    text = original.lower()
    period = None
    for pattern, candidate in _PERIODS:
        found = pattern.search(text)
        if found:
            period, text = candidate, text[: found.start()].strip()
            break

    if match := _SANTE.match(text):
        if Decimal(match.group(1).replace(",", ".")) != 100:
            raise NotationError(original, "seul « 100% Santé » existe (le panier sans reste à charge)")
        guarantee = Guarantee(Kind.SANTE_100)
    elif match := _TM.match(text):
        guarantee = Guarantee(
            Kind.TM_PLUS_BR,
            _read_number(original, match.group(1), "le pourcentage", MAX_PERCENT, money=False),
        )
    elif match := _PERCENT.match(text):
        kind = Kind.PERCENT_BR if match.group(2) == "br" else Kind.PERCENT_FR
        guarantee = Guarantee(kind, _read_number(original, match.group(1), "le pourcentage", MAX_PERCENT, False))
    elif match := _FORFAIT.match(text):
        kind = Kind.FORFAIT_INCLUDED if match.group(2).startswith("ro") else Kind.FORFAIT_ON_TOP
        guarantee = Guarantee(kind, _read_number(original, match.group(1), "le forfait", MAX_FORFAIT, True))
    else:
        raise NotationError(original, _diagnose(text))

    if period is not None:
        if not guarantee.is_forfait:
            raise NotationError(original, f"une période (« {period.value} ») ne s'applique qu'à un forfait en euros")
        guarantee = Guarantee(guarantee.kind, guarantee.value, period)
    return guarantee


def _diagnose(text: str) -> str:
    """Say what is wrong with a line that matched no form, as precisely as the text allows."""
    if text.startswith("-") or re.match(r"^(tm\s*\+\s*)?-", text) or re.search(r"forfait\s+-", text):
        return "le montant ou le pourcentage doit être positif"
    if match := re.match(rf"^(?:tm\s*\+\s*)?({_NUM})\s*(br|fr|b\.?r\.?)$", text):
        return f"il manque le signe % après {match.group(1)} (exemple : « {match.group(1)}% BR »)"
    if text.startswith("forfait"):
        rest = text.removeprefix("forfait").strip()
        amount = re.match(rf"^({_NUM})\s*(€|eur|euros?)?\s*(.*)$", rest)
        if not amount:
            return "il manque le montant du forfait (exemple : « forfait 50 € RO inclus »)"
        if not amount.group(2):
            return f"il manque le signe € après {amount.group(1)}"
        return "précisez « RO inclus » (Sécurité sociale comprise) ou « hors RO » (en plus de la Sécurité sociale)"
    if re.match(r"^tm\s*\+", text):
        return "après « TM + », indiquez un pourcentage de la base de remboursement (exemple : « TM + 100% BR »)"
    if match := re.match(rf"^({_NUM})\s*%\s*(.*)$", text):
        unit = match.group(2) or "rien"
        return f"après le pourcentage, indiquez BR (base de remboursement) ou FR (frais réels), pas « {unit} »"
    if re.search(r"\d\s*(€|eur)", text):
        return "un montant en euros s'écrit comme un forfait (exemple : « forfait 50 € RO inclus »)"
    return f"notation de garantie non reconnue ; formes acceptées : {_EXAMPLES}"


_PERIOD_WORDS = {
    Period.YEAR: " par an",
    Period.EQUIPMENT: " par équipement",
    Period.EAR: " par oreille",
    Period.DAY: " par jour",
}


SANTE_100_WORDS = "100 % Santé"


def describe(line: str | Guarantee, *, label: str = "") -> str:
    """The line in plain French for members: "jusqu'à 150 % de la base de remboursement, …".

    ``label`` is the guarantee line's own label when the description is shown after it: a label that
    already names the 100 % Santé panier is not followed by « 100 % Santé » a second time."""
    g = parse(line) if isinstance(line, str) else line
    named = SANTE_100_WORDS in " ".join(label.replace(NBSP, " ").split())
    percent = f"{_number_text(g.value, money=False)}{NBSP}%"
    period = _PERIOD_WORDS[g.period] if g.period else ""
    return {
        Kind.PERCENT_BR: f"jusqu'à {percent} de la base de remboursement, Sécurité sociale incluse",
        Kind.PERCENT_FR: f"jusqu'à {percent} des frais réels, Sécurité sociale incluse",
        Kind.TM_PLUS_BR: (
            f"le ticket modérateur et {percent} de la base de remboursement en plus de la Sécurité sociale"
        ),
        Kind.FORFAIT_INCLUDED: f"jusqu'à {format_eur(g.value)}{period}, Sécurité sociale incluse",
        Kind.FORFAIT_ON_TOP: f"jusqu'à {format_eur(g.value)}{period} en plus de la Sécurité sociale",
        Kind.SANTE_100: ("" if named else f"{SANTE_100_WORDS} : ")
        + "prise en charge jusqu'au prix limite, sans reste à charge",
    }[g.kind]


def table_words(line: str | Guarantee) -> str:
    """The line as a member reads it beside its description (« au tableau »): a percentage as printed on
    the table (« 150% BR », which the description explains), a forfait in words — « forfait de 350 € par
    an », never « hors RO » or « RO inclus »: whether the Sécurité sociale is included is said by
    ``describe``. An unreadable line is shown as it is."""
    try:
        g = parse(line) if isinstance(line, str) else line
    except NotationError:
        return str(line)
    if not g.is_forfait:
        return str(g)
    period = _PERIOD_WORDS[g.period] if g.period else ""
    return f"forfait de {_number_text(g.value, money=True)}{NBSP}€{period}"
