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
from enum import StrEnum
from typing import Any

from models.domain.dates import format_date
from models.domain.money import MAX_AMOUNT, NBSP, AmountError, decimal_places, parse_amount
from models.domain.notation import Guarantee, NotationError, parse
from models.domain.tariffs import BASKETS, SECTORS, SETTINGS, earliest_date, known_act_codes

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
        "setting",
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


class Refusal(StrEnum):
    """Why the engine refuses a request, for whoever words it for someone else than a developer.

    `InvalidRequest.message` is the contract's wording (`espace simulate`, the stateless endpoint): it
    names fields and values as they are written in JSON. A member or a conseiller reads the same refusal
    in other words (`models.domain.refusals`), built from this code and the refusal's `params`.
    """

    MALFORMED = "malformed"  # not an object, not a list, an unknown field
    AMOUNT = "amount"
    BOOLEAN = "boolean"
    INTEGER = "integer"
    DATE_FORMAT = "date_format"
    CHOICE = "choice"  # params: value
    PATIENT = "patient"
    GUARANTEE = "guarantee"  # the guarantee lines themselves (notation, count, both forms)
    ALREADY_USED = "already_used"
    ACT_MISSING = "act_missing"
    ACT_UNKNOWN = "act_unknown"  # params: act
    CHARGED_MISSING = "charged_missing"
    NO_TARIFF = "no_tariff"  # params: date (ISO), earliest (ISO)
    BASKET_NOT_FOR_ACT = "basket_not_for_act"  # params: act, date
    MAITRISE_ONLY_PROTHESE = "maitrise_only_prothese"  # params: act, date
    BASKET_UNKNOWN_FOR_ACT = "basket_unknown_for_act"  # params: act, basket, date
    SANTE_100_OUTSIDE_BASKET = "sante_100_outside_basket"
    LAST_EQUIPMENT_NOT_FOR_ACT = "last_equipment_not_for_act"  # params: act, date
    LAST_EQUIPMENT_AFTER_CARE = "last_equipment_after_care"
    BENEFICIARY = "beneficiary"
    BR_REQUIRED = "br_required"  # params: act, date
    ACT_NOT_ON_DATE = "act_not_on_date"  # params: act, date


class InvalidRequest(ValueError):
    """A request the engine refuses; `field` is the path of the culprit, `message` is French, worded for
    the contract; `code` and `params` let another wording say the same to a member."""

    def __init__(
        self,
        field: str,
        message: str,
        code: Refusal = Refusal.MALFORMED,
        params: Mapping[str, str] | None = None,
    ) -> None:
        self.field = field
        self.message = message
        self.code = code
        self.params: dict[str, str] = dict(params or {})
        super().__init__(f"{field} : {message}" if field else message)

    def at(self, field: str) -> InvalidRequest:
        """The same refusal under another field path (the line of a list: "[2].charged")."""
        return InvalidRequest(field, self.message, self.code, self.params)


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
    setting: str = "ville"  # "hospital": during a hospital stay (80 % AMO, no participation forfaitaire)
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
        raise InvalidRequest(name, problem, Refusal.AMOUNT) from None
    if amount < 0 or amount > MAX_AMOUNT or decimal_places(amount) > 2:
        raise InvalidRequest(name, problem, Refusal.AMOUNT)
    return amount


def _bool(value: Any, name: str) -> bool:
    if not isinstance(value, bool):
        raise InvalidRequest(name, f"la valeur doit être true ou false (reçu : {_shown(value)})", Refusal.BOOLEAN)
    return value


def _int(value: Any, name: str, low: int, high: int, what: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise InvalidRequest(
            name,
            f"{what} doit être un nombre entier de {low} à {high} (reçu : {_shown(value)})",
            Refusal.INTEGER,
            {"low": str(low), "high": str(high)},
        )
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
        name,
        f"la date doit être au format AAAA-MM-JJ, par exemple 2026-06-15 (reçu : {_shown(value)})",
        Refusal.DATE_FORMAT,
    )


def _choice(value: Any, name: str, allowed: tuple[str, ...], what: str) -> str:
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)  # tolerate `"sector": 1` from hand-written JSON
    if value not in allowed:
        listed = ", ".join(f"« {a} »" for a in allowed)
        raise InvalidRequest(
            name,
            f"{what} inconnu {_shown(value)} ; valeurs possibles : {listed}",
            Refusal.CHOICE,
            {"value": str(value)},
        )
    return value


def _guarantee(value: Any, name: str) -> Guarantee:
    try:
        return parse(value)
    except NotationError as exc:
        raise InvalidRequest(name, str(exc), Refusal.GUARANTEE) from None


def _patient(value: Any, name: str) -> Patient:
    if not isinstance(value, Mapping):
        raise InvalidRequest(
            name, 'le patient doit être un objet, par exemple {"age": 40, "exemptions": []}', Refusal.PATIENT
        )
    unknown = sorted(set(value) - {"age", "exemptions"})
    if unknown:
        raise InvalidRequest(
            f"{name}.{unknown[0]}", "champ inconnu (champs possibles : age, exemptions)", Refusal.PATIENT
        )
    age = value.get("age")
    if age is not None:
        age = _int(age, f"{name}.age", 0, MAX_AGE, "l'âge")
    raw = value.get("exemptions", [])
    if not isinstance(raw, list):
        raise InvalidRequest(
            f"{name}.exemptions", "les exonérations doivent être une liste, par exemple []", Refusal.PATIENT
        )
    for index, item in enumerate(raw):
        _choice(item, f"{name}.exemptions[{index}]", EXEMPTIONS, "motif d'exonération")
    if len(set(raw)) != len(raw):
        raise InvalidRequest(f"{name}.exemptions", "une exonération est indiquée deux fois", Refusal.PATIENT)
    return Patient(age=age, exemptions=frozenset(raw))


def parse_request(obj: Any, today: dt.date, *, path: str = "") -> SimulationRequest:
    """Validate one request object; `path` prefixes field names (used for "[2].charged")."""

    def at(name: str) -> str:
        return f"{path}.{name}" if path else name

    if not isinstance(obj, Mapping):
        raise InvalidRequest(path, "la demande doit être un objet JSON", Refusal.MALFORMED)
    for key in obj:
        if key not in _FIELDS:
            raise InvalidRequest(at(str(key)), "champ inconnu dans la demande de simulation", Refusal.MALFORMED)
    # null means "not given" for every optional field, as JSON clients often send it.
    given = {key: value for key, value in obj.items() if value is not None}

    if "act" not in given:
        raise InvalidRequest(at("act"), "le code de l'acte est obligatoire (par exemple « G »)", Refusal.ACT_MISSING)
    act = given["act"].strip().upper() if isinstance(given["act"], str) else given["act"]
    if not isinstance(act, str) or act not in known_act_codes():  # a list or an object is no code either
        listed = ", ".join(sorted(known_act_codes()))
        raise InvalidRequest(
            at("act"),
            f"code acte inconnu {_shown(given['act'])} ; codes connus : {listed}",
            Refusal.ACT_UNKNOWN,
            {"act": str(given["act"])},
        )
    if "charged" not in given:
        raise InvalidRequest(at("charged"), "le montant facturé est obligatoire", Refusal.CHARGED_MISSING)
    charged = _amount(given["charged"], at("charged"))
    quantity = _int(given.get("quantity", 1), at("quantity"), 1, MAX_QUANTITY, "la quantité")
    care_date = _date(given["date"], at("date")) if "date" in given else today
    if care_date < earliest_date():
        raise InvalidRequest(
            at("date"),
            f"aucun barème de la Sécurité sociale n'est connu avant le {format_date(earliest_date())} "
            f"(reçu : {format_date(care_date)})",
            Refusal.NO_TARIFF,
            {"date": care_date.isoformat(), "earliest": earliest_date().isoformat()},
        )
    br = _amount(given["br"], at("br")) if "br" in given else None
    sector = _choice(given.get("sector", "1"), at("sector"), SECTORS, "secteur")
    pathway = _bool(given.get("pathway", True), at("pathway"))
    setting = _choice(given.get("setting", "ville"), at("setting"), SETTINGS, "lieu des soins")
    basket = None
    if "basket" in given:
        basket = _choice(given["basket"], at("basket"), BASKETS, "panier")
        if act not in BASKET_ACTS:
            raise InvalidRequest(
                at("basket"),
                "le panier ne concerne que les prothèses dentaires, l'optique et les aides auditives",
                Refusal.BASKET_NOT_FOR_ACT,
                {"act": act, "date": care_date.isoformat()},
            )
        if basket == "maitrise" and act != "PROTHESE":
            raise InvalidRequest(
                at("basket"),
                "le panier « maitrise » n'existe que pour les prothèses dentaires",
                Refusal.MAITRISE_ONLY_PROTHESE,
                {"act": act, "date": care_date.isoformat()},
            )
    ald = _bool(given.get("ald", False), at("ald"))
    at_mp = _bool(given.get("at_mp", False), at("at_mp"))
    patient = _patient(given["patient"], at("patient")) if "patient" in given else Patient()

    if "guarantee" in given and "guarantees" in given:
        raise InvalidRequest(
            at("guarantees"), "indiquez soit « guarantee », soit « guarantees », pas les deux", Refusal.GUARANTEE
        )
    guarantees: tuple[Guarantee, ...] = ()
    if "guarantee" in given:
        guarantees = (_guarantee(given["guarantee"], at("guarantee")),)
    elif "guarantees" in given:
        raw = given["guarantees"]
        if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_GUARANTEES:
            raise InvalidRequest(
                at("guarantees"),
                f"indiquez une liste de 1 à {MAX_GUARANTEES} lignes de garantie, dans l'ordre de paiement",
                Refusal.GUARANTEE,
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
                    Refusal.ALREADY_USED,
                )
            already_used = tuple(_amount(item, at(f"already_used[{i}]")) for i, item in enumerate(raw))
        else:
            # A single amount is what the first (base) contract has already paid.
            already_used = (_amount(raw, at("already_used")),)

    last_equipment = None
    if "last_equipment" in given:
        if act not in EQUIPMENT_ACTS:
            raise InvalidRequest(
                at("last_equipment"),
                "ne concerne que l'optique et les aides auditives",
                Refusal.LAST_EQUIPMENT_NOT_FOR_ACT,
                {"act": act, "date": care_date.isoformat()},
            )
        last_equipment = _date(given["last_equipment"], at("last_equipment"))
        if last_equipment > care_date:
            raise InvalidRequest(
                at("last_equipment"),
                "la date du dernier équipement ne peut pas suivre la date des soins",
                Refusal.LAST_EQUIPMENT_AFTER_CARE,
            )
    beneficiary_id = None
    if "beneficiary_id" in given:
        beneficiary_id = given["beneficiary_id"]
        if not isinstance(beneficiary_id, str) or not 0 < len(beneficiary_id.strip()) <= 64:
            raise InvalidRequest(at("beneficiary_id"), "identifiant de bénéficiaire invalide", Refusal.BENEFICIARY)
    return SimulationRequest(
        act=act,
        charged=charged,
        date=care_date,
        quantity=quantity,
        br=br,
        sector=sector,
        pathway=pathway,
        setting=setting,
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
        raise InvalidRequest("", "la demande doit être une liste non vide d'objets", Refusal.MALFORMED)
    return [parse_request(item, today, path=f"[{index}]") for index, item in enumerate(payload)]
