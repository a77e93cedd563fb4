"""The reimbursement engine: AMO share, deductions, then each complementary contract in paying order.

Pure: no clock, no I/O. Every line is computed in Decimal and rounded to the cent, half up, and the
three shares always add up to what was charged (amo_paid + amc_paid + out_of_pocket = charged).

Order of the AMC computation for one contract (reimbursement-rules.md §4):
  1. the guarantee line's own formula, in what is left after the AMO and earlier contracts;
  2. the contrat responsable caps (100 % Santé limits, non-OPTAM, optics, hearing aids);
  3. the hors-parcours rule (only the normal ticket modérateur is paid);
  4. the periodic ceilings (already_used, shared by the lines of one care event).
All of them are upper bounds, so the result does not depend on their order; the order only fixes
which explanation is given.

Inferences where the rules file is silent (documented in the report and in tariffs.json):
  - "RO inclus" lines (N% BR, N% FR, forfait RO inclus, 100% Santé) of a later contract count what
    earlier contracts paid: a surcomplémentaire "200% BR" tops the total up to 200 % BR. "Hors RO"
    lines (TM + N% BR, forfait hors RO) add on top, within what is left.
  - maternité and C2S are exemptions from the ticket modérateur (100 % AMO within the BR) and from
    PF/franchises, as the rules file lists them (§1, §2).
  - hors parcours lowers the rate by 40 points from the normal one (70 % -> 30 %; 100 % -> 60 % for an
    ALD), and the parcours does not apply under 16 nor to a psychiatrist consulted at 16–25.
  - the non-OPTAM cap (dépassement covered ≤ 100 % BR) also applies to secteur 3 doctors (not
    signatories of the OPTAM); the guarantee given is the line for that doctor, applied once (issue 17).
  - heavy acts (S25b): the BR of one act is compared with the threshold; the participation forfaitaire
    still applies to them in ville (S30) and no deduction applies during a hospital stay; hors parcours,
    the 40-point penalty is taken from their 100 % rate like from any other, and the mutuelle still pays
    only the normal ticket modérateur (none for a heavy act).
  - the renewal period only stops the mutuelle's share; the AMO share is shown unchanged.
  - daily and annual caps of PF/franchises are counted within the request or care event only (the
    stateless form does not know the rest of the year).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from models.domain.dates import add_years, format_date
from models.domain.money import ZERO, format_eur, format_percent, round_half_up, to_json_amount
from models.domain.notation import Guarantee, Kind, Period, describe, table_words
from models.domain.request import (
    InvalidRequest,
    Refusal,
    SimulationRequest,
    parse_request,
    parse_requests,
)
from models.domain.tariffs import OPTICS_KINDS, ActTariff, TariffError, TariffSet, earliest_date, tariff_set_for
from models.domain.vocabulary import ACT_LABELS, DEDUCTION_LABELS

NON_OPTAM_SECTORS = ("2", "3")
DEFAULT_NAMES = ("base", "surcomplémentaire")  # shown: « Votre contrat « surcomplémentaire » … »
_EXEMPTION_WORDS = {"maternite": "maternité", "c2s": "complémentaire santé solidaire"}


@dataclass(frozen=True)
class Deduction:
    kind: str  # "participation_forfaitaire" or "franchise"
    amount: Decimal


@dataclass(frozen=True)
class ContractPayment:
    contract: str
    amount: Decimal


@dataclass(frozen=True)
class SimulationResult:
    act: str
    charged: Decimal
    br: Decimal
    amo_rate: Decimal
    amo_gross: Decimal
    deductions: tuple[Deduction, ...]
    amo_paid: Decimal
    amc: tuple[ContractPayment, ...]
    amc_paid: Decimal
    out_of_pocket: Decimal
    tariff_version: str
    explanation: tuple[str, ...]

    def to_json(self) -> dict[str, Any]:
        """Exactly the response of the contract (amounts as "19.00", rates as "0.70")."""
        return {
            "br": to_json_amount(self.br),
            "amo_rate": f"{self.amo_rate:.2f}",
            "amo_gross": to_json_amount(self.amo_gross),
            "deductions": [{"kind": d.kind, "amount": to_json_amount(d.amount)} for d in self.deductions],
            "amo_paid": to_json_amount(self.amo_paid),
            "amc": [{"contract": p.contract, "amount": to_json_amount(p.amount)} for p in self.amc],
            "amc_paid": to_json_amount(self.amc_paid),
            "out_of_pocket": to_json_amount(self.out_of_pocket),
            "tariff_version": self.tariff_version,
            "explanation": list(self.explanation),
        }


@dataclass
class _EventState:
    """What the lines of one care event share, consumed in order."""

    daily_counts: defaultdict[tuple[str, dt.date], int] = field(default_factory=lambda: defaultdict(int))
    annual_deductions: defaultdict[tuple[str, int], Decimal] = field(default_factory=lambda: defaultdict(Decimal))
    ceilings_used: dict[tuple[int, str], Decimal] = field(default_factory=dict)
    optics_total: Decimal = ZERO  # AMO gross + AMC of the classe B équipement so far
    frame_total: Decimal = ZERO
    lens_kinds: list[str] = field(default_factory=list)


def _names(count: int, contract_names: Sequence[str] | None) -> list[str]:
    if contract_names is not None:
        if len(contract_names) != count:
            raise InvalidRequest("guarantees", "il faut un nom de contrat par ligne de garantie", Refusal.GUARANTEE)
        return list(contract_names)
    return [DEFAULT_NAMES[i] if i < len(DEFAULT_NAMES) else str(i + 1) for i in range(count)]


def _level(g: Guarantee, charged: Decimal, br: Decimal, limit: Decimal | None) -> Decimal | None:
    """What an "AMO included" line allows in total (AMO and earlier contracts included)."""
    if g.kind is Kind.PERCENT_BR:
        return round_half_up(g.rate * br)
    if g.kind is Kind.PERCENT_FR:
        return round_half_up(g.rate * charged)
    if g.kind is Kind.SANTE_100:
        return limit
    return None


def _forfait(g: Guarantee, quantity: int) -> Decimal:
    # "par jour" and "par oreille" forfaits are per unit of the line (days, ears).
    return g.value * quantity if g.period in (Period.DAY, Period.EAR) else g.value


def _formula(
    g: Guarantee,
    charged: Decimal,
    br: Decimal,
    amo_gross: Decimal,
    paid_before: Decimal,
    limit: Decimal | None,
    quantity: int,
) -> Decimal:
    """The guarantee line's own amount (contract §Guarantee notation), before any cap."""
    left = charged - amo_gross - paid_before
    if g.kind is Kind.TM_PLUS_BR:
        own = (br - amo_gross) + round_half_up(g.rate * br)
    elif g.kind is Kind.FORFAIT_ON_TOP:
        own = _forfait(g, quantity)
    else:
        level = _forfait(g, quantity) if g.kind is Kind.FORFAIT_INCLUDED else _level(g, charged, br, limit)
        assert level is not None
        own = min(charged, level) - amo_gross - paid_before
    return max(ZERO, min(own, left))


def _deduction_exemption(request: SimulationRequest) -> str | None:
    if request.patient.age is not None and request.patient.age < 18:
        return "moins de 18 ans"
    for exemption in sorted(request.patient.exemptions):
        return _EXEMPTION_WORDS[exemption]
    return None


@dataclass(frozen=True)
class _Rate:
    rate: Decimal  # applied
    normal: Decimal  # in the parcours de soins (what the mutuelle's ticket modérateur is counted on)
    reason: str  # shown after the rate, in parentheses
    heavy: bool = False  # the 24 € forfait replaces the ticket modérateur (billed on its own line)
    heavy_exempt: str = ""  # why the forfait is not due although the act is heavy


def _exemption(request: SimulationRequest) -> str:
    """Why the ticket modérateur is not due for this line (ALD, AT/MP, maternité, C2S), else ""."""
    if request.ald:
        return "affection de longue durée"
    if request.at_mp:
        return "accident du travail ou maladie professionnelle"
    if request.patient.exemptions:
        return _EXEMPTION_WORDS[sorted(request.patient.exemptions)[0]]
    return ""


def _is_heavy(act: ActTariff, br: Decimal, quantity: int, tariffs: TariffSet) -> bool:
    """An act of a family the 24 € rule concerns, whose tariff (the BR of one act) reaches the threshold."""
    return act.heavy_act and br / quantity >= tariffs.heavy_act.threshold


def _rate(request: SimulationRequest, act: ActTariff, tariffs: TariffSet, br: Decimal) -> _Rate:
    if act.amo_rate == 0:
        return _Rate(ZERO, ZERO, "")
    hospital = request.setting == "hospital" and act.doctor
    normal, reason = act.amo_rate, ""
    if hospital:
        normal, reason = tariffs.hospital_rate, " (soins pendant un séjour à l'hôpital)"
    exempt = _exemption(request) if act.tm_exemptible else ""
    heavy = _is_heavy(act, br, request.quantity, tariffs)
    if exempt:
        return _Rate(Decimal(1), Decimal(1), f" ({exempt})", heavy_exempt=exempt if heavy else "")
    if heavy:
        normal = tariffs.heavy_act.amo_rate
        reason = " (acte lourd)"
    age = request.patient.age
    direct = act.direct_access is not None and age is not None and act.direct_access[0] <= age <= act.direct_access[1]
    child = age is not None and age < tariffs.parcours_from_age
    # A hospital stay is outside the parcours de soins coordonnés [I: S1 lists its exceptions].
    if act.parcours and not request.pathway and not direct and not child and not hospital:
        return _Rate(
            max(ZERO, normal - tariffs.hors_parcours_penalty),
            normal,
            " (hors parcours de soins coordonnés)",
            heavy=heavy,
        )
    return _Rate(normal, normal, reason, heavy=heavy)


def _line_br(request: SimulationRequest, act: ActTariff, basket: str | None, sector: str) -> Decimal:
    if request.br is not None:
        return request.br
    if act.br_from == "charged":
        return request.charged
    if act.br_from == "request":
        raise InvalidRequest(
            "br",
            f"la base de remboursement est obligatoire pour l'acte {act.code} ({act.label}) : "
            "elle dépend de l'acte réalisé",
            Refusal.BR_REQUIRED,
            {"act": act.code, "date": request.date.isoformat()},
        )
    unit = act.unit_br(sector, request.patient.age, basket, reduced=request.ald or request.at_mp)
    assert unit is not None
    return round_half_up(unit * request.quantity)


def _simulate_line(
    request: SimulationRequest, state: _EventState, contract_names: Sequence[str] | None
) -> SimulationResult:
    if not request.guarantees:
        raise InvalidRequest(
            "guarantee",
            "indiquez la garantie (par exemple « 100% BR ») ; sans garantie, la simulation n'est possible "
            "que depuis votre espace adhérent",
            Refusal.GUARANTEE,
        )
    try:
        tariffs = tariff_set_for(request.date)
    except TariffError as exc:
        raise InvalidRequest(
            "date",
            str(exc),
            Refusal.NO_TARIFF,
            {"date": request.date.isoformat(), "earliest": earliest_date().isoformat()},
        ) from None
    try:
        act = tariffs.act(request.act)
    except TariffError as exc:
        raise InvalidRequest(
            "act", str(exc), Refusal.ACT_NOT_ON_DATE, {"act": request.act, "date": request.date.isoformat()}
        ) from None
    basket = request.basket or ("libre" if act.baskets else None)
    if basket is not None and basket not in act.baskets:
        raise InvalidRequest(
            "basket",
            f"le panier « {basket} » n'existe pas pour l'acte {act.code} le {format_date(request.date)}",
            Refusal.BASKET_UNKNOWN_FOR_ACT,
            {"act": act.code, "basket": basket, "date": request.date.isoformat()},
        )
    basket_tariff = act.baskets.get(basket) if basket else None
    limit = None
    if basket_tariff is not None and basket_tariff.limit is not None:
        limit = round_half_up(basket_tariff.limit * request.quantity)
    for index, g in enumerate(request.guarantees):
        if g.kind is Kind.SANTE_100 and (basket != "100-sante" or limit is None):
            name = "guarantee" if len(request.guarantees) == 1 else f"guarantees[{index}]"
            raise InvalidRequest(
                name,
                "« 100% Santé » ne s'applique qu'aux soins et équipements du panier 100 % Santé (basket « 100-sante »)",
                Refusal.SANTE_100_OUTSIDE_BASKET,
                {"act": act.code, "date": request.date.isoformat()},
            )
    names = _names(len(request.guarantees), contract_names)
    charged = request.charged
    say: list[str] = [f"Barème de la Sécurité sociale du {format_date(tariffs.effective_from)} ({act.label})"]

    # Base de remboursement: never above what was charged (the AMO never pays more than the fee).
    br = _line_br(request, act, basket, request.sector)
    if br > charged:
        br = charged
        say.append(f"Base de remboursement : {format_eur(br)} (ramenée au montant facturé)")
    else:
        say.append(f"Base de remboursement : {format_eur(br)}")
    if request.sector == "3" and act.doctor and request.br is None:
        say.append("Médecin non conventionné : la Sécurité sociale applique le tarif d'autorité")

    applied = _rate(request, act, tariffs, br)
    rate, normal_rate = applied.rate, applied.normal
    amo_gross = round_half_up(br * rate)
    if rate == 0:
        say.append(f"La Sécurité sociale ne rembourse pas cet acte ({act.label})")
    else:
        say.append(f"Taux de la Sécurité sociale : {format_percent(rate)}{applied.reason}")
    forfait = format_eur(tariffs.heavy_act.forfait)
    if applied.heavy:
        say.append(
            f"Acte lourd (tarif de {format_eur(br / request.quantity)}, seuil de "
            f"{format_eur(tariffs.heavy_act.threshold)}) : la Sécurité sociale paie toute la base ; le forfait de "
            f"{forfait} est facturé sur sa propre ligne (« {ACT_LABELS['FORFAIT_24']} »), que votre mutuelle "
            "prend en charge selon votre garantie"
        )
    elif applied.heavy_exempt:
        say.append(f"Acte lourd : le forfait de {forfait} n'est pas dû ({applied.heavy_exempt})")

    # Deductions: kept back from the AMO payment, never below zero, never repaid by the mutuelle.
    deductions: list[Deduction] = []
    if act.deduction is not None:
        rule = tariffs.deductions[act.deduction]
        exemption = _deduction_exemption(request)
        word = DEDUCTION_LABELS[rule.kind]
        if request.setting == "hospital":
            # Neither the participation forfaitaire nor the franchises are charged during a stay (S30,S31).
            say.append(f"{word} non appliquée : soins pendant un séjour à l'hôpital")
        elif exemption:
            say.append(f"{word} non appliquée : {exemption}")
        else:
            count = request.quantity if act.deduction_per == "unit" else 1
            if rule.daily_max_count is not None:
                used = state.daily_counts[(rule.key, request.date)]
                count = max(0, min(count, rule.daily_max_count - used))
                state.daily_counts[(rule.key, request.date)] = used + count
            annual_key = (rule.kind, request.date.year)
            amount = min(count * rule.amount, rule.annual_cap - state.annual_deductions[annual_key])
            amount = max(ZERO, min(amount, amo_gross - sum((d.amount for d in deductions), ZERO)))
            if amount > 0:
                state.annual_deductions[annual_key] += amount
                deductions.append(Deduction(rule.kind, amount))
                say.append(f"{word} de {format_eur(amount)} non remboursable (contrat responsable)")
    deducted = sum((d.amount for d in deductions), ZERO)
    amo_paid = amo_gross - deducted
    if rate > 0:
        say.append(f"La Sécurité sociale vous rembourse {format_eur(amo_paid)}")

    # Caps on the total the mutuelle(s) pay for this line, each with the sentence that explains it.
    caps: list[tuple[Decimal, str]] = []
    if basket == "100-sante" and limit is not None:
        caps.append((max(ZERO, min(charged, limit) - amo_gross), ""))
    if basket == "maitrise" and limit is not None:
        caps.append(
            (
                max(ZERO, limit - amo_gross),
                f"Tarif maîtrisé : prise en charge dans la limite de {format_eur(limit)}, Sécurité sociale incluse",
            )
        )
    classe_b_optics = act.optics is not None and basket == "libre"
    if classe_b_optics:
        equipment_cap = tariffs.caps.optics_cap(state.lens_kinds)
        caps.append(
            (
                max(ZERO, equipment_cap - state.optics_total - amo_gross),
                f"Plafond du contrat responsable pour un équipement optique : {format_eur(equipment_cap)}, "
                "Sécurité sociale incluse",
            )
        )
        if act.optics == "frame":
            frame_cap = tariffs.caps.optics_frame
            caps.append(
                (
                    max(ZERO, frame_cap - state.frame_total - amo_gross),
                    f"Plafond du contrat responsable pour la monture : {format_eur(frame_cap)}, "
                    "Sécurité sociale incluse",
                )
            )
    if act.renewal == "hearing" and basket == "libre" and tariffs.caps.hearing_per_ear is not None:
        ear_cap = tariffs.caps.hearing_per_ear * request.quantity
        caps.append(
            (
                max(ZERO, ear_cap - amo_gross),
                f"Plafond du contrat responsable : {format_eur(tariffs.caps.hearing_per_ear)} par oreille, "
                "Sécurité sociale incluse",
            )
        )
    if rate < normal_rate:
        normal_tm = round_half_up(br * (1 - normal_rate))
        caps.append(
            (
                normal_tm,
                "Hors parcours de soins : votre mutuelle ne rembourse ni la majoration du ticket modérateur "
                "ni les dépassements d'honoraires (contrat responsable)",
            )
        )
    if act.doctor and request.sector in NON_OPTAM_SECTORS:
        # The contract's line for a doctor outside the OPTAM is applied as written, once: the 20-point gap
        # below the OPTAM line is a rule on how contracts are written (models.domain.contract_rules), not a
        # second cut here. What holds at payment time is the 100 % BR ceiling on the dépassement (S40).
        total = round_half_up(br * (1 + tariffs.caps.non_optam_excess_max))
        caps.append(
            (
                max(ZERO, total - amo_gross),
                "Médecin non adhérent à l'OPTAM : le contrat responsable limite la prise en charge à "
                f"{format_eur(total)} ({format_percent(1 + tariffs.caps.non_optam_excess_max)} de la base de "
                "remboursement), Sécurité sociale incluse",
            )
        )
    renewal_from = _renewal_date(request, act, tariffs)
    if renewal_from is not None:
        caps.append((ZERO, ""))

    # Each contract in paying order.
    payments: list[ContractPayment] = []
    paid = ZERO
    contract_sentences: list[str] = []
    binding: list[str] = []
    for index, g in enumerate(request.guarantees):
        own = _formula(g, charged, br, amo_gross, paid, limit, request.quantity)
        if basket == "100-sante" and limit is not None:
            # A contrat responsable must cover the 100 % Santé panier in full, whatever its line says.
            own = max(own, min(charged, limit) - amo_gross - paid)
        bounds: list[tuple[Decimal, str]] = [(cap - paid, text) for cap, text in caps]
        ceiling_key = None
        if g.is_forfait and g.period in (Period.YEAR, Period.EQUIPMENT, Period.EAR):
            ceiling_key = (index, str(g))
            if ceiling_key not in state.ceilings_used:
                state.ceilings_used[ceiling_key] = (
                    request.already_used[index] if index < len(request.already_used) else ZERO
                )
            remaining = max(ZERO, _forfait(g, request.quantity) - state.ceilings_used[ceiling_key])
            left = f"Il reste {format_eur(remaining)} sur le plafond de la garantie ({table_words(g)})"
            bounds.append((remaining, left))
        amount = own
        for bound, text in bounds:
            if bound < amount:
                amount = max(ZERO, bound)
                if text and text not in binding:
                    binding.append(text)
        amount = round_half_up(amount)
        if ceiling_key is not None:
            state.ceilings_used[ceiling_key] += amount
        paid += amount
        who = "Votre mutuelle" if len(request.guarantees) == 1 else f"Votre contrat « {names[index]} »"
        if amount > 0:
            payments.append(ContractPayment(names[index], amount))
            contract_sentences.append(f"{who} prend en charge {format_eur(amount)} (garantie : {describe(g)})")
        else:
            contract_sentences.append(f"{who} ne prend rien en charge sur cette ligne (garantie : {describe(g)})")

    if classe_b_optics:
        state.optics_total += amo_gross + paid
        if act.optics == "frame":
            state.frame_total += amo_gross + paid
    if renewal_from is not None:
        years = _renewal_years(request, act, tariffs)
        unit = "an" if years == 1 else "ans"
        say.append(
            f"Votre mutuelle ne rembourse pas cet équipement : le précédent date du "
            f"{format_date(request.last_equipment)} (un équipement tous les {years} {unit})"  # type: ignore[arg-type]
        )
        say.append(f"Prochain équipement remboursable à partir du {format_date(renewal_from)}")
    say.extend(binding)
    say.extend(contract_sentences)
    out_of_pocket = charged - amo_paid - paid
    say.append(f"Reste à votre charge : {format_eur(out_of_pocket)}")
    return SimulationResult(
        act=act.code,
        charged=charged,
        br=br,
        amo_rate=rate,
        amo_gross=amo_gross,
        deductions=tuple(deductions),
        amo_paid=amo_paid,
        amc=tuple(payments),
        amc_paid=paid,
        out_of_pocket=out_of_pocket,
        tariff_version=tariffs.version,
        explanation=tuple(say),
    )


def _renewal_years(request: SimulationRequest, act: ActTariff, tariffs: TariffSet) -> int:
    if act.renewal == "optics" and request.patient.age is not None and request.patient.age < 16:
        return tariffs.renewal_years["optics_under_16"]
    return tariffs.renewal_years[act.renewal or "optics"]


def _renewal_date(request: SimulationRequest, act: ActTariff, tariffs: TariffSet) -> dt.date | None:
    """The date from which a new équipement is covered, when the care falls before it."""
    if act.renewal is None or request.last_equipment is None:
        return None
    next_date = add_years(request.last_equipment, _renewal_years(request, act, tariffs))
    return next_date if request.date < next_date else None


def simulate_event(
    requests: Sequence[SimulationRequest], *, contract_names: Sequence[str] | None = None
) -> list[SimulationResult]:
    """The lines of one care event, in order, sharing periodic ceilings, daily deduction caps and the
    contrat responsable ceiling of one optical équipement."""
    state = _EventState()
    for request in requests:
        try:
            act = tariff_set_for(request.date).acts.get(request.act)
        except TariffError:
            act = None
        if act is not None and act.optics in OPTICS_KINDS and (request.basket or "libre") == "libre":
            state.lens_kinds.extend([act.optics] * request.quantity)
    results = []
    for index, request in enumerate(requests):
        try:
            results.append(_simulate_line(request, state, contract_names))
        except InvalidRequest as exc:
            if len(requests) == 1:
                raise
            raise exc.at(f"[{index}].{exc.field}") from None
    return results


def simulate(request: SimulationRequest, *, contract_names: Sequence[str] | None = None) -> SimulationResult:
    return simulate_event([request], contract_names=contract_names)[0]


def run_simulation_json(
    payload: dict[str, Any] | list[Any], today: dt.date, *, contract_names: Sequence[str] | None = None
) -> dict[str, Any] | list[dict[str, Any]]:
    """What `espace simulate` and the endpoint call: parse, simulate, return the JSON response.

    Raises InvalidRequest (French message, field path) for anything the contract refuses.
    """
    if isinstance(payload, list):
        results = simulate_event(parse_requests(payload, today), contract_names=contract_names)
        return [result.to_json() for result in results]
    if isinstance(payload, dict):
        return simulate(parse_request(payload, today), contract_names=contract_names).to_json()
    raise InvalidRequest("", "la demande doit être un objet JSON ou une liste d'objets", Refusal.MALFORMED)


def refused_by_mutuelle(result: dict[str, Any]) -> dict[str, Any]:
    """The engine's result of a line whose claim the mutuelle rejected: the Sécurité sociale's part stays,
    the mutuelle pays nothing (its share goes to the reste à charge), and the explanation says so instead
    of the sentences of what it would have paid. Kept with the claim line, like any result."""
    amc = Decimal(str(result.get("amc_paid", "0")))
    out_of_pocket = Decimal(str(result.get("out_of_pocket", "0"))) + amc
    said = [
        s
        for s in result.get("explanation", [])
        if not s.startswith(("Votre mutuelle", "Votre contrat « ", "Reste à votre charge"))
    ]
    said.append("Remboursement rejeté : votre mutuelle ne prend rien en charge sur cette ligne (motif indiqué)")
    said.append(f"Reste à votre charge : {format_eur(out_of_pocket)}")
    return {
        **result,
        "amc": [],
        "amc_paid": to_json_amount(ZERO),
        "out_of_pocket": to_json_amount(out_of_pocket),
        "explanation": said,
    }
