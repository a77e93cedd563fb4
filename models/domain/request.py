"""The simulation request: every field of the contract validated, with French messages.

Validation is total: a bad value gives `InvalidRequest(field, message)` naming the field (with the
index for list requests, "[2].charged") and why, never an arbitrary exception. The clock is not read
here: the default date of care is the `today` the caller passes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.domain.dates import format_date
from models.domain.money import MAX_AMOUNT, NBSP, AmountError, decimal_places, parse_amount
from models.domain.notation import Guarantee, NotationError, parse
from models.domain.tariffs import BASKETS, SECTORS, earliest_date, known_act_codes

EXEMPTIONS = ("maternite", "c2s")
MAX_GUARANTEES = 5
MAX_AGE = 130
MAX_QUANTITY = 365
BASKET_ACTS = frozenset({"PROTHESE", "MONTURE", "VERRE_SIMPLE", "VERRE_COMPLEXE", "VERRE_TRES_COMPLEXE", "AUDIO"})
EQUIPMENT_ACTS = BASKET_ACTS - {"PROTHESE"}
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_FIELDS = frozenset(
    {
        "act",
        "charged",
        "quantity",
        "date",
        "br",
        "sector",
        "pathway",
        "basket",
        "ald",
        "at_mp",
        "patient",
        "guarantee",
        "guarantees",
        "already_used",
        "last_equipment",
        "beneficiary_id",
    }
)


class InvalidRequest(ValueError):
    """A request the engine refuses; `field` is the path of the culprit, `message` is French."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(f"{field} : {message}" if field else message)


@dataclass(frozen=True)
class Patient:
    age: int | None = None  # None: an adult whose age is not given (the contract's default)
    exemptions: frozenset[str] = frozenset()


@dataclass(frozen=True)
class SimulationRequest:
    act: str
    charged: Decimal
    date: dt.date
    quantity: int = 1
    br: Decimal | None = None  # the base of the whole line, like `charged`
    sector: str = "1"
    pathway: bool = True
    basket: str | None = None
    ald: bool = False
    at_mp: bool = False
    patient: Patient = field(default_factory=Patient)
    guarantees: tuple[Guarantee, ...] = ()
    # What each contract's line has already paid in its current period (one value per guarantee).
    already_used: tuple[Decimal, ...] = ()
    last_equipment: dt.date | None = None
    beneficiary_id: str | None = None


def _shown(value: Any) -> str:
    # Show the value as the person wrote it in JSON: a Decimal or a number as its digits, not its repr.
    if isinstance(value, str | Decimal | int | float) and not isinstance(value, bool):
        return f"« {value} »"
    return f"« {json.dumps(value, ensure_ascii=False, default=str)} »"


def _amount(value: Any, name: str) -> Decimal:
    problem = (
        f"le montant doit être compris entre 0 et 100{NBSP}000{NBSP}€ avec au plus deux décimales "
        f"(reçu : {_shown(value)})"
    )
    try:
        amount = parse_amount(value)
    except AmountError:
        raise InvalidRequest(name, problem) from None
    if amount < 0 or amount > MAX_AMOUNT or decimal_places(amount) > 2:
        raise InvalidRequest(name, problem)
    return amount


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidRequest(name, f"la valeur doit être true ou false (reçu : {_shown(value)})")
    return value


def _int(value: Any, name: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequest(name, f"{what} doit être un nombre entier de {low} à {high} (reçu : {_shown(value)})")
    return value


def _date(value: Any, name: str) -> dt.date:
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            pass
    raise InvalidRequest(
        name, f"la date doit être au format AAAA-MM-JJ, par exemple 2026-06-15 (reçu : {_shown(value)})"
    )


def _choice(value: Any, name: str, allowed: tuple[str, ...], what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # tolerate `"sector": 1` from hand-written JSON
    if value not in allowed:
        listed = ", ".join(f"« {a} »" for a in allowed)
        raise InvalidRequest(name, f"{what} inconnu {_shown(value)} ; valeurs possibles : {listed}")
    return value


def _guarantee(value: Any, name: str) -> Guarantee:
    try:
        return parse(value)
    except NotationError as exc:
        raise InvalidRequest(name, str(exc)) from None


def _patient(value: Any, name: str) -> Patient:
    if not isinstance(value, Mapping):
        raise InvalidRequest(name, 'le patient doit être un objet, par exemple {"age": 40, "exemptions": []}')
    unknown = sorted(set(value) - {"age", "exemptions"})
    if unknown:
        raise InvalidRequest(f"{name}.{unknown[0]}", "champ inconnu (champs possibles : age, exemptions)")
    age = value.get("age")
    if age is not None:
        age = _int(age, f"{name}.age", 0, MAX_AGE, "l'âge")
    raw = value.get("exemptions", [])
    if not isinstance(raw, list):
        raise InvalidRequest(f"{name}.exemptions", "les exonérations doivent être une liste, par exemple []")
    for index, item in enumerate(raw):
        _choice(item, f"{name}.exemptions[{index}]", EXEMPTIONS, "motif d'exonération")
    if len(set(raw)) != len(raw):
        raise InvalidRequest(f"{name}.exemptions", "une exonération est indiquée deux fois")
    return Patient(age=age, exemptions=frozenset(raw))


def parse_request(obj: Any, today: dt.date, *, path: str = "") -> SimulationRequest:
    """Validate one request object; `path` prefixes field names (used for "[2].charged")."""

    def at(name: str) -> str:
        return f"{path}.{name}" if path else name

    if not isinstance(obj, Mapping):
        raise InvalidRequest(path, "la demande doit être un objet JSON")
    for key in obj:
        if key not in _FIELDS:
            raise InvalidRequest(at(str(key)), "champ inconnu dans la demande de simulation")
    # null means "not given" for every optional field, as JSON clients often send it.
    given = {key: value for key, value in obj.items() if value is not None}

    if "act" not in given:
        raise InvalidRequest(at("act"), "le code de l'acte est obligatoire (par exemple « G »)")
    act = given["act"].strip().upper() if isinstance(given["act"], str) else given["act"]
    if act not in known_act_codes():
        listed = ", ".join(sorted(known_act_codes()))
        raise InvalidRequest(at("act"), f"code acte inconnu {_shown(given['act'])} ; codes connus : {listed}")
    if "charged" not in given:
        raise InvalidRequest(at("charged"), "le montant facturé est obligatoire")
    charged = _amount(given["charged"], at("charged"))
    quantity = _int(given.get("quantity", 1), at("quantity"), 1, MAX_QUANTITY, "la quantité")
    care_date = _date(given["date"], at("date")) if "date" in given else today
    if care_date < earliest_date():
        raise InvalidRequest(
            at("date"),
            f"aucun barème de la Sécurité sociale n'est connu avant le {format_date(earliest_date())} "
            f"(reçu : {format_date(care_date)})",
        )
    br = _amount(given["br"], at("br")) if "br" in given else None
    sector = _choice(given.get("sector", "1"), at("sector"), SECTORS, "secteur")
    pathway = _bool(given.get("pathway", True), at("pathway"))
    basket = None
    if "basket" in given:
        basket = _choice(given["basket"], at("basket"), BASKETS, "panier")
        if act not in BASKET_ACTS:
            raise InvalidRequest(
                at("basket"),
                "le panier ne concerne que les prothèses dentaires, l'optique et les aides auditives",
            )
        if basket == "maitrise" and act != "PROTHESE":
            raise InvalidRequest(at("basket"), "le panier « maitrise » n'existe que pour les prothèses dentaires")
    ald = _bool(given.get("ald", False), at("ald"))
    at_mp = _bool(given.get("at_mp", False), at("at_mp"))
    patient = _patient(given["patient"], at("patient")) if "patient" in given else Patient()

    if "guarantee" in given and "guarantees" in given:
        raise InvalidRequest(at("guarantees"), "indiquez soit « guarantee », soit « guarantees », pas les deux")
    guarantees: tuple[Guarantee, ...] = ()
    if "guarantee" in given:
        guarantees = (_guarantee(given["guarantee"], at("guarantee")),)
    elif "guarantees" in given:
        raw = given["guarantees"]
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_GUARANTEES:
            raise InvalidRequest(
                at("guarantees"),
                f"indiquez une liste de 1 à {MAX_GUARANTEES} lignes de garantie, dans l'ordre de paiement",
            )
        guarantees = tuple(_guarantee(item, at(f"guarantees[{i}]")) for i, item in enumerate(raw))

    already_used: tuple[Decimal, ...] = ()
    if "already_used" in given:
        raw = given["already_used"]
        if isinstance(raw, list):
            if len(raw) != len(guarantees):
                raise InvalidRequest(
                    at("already_used"),
                    "la liste doit avoir une valeur par ligne de garantie (« guarantees »)",
                )
            already_used = tuple(_amount(item, at(f"already_used[{i}]")) for i, item in enumerate(raw))
        else:
            # A single amount is what the first (base) contract has already paid.
            already_used = (_amount(raw, at("already_used")),)

    last_equipment = None
    if "last_equipment" in given:
        if act not in EQUIPMENT_ACTS:
            raise InvalidRequest(at("last_equipment"), "ne concerne que l'optique et les aides auditives")
        last_equipment = _date(given["last_equipment"], at("last_equipment"))
        if last_equipment > care_date:
            raise InvalidRequest(
                at("last_equipment"), "la date du dernier équipement ne peut pas suivre la date des soins"
            )
    beneficiary_id = None
    if "beneficiary_id" in given:
        beneficiary_id = given["beneficiary_id"]
        if not isinstance(beneficiary_id, str) or not 0 < len(beneficiary_id.strip()) <= 64:
            raise InvalidRequest(at("beneficiary_id"), "identifiant de bénéficiaire invalide")
    return SimulationRequest(
        act=act,
        charged=charged,
        date=care_date,
        quantity=quantity,
        br=br,
        sector=sector,
        pathway=pathway,
        basket=basket,
        ald=ald,
        at_mp=at_mp,
        patient=patient,
        guarantees=guarantees,
        already_used=already_used,
        last_equipment=last_equipment,
        beneficiary_id=beneficiary_id,
    )


def parse_requests(payload: Any, today: dt.date) -> list[SimulationRequest]:
    """A list of requests (the lines of one care event); field paths carry the index."""
    if not isinstance(payload, list) or not payload:
        raise InvalidRequest("", "la demande doit être une liste non vide d'objets")
    return [parse_request(item, today, path=f"[{index}]") for index, item in enumerate(payload)]
