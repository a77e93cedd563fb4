"""« Trouver un professionnel de santé » in the full-screen client (issue 21), at 80×24 against the real server app
(demo world, whose seed loads the directory samples of fixtures/), driven by keys: nothing typed first (a French
message, nothing sent), then a speciality and a town, the results with their sector, and « Simuler », which
opens the simulator with that practitioner's sector filled in."""

from __future__ import annotations

import pytest
from sqlmodel import select
from textual.widgets import OptionList, Select, Static

from models.tables import Account
from tests.tui.conftest import settle
from tests.tui.profile_helpers import until
from tui.app import EspaceApp
from tui.screens.directory import DirectoryScreen
from tui.screens.simulator import SimulatorScreen


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


async def open_directory(pilot, *keys: str) -> DirectoryScreen:
    """The directory's key once the dashboard or the console is loaded (its workers done: the directory's worker
    does not exist yet; once it runs it waits for the member, so ``until`` is used, never ``settle``)."""
    await settle(pilot)
    assert pilot.app.session is not None
    await pilot.press(*(keys or ("a",)))
    await until(pilot, lambda: isinstance(pilot.app.screen, DirectoryScreen))
    return pilot.app.screen


def lines_of(screen) -> list[str]:
    return [str(w.render()) for w in screen.query(".directory-line").results(Static)]


async def test_search_then_simulate_with_the_practitioners_sector(api, token_store, lea_token) -> None:
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_directory(pilot)
        status = screen.query_one("#directory-status")

        await pilot.press("enter")  # nothing typed: said, nothing sent
        await pilot.pause()
        assert str(status.render()) == (
            "Erreur : Indiquez au moins un critère : un nom, une profession ou une spécialité, ou une ville ou un "
            "code postal."
        )
        assert lines_of(screen) == []

        await pilot.press(*"cardio")
        screen.query_one("#field-where").focus()
        await pilot.press(*"marseille", "enter")
        await until(pilot, lambda: screen.query_one("#directory-choices", OptionList).display)
        lines = lines_of(screen)
        assert lines[0] == "2 résultats"
        assert lines[1].startswith("1. Hélène CASTELLANI ; Médecin – Cardiologie et maladies vasculaires ; ")
        assert "tél. 04 91 00 00 37 ; Secteur 2, adhérent OPTAM : dépassements modérés, mieux remboursés" in lines[1]

        choices = screen.query_one("#directory-choices", OptionList)
        assert app.focused is choices
        assert str(choices.get_option_at_index(0).prompt) == "Simuler un remboursement chez Hélène CASTELLANI (n° 1)"
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, SimulatorScreen))
        simulator = app.screen
        assert simulator.form.known_sector == "2-optam"
        assert str(simulator.query_one("#simulator-status").render()) == (
            "Hélène CASTELLANI : Secteur 2, adhérent OPTAM : dépassements modérés, mieux remboursés (repris de "
            "l'annuaire)."
        )
        # a specialist's consultation: the dépassement questions are not asked, the sector is the directory's
        simulator.query_one("#poste", Select).value = "soins_courants"
        simulator.query_one("#search").focus()
        await pilot.press(*"specialiste")
        acts = simulator.query_one("#acts", OptionList)
        acts.focus()
        await pilot.press("down", "enter")
        await pilot.pause()
        assert simulator.form.act is not None and simulator.form.act.code == "CS"
        assert not simulator.query_one("#excess-box").display or simulator.query_one("#excess-box").has_class("-hidden")
        simulator.form.beneficiary_id = 1
        simulator.form.charged = "80"
        assert [scenario["sector"] for scenario in simulator.form.scenarios()] == ["2-optam"]


async def test_a_search_that_finds_nothing_says_so_and_a_new_search_starts_again(api, token_store, lea_token) -> None:
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_directory(pilot)
        await pilot.press(*"zzzz", "enter")
        await until(pilot, lambda: len(lines_of(screen)) == 2)
        assert lines_of(screen) == [
            "0 résultat",
            "Aucun résultat. Essayez un autre mot, ou seulement la ville ou le code postal.",
        ]
        assert app.focused is screen.query_one("#field-q")  # back to the form, what was typed kept
        screen.query_one("#field-kind", Select).value = "etablissement"
        screen.query_one("#field-q").value = ""
        screen.query_one("#field-where").focus()
        await pilot.press(*"75015", "enter")
        await until(pilot, lambda: screen.query_one("#directory-choices", OptionList).display)
        first = lines_of(screen)[1]
        assert first.startswith("1. CENTRE DENTAIRE MUTUALISTE DE LA CONVENTION (FICTIF) ; Centre de Santé")
        await pilot.press("escape")
        await until(pilot, lambda: not isinstance(app.screen, DirectoryScreen))


async def test_the_conseiller_searches_from_the_console_without_simuler(api, token_store, demo_session, demo_make):
    agent = demo_session.exec(select(Account).where(Account.login_email == "julien.roche@mutuelle-demo.example")).one()
    token_store.set(api.base_url, demo_make.session_token(agent))
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_directory(pilot, "tab", "y")  # out of the search field, where « y » is a letter
        await pilot.press(*"fabre", "enter")
        await until(pilot, lambda: screen.query_one("#directory-choices", OptionList).display)
        assert lines_of(screen)[1].startswith("1. Olivier FABRE ; Médecin – Pédiatrie ; ")
        choices = screen.query_one("#directory-choices", OptionList)
        assert [str(choices.get_option_at_index(i).prompt) for i in range(choices.option_count)] == [
            "Nouvelle recherche",
            "Terminer",
        ]
        await pilot.press("down", "enter")  # Terminer: back to the console
        await until(pilot, lambda: not isinstance(app.screen, DirectoryScreen))
