"""Properties over random requests (derandomized profile in conftest.py)."""

import datetime as dt
from decimal import Decimal as D

from hypothesis import example, given
from hypothesis import strategies as st

from models.domain.notation import Guarantee, Kind, NotationError, Period, parse
from models.domain.request import InvalidRequest, parse_request, parse_requests
from models.domain.simulation import run_simulation_json, simulate_event
from models.domain.tariffs import tariff_set_for

ACTS = [
    "G",
    "TCG",
    "CS",
    "APC",
    "CNPSY",
    "PH7",
    "PH4",
    "PH2",
    "PH1",
    "AMK",
    "AMI",
    "B",
    "SC",
    "PROTHESE",
    "MONTURE",
    "VERRE_SIMPLE",
    "VERRE_COMPLEXE",
    "VERRE_TRES_COMPLEXE",
    "AUDIO",
    "ADC",
    "ADA",
    "ATM",
    "ACO",
    "ADI",
    "ADE",
    "FJH",
    "FORFAIT_24",
    "FPU",
    "TAXI",
]
BASKETS = {"PROTHESE": ["100-sante", "maitrise", "libre"], "AUDIO": ["100-sante", "libre"]}
BASKETS.update({a: ["100-sante", "libre"] for a in ACTS if a.startswith(("MONTURE", "VERRE"))})
TODAY = dt.date(2026, 6, 15)

amounts = st.decimals(min_value=0, max_value=3000, places=2, allow_nan=False, allow_infinity=False)
forfaits = st.decimals(min_value=D("0.01"), max_value=2000, places=2)
percents = st.integers(min_value=1, max_value=600).map(D)
guarantee_objects = st.one_of(
    st.builds(Guarantee, st.sampled_from([Kind.PERCENT_BR, Kind.PERCENT_FR, Kind.TM_PLUS_BR]), percents),
    st.builds(
        Guarantee,
        st.sampled_from([Kind.FORFAIT_INCLUDED, Kind.FORFAIT_ON_TOP]),
        forfaits,
        st.one_of(st.none(), st.sampled_from(list(Period))),
    ),
)


@st.composite
def requests(draw):
    act = draw(st.sampled_from(ACTS))
    request = {
        "act": act,
        "charged": str(draw(amounts)),
        "quantity": draw(st.integers(1, 4)),
        "date": str(draw(st.dates(dt.date(2019, 1, 1), dt.date(2026, 12, 31)))),
        "sector": draw(st.sampled_from(["1", "2-optam", "2", "3"])),
        "pathway": draw(st.booleans()),
        "setting": draw(st.sampled_from(["ville", "hospital"])),
        "ald": draw(st.booleans()),
        "at_mp": draw(st.booleans()),
        "patient": {
            "age": draw(st.integers(0, 100)),
            "exemptions": draw(st.sampled_from([[], ["maternite"], ["c2s"]])),
        },
        "guarantees": [str(g) for g in draw(st.lists(guarantee_objects, min_size=1, max_size=3))],
        "already_used": str(draw(st.decimals(0, 300, places=2))),
    }
    if act in ("B", "SC", "ADC", "ADA", "ATM", "ACO", "ADI", "ADE", "TAXI") or draw(st.booleans()):
        request["br"] = str(draw(amounts))
    if act in BASKETS:
        request["basket"] = draw(st.sampled_from(BASKETS[act]))
        if request["basket"] == "100-sante" and draw(st.booleans()):
            request["guarantees"][0] = "100% Santé"
    return request


def simulate_or_refuse(payload):
    """A valid-looking request either simulates or is refused with a French InvalidRequest."""
    try:
        return simulate_event(parse_requests(payload, TODAY))
    except InvalidRequest as error:
        assert error.message and error.field is not None
        return None


@given(st.lists(requests(), min_size=1, max_size=4))
def test_shares_add_up_none_negative_and_deductions_stay_with_the_patient(payload):
    results = simulate_or_refuse(payload)
    if results is None:
        return
    for request, result in zip(payload, results, strict=True):
        charged = D(request["charged"])
        assert result.amo_paid + result.amc_paid + result.out_of_pocket == charged
        assert min(result.amo_paid, result.amc_paid, result.out_of_pocket) >= 0
        assert all(p.amount > 0 for p in result.amc)
        assert sum((p.amount for p in result.amc), D(0)) == result.amc_paid
        deducted = sum((d.amount for d in result.deductions), D(0))
        # The mutuelle never pays a deduction: it stays in the reste à charge.
        assert result.out_of_pocket >= deducted
        assert result.amc_paid <= charged - result.amo_gross
        for value in (result.br, result.amo_gross, result.amc_paid, result.out_of_pocket):
            assert value == value.quantize(D("0.01"))


@given(st.lists(requests(), min_size=1, max_size=4))
@example(  # found once: the AMO alone (C2S, 100 %) covers more than the frame cap; the mutuelle pays 0
    [
        {
            "act": "MONTURE",
            "charged": "145.38",
            "quantity": 1,
            "date": "2020-01-22",
            "sector": "3",
            "pathway": False,
            "ald": False,
            "at_mp": False,
            "patient": {"age": 3, "exemptions": ["c2s"]},
            "guarantees": ["TM + 2% BR"],
            "already_used": "0.02",
            "br": "150.10",
            "basket": "libre",
        }
    ]
)
def test_contrat_responsable_caps_hold(payload):
    results = simulate_or_refuse(payload)
    if results is None:
        return
    optics_amo = optics_amc = D(0)
    for request, result in zip(payload, results, strict=True):
        tariffs = tariff_set_for(dt.date.fromisoformat(request["date"]))
        act = tariffs.acts[request["act"]]
        covered = result.amo_gross + result.amc_paid
        if act.doctor and request["sector"] in ("2", "3"):
            assert covered <= 2 * result.br
        if act.parcours and result.amo_rate < D(1) and result.amo_rate in (D("0.30"), D("0.60")):
            normal = result.amo_rate + D("0.40")
            assert result.amc_paid <= (result.br * (1 - normal)).quantize(D("0.01"))
        basket = request.get("basket", "libre" if act.baskets else None)
        # A cap limits what the mutuelle adds to the Sécurité sociale: where the AMO alone already
        # reaches it (a 100 % exemption, say), the mutuelle pays nothing, but the AMO is not cut.
        if act.optics and basket == "libre":
            optics_amo += result.amo_gross
            optics_amc += result.amc_paid
            assert optics_amc <= max(D(0), max(tariffs.caps.optics_equipment.values()) - optics_amo)
            if act.optics == "frame":
                assert result.amc_paid <= max(D(0), tariffs.caps.optics_frame - result.amo_gross)
        if act.code == "AUDIO" and basket == "libre" and tariffs.caps.hearing_per_ear:
            cap = tariffs.caps.hearing_per_ear * request["quantity"]
            assert result.amc_paid <= max(D(0), cap - result.amo_gross)


@given(requests())
def test_a_surcomplementaire_never_pays_more_than_the_base_left(request):
    results = simulate_or_refuse([request])
    if results is None:
        return
    result = results[0]
    left = D(request["charged"]) - result.amo_gross
    for payment in result.amc:
        assert payment.amount <= left
        left -= payment.amount
    assert left >= 0


@given(guarantee_objects)
def test_notation_round_trip(guarantee):
    assert parse(str(guarantee)) == guarantee
    assert str(parse(str(guarantee).upper().replace(" ", "  "))) == str(guarantee)


@given(st.text(max_size=30))
def test_any_text_parses_or_is_refused_with_a_message(text):
    try:
        parsed = parse(text)
    except NotationError as error:
        assert str(error).startswith("« ")
    else:
        assert parse(str(parsed)) == parsed


@given(
    st.one_of(st.text(max_size=12), st.integers(-(10**7), 10**7), st.floats(), st.decimals(), st.none(), st.booleans())
)
def test_any_charged_value_is_simulated_or_refused_never_crashes(value):
    try:
        response = run_simulation_json({"act": "G", "charged": value, "guarantee": "100% BR"}, TODAY)
    except InvalidRequest as error:
        assert error.field == "charged"
        assert "montant" in error.message or "obligatoire" in error.message
    else:
        assert D("0") <= D(response["amo_paid"]) + D(response["amc_paid"]) <= D("100000")


@given(st.integers(-1000, 1000))
def test_out_of_range_quantity_and_age_refused(number):
    fields = {"act": "G", "charged": "30", "quantity": number, "patient": {"age": number}}
    if 1 <= number <= 130:
        assert parse_request(fields, TODAY).quantity == number
    else:
        try:
            parse_request(fields, TODAY)
        except InvalidRequest as error:
            assert error.field in ("quantity", "patient.age")
        else:
            raise AssertionError("accepted an out-of-range value")
