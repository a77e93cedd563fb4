"""Issue 5 leftovers, both faces, against the real app (demo world, Léa RIMON's session resumed):
the tableau de garanties downloaded as a PDF into the downloads folder (the one the claims exports
use, `tui.flows.claims.download_dir`: ESPACE_DOWNLOAD_DIR here), and « Mes simulations enregistrées »
listed without saving a new one."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import Static

from models.tables import Account
from tui.app import EspaceApp
from tui.flows import guarantees as guarantees_flow
from tui.flows import simulator as simulator_flow
from tui.linear import LinearClient
from tui.screens.guarantees import GuaranteesScreen
from tui.screens.simulator import SavedSimulationsScreen

from .conftest import ScriptedInput, menu_number, settle

PDF_MENU = "Télécharger mon tableau de garanties (PDF)"
SAVED_MENU = "Mes simulations enregistrées"


@pytest.fixture
def lea_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "lea.rimon@example.fr")).one()
    return demo_make.session_token(account)


@pytest.fixture
def downloads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    target = tmp_path / "Téléchargements"
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(target))
    return target


async def _linear(api, token_store, token: str, answers) -> tuple[str, str]:
    token_store.persistent = True  # kept as a keyring keeps it: the session outlives the run (used after)
    token_store.set(api.base_url, token)
    stdout, stderr = io.StringIO(), io.StringIO()
    stdin = ScriptedInput([a(stdout) if callable(a) else a for a in answers])
    await LinearClient(api, stdin=stdin, stdout=stdout, stderr=stderr, token_store=token_store).run()
    return stdout.getvalue(), stderr.getvalue()


def _text(app: EspaceApp) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


async def test_linear_pdf_of_the_table_lands_in_the_downloads_folder(api, token_store, lea_token, downloads):
    out, err = await _linear(api, token_store, lea_token, [lambda out: menu_number(out, PDF_MENU)])
    assert err == ""
    saved = downloads / "tableau-de-garanties.pdf"
    assert saved.read_bytes().startswith(b"%PDF-") and saved.read_bytes().rstrip().endswith(b"%%EOF")
    assert (
        "== Tableau de garanties (PDF) ==\n"
        "Tableau de garanties (PDF) : préparation en cours…\n"
        f"Votre tableau de garanties (PDF) est enregistré dans le dossier {downloads}, "
        "sous le nom tableau-de-garanties.pdf.\n"
    ) in out


async def test_a_second_download_does_not_overwrite_the_first(api, token_store, lea_token, downloads):
    answers = [lambda out: menu_number(out, PDF_MENU), lambda out: menu_number(out, PDF_MENU)]
    out, err = await _linear(api, token_store, lea_token, answers)
    assert err == "" and "sous le nom tableau-de-garanties (2).pdf." in out
    assert sorted(p.name for p in downloads.iterdir()) == ["tableau-de-garanties (2).pdf", "tableau-de-garanties.pdf"]


async def test_pdf_folder_that_cannot_be_written_is_said_in_words(api, token_store, lea_token, tmp_path):
    token_store.set(api.base_url, lea_token)
    from tui.flows.login import resume

    session = await resume(api, token_store)
    blocker = tmp_path / "fichier"
    blocker.write_text("pas un dossier")
    saved = await guarantees_flow.save_table_pdf(session.api, blocker)
    assert not saved.ok and saved.message.startswith(
        f"Le tableau de garanties n'a pas pu être enregistré dans le dossier {blocker}"
    )


async def test_pilot_key_g_on_mes_garanties_saves_the_pdf(api, token_store, lea_token, downloads):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("g")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteesScreen)
        await pilot.press("G")
        await settle(pilot)
        status = str(app.screen.query_one("#guarantees-status").render())
        assert status == (
            f"Votre tableau de garanties (PDF) est enregistré dans le dossier {downloads}, "
            "sous le nom tableau-de-garanties.pdf."
        )
        assert (downloads / "tableau-de-garanties.pdf").read_bytes().startswith(b"%PDF-")


async def test_pilot_key_g_from_the_dashboard_opens_mes_garanties_with_the_pdf(api, token_store, lea_token, downloads):
    token_store.set(api.base_url, lea_token)
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        assert isinstance(app.screen, GuaranteesScreen)
        assert "est enregistré dans le dossier" in str(app.screen.query_one("#guarantees-status").render())
        assert "Léa RIMON (vous)" in _text(app)  # the table loaded too
        assert (downloads / "tableau-de-garanties.pdf").exists()


SCENARIO = {"act": "CS", "charged": "80", "sector": "2-optam"}


async def _save_one(api, token_store, lea_token) -> None:
    from tui.flows.login import resume

    token_store.set(api.base_url, lea_token)
    session = await resume(api, token_store)
    lea = next(p for p in (await session.api.guarantees()).beneficiaries if p.first_name == "Léa")
    await session.api.save_simulation([{**SCENARIO, "beneficiary_id": str(lea.id)}])


async def test_linear_mes_simulations_lists_without_saving_a_new_one(api, token_store, lea_token):
    out, err = await _linear(api, token_store, lea_token, [lambda out: menu_number(out, SAVED_MENU)])
    assert err == ""
    assert f"== Mes simulations enregistrées (0) ==\n{simulator_flow.NO_SAVED}\n== Que voulez-vous faire ? ==" in out
    await _save_one(api, token_store, lea_token)
    out, err = await _linear(api, token_store, lea_token, [lambda out: menu_number(out, SAVED_MENU)])
    assert err == ""
    start = out.index("== Mes simulations enregistrées (1) ==\n")
    listed = out[start:].splitlines()[1]
    assert listed.startswith(
        "Le : 23 novembre 2026 ; Pour : Léa RIMON ; Acte : Consultation chez un spécialiste ; "
        "Montant : 80,00\u00a0€ ; Reste à votre charge : "
    ), listed
    assert "== Simulateur de remboursement ==" not in out  # nothing asked, nothing saved


async def test_pilot_key_s_shows_mes_simulations(api, token_store, lea_token):
    await _save_one(api, token_store, lea_token)
    app = EspaceApp(api, token_store=token_store, demo_maildir=None)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, SavedSimulationsScreen)
        shown = _text(app)
        assert "Mes simulations enregistrées (1)" in shown
        assert "Pour : Léa RIMON ; Acte : Consultation chez un spécialiste ; Montant : 80,00\u00a0€" in shown
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, SavedSimulationsScreen)
