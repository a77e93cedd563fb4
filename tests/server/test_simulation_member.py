"""POST /api/v1/simulations: the stateless form gives exactly the command line's results; the member
form takes the beneficiary's own lines (OPTAM or not, panier), remaining ceilings and last équipement;
another member's beneficiary is a 404. Saved simulations are recomputed and listed again."""

from __future__ import annotations

import argparse
import io
import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pytest

from espace.simulate import run as cli_run
from models.domain.notation import describe
from models.domain.simulation import run_simulation_json
from models.schemas.common import ClaimStatus, ContractLevel, Relationship, Role, SectorScope, Sex
from models.tables import Beneficiary, Claim, ClaimLine, ClaimLineAmc, ContractBeneficiary, GuaranteeLine
from tests.conftest import TEST_NOW, bearer

SIMULATIONS = "/api/v1/simulations"
SAVED = "/api/v1/me/simulations"
TODAY = TEST_NOW.date()
CASES = json.loads((Path(__file__).parents[1] / "domain" / "data" / "reimbursement-cases.json").read_text("utf-8"))
DENTAL_CEILING = "forfait 350 € hors RO /an"


def run_cli(payload: object) -> tuple[int, str, str]:
    """`espace simulate -` on ``payload``: (exit code, standard output, standard error)."""
    out, err = io.StringIO(), io.StringIO()
    code = cli_run(
        argparse.Namespace(file="-"),
        stdin=io.StringIO(json.dumps(payload)),
        stdout=out,
        stderr=err,
        today=lambda: TODAY,
    )
    return code, out.getvalue(), err.getvalue()


def _cli(payload: object) -> object:
    code, out, err = run_cli(payload)
    assert (code, err) == (0, "")
    return json.loads(out)


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
async def test_the_stateless_form_gives_exactly_the_command_line_result(client, case):
    response = await client.post(SIMULATIONS, json=case["request"])
    assert response.status_code == 200, response.text
    body = response.json()
    assert body == _cli(case["request"])
    lines = body if isinstance(body, list) else [body]
    for key, expected in case["expect"].items():
        assert sum((Decimal(line[key]) for line in lines), Decimal(0)) == Decimal(expected), (case["id"], key)


# --------------------------------------------------------------------------------------------------
# A family on a base contract and a surcomplémentaire


def _line(session, table_id, category, acts, notation, label, *, scope=SectorScope.any, basket=None, position=0):
    line = GuaranteeLine(
        table_id=table_id,
        care_category=category,
        act_codes=list(acts),
        notation=notation,
        label=label,
        sector_scope=scope,
        basket=basket,
        position=position,
    )
    session.add(line)
    return line


def build_family(make, db_session):
    member = make.member(first_name="Léa", last_name="RIMON")
    base = make.contract(member, code="C40SOCLE", name="Santé Socle")
    premium = make.contract(
        member,
        code="C40ZPREMIUM",
        name="Santé Premium",
        level=ContractLevel.supplementary,
        base_contract_id=base.id,
    )
    child = Beneficiary(
        member_id=member.id,
        relationship=Relationship.child,
        first_name="Zoé",
        last_name="RIMON",
        birth_date=date(2017, 7, 5),
        sex=Sex.female,
    )
    db_session.add(child)
    db_session.commit()
    for contract in (base, premium):
        db_session.add(ContractBeneficiary(contract_id=contract.id, beneficiary_id=child.id))
    t = base.guarantee_table_id
    _line(db_session, t, "soins_courants", ["CS"], "150% BR", "Spécialiste OPTAM", scope=SectorScope.optam)
    _line(
        db_session,
        t,
        "soins_courants",
        ["CS"],
        "130% BR",
        "Spécialiste non OPTAM",
        scope=SectorScope.non_optam,
        position=1,
    )
    _line(
        db_session, t, "dentaire", ["PROTHESE"], "100% Santé", "Prothèses 100 % Santé", basket="100-sante", position=2
    )
    _line(
        db_session, t, "dentaire", ["PROTHESE"], "125% BR", "Prothèses tarifs maîtrisés", basket="maitrise", position=3
    )
    _line(
        db_session, t, "dentaire", ["PROTHESE"], DENTAL_CEILING, "Prothèses tarifs libres", basket="libre", position=4
    )
    _line(
        db_session,
        t,
        "optique",
        ["MONTURE", "VERRE_SIMPLE"],
        "forfait 100 € RO inclus par équipement",
        "Équipement optique classe B",
        basket="libre",
        position=5,
    )
    p = premium.guarantee_table_id
    _line(db_session, p, "soins_courants", ["CS"], "200% BR", "Spécialiste OPTAM", scope=SectorScope.optam)
    db_session.commit()
    return {
        "member": member,
        "base": base,
        "premium": premium,
        "lea": make.principal(member),
        "zoe": child,
        "token": make.session_token(make.account(member)),
    }


@pytest.fixture
def family(make, db_session):
    return build_family(make, db_session)


def _paid_claim(session, member, beneficiary, contract, *, act, care_date, amount, notation, basket=None):
    """A claim line as the engine left it: its explanation names the guarantee that paid."""
    claim = Claim(
        reference=f"T{care_date:%Y%m%d}{act[:4]}{beneficiary.id}",
        member_id=member.id,
        beneficiary_id=beneficiary.id,
        care_date=care_date,
        received_date=care_date,
        label=act,
        care_category="dentaire",
        status=ClaimStatus.paid,
    )
    session.add(claim)
    session.commit()
    explanation = [f"Votre mutuelle prend en charge {amount} € (garantie : {describe(notation)})"]
    line = ClaimLine(
        claim_id=claim.id,
        act=act,
        label=act,
        charged=Decimal("600.00"),
        br=Decimal("120.00"),
        amo_rate=Decimal("0.60"),
        amo_gross=Decimal("72.00"),
        amo_paid=Decimal("72.00"),
        amc_paid=Decimal(amount),
        out_of_pocket=Decimal("600.00") - Decimal("72.00") - Decimal(amount),
        engine_result={"explanation": explanation, "basket": basket},
        tariff_version="2025-12",
    )
    session.add(line)
    session.commit()
    session.add(ClaimLineAmc(claim_line_id=line.id, contract_id=contract.id, amount=Decimal(amount)))
    session.commit()


async def _member_simulation(client, family, **request):
    response = await client.post(SIMULATIONS, json=request, headers=bearer(family["token"]))
    assert response.status_code == 200, response.text
    return response.json()


async def test_optam_doctor_gets_the_optam_lines_of_both_contracts(client, family):
    body = await _member_simulation(
        client, family, act="CS", charged="60", sector="2-optam", beneficiary_id=str(family["lea"].id)
    )
    expected = run_simulation_json(
        {
            "act": "CS",
            "charged": "60",
            "sector": "2-optam",
            "guarantees": ["150% BR", "200% BR"],
            "patient": {"age": 46, "exemptions": []},
            "already_used": ["0.00", "0.00"],
        },
        TODAY,
        contract_names=["Santé Socle", "Santé Premium"],
    )
    assert body == expected
    assert [a["contract"] for a in body["amc"]] == ["Santé Socle", "Santé Premium"]


async def test_non_optam_doctor_gets_the_non_optam_line_and_no_surcomplementaire(client, family):
    body = await _member_simulation(
        client, family, act="CS", charged="60", sector="2", beneficiary_id=str(family["lea"].id)
    )
    expected = run_simulation_json(
        {
            "act": "CS",
            "charged": "60",
            "sector": "2",
            "guarantees": ["130% BR"],
            "patient": {"age": 46, "exemptions": []},
            "already_used": ["0.00"],
        },
        TODAY,
        contract_names=["Santé Socle"],
    )
    assert body == expected
    assert any("130" in sentence for sentence in body["explanation"])


async def test_the_panier_chooses_the_dental_line(client, family):
    lea = str(family["lea"].id)
    maitrise = await _member_simulation(
        client, family, act="PROTHESE", charged="500", basket="maitrise", beneficiary_id=lea
    )
    assert any(describe("125% BR") in s for s in maitrise["explanation"])
    sante = await _member_simulation(
        client, family, act="PROTHESE", charged="500", basket="100-sante", beneficiary_id=lea
    )
    assert sante["out_of_pocket"] == "0.00"


async def test_the_annual_ceiling_left_is_what_this_year_s_claims_did_not_use(client, family, db_session):
    member, lea, base = family["member"], family["lea"], family["base"]
    _paid_claim(
        db_session,
        member,
        lea,
        base,
        act="PROTHESE",
        care_date=date(2026, 3, 2),
        amount="120.00",
        notation=DENTAL_CEILING,
    )
    _paid_claim(
        db_session,
        member,
        lea,
        base,
        act="PROTHESE",
        care_date=date(2025, 6, 2),
        amount="350.00",
        notation=DENTAL_CEILING,
    )  # last year: another period
    body = await _member_simulation(
        client, family, act="PROTHESE", charged="900", basket="libre", beneficiary_id=str(lea.id)
    )
    expected = run_simulation_json(
        {
            "act": "PROTHESE",
            "charged": "900",
            "basket": "libre",
            "guarantees": [DENTAL_CEILING],
            "patient": {"age": 46, "exemptions": []},
            "already_used": ["120.00"],
        },
        TODAY,
        contract_names=["Santé Socle"],
    )
    assert body == expected
    assert body["amc_paid"] == "230.00"
    assert "Il reste 230,00\u00a0€ sur le plafond de la garantie (forfait de 350\u00a0€ par an)" in body["explanation"]
    # Zoé's ceiling is her own: untouched
    zoe = await _member_simulation(
        client, family, act="PROTHESE", charged="900", basket="libre", beneficiary_id=str(family["zoe"].id)
    )
    assert zoe["amc_paid"] == "350.00"


async def test_inside_the_renewal_period_the_next_equipment_date_is_given(client, family, db_session):
    zoe = family["zoe"]
    bought = TODAY - timedelta(days=100)
    _paid_claim(
        db_session,
        family["member"],
        zoe,
        family["base"],
        act="MONTURE",
        care_date=bought,
        amount="60.00",
        notation="forfait 100 € RO inclus par équipement",
    )
    body = await _member_simulation(
        client, family, act="MONTURE", charged="150", basket="libre", beneficiary_id=str(zoe.id)
    )
    assert body["amc_paid"] == "0.00"
    # Zoé is 9: one équipement a year
    assert (
        f"Prochain équipement remboursable à partir du {bought.replace(year=bought.year + 1):%d/%m/%Y}"
        in (body["explanation"])
    )


async def test_another_member_s_beneficiary_is_a_404(client, family, make):
    other = make.member(first_name="Bruno")
    make.contract(other)
    token = make.session_token(make.account(other))
    request = {"act": "CS", "charged": "60", "beneficiary_id": str(family["zoe"].id)}
    response = await client.post(SIMULATIONS, json=request, headers=bearer(token))
    assert response.status_code == 404
    assert response.json()["code"] == "beneficiary_not_found"
    assert "RIMON" not in response.text and "Zoé" not in response.text
    for bad in ("999999", "pas-un-nombre"):
        response = await client.post(
            SIMULATIONS, json={**request, "beneficiary_id": bad}, headers=bearer(family["token"])
        )
        assert response.status_code == 404


async def test_the_member_form_needs_a_member_session(client, family, make):
    request = {"act": "CS", "charged": "60", "beneficiary_id": str(family["lea"].id)}
    anonymous = await client.post(SIMULATIONS, json=request)
    assert anonymous.status_code == 401 and anonymous.json()["code"] == "not_authenticated"
    agent = make.session_token(make.account(role=Role.agent))
    assert (await client.post(SIMULATIONS, json=request, headers=bearer(agent))).status_code == 403


async def test_an_expired_password_gets_the_403_of_every_route(client, family, make, clock, db_session):
    """The member form takes ``server.deps.OptionalAuth``: the restricted session of an expired password
    is refused as on every other route, and so is an invalid token, even on the stateless form."""
    account = make.account(make.member(first_name="Paul"))
    account.password_changed_at = clock.now() - timedelta(days=400)
    db_session.add(account)
    db_session.commit()
    token = make.session_token(account)
    request = {"act": "CS", "charged": "60", "beneficiary_id": str(family["lea"].id)}
    for body in (request, {"act": "G", "charged": "30", "guarantee": "100% BR"}):
        response = await client.post(SIMULATIONS, json=body, headers=bearer(token))
        assert response.status_code == 403 and response.json()["code"] == "password_expired"
        assert (await client.post(SIMULATIONS, json=body, headers=bearer("pas-un-jeton"))).status_code == 401
    assert (await client.post(SIMULATIONS, json=request, headers=bearer(family["token"]))).status_code == 200


async def test_an_act_no_contract_covers_is_a_french_422(client, family):
    response = await client.post(
        SIMULATIONS,
        json={"act": "G", "charged": "30", "beneficiary_id": str(family["lea"].id)},
        headers=bearer(family["token"]),
    )
    assert response.status_code == 422
    assert response.json()["code"] == "not_covered"
    assert "Léa" in response.json()["message"]


async def test_a_bad_field_in_the_member_form_is_a_422_naming_it(client, family):
    response = await client.post(
        SIMULATIONS,
        json={"act": "CS", "charged": "-3", "beneficiary_id": str(family["lea"].id)},
        headers=bearer(family["token"]),
    )
    assert response.status_code == 422
    assert response.json()["details"][0]["field"] == "charged"


async def test_a_saved_simulation_is_recomputed_and_listed_again(client, family, make):
    lea = str(family["lea"].id)
    scenarios = [
        {"act": "CS", "charged": "60", "sector": "2-optam", "beneficiary_id": lea},
        {"act": "CS", "charged": "60", "sector": "2", "beneficiary_id": lea},
    ]
    response = await client.post(SAVED, json={"scenarios": scenarios}, headers=bearer(family["token"]))
    assert response.status_code == 201, response.text
    saved = response.json()
    assert saved["beneficiary_name"] == "Léa RIMON" and saved["act"] == "CS" and saved["charged"] == "60.00"
    assert saved["act_label"] == "Consultation chez un spécialiste"
    optam = await _member_simulation(client, family, **scenarios[0])
    assert saved["results"][0]["out_of_pocket"] == optam["out_of_pocket"]
    assert Decimal(saved["results"][0]["out_of_pocket"]) < Decimal(saved["results"][1]["out_of_pocket"])
    listed = (await client.get(SAVED, headers=bearer(family["token"]))).json()
    assert [s["id"] for s in listed] == [saved["id"]]
    # another member sees none of it, and cannot save on Léa's beneficiary
    other = make.member(first_name="Bruno")
    token = make.session_token(make.account(other))
    assert (await client.get(SAVED, headers=bearer(token))).json() == []
    response = await client.post(SAVED, json={"scenarios": scenarios[:1]}, headers=bearer(token))
    assert response.status_code == 404


async def test_scenarios_of_one_simulation_must_agree(client, family):
    lea = str(family["lea"].id)
    scenarios = [
        {"act": "CS", "charged": "60", "sector": "2-optam", "beneficiary_id": lea},
        {"act": "CS", "charged": "80", "sector": "2", "beneficiary_id": lea},
    ]
    response = await client.post(SAVED, json={"scenarios": scenarios}, headers=bearer(family["token"]))
    assert response.status_code == 422
    response = await client.post(SAVED, json={"scenarios": []}, headers=bearer(family["token"]))
    assert response.status_code == 422
