"""The contract's services (issue 21, item 4): assistance, téléconsultation, deuxième avis médical,
prévention, stored with the product (guarantee table) and shown with how to reach each in Mes garanties,
the dashboard and the conseiller's dossier; suspended or résilié contracts say why they cannot be used."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from models.schemas.common import ContractServiceKind, ContractState, Role
from models.tables import ContractService
from tests.conftest import bearer
from tests.server.call_helpers import verified_call

ASSISTANCE = {
    "kind": ContractServiceKind.assistance,
    "name": "Assistance IMA",
    "description": "Aide à domicile après une hospitalisation.",
    "phone": "01 99 00 21 01",
    "hours": "24 h sur 24, 7 jours sur 7",
    "conditions": "Après une hospitalisation de plus de 2 jours.",
}
TELECONSULTATION = {
    "kind": ContractServiceKind.teleconsultation,
    "name": "Ma Question Médicale",
    "description": "Un médecin en vidéo.",
    "phone": "01 99 00 21 15",
    "hours": "tous les jours de 8 h à minuit",
    "web": "https://app.maquestionmedicale.example/mutuelle",
    "conditions": "Pour chaque bénéficiaire du contrat.",
}


def _services(session, contract, *services):
    for position, fields in reversed(list(enumerate(services))):  # stored out of order: shown by position
        session.add(ContractService(table_id=contract.guarantee_table_id, position=position, **fields))
    session.commit()


@pytest.fixture
def covered(make, db_session, clock):
    member = make.member(first_name="Léa", last_name="RIMON", created_at=clock.now() - timedelta(days=400))
    contract = make.contract(member, name="Santé Socle")
    _services(db_session, contract, ASSISTANCE, TELECONSULTATION)
    other = make.member(first_name="Paul", last_name="AUTRE")
    other_contract = make.contract(other, name="Autre contrat")
    _services(db_session, other_contract, {**ASSISTANCE, "name": "Assistance d'un autre"})
    return {
        "member": member,
        "contract": contract,
        "token": bearer(make.session_token(make.account(member))),
        "other_token": bearer(make.session_token(make.account(other))),
    }


async def test_mes_garanties_lists_the_services_with_how_to_reach_each(client, covered):
    response = await client.get("/api/v1/me/guarantees", headers=covered["token"])
    assert response.status_code == 200, response.text
    (contract,) = response.json()["contracts"]
    assistance, teleconsultation = contract["services"]
    assert (assistance["label"], assistance["name"]) == ("Assistance", "Assistance IMA")
    assert (assistance["phone"], assistance["hours"]) == ("01 99 00 21 01", "24 h sur 24, 7 jours sur 7")
    assert assistance["conditions"] == "Après une hospitalisation de plus de 2 jours."
    assert assistance["available"] is True and assistance["unavailable_reason"] is None
    assert teleconsultation["label"] == "Téléconsultation"
    assert teleconsultation["web"] == "https://app.maquestionmedicale.example/mutuelle"


async def test_the_dashboard_shows_the_services_and_only_the_members_own(client, covered):
    mine = (await client.get("/api/v1/me/dashboard", headers=covered["token"])).json()
    assert [s["name"] for s in mine["contracts"][0]["services"]] == ["Assistance IMA", "Ma Question Médicale"]
    theirs = (await client.get("/api/v1/me/dashboard", headers=covered["other_token"])).json()
    assert [s["name"] for s in theirs["contracts"][0]["services"]] == ["Assistance d'un autre"]


@pytest.mark.parametrize(
    ("state", "words"),
    [
        (ContractState.suspended, "Garanties suspendues : ce service reprend dès que les cotisations dues"),
        (ContractState.terminated, "Contrat résilié : ce service n'est plus accessible."),
    ],
)
async def test_a_suspended_or_terminated_contract_says_why_its_services_cannot_be_used(
    client, covered, db_session, state, words
):
    contract = covered["contract"]
    contract.state = state
    if state is ContractState.terminated:
        contract.end_date = date(2026, 1, 31)
    db_session.add(contract)
    db_session.commit()
    for path in ("/api/v1/me/guarantees", "/api/v1/me/dashboard"):
        services = (await client.get(path, headers=covered["token"])).json()["contracts"][0]["services"]
        assert [s["available"] for s in services] == [False, False]
        assert all(s["unavailable_reason"].startswith(words) for s in services)


async def test_portability_keeps_the_services(client, covered, db_session):
    contract = covered["contract"]
    contract.state = ContractState.portability
    db_session.add(contract)
    db_session.commit()
    services = (await client.get("/api/v1/me/guarantees", headers=covered["token"])).json()["contracts"][0]
    assert all(s["available"] for s in services["services"])


async def test_the_conseillers_dossier_shows_the_services(client, covered, make):
    agent = bearer(make.session_token(make.account(role=Role.agent, display_name="Julien ROCHE")))
    await verified_call(client, agent, covered["member"])
    response = await client.get(f"/api/v1/agent/members/{covered['member'].id}/dossier", headers=agent)
    assert response.status_code == 200, response.text
    services = response.json()["contracts"][0]["services"]
    assert [(s["label"], s["phone"]) for s in services] == [
        ("Assistance", "01 99 00 21 01"),
        ("Téléconsultation", "01 99 00 21 15"),
    ]


async def test_a_contract_without_services_says_none(client, make):
    member = make.member()
    make.contract(member)
    token = bearer(make.session_token(make.account(member)))
    body = (await client.get("/api/v1/me/guarantees", headers=token)).json()
    assert body["contracts"][0]["services"] == []


async def test_the_pdf_of_the_table_lists_the_services(client, covered):
    import io

    import pypdf

    response = await client.get("/api/v1/me/guarantees/pdf", headers=covered["token"])
    assert response.status_code == 200
    reader = pypdf.PdfReader(io.BytesIO(response.content))
    text = " ".join(page.extract_text() for page in reader.pages).replace("\u00a0", " ")
    text = " ".join(text.split())  # the table wraps its cells: compare the words
    assert "Services inclus dans le contrat" in text
    assert "Assistance – Assistance IMA" in text
    assert "Téléphone : 01 99 00 21 01 (24 h sur 24, 7 jours sur 7)" in text
