"""Mes garanties and the simulator on the member's own cover.

- ``my_guarantees``: the member's contracts with their tableaux de garanties by poste, each line with its
  plain-French description and an example in euros computed by the engine; per beneficiary, what each
  plafonné line has paid in its current period (from the claims' per-contract shares) and when the next
  optical or hearing équipement is covered.
- ``member_simulation``: the member form of ``POST /simulations``: the beneficiary's contracts give the
  guarantee lines (by act, OPTAM or not, panier), the claims give the ceilings already used and the date
  of the last équipement; the engine does the rest.
- ``save_simulation`` / ``saved_simulations``: simulations kept in the member's space.

Every query is filtered by the member's id here; another member's beneficiary is a 404, never a 403
(its existence is not revealed).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from sqlmodel import Session, col, select

from models.domain import vocabulary
from models.domain.dates import add_years
from models.domain.money import format_eur
from models.domain.notation import Guarantee, Period, describe, parse
from models.domain.refusals import line_number, member_words
from models.domain.request import (
    EQUIPMENT_ACTS,
    InvalidRequest,
    Refusal,
    SimulationRequest,
    parse_request,
    parse_requests,
)
from models.domain.simulation import SimulationResult as EngineResult
from models.domain.simulation import run_simulation_json, simulate_event
from models.domain.tariffs import TariffError, tariff_set_for
from models.domain.tariffs import act_label as tariffs_act_label
from models.schemas.common import ClaimStatus, ContractLevel, ContractState, SectorScope
from models.schemas.dashboard import ContractServiceOut
from models.schemas.errors import ErrorDetail
from models.schemas.guarantees import (
    BeneficiaryCover,
    CareCategoryOut,
    CeilingUse,
    ContractGuarantees,
    EquipmentRenewal,
    GuaranteeExample,
    GuaranteeLineOut,
    MyGuarantees,
    SavedSimulationCreate,
    SavedSimulationOut,
)
from models.schemas.simulation import SimulationResult
from models.tables import (
    Beneficiary,
    Claim,
    ClaimLine,
    ClaimLineAmc,
    Contract,
    ContractBeneficiary,
    GuaranteeLine,
    GuaranteeTable,
    Member,
    SavedSimulation,
)
from server.clock import Clock
from server.errors import ApiError
from server.services.contract_services import services_by_contract
from server.services.viewer import Viewer

ZERO = Decimal("0.00")

# Postes de soins in the order of a tableau de garanties, with the words members read (the vocabulary's).
CATEGORY_LABELS = vocabulary.CARE_CATEGORY_LABELS
OPTICS_ACTS = frozenset(EQUIPMENT_ACTS - {"AUDIO"})
HEARING_ACTS = frozenset({"AUDIO"})
_PERIODS = {Period.YEAR: "year", Period.EQUIPMENT: "equipment", Period.EAR: "ear"}
EXAMPLE_AGE = 40
MAX_SAVED = 50


category_label = vocabulary.care_category_label


def _category_rank(code: str) -> int:
    order = list(CATEGORY_LABELS)
    return order.index(code) if code in order else len(order)


def not_found_beneficiary() -> ApiError:
    return ApiError(
        404,
        "beneficiary_not_found",
        "Cette personne ne figure pas parmi les bénéficiaires de vos contrats.",
        details=[ErrorDetail(field="beneficiary_id", message="bénéficiaire inconnu dans votre espace")],
    )


def _engine_error(exc: InvalidRequest) -> ApiError:
    """The engine's refusal for a member or a conseiller: the words of `models.domain.refusals`, never the
    contract's (field names, JSON values); the field path stays in ``details`` for programs."""
    words = member_words(exc)
    line = line_number(exc.field)
    if line is not None:
        words = f"ligne {line} : {words}"
    return ApiError(
        422,
        "invalid_request",
        f"La simulation n'a pas pu être faite. {words[:1].upper()}{words[1:]}",
        details=[ErrorDetail(field=exc.field or None, message=words)],
    )


# --------------------------------------------------------------------------------------------------
# Contracts, lines and the choice of a line


@dataclass(frozen=True)
class _Cover:
    contract: Contract
    table: GuaranteeTable
    lines: tuple[GuaranteeLine, ...]


def _covers(session: Session, member_id: int) -> list[_Cover]:
    rows = session.exec(
        select(Contract, GuaranteeTable)
        .join(GuaranteeTable, GuaranteeTable.id == Contract.guarantee_table_id)  # type: ignore[arg-type]
        .where(Contract.member_id == member_id)
        .order_by(col(Contract.start_date), col(Contract.id))
    ).all()
    table_ids = sorted({table.id for _, table in rows if table.id is not None})
    lines: dict[int, list[GuaranteeLine]] = defaultdict(list)
    for line in session.exec(
        select(GuaranteeLine)
        .where(col(GuaranteeLine.table_id).in_(table_ids))
        .order_by(col(GuaranteeLine.position), col(GuaranteeLine.id))
    ).all():
        lines[line.table_id].append(line)
    covers = [_Cover(contract, table, tuple(lines.get(table.id or 0, ()))) for contract, table in rows]
    # base contracts first, each followed by the surcomplémentaires built on it
    return sorted(
        covers,
        key=lambda c: (c.contract.base_contract_id or c.contract.id or 0, c.contract.base_contract_id is not None),
    )


def _beneficiary_ids(session: Session, contract_ids: Sequence[int]) -> dict[int, list[int]]:
    found: dict[int, list[int]] = defaultdict(list)
    for contract_id, beneficiary_id in session.exec(
        select(ContractBeneficiary.contract_id, ContractBeneficiary.beneficiary_id).where(
            col(ContractBeneficiary.contract_id).in_(list(contract_ids))
        )
    ).all():
        found[contract_id].append(beneficiary_id)
    return found


def in_force(contract: Contract, day: date) -> bool:
    """Whether the contract pays care of ``day`` (suspended garanties pay nothing)."""
    if contract.state is ContractState.suspended or contract.start_date > day:
        return False
    if contract.state is ContractState.portability:
        return True
    return contract.end_date is None or day <= contract.end_date


def line_for(lines: Sequence[GuaranteeLine], act: str, sector: str, basket: str | None) -> GuaranteeLine | None:
    """The line paying ``act``: the first whose acts, sector scope (OPTAM or not) and panier match."""
    optam = sector in ("1", "2-optam")
    for line in lines:
        if act not in line.act_codes:
            continue
        if line.sector_scope is SectorScope.optam and not optam:
            continue
        if line.sector_scope is SectorScope.non_optam and optam:
            continue
        if line.basket is not None and line.basket != (basket or "libre"):
            continue
        return line
    return None


def _ceiling(line: GuaranteeLine) -> tuple[Guarantee, str] | None:
    g = parse(line.notation)
    if g.is_forfait and g.period in _PERIODS:
        return g, _PERIODS[g.period]
    return None


# --------------------------------------------------------------------------------------------------
# What the claims already used


@dataclass(frozen=True)
class _Paid:
    """One contract's share of one claim line."""

    beneficiary_id: int
    contract_id: int
    care_date: date
    act: str
    amount: Decimal
    explanation: tuple[str, ...]


def _paid_shares(session: Session, member_id: int) -> list[_Paid]:
    rows = session.exec(
        select(Claim.beneficiary_id, Claim.care_date, ClaimLine.act, ClaimLine.engine_result, ClaimLineAmc)
        .join(ClaimLine, ClaimLine.claim_id == Claim.id)  # type: ignore[arg-type]
        .join(ClaimLineAmc, ClaimLineAmc.claim_line_id == ClaimLine.id)  # type: ignore[arg-type]
        .where(Claim.member_id == member_id, Claim.status != ClaimStatus.rejected)
    ).all()
    return [
        _Paid(
            beneficiary_id,
            amc.contract_id,
            care_date,
            act,
            Decimal(amc.amount),
            tuple((result or {}).get("explanation") or ()),
        )
        for beneficiary_id, care_date, act, result, amc in rows
        if amc.amount and amc.amount > 0
    ]


def _paid_by_line(paid: _Paid, line: GuaranteeLine, lines: Sequence[GuaranteeLine]) -> bool:
    """Whether ``line`` is the one that paid this share. A claim line keeps the engine's explanation,
    which names each guarantee in words; among the lines covering the act, the one named there paid."""
    candidates = [candidate for candidate in lines if paid.act in candidate.act_codes]
    if line not in candidates:
        return False
    if len(candidates) == 1:
        return True
    text = "\n".join(paid.explanation)
    for candidate in candidates:
        if f"(garantie : {describe(candidate.notation)})" in text:
            return candidate.id == line.id
    return candidates[0].id == line.id


def _last_equipment(paid: Sequence[_Paid], beneficiary_id: int, acts: frozenset[str], before: date) -> date | None:
    """The care date of the last équipement the mutuelle paid for (optics or hearing)."""
    dates = [
        p.care_date for p in paid if p.beneficiary_id == beneficiary_id and p.act in acts and p.care_date <= before
    ]
    return max(dates) if dates else None


def _renewal_years(kind: str, age: int, day: date) -> int:
    years = tariff_set_for(day).renewal_years
    if kind == "optics":
        return years["optics_under_16"] if age < 16 else years["optics"]
    return years["hearing"]


def age_on(birth: date, day: date) -> int:
    return day.year - birth.year - ((day.month, day.day) < (birth.month, birth.day))


def _year_used(paid: Sequence[_Paid], cover: _Cover, line: GuaranteeLine, beneficiary_id: int, year: int) -> Decimal:
    return sum(
        (
            p.amount
            for p in paid
            if p.beneficiary_id == beneficiary_id
            and p.contract_id == cover.contract.id
            and p.care_date.year == year
            and _paid_by_line(p, line, cover.lines)
        ),
        ZERO,
    )


# --------------------------------------------------------------------------------------------------
# Examples in euros


@dataclass(frozen=True)
class _Item:
    act: str
    charged: str
    quantity: int = 1
    br: str | None = None


_EXAMPLE_ITEMS: dict[str, tuple[str, tuple[_Item, ...]]] = {
    "G": ("une consultation chez le médecin généraliste", (_Item("G", "30.00"),)),
    "TCG": ("une téléconsultation avec le généraliste", (_Item("TCG", "25.00"),)),
    "CS": ("une consultation chez un spécialiste", (_Item("CS", "60.00"),)),
    "APC": ("un avis ponctuel de consultant", (_Item("APC", "80.00"),)),
    "CNPSY": ("une consultation chez le psychiatre", (_Item("CNPSY", "70.00"),)),
    "ADC": ("un acte de chirurgie (base de 300,00 €)", (_Item("ADC", "600.00", br="300.00"),)),
    "FJH": ("3 jours de forfait journalier hospitalier", (_Item("FJH", "60.00", quantity=3),)),
    "FORFAIT_24": ("le forfait actes lourds", (_Item("FORFAIT_24", "24.00"),)),
    "FPU": ("un passage aux urgences (forfait patient urgences)", (_Item("FPU", "19.61"),)),
    "PH7": ("une boîte de médicaments remboursée à 65 %", (_Item("PH7", "10.00"),)),
    "PH4": ("une boîte de médicaments remboursée à 30 %", (_Item("PH4", "10.00"),)),
    "PH2": ("une boîte de médicaments remboursée à 15 %", (_Item("PH2", "10.00"),)),
    "PH1": ("une boîte de médicaments remboursée à 100 %", (_Item("PH1", "10.00"),)),
    "AMK": ("une séance de kinésithérapie", (_Item("AMK", "16.13", br="16.13"),)),
    "AMI": ("un acte infirmier", (_Item("AMI", "3.15"),)),
    "B": ("des analyses de biologie", (_Item("B", "40.00", br="40.00"),)),
    "TAXI": ("un transport en taxi conventionné", (_Item("TAXI", "50.00", br="50.00"),)),
    "SC": ("un soin dentaire (détartrage)", (_Item("SC", "28.92", br="28.92"),)),
}
_BASKET_EXAMPLES: dict[tuple[str, str], tuple[str, tuple[_Item, ...]]] = {
    ("PROTHESE", "libre"): ("une couronne dentaire à tarif libre", (_Item("PROTHESE", "700.00"),)),
    ("PROTHESE", "maitrise"): ("une couronne dentaire à tarif maîtrisé", (_Item("PROTHESE", "500.00"),)),
    ("PROTHESE", "100-sante"): ("une couronne dentaire 100 % Santé", (_Item("PROTHESE", "500.00"),)),
    ("AUDIO", "libre"): ("une aide auditive (une oreille)", (_Item("AUDIO", "1500.00"),)),
    ("AUDIO", "100-sante"): ("une aide auditive 100 % Santé (une oreille)", (_Item("AUDIO", "950.00"),)),
    ("MONTURE", "libre"): ("une monture", (_Item("MONTURE", "150.00"),)),
    ("VERRE_SIMPLE", "libre"): ("deux verres simples", (_Item("VERRE_SIMPLE", "120.00"),) * 2),
    ("VERRE_COMPLEXE", "libre"): ("deux verres complexes", (_Item("VERRE_COMPLEXE", "160.00"),) * 2),
    ("VERRE_TRES_COMPLEXE", "libre"): (
        "deux verres très complexes",
        (_Item("VERRE_TRES_COMPLEXE", "220.00"),) * 2,
    ),
}
_GLASSES = {
    "libre": (
        "des lunettes (monture et deux verres simples)",
        (_Item("MONTURE", "150.00"), _Item("VERRE_SIMPLE", "120.00"), _Item("VERRE_SIMPLE", "120.00")),
    ),
    "100-sante": (
        "des lunettes 100 % Santé (monture et deux verres simples)",
        (_Item("MONTURE", "30.00"), _Item("VERRE_SIMPLE", "32.50"), _Item("VERRE_SIMPLE", "32.50")),
    ),
}


def _example_items(line: GuaranteeLine) -> tuple[str, tuple[_Item, ...]] | None:
    acts = list(line.act_codes)
    if not acts:
        return None
    basket = line.basket or "libre"
    if len([a for a in acts if a in OPTICS_ACTS]) > 1:
        return _GLASSES.get(basket)
    act = acts[0]
    if act in EQUIPMENT_ACTS or act == "PROTHESE":
        if basket == "100-sante" and act in OPTICS_ACTS:
            return _GLASSES["100-sante"]
        return _BASKET_EXAMPLES.get((act, basket))
    return _EXAMPLE_ITEMS.get(act)


def _example(line: GuaranteeLine, stack: Sequence[tuple[str, GuaranteeLine]], today: date) -> GuaranteeExample | None:
    """The engine on a typical act of the line (with the base contract's line first for a
    surcomplémentaire), for an adult in the parcours de soins, today."""
    found = _example_items(line)
    if found is None:
        return None
    words, items = found
    doctor_sector = {SectorScope.optam: "2-optam", SectorScope.non_optam: "2"}.get(line.sector_scope)
    requests = []
    for item in items:
        request: dict[str, Any] = {
            "act": item.act,
            "charged": item.charged,
            "date": today.isoformat(),
            "patient": {"age": EXAMPLE_AGE, "exemptions": []},
            "guarantees": [ln.notation for _, ln in stack],
        }
        if item.quantity != 1:
            request["quantity"] = item.quantity
        if item.br is not None:
            request["br"] = item.br
        if doctor_sector is not None:
            request["sector"] = doctor_sector
        if line.basket is not None:
            request["basket"] = line.basket
        elif item.act in EQUIPMENT_ACTS or item.act == "PROTHESE":
            request["basket"] = "libre"
        requests.append(request)
    try:  # typed: the figures are the engine's Decimals, never read back from its JSON
        results = simulate_event(parse_requests(requests, today), contract_names=[name for name, _ in stack])
    except (InvalidRequest, TariffError):
        return None
    charged = sum((Decimal(i.charged) for i in items), ZERO)
    amo = sum((r.amo_paid for r in results), ZERO)
    amc = sum((r.amc_paid for r in results), ZERO)
    rac = sum((r.out_of_pocket for r in results), ZERO)
    who = "votre mutuelle" if len(stack) == 1 else "vos contrats de la mutuelle"
    sentence = (
        f"Exemple : pour {words}{vocabulary.inline_words(line.sector_scope, 'example')} à {format_eur(charged)}, "
        f"la Sécurité sociale rembourse {format_eur(amo)}, {who} {format_eur(amc)} ; "
        f"reste à votre charge : {format_eur(rac)}."
    )
    return GuaranteeExample(
        act_label=words, charged=charged, amo_paid=amo, amc_paid=amc, out_of_pocket=rac, sentence=sentence
    )


# --------------------------------------------------------------------------------------------------
# Mes garanties


def _contract_out(
    cover: _Cover,
    base: _Cover | None,
    beneficiary_ids: list[int],
    services: list[ContractServiceOut],
    today: date,
) -> ContractGuarantees:
    categories: dict[str, list[GuaranteeLineOut]] = defaultdict(list)
    for line in cover.lines:
        stack: list[tuple[str, GuaranteeLine]] = []
        if base is not None and line.act_codes:
            sector = {SectorScope.optam: "2-optam", SectorScope.non_optam: "2"}.get(line.sector_scope, "1")
            base_line = line_for(base.lines, line.act_codes[0], sector, line.basket)
            if base_line is not None:
                stack.append((base.contract.name, base_line))
        stack.append((cover.contract.name, line))
        ceiling = _ceiling(line)
        categories[line.care_category].append(
            GuaranteeLineOut(
                id=line.id or 0,
                label=line.label,
                act_codes=list(line.act_codes),
                sector_scope=line.sector_scope,
                basket=line.basket,
                notation=line.notation,
                description=describe(line.notation, label=line.label),
                ceiling_period=ceiling[1] if ceiling else None,  # type: ignore[arg-type]
                example=_example(line, stack, today),
            )
        )
    contract = cover.contract
    return ContractGuarantees(
        id=contract.id or 0,
        code=contract.code,
        name=contract.name,
        kind=contract.kind,
        level=contract.level,
        state=contract.state,
        start_date=contract.start_date,
        end_date=contract.end_date,
        base_contract_id=contract.base_contract_id,
        table_name=cover.table.name,
        beneficiary_ids=sorted(beneficiary_ids),
        categories=[
            CareCategoryOut(code=code, label=category_label(code), lines=lines)
            for code, lines in sorted(categories.items(), key=lambda item: _category_rank(item[0]))
        ],
        services=services,
    )


def _beneficiary_cover(
    beneficiary: Beneficiary,
    covers: Sequence[_Cover],
    covered_by: dict[int, list[int]],
    paid: Sequence[_Paid],
    today: date,
) -> BeneficiaryCover:
    assert beneficiary.id is not None
    age = age_on(beneficiary.birth_date, today)
    equipment: list[EquipmentRenewal] = []
    last: dict[str, date] = {}
    for kind, acts in (("optics", OPTICS_ACTS), ("hearing", HEARING_ACTS)):
        found = _last_equipment(paid, beneficiary.id, acts, today)
        if found is None:
            continue
        years = _renewal_years(kind, age, today)
        last[kind] = found
        equipment.append(
            EquipmentRenewal(kind=kind, last_date=found, next_date=add_years(found, years), renewal_years=years)  # type: ignore[arg-type]
        )
    ceilings: list[CeilingUse] = []
    for cover in covers:
        contract = cover.contract
        if beneficiary.id not in covered_by.get(contract.id or 0, []) or not in_force(contract, today):
            continue
        for line in cover.lines:
            found_ceiling = _ceiling(line)
            if found_ceiling is None:
                continue
            g, period = found_ceiling
            start: date | None
            end: date | None
            if period == "year":
                start, end = date(today.year, 1, 1), date(today.year, 12, 31)
                used = _year_used(paid, cover, line, beneficiary.id, today.year)
                limit = g.value
            else:
                kind = "hearing" if set(line.act_codes) & HEARING_ACTS else "optics"
                start = last.get(kind)
                limit = g.value * (2 if period == "ear" else 1)
                if start is None or add_years(start, _renewal_years(kind, age, today)) <= today:
                    start, end, used = None, None, ZERO  # no équipement in the current period
                else:
                    end = add_years(start, _renewal_years(kind, age, today))
                    used = sum(
                        (
                            p.amount
                            for p in paid
                            if p.beneficiary_id == beneficiary.id
                            and p.contract_id == contract.id
                            and start <= p.care_date <= today
                            and _paid_by_line(p, line, cover.lines)
                        ),
                        ZERO,
                    )
            used = min(used, limit)
            ceilings.append(
                CeilingUse(
                    contract_id=contract.id or 0,
                    contract_name=contract.name,
                    care_category=line.care_category,
                    category_label=category_label(line.care_category),
                    line_label=line.label,
                    notation=line.notation,
                    period=period,  # type: ignore[arg-type]
                    limit=limit.quantize(ZERO),
                    used=used.quantize(ZERO),
                    remaining=(limit - used).quantize(ZERO),
                    period_start=start,
                    period_end=end,
                )
            )
    return BeneficiaryCover(
        id=beneficiary.id,
        first_name=beneficiary.first_name,
        last_name=beneficiary.last_name,
        relationship=beneficiary.relationship,
        birth_date=beneficiary.birth_date,
        ceilings=ceilings,
        equipment=equipment,
    )


def _beneficiaries(session: Session, member_id: int) -> list[Beneficiary]:
    return list(
        session.exec(
            select(Beneficiary)
            .where(Beneficiary.member_id == member_id)
            .order_by(col(Beneficiary.birth_date), col(Beneficiary.id))
        ).all()
    )


def my_guarantees_pdf(session: Session, viewer: Viewer, today: date) -> bytes:
    from server.pdf.guarantees import guarantees_pdf
    from server.pdf.layout import MemberBlock

    person = viewer.beneficiary
    holder = MemberBlock(f"{person.first_name} {person.last_name}", viewer.member.member_number) if person else None
    return guarantees_pdf(viewer.member, my_guarantees(session, viewer, today), holder)


def my_guarantees(session: Session, viewer: Viewer, today: date) -> MyGuarantees:
    """The household's contracts and, per beneficiary the viewer may see (issue 21), the ceilings used and
    the next équipements (what they reveal is care)."""
    member = viewer.member
    assert member.id is not None
    covers = _covers(session, member.id)
    covered_by = _beneficiary_ids(session, [c.contract.id for c in covers if c.contract.id is not None])
    by_id = {c.contract.id: c for c in covers}
    services = services_by_contract(session, [c.contract for c in covers])
    contracts = [
        _contract_out(
            cover,
            by_id.get(cover.contract.base_contract_id),
            covered_by.get(cover.contract.id or 0, []),
            services.get(cover.contract.id or 0, []),
            today,
        )
        for cover in covers
    ]
    paid = _paid_shares(session, member.id)
    beneficiaries = _beneficiaries(session, member.id)
    # the member first, then the others by age
    beneficiaries.sort(key=lambda b: (b.relationship != "member", b.birth_date, b.id or 0))
    people = [
        _beneficiary_cover(b, covers, covered_by, paid, today)
        for b in beneficiaries
        if any(b.id in ids for ids in covered_by.values()) and viewer.sees(b.id)
    ]
    return MyGuarantees(as_of=today, contracts=contracts, beneficiaries=people)


# --------------------------------------------------------------------------------------------------
# The member form of the simulator


def is_member_form(payload: Any) -> bool:
    """A request (or a list of them) naming a beneficiary and no guarantee."""
    items = payload if isinstance(payload, list) else [payload]
    return any(
        isinstance(item, dict)
        and item.get("beneficiary_id") is not None
        and item.get("guarantee") is None
        and item.get("guarantees") is None
        for item in items
    )


def _own_beneficiary(session: Session, member: Member, raw: Any, field: str) -> Beneficiary:
    try:
        beneficiary_id = int(str(raw).strip())
    except ValueError:
        raise not_found_beneficiary() from None
    beneficiary = session.get(Beneficiary, beneficiary_id)
    if beneficiary is None or beneficiary.member_id != member.id:
        error = not_found_beneficiary()
        error.details = [ErrorDetail(field=field, message="bénéficiaire inconnu dans votre espace")]
        raise error
    return beneficiary


def _member_request(
    session: Session, member: Member, item: dict[str, Any], today: date, path: str, context: dict[str, Any]
) -> tuple[dict[str, Any], list[str], list[int]]:
    """The engine request for one line of the member form, the paying contracts' names and their ids."""
    at = f"{path}.beneficiary_id" if path else "beneficiary_id"
    beneficiary = _own_beneficiary(session, member, item.get("beneficiary_id"), at)
    probe = {k: v for k, v in item.items() if k != "beneficiary_id"}
    try:
        parsed = parse_request(probe, today, path=path)
    except InvalidRequest as exc:
        raise _engine_error(exc) from None
    assert member.id is not None
    if "covers" not in context:
        context["covers"] = _covers(session, member.id)
        context["covered_by"] = _beneficiary_ids(
            session, [c.contract.id for c in context["covers"] if c.contract.id is not None]
        )
        context["paid"] = _paid_shares(session, member.id)
    covers: list[_Cover] = context["covers"]
    covered_by: dict[int, list[int]] = context["covered_by"]
    paid: list[_Paid] = context["paid"]
    basket = parsed.basket
    if basket is None and (parsed.act in EQUIPMENT_ACTS or parsed.act == "PROTHESE"):
        basket = "libre"
    paying: list[tuple[_Cover, GuaranteeLine]] = []
    for cover in covers:
        if beneficiary.id not in covered_by.get(cover.contract.id or 0, []) or not in_force(
            cover.contract, parsed.date
        ):
            continue
        line = line_for(cover.lines, parsed.act, parsed.sector, basket)
        if line is not None:
            paying.append((cover, line))
    paying.sort(key=lambda p: p[0].contract.level is not ContractLevel.base)
    if not paying:
        raise ApiError(
            422,
            "not_covered",
            f"Aucun contrat de {beneficiary.first_name} ne prend en charge cet acte à cette date "
            "(contrat suspendu, terminé, ou acte absent du tableau de garanties).",
            details=[ErrorDetail(field=f"{path}.act" if path else "act", message="acte non couvert")],
        )
    request = dict(probe)
    request["guarantees"] = [line.notation for _, line in paying]
    request.pop("guarantee", None)
    if request.get("patient") is None:
        request["patient"] = {"age": age_on(beneficiary.birth_date, parsed.date), "exemptions": []}
    if "already_used" not in request:
        used = []
        for cover, line in paying:
            ceiling = _ceiling(line)
            if ceiling is not None and ceiling[1] == "year":
                used.append(str(_year_used(paid, cover, line, beneficiary.id or 0, parsed.date.year)))
            else:
                # an équipement starts its own period; inside the renewal period `last_equipment` stops it
                used.append("0.00")
        request["already_used"] = used
    if parsed.act in EQUIPMENT_ACTS and request.get("last_equipment") is None:
        acts = HEARING_ACTS if parsed.act in HEARING_ACTS else OPTICS_ACTS
        last = _last_equipment(paid, beneficiary.id or 0, acts, parsed.date)
        if last is not None:
            request["last_equipment"] = last.isoformat()
    request.pop("beneficiary_id", None)
    return request, [cover.contract.name for cover, _ in paying], [cover.contract.id or 0 for cover, _ in paying]


def member_simulation(session: Session, member: Member, payload: Any, today: date) -> Any:
    """The member form: the engine's JSON for the beneficiary's own contracts and ceilings."""
    if isinstance(payload, list):
        if not payload:
            empty = InvalidRequest("", "la demande doit être une liste non vide d'objets", Refusal.MALFORMED)
            raise _engine_error(empty)
        context: dict[str, Any] = {}
        built = [
            _member_request(session, member, item if isinstance(item, dict) else {}, today, f"[{i}]", context)
            for i, item in enumerate(payload)
        ]
        names = built[0][1]
        if any(other != names for _, other, _ in built):
            raise ApiError(
                422,
                "invalid_request",
                "La simulation n'a pas pu être faite : les lignes d'un même soin doivent concerner la même "
                "personne et les mêmes contrats ; simulez-les séparément.",
            )
        engine_payload: Any = [request for request, _, _ in built]
    else:
        if not isinstance(payload, dict):
            raise _engine_error(InvalidRequest("", "la demande doit être un objet JSON", Refusal.MALFORMED))
        request, names, _ = _member_request(session, member, payload, today, "", {})
        engine_payload = request
    try:
        return run_simulation_json(engine_payload, today, contract_names=names)
    except InvalidRequest as exc:
        raise _engine_error(exc) from None


@dataclass(frozen=True)
class MemberLine:
    """One line priced on the member's own cover, typed: the engine request (guarantee lines of the
    beneficiary's contracts, this year's consumption, renewal period), who pays it in order."""

    request: SimulationRequest
    names: tuple[str, ...]
    contract_ids: tuple[int, ...]


def member_line(
    session: Session, member: Member, item: dict[str, Any], today: date, context: dict[str, Any], path: str = ""
) -> MemberLine:
    """The member form of one line (``item`` names ``beneficiary_id``), parsed: what the simulator computes
    for the same act, for the démarches (devis, demander un remboursement) to call the engine typed.
    Raises ApiError (not covered, unknown beneficiary) like the simulator."""
    request, names, ids = _member_request(session, member, item, today, path, context)
    try:
        parsed = parse_request(request, today, path=path)
    except InvalidRequest as exc:
        raise _engine_error(exc) from None
    return MemberLine(parsed, tuple(names), tuple(ids))


def price_lines(lines: Sequence[MemberLine]) -> list[EngineResult]:
    """The engine's typed results for lines of one care event, in order. Lines paid by the same contracts
    are one event (they share the year's ceilings, as in the simulator's list form); others are apart."""
    results: dict[int, EngineResult] = {}
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for index, line in enumerate(lines):
        groups[line.names].append(index)
    for names, indexes in groups.items():
        priced = simulate_event([lines[i].request for i in indexes], contract_names=names)
        results.update(zip(indexes, priced, strict=True))
    return [results[i] for i in range(len(lines))]


# --------------------------------------------------------------------------------------------------
# Saved simulations


def act_label(act: str, day: date) -> str:
    """The act's French label on ``day`` (its code when the tariffs do not know it)."""
    return tariffs_act_label(act, day) or act


def _saved_out(row: SavedSimulation, beneficiary: Beneficiary) -> SavedSimulationOut:
    requests = list(row.requests)
    day = date.fromisoformat(requests[0]["date"]) if requests and requests[0].get("date") else row.created_at.date()
    return SavedSimulationOut(
        id=row.id or 0,
        created_at=row.created_at,
        beneficiary_id=row.beneficiary_id,
        beneficiary_name=f"{beneficiary.first_name} {beneficiary.last_name}",
        act=row.act,
        act_label=act_label(row.act, day),
        charged=Decimal(row.charged),
        requests=requests,
        results=[SimulationResult.model_validate(r) for r in row.results],
    )


def save_simulation(
    session: Session, member: Member, body: SavedSimulationCreate, clock: Clock, today: date
) -> SavedSimulationOut:
    """Recompute each scenario (the client's figures are never trusted) and keep it."""
    assert member.id is not None
    scenarios = body.scenarios
    beneficiaries = {str(s.get("beneficiary_id")) for s in scenarios}
    acts = {str(s.get("act", "")).strip().upper() for s in scenarios}
    charges = {str(s.get("charged")) for s in scenarios}
    if len(beneficiaries) != 1 or len(acts) != 1 or len(charges) != 1:
        raise ApiError(
            422,
            "invalid_request",
            "Les scénarios d'une simulation doivent porter sur la même personne, le même acte et le même montant.",
            details=[ErrorDetail(field="scenarios", message="scénarios différents")],
        )
    if any(s.get("beneficiary_id") is None for s in scenarios):
        raise ApiError(
            422,
            "invalid_request",
            "Choisissez la personne soignée, puis refaites la simulation.",
            details=[ErrorDetail(field="scenarios[0].beneficiary_id", message="champ obligatoire")],
        )
    results = []
    requests = []
    for index, scenario in enumerate(scenarios):
        scenario = {k: v for k, v in scenario.items() if k not in ("guarantee", "guarantees")}
        scenario.setdefault("date", today.isoformat())
        try:
            result = member_simulation(session, member, scenario, today)
        except ApiError as exc:
            for detail in exc.details:
                if detail.field is not None:
                    detail.field = f"scenarios[{index}].{detail.field}"
            raise
        results.append(result)
        requests.append(scenario)
    beneficiary = _own_beneficiary(session, member, scenarios[0]["beneficiary_id"], "scenarios[0].beneficiary_id")
    parsed = parse_request({k: v for k, v in requests[0].items() if k != "beneficiary_id"}, today)
    row = SavedSimulation(
        member_id=member.id,
        beneficiary_id=beneficiary.id or 0,
        act=parsed.act,
        charged=f"{parsed.charged:.2f}",
        requests=requests,
        results=results,
        created_at=clock.now(),
    )
    session.add(row)
    session.flush()  # the id; the caller commits (with its Idempotency-Key row, server.routes._idempotency)
    return _saved_out(row, beneficiary)


def saved_simulations(session: Session, member: Member) -> list[SavedSimulationOut]:
    rows = session.exec(
        select(SavedSimulation, Beneficiary)
        .join(Beneficiary, Beneficiary.id == SavedSimulation.beneficiary_id)  # type: ignore[arg-type]
        .where(SavedSimulation.member_id == member.id)
        .order_by(col(SavedSimulation.created_at).desc(), col(SavedSimulation.id).desc())
        .limit(MAX_SAVED)
    ).all()
    return [_saved_out(row, beneficiary) for row, beneficiary in rows]
