"""Mes garanties: the table by poste in plain French with examples in euros, the ceilings used per
beneficiary from the claims, the next équipement, the PDF (real text, euros intact); one migration head."""

from __future__ import annotations

import io
import re
from datetime import date, timedelta

import pypdf
import pytest
from alembic.script import ScriptDirectory

from server.migrate import alembic_config
from tests.conftest import TEST_NOW, bearer

from .test_simulation_member import DENTAL_CEILING, _paid_claim, build_family

GUARANTEES = "/api/v1/me/guarantees"
TODAY = TEST_NOW.date()


@pytest.fixture
def family(make, db_session):
    return build_family(make, db_session)


def test_the_migrations_have_one_head():
    assert len(ScriptDirectory.from_config(alembic_config()).get_heads()) == 1


async def test_the_table_by_poste_in_plain_french_with_an_example_in_euros(client, family):
    response = await client.get(GUARANTEES, headers=bearer(family["token"]))
    assert response.status_code == 200, response.text
    body = response.json()
    assert body["as_of"] == TODAY.isoformat()
    socle, premium = body["contracts"]
    assert (socle["name"], premium["name"], premium["base_contract_id"]) == (
        "Santé Socle",
        "Santé Premium",
        socle["id"],
    )
    assert [c["label"] for c in socle["categories"]] == ["Soins courants", "Dentaire", "Optique"]
    optam = socle["categories"][0]["lines"][0]
    assert optam["notation"] == "150% BR"
    assert optam["description"] == "jusqu'à 150\u00a0% de la base de remboursement, Sécurité sociale incluse"
    assert optam["example"]["sentence"] == (
        "Exemple : pour une consultation chez un spécialiste (médecin adhérent à l'OPTAM) à 60,00\u00a0€, "
        "la Sécurité sociale rembourse 20,05\u00a0€, votre mutuelle 25,20\u00a0€ ; "
        "reste à votre charge : 14,75\u00a0€."
    )
    # the surcomplémentaire's example pays after the base line
    top = premium["categories"][0]["lines"][0]["example"]
    assert (top["amo_paid"], top["amc_paid"], top["out_of_pocket"]) == ("20.05", "37.95", "2.00")
    dental = {line["label"]: line for line in socle["categories"][1]["lines"]}
    assert dental["Prothèses tarifs libres"]["ceiling_period"] == "year"
    # the label already names the panier: the description does not say « 100 % Santé » again
    assert dental["Prothèses 100 % Santé"]["description"] == "prise en charge jusqu'au prix limite, sans reste à charge"


async def test_ceilings_used_this_year_and_the_next_equipment(client, family, db_session):
    member, lea, zoe, base = family["member"], family["lea"], family["zoe"], family["base"]
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
    bought = TODAY - timedelta(days=100)
    _paid_claim(
        db_session,
        member,
        zoe,
        base,
        act="MONTURE",
        care_date=bought,
        amount="60.00",
        notation="forfait 100 € RO inclus par équipement",
    )
    body = (await client.get(GUARANTEES, headers=bearer(family["token"]))).json()
    people = {p["first_name"]: p for p in body["beneficiaries"]}
    assert list(people) == ["Léa", "Zoé"]  # the member first
    dental = next(c for c in people["Léa"]["ceilings"] if c["care_category"] == "dentaire")
    assert (dental["used"], dental["limit"], dental["remaining"], dental["period"]) == (
        "120.00",
        "350.00",
        "230.00",
        "year",
    )
    optics = next(c for c in people["Zoé"]["ceilings"] if c["care_category"] == "optique")
    assert (optics["used"], optics["period_start"]) == ("60.00", bought.isoformat())
    [renewal] = people["Zoé"]["equipment"]
    assert renewal == {
        "kind": "optics",
        "last_date": bought.isoformat(),
        "next_date": bought.replace(year=bought.year + 1).isoformat(),
        "renewal_years": 1,
    }
    assert people["Léa"]["equipment"] == []


async def test_another_member_sees_only_their_own_guarantees(client, family, make):
    other = make.member(first_name="Bruno")
    token = make.session_token(make.account(other))
    body = (await client.get(GUARANTEES, headers=bearer(token))).json()
    assert body["contracts"] == [] and body["beneficiaries"] == []


async def test_the_pdf_holds_the_lines_and_the_euro_amounts_as_text(client, family, db_session):
    _paid_claim(
        db_session,
        family["member"],
        family["lea"],
        family["base"],
        act="PROTHESE",
        care_date=date(2026, 3, 2),
        amount="120.00",
        notation=DENTAL_CEILING,
    )
    response = await client.get(f"{GUARANTEES}/pdf", headers=bearer(family["token"]))
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-")
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    # a no-break space may come out as a plain one: compare with plain spaces
    text = "\n".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    flat = " ".join(text.split())
    assert "Tableau de garanties" in text
    assert "Léa RIMON" in text
    assert "Santé Socle (C40SOCLE)" in text and "Santé Premium (C40ZPREMIUM) – surcomplémentaire" in text
    assert "150% BR" in text and "forfait de 350 € par an" in flat
    assert "hors RO" not in flat and "RO inclus" not in flat  # the forfaits in words
    assert "jusqu'à 150 % de la base de remboursement" in flat
    assert re.search(r"14,75[\n ]€", text)  # the example's reste à charge, euro sign intact
    assert "120,00 € 230,00 € année 2026" in text  # used and left of the dental ceiling
    assert "?" not in text.replace("Que ", "")  # nothing lost to the encoding
    assert reader.metadata.title == "Tableau de garanties"
