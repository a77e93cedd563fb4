"""The full-screen garanties and simulator at 80×24 against the real server app (demo world), driven by
keys; the session is resumed from the token store so the login steps do not matter here."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import Input, OptionList, Select, Static

from models.tables import Account
from tui.app import EspaceApp
from tui.screens.guarantees import GuaranteesScreen
from tui.screens.simulator import SimulatorScreen
from tui.widgets.text import Label

from .conftest import settle


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


def text_of(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_guarantees_screen_shows_bars_and_sentences(api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteesScreen)
        text = text_of(app)
        assert "Zoé : prochain équipement remboursable à partir du 25/08/2027 (lunettes du 25/08/2026)" in text
        assert "[████████████████████] Optique : 100,00\u00a0€ utilisés sur 100,00\u00a0€" in text
        assert "jusqu'à 150\u00a0% de la base de remboursement, Sécurité sociale incluse (au tableau : 150% BR)" in text
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, GuaranteesScreen)


async def simulate_a_specialist_consultation(pilot) -> SimulatorScreen:
    """From the dashboard: the simulator, for Samuel, a specialist's consultation at 80 €, « je ne sais
    pas » for the excess fees; the simulation run (also used by tests/tui/test_retry.py)."""
    app = pilot.app
    await settle(pilot)
    await pilot.press("s")
    await settle(pilot)
    screen = app.screen
    assert isinstance(screen, SimulatorScreen)
    people = screen.query_one("#who", Select)
    people.focus()
    await pilot.press("enter", "down", "down", "enter")  # the prompt, Léa, then Samuel
    await pilot.pause()
    assert str(people.selection) == str(screen.form.beneficiary_id)
    screen.query_one("#poste", Select).value = "soins_courants"
    await pilot.pause()
    screen.query_one("#search").focus()
    await pilot.pause()
    await pilot.press(*"specialiste")
    await pilot.pause()
    acts = screen.query_one("#acts", OptionList)
    assert acts.option_count == 1
    acts.focus()
    await pilot.press("down", "enter")
    await pilot.pause()
    assert screen.form.act is not None and screen.form.act.code == "CS"
    screen.query_one("#charged").focus()
    await pilot.pause()
    await pilot.press(*"80")
    screen.query_one("#excess", Select).value = "nsp"
    await pilot.pause()
    app.screen.query_one("#simulate").focus()
    await pilot.press("enter")
    await settle(pilot)
    return screen


async def test_a_simulation_by_keys_with_the_range_then_saved(api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await simulate_a_specialist_consultation(pilot)
        result = str(screen.query_one("#result", Static).render())
        assert "Sécurité sociale : de 14,10\u00a0€ à 20,05\u00a0€" in result
        assert "Reste à votre charge : de 19,00\u00a0€ à 40,60\u00a0€" in result
        assert "Si votre médecin n'est pas adhérent à l'OPTAM :" in result
        app.screen.query_one("#save").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert screen.status.text == "Simulation enregistrée dans votre espace."
        saved = str(screen.query_one("#saved", Static).render())
        assert saved.startswith("Mes simulations enregistrées (1)")
        assert "Pour : Samuel RIMON ; Acte : Consultation chez un spécialiste ; Montant : 80,00\u00a0€" in saved


async def test_missing_fields_are_said_before_anything_is_sent(api, token_store, lea_token):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#simulate").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen.status.text.startswith("Erreur : Choisissez la personne soignée.")


async def test_errors_beside_their_field_type_to_select_and_a_fresh_result(api, token_store, lea_token):
    """Issue 19: the first field has the focus on opening; each error is said under its field, which gets
    the focus (« 1e5 » refused in French); typing an act then Entrée takes the first act found (no Down
    first); the result is brought into view, and a new attempt clears it."""
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SimulatorScreen) and app.focused is screen.query_one("#who")
        labels = {str(label.render()) for label in screen.query(Label)}
        assert {ask.label for ask in screen.questions.asks() if ask.name != "act"} <= labels  # the declaration's
        screen.query_one("#simulate").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert str(screen.query_one("#who-error").render()) == "Erreur : Choisissez la personne soignée."
        assert str(screen.query_one("#act-error").render()) == "Erreur : Choisissez l'acte dans la liste."
        assert app.focused is screen.query_one("#who")  # the first wrong field
        await pilot.press("enter", "down", "down", "enter")  # Samuel
        screen.query_one("#search").focus()
        await pilot.press(*"specialiste", "enter")
        await pilot.pause()
        assert screen.form.act is not None and screen.form.act.code == "CS"
        assert app.focused is screen.query_one("#charged")
        await pilot.press(*"1e5")
        screen.query_one("#excess", Select).value = "non"
        screen.query_one("#simulate").focus()
        await pilot.press("enter")
        await pilot.pause()
        said = str(screen.query_one("#charged-error").render())
        assert said.startswith("Erreur : Montant facturé : « 1e5 » n'est pas un montant")
        assert app.focused is screen.query_one("#charged")
        assert screen.query_one("#who-error").has_class("-hidden")  # corrected: no longer said
        await pilot.press("ctrl+u", *"80")
        screen.query_one("#simulate").focus()
        await pilot.press("enter")
        await settle(pilot)
        result = screen.query_one("#result", Static)
        assert "Reste à votre charge" in str(result.render())
        body = screen.query_one("#simulator-body")
        assert body.scroll_offset.y > 0 and result.region.y < body.region.bottom  # scrolled into view
        assert screen.query_one("#charged-error").has_class("-hidden")
        screen.query_one("#charged").focus()
        await pilot.press("ctrl+u", *"abc")
        screen.query_one("#simulate").focus()
        await pilot.press("enter")
        await pilot.pause()
        assert str(result.render()) == "" and screen.query_one("#save").disabled  # the old result is gone


async def add_item(pilot, search: str, charged: str, basket: str, button: str) -> None:
    """One item of the glasses: found by a few letters, Entrée takes the first act found, the amount, the
    panier, then ``button``."""
    screen = pilot.app.screen
    screen.query_one("#search").focus()
    await pilot.press(*search, "enter")
    await pilot.pause()
    await pilot.press(*charged)
    screen.query_one("#basket", Select).value = basket
    await pilot.pause()
    screen.query_one(button).focus()
    await pilot.press("enter")
    await settle(pilot)


async def test_glasses_of_several_items_in_one_simulation(api, token_store, lea_token):
    """Issue 19: « Ajouter aux lunettes » appears for an optical act; each item added is listed, the form
    ready for the next (a wrong amount said under its field first); « Simuler » gives each item, then the
    totals; a simulation of several items is not offered for saving."""
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, SimulatorScreen)
        add = screen.query_one("#add-item")
        assert add.has_class("-hidden")  # not for a consultation
        await pilot.press("enter", "down", "down", "enter")  # Samuel
        screen.query_one("#poste", Select).value = "optique"
        await pilot.pause()
        await add_item(pilot, "monture", "150", "libre", "#add-item")
        assert not add.has_class("-hidden")
        glasses = screen.query_one("#glasses", Static)
        assert str(glasses.render()) == "Éléments des lunettes (1) : Monture de lunettes, tarif libre, 150,00\u00a0€"
        assert screen.query_one("#charged", Input).value == "" and app.focused is screen.query_one("#search")
        await add_item(pilot, "verre simple", "abc", "libre", "#add-item")
        said = str(screen.query_one("#charged-error").render())
        assert said.startswith("Erreur : Montant facturé : « abc » n'est pas un montant")
        assert app.focused is screen.query_one("#charged")
        await pilot.press("ctrl+u", *"60")
        screen.query_one("#add-item").focus()
        await pilot.press("enter")
        await settle(pilot)
        assert str(glasses.render()).startswith("Éléments des lunettes (2) : ")
        await add_item(pilot, "verre complexe", "200", "100-sante", "#simulate")
        result = str(screen.query_one("#result", Static).render())
        assert result.startswith(
            "Résultat de la simulation\nÉlément 1 : Monture de lunettes, tarif libre, 150,00\u00a0€\n"
        )
        assert "\nÉlément 2 : Verre simple, tarif libre, 60,00\u00a0€\n" in result
        assert "\nÉlément 3 : Verre complexe, 100 % Santé, 200,00\u00a0€\n" in result
        assert (
            "\nTotal : Sécurité sociale : 9,96\u00a0€ ; Mutuelle : 205,04\u00a0€ ; "
            "Reste à votre charge : 195,00\u00a0€\n" in result
        )
        assert result.endswith("Une simulation de plusieurs éléments ne s'enregistre pas dans votre espace.")
        assert screen.query_one("#save").disabled and glasses.has_class("-hidden")  # the next one starts afresh


def test_the_simulators_questions_are_declared_once():
    """Issue 18: the questions live in ``flow.Questions``; the linear module asks nothing of its own (it goes
    through its Face) and each field's problem names the field the screen writes it under."""
    from datetime import date
    from pathlib import Path

    from tui.flows import simulator as flow
    from tui.flows.forms import resolved
    from tui.linear import guarantees as linear

    source = Path(linear.__file__).read_text(encoding="utf-8")
    assert ".pick(" not in source and ".prompt(" not in source
    questions = flow.Questions(flow.acts(date(2026, 11, 20)), ((7, "Samuel RIMON"),))
    asks = {ask.name: ask for ask in questions.asks()}
    crown = {flow.WHO: "7", flow.POSTE: "dentaire", flow.ACT: "PROTHESE"}
    assert not asks[flow.BR].when(crown) and asks[flow.BASKET].when(crown)
    assert [k for k, _ in resolved(asks[flow.BASKET], crown).choices] == ["100-sante", "maitrise", "libre"]
    specialist = {flow.WHO: "7", flow.ACT: "CS", flow.EXCESS: flow.NO}
    assert asks[flow.EXCESS].when(specialist) and not asks[flow.OPTAM].when(specialist)
    assert asks[flow.OPTAM].when({**specialist, flow.EXCESS: flow.YES})
    problems = questions.problems({flow.POSTE: "optique", flow.SEARCH: "couronne", flow.CHARGED: "1e5"})
    assert [(p.field, p.message.split(" : ")[0]) for p in problems] == [
        (flow.WHO, "Choisissez la personne soignée."),
        (flow.SEARCH, "Aucun acte ne correspond à « couronne » dans ce poste"),
        (flow.CHARGED, "Montant facturé"),
    ]
    assert questions.form("Simulateur").recap is False  # a simulation changes nothing: no recap
    glasses, frame = (
        flow.CareEvent(),
        flow.SimulatorForm(7, act=questions.act_of({flow.ACT: "MONTURE"}), charged="90", basket="libre"),
    )
    assert flow.item_problems(glasses, frame) == [] and glasses.add(frame) is None
    visit = flow.SimulatorForm(7, act=questions.act_of({flow.ACT: "CS"}), charged="30", excess=flow.NO)
    assert flow.item_problems(glasses, visit) == [(flow.ACT, flow.GLASSES_ONLY)]  # not one more item of glasses
    optics = questions.found({flow.POSTE: "optique"})
    assert len(optics) == 4 and questions.found({flow.POSTE: "optique", flow.SEARCH: "Tout"}) == optics
