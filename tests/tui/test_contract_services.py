"""The contract's services (issue 21, item 4) in both front ends, against the real server app on the demo
world: Léa RIMON's « Santé Socle » includes assistance, téléconsultation, deuxième avis médical and
prévention, her surcomplémentaire none; Hélène FAURE's garanties are suspended, so are her services. The
conseiller's dossier lists them with how to reach each."""

from __future__ import annotations

import io

import pytest
from sqlmodel import select
from textual.widgets import Static

from models.schemas.agent import Dossier
from models.schemas.common import ContractServiceKind
from models.schemas.dashboard import ContractServiceOut, ContractSummary
from models.tables import Account
from tui.app import EspaceApp
from tui.flows import agent as agent_flow
from tui.flows import contract_services
from tui.linear import LinearClient

from .conftest import settle

TELECONSULTATION = ContractServiceOut(
    kind=ContractServiceKind.teleconsultation,
    label="Téléconsultation",
    name="Ma Question Médicale",
    description="Un médecin en vidéo.",
    phone="01 99 00 21 15",
    hours="tous les jours de 8 h à minuit",
    web="https://app.maquestionmedicale.example/mutuelle",
    conditions="Pour chaque bénéficiaire.",
    available=True,
)


def _token(demo_session, demo_make, email: str) -> str:
    account = demo_session.exec(select(Account).where(Account.login_email == email)).one()
    return demo_make.session_token(account)


@pytest.fixture
def lea_token(demo_session, demo_make):
    return _token(demo_session, demo_make, "lea.rimon@example.fr")


async def _linear(api, token_store, token, answers) -> tuple[str, str]:
    token_store.set(api.base_url, token)
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = io.StringIO("".join(f"{a}\n" for a in answers))
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    return stdout.getvalue(), stderr.getvalue()


def test_one_service_in_words_and_each_service_once():
    assert contract_services.service_lines(TELECONSULTATION) == [
        "Téléconsultation – Ma Question Médicale : Un médecin en vidéo.",
        "Téléphone : 01 99 00 21 15 (tous les jours de 8 h à minuit) ; en ligne : "
        "https://app.maquestionmedicale.example/mutuelle",
        "Conditions : Pour chaque bénéficiaire.",
    ]
    closed = TELECONSULTATION.model_copy(update={"available": False, "unavailable_reason": "Contrat résilié."})
    assert contract_services.short_line(closed) == (
        "Téléconsultation (Ma Question Médicale) : indisponible – Contrat résilié."
    )
    assert contract_services.service_lines(closed)[1] == "Indisponible : Contrat résilié."
    # the same service on two contracts is shown once, the usable copy first
    assert contract_services.distinct([closed, TELECONSULTATION]) == [TELECONSULTATION]
    same_name = TELECONSULTATION.model_copy(update={"name": "Téléconsultation", "web": None, "phone": None})
    assert contract_services.short_line(same_name) == "Téléconsultation : horaires : tous les jours de 8 h à minuit"


async def test_linear_guarantees_show_each_contracts_services(api, token_store, lea_token):
    out, err = await _linear(api, token_store, lea_token, ["Mes garanties"])  # chosen by its words
    assert err == ""
    socle = out.index("== Santé Socle ==")
    services = out.index(f"-- {contract_services.HEADING} --\nAssistance – Assistance IMA : Aide à domicile", socle)
    assert "Téléphone : 01 99 00 21 01 (24 h sur 24, 7 jours sur 7)\n" in out[services:]
    assert "Conditions : Après une hospitalisation de plus de 2 jours" in out[services:]
    assert "Deuxième avis médical : Avant une opération" in out[services:]
    premium = out.index("== Santé Premium ==")
    assert out.index(f"-- {contract_services.HEADING} --\n{contract_services.NONE}\n", premium) > premium


async def test_linear_dashboard_of_a_suspended_member_says_why(api, token_store, demo_session, demo_make):
    token = _token(demo_session, demo_make, "helene.faure@example.fr")
    out, err = await _linear(api, token_store, token, [])
    assert err == ""
    assert "== Mes services : assistance, téléconsultation… ==\n" in out
    assert (
        "Assistance (Assistance RMA) : indisponible – Garanties suspendues : ce service reprend dès que les "
        "cotisations dues sont réglées"
    ) in out


def _texts(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_dashboard_and_mes_garanties_show_the_services(api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        text = _texts(app)
        assert "Mes services : assistance, téléconsultation…" in text
        assert "Assistance (Assistance IMA) : téléphone : 01 99 00 21 01 (24 h sur 24, 7 jours sur 7)" in text
        assert text.count("Téléconsultation (Ma Question Médicale)") == 1  # once, though two contracts
        await pilot.press("g")
        await settle(pilot)
        text = _texts(app)
        assert contract_services.HEADING in text
        assert "Téléconsultation – Ma Question Médicale : Un médecin en vidéo ou au téléphone" in text
        assert "Conditions : Ouvert à tous les bénéficiaires ; gratuit." in text
        assert contract_services.NONE in text  # the surcomplémentaire


def test_the_conseillers_dossier_lists_the_services_with_how_to_reach_them():
    contract = ContractSummary.model_validate(
        {
            "id": 1,
            "code": "C40SOCLE",
            "name": "Santé Socle",
            "kind": "collective",
            "level": "base",
            "state": "active",
            "start_date": "2018-01-01",
            "beneficiaries": [],
            "services": [TELECONSULTATION.model_dump()],
        }
    )
    lines = agent_flow.contracts_lines(Dossier.model_construct(contracts=[contract]), None)
    assert f"  {contract_services.HEADING} :" in lines
    assert (
        "    Téléphone : 01 99 00 21 15 (tous les jours de 8 h à minuit) ; en ligne : "
        + ("https://app.maquestionmedicale.example/mutuelle")
        in lines
    )
    bare = contract.model_copy(update={"services": []})
    assert f"  {contract_services.NONE}" in agent_flow.contracts_lines(Dossier.model_construct(contracts=[bare]), None)
