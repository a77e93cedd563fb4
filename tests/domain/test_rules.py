"""The engine's rules one by one, each test failing if its rule breaks."""

import datetime as dt
from decimal import Decimal as D

import pytest

from models.domain.request import InvalidRequest, parse_request, parse_requests
from models.domain.simulation import run_simulation_json, simulate, simulate_event
from models.domain.tariffs import load_raw, tariff_set_for

TODAY = dt.date(2026, 6, 15)
NB = "\u00a0"


def run(**fields):
    if "guarantees" not in fields:
        fields.setdefault("guarantee", "100% BR")
    return simulate(parse_request(fields, TODAY))


# --- tariff dating -------------------------------------------------------------------------------


def test_the_care_date_picks_the_tariff_set():
    in_2023 = run(act="G", charged="25", date="2023-06-01")
    assert (in_2023.br, in_2023.tariff_version) == (D("25.00"), "2022-01-01")
    nov_2023 = run(act="G", charged="26.50", date="2023-11-01")
    assert (nov_2023.br, nov_2023.tariff_version) == (D("26.50"), "2023-11-01")
    assert run(act="G", charged="30", date="2024-12-21").br == D("26.50")
    assert run(act="G", charged="30", date="2024-12-22").br == D("30.00")
    # The PF was 1 € before 15/05/2024.
    assert run(act="G", charged="26.50", date="2024-05-14").deductions[0].amount == D("1.00")


def test_a_date_before_the_earliest_set_is_refused_in_french():
    with pytest.raises(InvalidRequest, match=r"aucun barème.*avant le 01/01/2019") as error:
        run(act="G", charged="25", date="2018-12-31")
    assert error.value.field == "date"


def test_an_act_that_did_not_exist_yet_is_refused():
    with pytest.raises(InvalidRequest, match="n'existe pas dans le barème"):
        run(act="FPU", charged="19.61", date="2021-06-01")


def test_every_tariff_value_has_a_source():
    def walk(node, path):
        if isinstance(node, dict):
            if "value" in node:
                assert node.get("source"), f"{path} has no source"
                return
            for key, child in node.items():
                walk(child, f"{path}.{key}")
        elif isinstance(node, list):
            for index, child in enumerate(node):
                walk(child, f"{path}[{index}]")

    raw = load_raw()
    walk(raw["sets"], "sets")
    assert raw["sets"][0]["version"] == "2019-01-01"


def test_every_contract_act_is_known_today():
    codes = "G TCG CS APC CNPSY PH7 PH4 PH2 PH1 AMK AMI B SC PROTHESE MONTURE VERRE_SIMPLE VERRE_COMPLEXE"
    codes += " VERRE_TRES_COMPLEXE AUDIO ADC FJH FORFAIT_24 FPU TAXI"
    assert set(codes.split()) <= set(tariff_set_for(TODAY).acts)


# --- explanation ---------------------------------------------------------------------------------


def test_explanation_sentences_can_be_read_aloud():
    said = run(act="G", charged="30").explanation
    assert f"Base de remboursement : 30,00{NB}€" in said
    assert f"Taux de la Sécurité sociale : 70{NB}%" in said
    assert f"Participation forfaitaire de 2,00{NB}€ non remboursable (contrat responsable)" in said
    assert (
        f"Votre mutuelle prend en charge 9,00{NB}€ (garantie : jusqu'à 100{NB}% de la base de remboursement, "
        "Sécurité sociale incluse)"
    ) in said
    assert said[-1] == f"Reste à votre charge : 2,00{NB}€"


# --- deductions and exemptions -------------------------------------------------------------------


def test_under_18_maternity_and_c2s_pay_no_deduction():
    assert run(act="G", charged="30", patient={"age": 17}).deductions == ()
    assert run(act="PH7", charged="2.18", patient={"age": 40, "exemptions": ["maternite"]}).deductions == ()
    assert run(act="TAXI", charged="60", br="60", patient={"exemptions": ["c2s"]}).deductions == ()


def test_ald_gives_100_percent_but_keeps_the_deductions():
    result = run(act="G", charged="30", ald=True)
    assert result.amo_rate == D("1")
    assert result.amo_gross == D("30.00")
    assert result.deductions[0].amount == D("2.00")
    assert (result.amo_paid, result.amc_paid, result.out_of_pocket) == (D("28.00"), D("0.00"), D("2.00"))


def test_franchises_are_per_box_and_capped_per_day():
    boxes = run(act="PH7", charged="21.80", quantity=10)
    assert boxes.deductions[0].amount == D("10.00")
    sessions = simulate_event(parse_requests([{"act": "AMK", "charged": "16.13", "guarantee": "100% BR"}] * 5, TODAY))
    # 1 € per paramedical act, at most 4 € a day.
    assert [r.deductions[0].amount if r.deductions else D(0) for r in sessions] == [D(1)] * 4 + [D(0)]


def test_a_deduction_never_makes_the_amo_payment_negative():
    result = run(act="PH2", charged="1.00", guarantee="100% FR")
    assert result.amo_gross == D("0.15")
    assert result.deductions[0].amount == D("0.15")
    assert result.amo_paid == D("0.00")
    assert result.amc_paid == D("0.85")  # the mutuelle never pays the franchise
    assert result.out_of_pocket == D("0.15")


# --- parcours, sectors ---------------------------------------------------------------------------


def test_hors_parcours_30_percent_and_no_majoration_nor_excess_paid():
    result = run(act="G", charged="40", pathway=False, guarantee="200% BR")
    assert result.amo_rate == D("0.30")
    assert result.amo_gross == D("9.00")
    assert result.amc_paid == D("9.00")  # the normal ticket modérateur only (30 % of 30 €)
    assert result.out_of_pocket == D("40") - D("7.00") - D("9.00")
    assert any("Hors parcours" in s for s in result.explanation)


def test_no_parcours_penalty_for_a_psychiatrist_at_20_or_a_child():
    assert run(act="CNPSY", charged="57", pathway=False, patient={"age": 20}).amo_rate == D("0.70")
    assert run(act="G", charged="30", pathway=False, patient={"age": 10}).amo_rate == D("0.70")
    assert run(act="CNPSY", charged="57", pathway=False, patient={"age": 40}).amo_rate == D("0.30")


def test_non_optam_line_is_applied_once_as_written():
    """The stateless guarantee is the line that applies to that doctor: 180 % BR for a doctor without OPTAM
    gives 180 % of the 23 € base (issue 17: the engine used to take 20 points off a second time, 160 %)."""
    result = run(act="CS", charged="80", sector="2", guarantee="180% BR")
    assert result.br == D("23.00")
    assert result.amo_gross == D("16.10")
    assert (result.amo_paid, result.amc_paid, result.out_of_pocket) == (D("14.10"), D("25.30"), D("40.60"))
    assert not any("OPTAM" in s for s in result.explanation)  # no cap bound: nothing to explain
    assert run(act="CS", charged="80", sector="2", guarantee="150% BR").amc_paid == D("18.40")  # 150 % of 23 €
    generous = run(act="CS", charged="200", sector="2", guarantee="400% BR")
    assert generous.amo_gross + generous.amc_paid == D("46.00")  # never above 200 % BR
    assert any("limite la prise en charge à 46,00" in s for s in generous.explanation)
    small = run(act="CS", charged="40", sector="2", guarantee="100% BR")
    assert small.amc_paid == D("6.90")  # the ticket modérateur is still paid


def test_sector_3_uses_the_tarif_d_autorite():
    result = run(act="G", charged="60", sector="3")
    assert result.br == D("0.61")
    assert result.amo_gross == D("0.43")


# --- 100 % Santé, optics, hearing ----------------------------------------------------------------


def test_100_sante_line_on_another_basket_is_refused():
    with pytest.raises(InvalidRequest, match="panier 100 % Santé") as error:
        run(act="PROTHESE", charged="500", basket="libre", guarantee="100% Santé")
    assert error.value.field == "guarantee"


def test_100_sante_basket_is_covered_in_full_whatever_the_line():
    result = run(act="MONTURE", charged="30", basket="100-sante", guarantee="forfait 10 € RO inclus")
    assert (result.br, result.amo_gross, result.out_of_pocket) == (D("9.00"), D("5.40"), D("0.00"))


def test_optics_equipment_and_frame_caps():
    lines = [
        {"act": "MONTURE", "charged": "300", "guarantee": "100% FR"},
        {"act": "VERRE_SIMPLE", "charged": "400", "quantity": 2, "guarantee": "100% FR"},
    ]
    frame, lenses = simulate_event(parse_requests(lines, TODAY))
    assert frame.amo_gross + frame.amc_paid == D("100.00")
    assert frame.amo_gross + frame.amc_paid + lenses.amo_gross + lenses.amc_paid == D("420.00")
    assert any("420,00" in s for s in lenses.explanation)


def test_hearing_aid_cap_per_ear():
    result = run(act="AUDIO", charged="2500", guarantee="100% FR")
    assert result.amo_gross == D("240.00")
    assert result.amo_gross + result.amc_paid == D("1700.00")


def test_renewal_period_stops_the_mutuelle_and_says_from_when():
    result = run(act="MONTURE", charged="150", guarantee="forfait 100 € RO inclus", last_equipment="2025-03-12")
    assert result.amc_paid == D("0.00")
    assert "Prochain équipement remboursable à partir du 12/03/2027" in result.explanation
    child = run(
        act="MONTURE",
        charged="150",
        guarantee="forfait 100 € RO inclus",
        last_equipment="2025-03-12",
        patient={"age": 10},
    )
    assert child.amc_paid > 0  # every year under 16
    ear = run(act="AUDIO", charged="1500", guarantee="forfait 500 € hors RO", last_equipment="2023-01-10")
    assert ear.amc_paid == 0
    assert "Prochain équipement remboursable à partir du 10/01/2027" in ear.explanation


# --- ceilings and stacked contracts --------------------------------------------------------------


def test_already_used_consumes_the_yearly_ceiling_and_lines_share_it():
    one = run(act="AMK", charged="30", guarantee="forfait 20 € hors RO /an", already_used="15")
    assert one.amc_paid == D("5.00")
    lines = [{"act": "AMK", "charged": "30", "guarantee": "forfait 20 € hors RO /an"}] * 2
    first, second = simulate_event(parse_requests(lines, TODAY))
    assert (first.amc_paid, second.amc_paid) == (D("20.00"), D("0.00"))


def test_stacked_contracts_pay_in_order_within_what_is_left():
    result = run(act="CS", charged="80", sector="2-optam", guarantees=["100% BR", "200% BR"])
    assert [(p.contract, p.amount) for p in result.amc] == [
        ("base", D("9.45")),
        ("surcomplémentaire", D("31.50")),
    ]
    assert result.amo_gross + result.amc_paid == D("63.00")
    named = simulate(
        parse_request({"act": "G", "charged": "30", "guarantees": ["100% BR", "TM + 50% BR"]}, TODAY),
        contract_names=["Contrat collectif", "Option"],
    )
    # The base covered everything: the option has nothing left and is not listed.
    assert [p.contract for p in named.amc] == ["Contrat collectif"]


# --- request validation --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        ({"act": "G", "charged": "-5"}, "charged", "entre 0 et 100"),
        ({"act": "G", "charged": "100000.01"}, "charged", "entre 0 et 100"),
        ({"act": "G", "charged": "12.345"}, "charged", "deux décimales"),
        ({"act": "ZZ", "charged": "1"}, "act", "code acte inconnu"),
        ({"act": "G", "charged": "1", "quantity": 0}, "quantity", "de 1 à 365"),
        ({"act": "G", "charged": "1", "sector": "4"}, "sector", "secteur inconnu"),
        ({"act": "G", "charged": "1", "date": "15/06/2026"}, "date", "AAAA-MM-JJ"),
        ({"act": "G", "charged": "1", "patient": {"age": 131}}, "patient.age", "de 0 à 130"),
        (
            {"act": "G", "charged": "1", "patient": {"exemptions": ["ald"]}},
            "patient.exemptions[0]",
            "exonération",
        ),
        ({"act": "G", "charged": "1", "guarantee": "150 BR"}, "guarantee", "il manque le signe %"),
        (
            {"act": "G", "charged": "1", "guarantee": "100% BR", "guarantees": ["100% BR"]},
            "guarantees",
            "pas les deux",
        ),
        ({"act": "G", "charged": "1", "basket": "libre"}, "basket", "ne concerne que"),
        ({"act": "G", "charged": "1", "pathway": "oui"}, "pathway", "true ou false"),
        ({"act": "G", "charged": "1", "colour": "red"}, "colour", "champ inconnu"),
    ],
)
def test_bad_fields_are_named_with_a_french_reason(fields, field, words):
    with pytest.raises(InvalidRequest) as error:
        parse_request(fields, TODAY)
    assert error.value.field == field
    assert words in error.value.message
    assert str(error.value).startswith(f"{field} : ")


def test_list_requests_name_the_index():
    with pytest.raises(InvalidRequest) as error:
        run_simulation_json([{"act": "G", "charged": "30"}, {"act": "G", "charged": "-5"}], TODAY)
    assert error.value.field == "[1].charged"


def test_date_defaults_to_the_given_today_and_beneficiary_is_kept():
    request = parse_request({"act": "G", "charged": "30", "beneficiary_id": "b-1"}, dt.date(2024, 1, 2))
    assert request.date == dt.date(2024, 1, 2)
    assert request.beneficiary_id == "b-1"
    with pytest.raises(InvalidRequest) as error:
        simulate(request)
    assert error.value.field == "guarantee"


def test_missing_br_where_it_depends_on_details():
    with pytest.raises(InvalidRequest) as error:
        run(act="B", charged="20")
    assert error.value.field == "br"


# --- heavy acts and the place of care (issue 17) --------------------------------------------------


def test_a_heavy_act_is_paid_in_full_by_the_amo_and_names_the_24_euro_forfait_line():
    result = run(act="ADC", charged="300", br="250", sector="2-optam", guarantee="150% BR")
    assert (result.amo_rate, result.amo_gross) == (D("1.00"), D("250.00"))
    assert result.deductions[0].amount == D("2.00")  # in ville, the participation forfaitaire stays
    assert result.amc_paid == D("50.00")  # min(300, 375) − 250
    assert any("Acte lourd" in s and "« Forfait actes lourds »" in s for s in result.explanation)


def test_below_the_threshold_a_ccam_act_keeps_its_ticket_moderateur():
    result = run(act="ATM", charged="119.99", br="119.99")
    assert result.amo_rate == D("0.70")
    assert not any("Acte lourd" in s for s in result.explanation)
    assert run(act="ATM", charged="120", br="120").amo_rate == D("1.00")  # « supérieur ou égal à 120 € »


def test_imaging_is_outside_the_24_euro_rule():
    assert run(act="ADI", charged="300", br="300").amo_rate == D("0.70")


def test_at_the_hospital_the_rate_is_80_percent_without_participation_nor_parcours_penalty():
    result = run(act="ADC", charged="100", br="100", setting="hospital", pathway=False)
    assert (result.amo_rate, result.deductions) == (D("0.80"), ())
    assert "Participation forfaitaire non appliquée : soins pendant un séjour à l'hôpital" in result.explanation


def test_an_exempt_patient_owes_no_forfait_on_a_heavy_act():
    result = run(act="ADC", charged="200", br="200", ald=True)
    assert result.amo_rate == D("1")
    assert f"Acte lourd : le forfait de 24,00{NB}€ n'est pas dû (affection de longue durée)" in result.explanation


def test_the_place_of_care_is_ville_or_hospital():
    with pytest.raises(InvalidRequest, match="lieu des soins inconnu « clinique »") as refused:
        run(act="G", charged="30", setting="clinique")
    assert refused.value.field == "setting"
