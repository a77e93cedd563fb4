"""Tariffs of the Sécurité sociale as dated data.

The figures live in `data/tariffs.json`, read once at import. The file stores the earliest set in full
and every later set as the changes made on its `effective_from` date; this module resolves them into
complete, immutable `TariffSet`s so that the engine never sees the delta encoding. A tariff change is
therefore a data change: add a set to the file, with a source tag for every value.
"""

from __future__ import annotations

import json
from bisect import bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from importlib import resources
from types import MappingProxyType
from typing import Any

from models.domain.dates import format_date
from models.domain.vocabulary import ACT_LABELS

SECTORS = ("1", "2-optam", "2", "3")
BASKETS = ("100-sante", "maitrise", "libre")
SETTINGS = ("ville", "hospital")
OPTICS_KINDS = ("simple", "complex", "very_complex")


class TariffError(ValueError):
    """No tariff applies (date before the data, act unknown that day); French message."""


@dataclass(frozen=True)
class BasketTariff:
    """One panier of an act: its own BR if it differs, and the legal price limit (PLV or HLF)."""

    limit_kind: str | None
    limit: Decimal | None
    br: Decimal | None


@dataclass(frozen=True)
class ActTariff:
    code: str
    label: str
    care_category: str
    amo_rate: Decimal
    br: Decimal | None
    # "tariff": BR from this data; "charged": the price is the base (medicines);
    # "request": the BR depends on details only the caller knows, so `br` is required.
    br_from: str
    br_by_sector: Mapping[str, Decimal]
    br_by_age: tuple[tuple[int, Decimal], ...]
    br_reduced: Decimal | None
    baskets: Mapping[str, BasketTariff]
    doctor: bool
    parcours: bool
    direct_access: tuple[int, int] | None
    deduction: str | None
    deduction_per: str
    tm_exemptible: bool
    optics: str | None
    renewal: str | None
    sources: Mapping[str, str] = field(repr=False)
    ccam: bool = False  # a technical act of the CCAM (its BR comes with the request)
    heavy_act: bool = False  # the 24 € forfait replaces its ticket modérateur at or above the threshold

    def unit_br(self, sector: str, age: int | None, basket: str | None, reduced: bool) -> Decimal | None:
        """The BR of one unit; the sector of a non-OPTAM or non-conventionné doctor wins over the
        age majoration (the MEG is an OPTAM-level majoration [I])."""
        if reduced and self.br_reduced is not None:
            return self.br_reduced
        if basket is not None and basket in self.baskets and self.baskets[basket].br is not None:
            return self.baskets[basket].br
        if self.doctor and sector in self.br_by_sector:
            return self.br_by_sector[sector]
        if age is not None:
            for age_below, value in self.br_by_age:
                if age < age_below:
                    return value
        return self.br


@dataclass(frozen=True)
class DeductionRule:
    kind: str  # "participation_forfaitaire" or "franchise" (the contract's two kinds)
    key: str
    amount: Decimal
    daily_max_count: int | None
    annual_cap: Decimal


@dataclass(frozen=True)
class HeavyActRule:
    """Actes lourds (S25): at or above ``threshold`` (or ``coefficient``), the ticket modérateur is replaced by
    the flat ``forfait``, billed as its own FORFAIT_24 line; the AMO pays ``amo_rate`` of the BR."""

    threshold: Decimal
    coefficient: int
    forfait: Decimal
    amo_rate: Decimal


@dataclass(frozen=True)
class ResponsibleCaps:
    optics_equipment: Mapping[str, Decimal]
    optics_frame: Decimal
    hearing_per_ear: Decimal | None
    non_optam_excess_max: Decimal
    non_optam_points_below_optam: Decimal

    def optics_cap(self, lens_kinds: list[str]) -> Decimal:
        """Ceiling of one équipement (AMO included) from its two lenses; a single known lens is
        taken as a pair of that kind, and no lens at all gives the highest ceiling [I]."""
        if not lens_kinds:
            return max(self.optics_equipment.values())
        pair = sorted((lens_kinds * 2)[:2], key=OPTICS_KINDS.index)
        return self.optics_equipment["+".join(pair)]


@dataclass(frozen=True)
class TariffSet:
    version: str
    effective_from: date
    acts: Mapping[str, ActTariff]
    deductions: Mapping[str, DeductionRule]
    hors_parcours_penalty: Decimal
    parcours_from_age: int
    renewal_years: Mapping[str, int]
    caps: ResponsibleCaps
    hospital_rate: Decimal
    heavy_act: HeavyActRule

    def act(self, code: str) -> ActTariff:
        try:
            return self.acts[code]
        except KeyError:
            raise TariffError(
                f"l'acte « {code} » n'existe pas dans le barème du {format_date(self.effective_from)}"
            ) from None


def _merge(base: dict[str, Any], changes: Mapping[str, Any]) -> dict[str, Any]:
    """Deep merge of the delta encoding: dicts merge key by key, anything else replaces."""
    merged = dict(base)
    for key, value in changes.items():
        if isinstance(value, Mapping) and "value" not in value and isinstance(merged.get(key), dict):
            merged[key] = _merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def _dec(item: Mapping[str, Any] | None) -> Decimal | None:
    return None if item is None else Decimal(str(item["value"]))


def _act(code: str, raw: Mapping[str, Any]) -> ActTariff:
    sources = {name: value["source"] for name, value in raw.items() if isinstance(value, Mapping) and "source" in value}
    baskets = {
        name: BasketTariff(b.get("limit_kind"), _dec(b.get("limit")), _dec(b.get("br")))
        for name, b in raw.get("baskets", {}).items()
    }
    for name, b in raw.get("baskets", {}).items():
        for part in ("limit", "br"):
            if part in b:
                sources[f"baskets.{name}.{part}"] = b[part]["source"]
    access = raw.get("direct_access")
    br_from = raw.get("br_from", "tariff")
    if br_from == "tariff" and "br" not in raw:
        raise ValueError(f"tariffs.json: act {code} has no br")  # a data error, caught by the tests
    return ActTariff(
        code=code,
        label=ACT_LABELS[code],  # words are the vocabulary's; a code without words fails at import
        care_category=raw["care_category"],
        amo_rate=Decimal(raw["amo_rate"]["value"]),
        br=_dec(raw.get("br")),
        br_from=br_from,
        br_by_sector=MappingProxyType({k: Decimal(v["value"]) for k, v in raw.get("br_by_sector", {}).items()}),
        br_by_age=tuple(sorted((int(item["age_below"]), Decimal(item["value"])) for item in raw.get("br_by_age", []))),
        br_reduced=_dec(raw.get("br_reduced")),
        baskets=MappingProxyType(baskets),
        doctor=bool(raw.get("doctor", False)),
        parcours=bool(raw.get("parcours", False)),
        direct_access=(access["age_from"], access["age_to"]) if access else None,
        deduction=raw.get("deduction"),
        deduction_per=raw.get("deduction_per", "unit"),
        tm_exemptible=bool(raw.get("tm_exemptible", True)),
        optics=raw.get("optics"),
        renewal=raw.get("renewal"),
        sources=MappingProxyType(sources),
        ccam=bool(raw.get("ccam", False)),
        heavy_act=bool(raw["heavy_act"]["value"]) if "heavy_act" in raw else False,
    )


def _tariff_set(raw: Mapping[str, Any]) -> TariffSet:
    deductions = {
        key: DeductionRule(
            kind="participation_forfaitaire" if key == "participation_forfaitaire" else "franchise",
            key=key,
            amount=Decimal(d["amount"]["value"]),
            daily_max_count=None if d["daily_max_count"] is None else int(d["daily_max_count"]["value"]),
            annual_cap=Decimal(d["annual_cap"]["value"]),
        )
        for key, d in raw["deductions"].items()
    }
    caps = raw["responsible_caps"]
    heavy = raw["heavy_act"]
    return TariffSet(
        version=raw["version"],
        effective_from=date.fromisoformat(raw["effective_from"]),
        acts=MappingProxyType({code: _act(code, act) for code, act in raw["acts"].items()}),
        deductions=MappingProxyType(deductions),
        hors_parcours_penalty=Decimal(raw["hors_parcours"]["rate_penalty"]["value"]),
        parcours_from_age=int(raw["hors_parcours"]["exempt_under_age"]["value"]),
        renewal_years=MappingProxyType({k: int(v["value"]) for k, v in raw["renewal_years"].items()}),
        caps=ResponsibleCaps(
            optics_equipment=MappingProxyType({k: Decimal(v["value"]) for k, v in caps["optics_equipment"].items()}),
            optics_frame=Decimal(caps["optics_frame"]["value"]),
            hearing_per_ear=_dec(caps["hearing_per_ear"]),
            non_optam_excess_max=Decimal(caps["non_optam_excess_max"]["value"]),
            non_optam_points_below_optam=Decimal(caps["non_optam_points_below_optam"]["value"]),
        ),
        hospital_rate=Decimal(raw["hospital"]["amo_rate"]["value"]),
        heavy_act=HeavyActRule(
            threshold=Decimal(heavy["threshold"]["value"]),
            coefficient=int(heavy["coefficient"]["value"]),
            forfait=Decimal(heavy["forfait"]["value"]),
            amo_rate=Decimal(heavy["amo_rate"]["value"]),
        ),
    )


def load_raw() -> dict[str, Any]:
    """The packaged data file as stored (used by the tests that check every value has a source)."""
    text = resources.files("models.domain").joinpath("data/tariffs.json").read_text(encoding="utf-8")
    return json.loads(text)


def _resolve(raw_sets: list[Mapping[str, Any]]) -> tuple[TariffSet, ...]:
    resolved: list[TariffSet] = []
    current: dict[str, Any] = {}
    for raw in raw_sets:
        current = _merge(current, raw)
        resolved.append(_tariff_set(current))
    dates = [s.effective_from for s in resolved]
    if dates != sorted(dates) or len(set(dates)) != len(dates):
        raise ValueError("tariffs.json: sets must be in strictly increasing effective_from order")
    return tuple(resolved)


_SETS = _resolve(load_raw()["sets"])
_STARTS = [s.effective_from for s in _SETS]


def tariff_sets() -> tuple[TariffSet, ...]:
    return _SETS


def earliest_date() -> date:
    return _SETS[0].effective_from


def tariff_set_for(day: date) -> TariffSet:
    """The set in force on the day of care."""
    index = bisect_right(_STARTS, day) - 1
    if index < 0:
        raise TariffError(
            f"aucun barème de la Sécurité sociale n'est connu avant le {format_date(earliest_date())} "
            f"(date des soins : {format_date(day)})"
        )
    return _SETS[index]


def known_act_codes() -> frozenset[str]:
    """Every act code of any set (a code may appear later, e.g. FPU in 2022)."""
    return frozenset(code for s in _SETS for code in s.acts)


def act_label(code: str, day: date) -> str | None:
    """The act's French label on ``day``, else in the nearest set that knows it; None for a code no set
    knows (a person is shown the label, never the code)."""
    try:
        return tariff_set_for(day).act(code).label
    except TariffError:
        pass
    for tariff_set in reversed(_SETS):
        if code in tariff_set.acts:
            return tariff_set.acts[code].label
    return None
