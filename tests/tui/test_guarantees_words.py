"""Issue 19, item 9: Mes garanties, its PDF and the simulator speak to members in words — never « hors RO »,
« RO inclus », « (code PROTHESE) », « classe B », « surcomplementaire » without its accent, « /an». Checked on
what each face shows: the view-model of every demo member's table and its PDF, the linear transcript and the
full-screen screen of Coralie (whose dental forfait is « forfait 350 € hors RO /an » in her contract's table),
and a simulation that reaches that ceiling."""

from __future__ import annotations

import io
from datetime import date

import pytest
from pypdf import PdfReader
from sqlmodel import select
from textual.widgets import Static

from models.tables import Account, Member
from server.services import guarantees as service
from server.services.viewer import Viewer
from tui.app import EspaceApp
from tui.flows import guarantees as guarantees_flow
from tui.flows import simulator as simulator_flow
from tui.screens.guarantees import GuaranteesScreen

from .conftest import settle
from .test_guarantees_linear import _run

JARGON = ("hors RO", "RO inclus", "(code ", "classe A", "classe B", "classe I", "surcomplementaire", "/an")
DENTAL = "forfait de 350\u00a0€ par an"


def jargon_in(text: str) -> list[str]:
    return [word for word in JARGON if word in text.replace("\n", " ")]


@pytest.fixture
def coralie_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "coralie.vidal@example.fr")).one()
    return demo_make.session_token(account)


def test_every_members_table_and_its_pdf_in_words(demo_session):
    today = date(2026, 11, 20)
    shown: list[str] = []
    for member in demo_session.exec(select(Member)).all():
        data = service.my_guarantees(demo_session, Viewer(member=member), today)
        view = guarantees_flow.build_view(data, long_dates=True)
        for contract in view.contracts:
            shown.append(contract.sentence)
            shown += [row for category in contract.categories for line in category.lines for row in line.lines()]
        shown += [c.sentence for person in view.people for c in person.ceilings]
        pdf = service.my_guarantees_pdf(demo_session, Viewer(member=member), today)
        shown += [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]
    text = "\n".join(shown)
    assert jargon_in(text) == []
    assert f"(au tableau : {DENTAL})" in text  # the forfait itself, in words
    assert "surcomplémentaire" in text
    words = [w for _, w in simulator_flow.BASKETS["optique"] + simulator_flow.BASKETS["AUDIO"]]
    assert jargon_in(" ".join(words)) == []


async def test_coralies_table_and_a_simulation_reaching_her_dental_ceiling_in_linear(api, token_store, coralie_token):
    crown = ["Simuler un remboursement", "1", "3", "couronne", "1", "700", "3", "2"]  # tarif libre, not saved
    out, err = await _run(api, token_store, coralie_token, ["Mes garanties", *crown])
    assert err == ""
    assert jargon_in(out) == []
    assert "Prothèses dentaires — tarifs libres : jusqu'à 350,00\u00a0€ par an en plus de la Sécurité sociale" in out
    assert f"Il reste 0,00\u00a0€ sur le plafond de la garantie ({DENTAL})" in out


async def test_coralies_table_in_full_screen(api, token_store, coralie_token):
    token_store.set(api.base_url, coralie_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteesScreen)
        text = "\n".join(str(w.render()) for w in app.screen.query(Static))
    assert f"(au tableau : {DENTAL})" in text
    assert jargon_in(text) == []
