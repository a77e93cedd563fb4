"""How a contrat responsable's tableau de garanties may be written (R871-2 CSS, S40), checked when a table is
loaded (the demo world, the seed, the generator), never at payment time.

For a doctor who has not signed the OPTAM, the cover of dépassements d'honoraires is at most 100 % of the
BR (200 % BR in total, Sécurité sociale included) and at least 20 points of BR below the cover granted for
an OPTAM doctor (since 2017). Both are rules on the lines of a table: once a table keeps them, the engine
applies the line that matches the doctor as written, once (``models.domain.simulation``).

So that the rule can be checked, a line covering doctors' acts above 100 % BR says whom it is for: a line
for any doctor cannot grant dépassements (it would give a non-OPTAM doctor what an OPTAM doctor gets), and
a non-OPTAM line is written in % of the BR (« N% BR » or « TM + N% BR »), the unit of the rule.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from models.domain.notation import Guarantee, Kind, NotationError, parse
from models.domain.tariffs import tariff_set_for

ANY, OPTAM, NON_OPTAM = "any", "optam", "non_optam"


@dataclass(frozen=True)
class LineSpec:
    """What the rule needs of a guarantee line, whatever stores it (a fixture, a table row)."""

    label: str
    act_codes: tuple[str, ...]
    notation: str
    sector_scope: str = ANY  # "any" | "optam" (secteur 1 or OPTAM) | "non_optam"
    basket: str | None = None


class ContractNotResponsible(ValueError):
    """A table that breaks the contrat responsable; ``problems`` are French sentences naming each line."""

    def __init__(self, table: str, problems: Sequence[str]) -> None:
        self.table = table
        self.problems = list(problems)
        super().__init__(f"Tableau « {table} » refusé (contrat responsable) : " + " ; ".join(self.problems))


def percent_of_br(g: Guarantee) -> Decimal | None:
    """The total cover of a line in % of the BR, Sécurité sociale included; None when the line is not
    written in the BR's unit (frais réels, forfaits, 100 % Santé)."""
    if g.kind is Kind.PERCENT_BR:
        return g.value
    if g.kind is Kind.TM_PLUS_BR:
        return 100 + g.value
    return None


def _doctor_acts(day: date) -> frozenset[str]:
    return frozenset(code for code, act in tariff_set_for(day).acts.items() if act.doctor)


def _percent(notation: str) -> Decimal | None:
    try:
        return percent_of_br(parse(notation))
    except NotationError:
        return None  # the notation itself is checked where the table is parsed


def responsibility_problems(lines: Iterable[LineSpec], day: date) -> list[str]:
    """Every line that breaks the non-OPTAM rules on ``day``, in French; [] for a responsible table."""
    tariffs = tariff_set_for(day)
    excess_max = tariffs.caps.non_optam_excess_max * 100  # 100 points of BR above the BR
    gap = tariffs.caps.non_optam_points_below_optam * 100  # 20 points
    doctors = _doctor_acts(day)
    lines = list(lines)
    problems: list[str] = []
    for line in lines:
        acts = [a for a in line.act_codes if a in doctors]
        if not acts:
            continue
        level = _percent(line.notation)
        if line.sector_scope == ANY:
            if level is None or level > 100:
                problems.append(
                    f"la ligne « {line.label} » ({line.notation}) couvre des dépassements d'honoraires pour tous les "
                    "médecins : écrivez une ligne pour les médecins OPTAM et une ligne pour les autres, au moins "
                    f"{gap:.0f} points plus basse"
                )
            continue
        if line.sector_scope != NON_OPTAM:
            continue
        if level is None:
            problems.append(
                f"la ligne « {line.label} » ({line.notation}) doit s'écrire en pourcentage de la base de "
                "remboursement (par exemple « 180% BR ») pour que le plafond des dépassements puisse s'appliquer"
            )
            continue
        excess = level - 100
        if excess > excess_max:
            problems.append(
                f"la ligne « {line.label} » ({line.notation}) couvre les dépassements au-delà de "
                f"{excess_max:.0f} % de la base de remboursement (au plus {100 + excess_max:.0f}% BR, Sécurité "
                "sociale incluse)"
            )
        for act in acts:
            optam = next(
                (
                    other
                    for other in lines
                    if act in other.act_codes and other.sector_scope in (ANY, OPTAM) and other.basket == line.basket
                ),
                None,
            )
            optam_level = _percent(optam.notation) if optam is not None else None
            if optam is None or optam_level is None or excess <= 0:
                continue
            if excess > optam_level - 100 - gap:
                problems.append(
                    f"la ligne « {line.label} » ({line.notation}) doit rester au moins {gap:.0f} points de base de "
                    f"remboursement sous la ligne « {optam.label} » ({optam.notation}) : au plus "
                    f"{max(Decimal(100), optam_level - gap):.0f}% BR"
                )
                break
    return problems


def check_table(table: str, lines: Iterable[LineSpec], day: date) -> None:
    """Raise ContractNotResponsible when a line of the table breaks the contrat responsable on ``day``."""
    problems = responsibility_problems(lines, day)
    if problems:
        raise ContractNotResponsible(table, problems)
