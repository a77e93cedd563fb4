"""« Mon profil » actions in the full-screen client (Pilot at 80×24, real server app, demo world): a RIB
changed with the step-up code read from the SMS outbox, an enfant added on an individual contract with
the acte de naissance joined through the shared attachment widget, the collective-contract refusal (nothing
sent); snapshots of every section, of the RIB form with a validation error and of the step-up screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlmodel import select

from models.tables import Account, BankAccount, MemberRequest
from tests.tui.conftest import settle
from tests.tui.profile_helpers import (
    PDF,
    SECTIONS,
    in_section,
    lines_of,
    on_form,
    open_section,
    send_a_rib,
    status_of,
    type_text,
    until,
)
from tui.app import EspaceApp
from tui.screens.forms import FormScreen
from tui.widgets.status import StatusLine


async def fill_the_rib_form(app, pilot) -> None:
    """A valid RIB sent: the step-up code is asked."""
    await send_a_rib(app, pilot)
    await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))


async def test_rib_change_with_the_step_up_code(api, token_store, log_in_as, read_code, demo_session):
    await log_in_as("1204587")
    async with in_section(api, token_store, "bank") as (app, pilot):
        await pilot.press("r")
        await until(pilot, lambda: on_form(app, "RIB de remboursement"))
        await type_text(pilot, "FR7630006000011234567890188")
        await pilot.pause()
        assert "la clé de l'IBAN" in app.screen.query_one("#form-status", StatusLine).text
        await pilot.press("backspace", "9", "enter")
        await type_text(pilot, "AGRIFRPP")
        await pilot.press("enter")
        await type_text(pilot, "Coralie Vidal")
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous"))
        await type_text(pilot, read_code("1204587"))
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert app.screen.id == "profile"
        assert status_of(app) == "RIB enregistré ; un e-mail vous le confirme."
        lines = str(app.screen.query_one("#profile-lines").render())
        assert "FR76 **** **** **** **** ***0 189 – AGRIFRPP – titulaire Coralie Vidal – pour tout le contrat" in lines
    row = demo_session.exec(select(BankAccount).where(BankAccount.holder == "Coralie Vidal")).one()
    assert row.replaced_at is None and row.beneficiary_id is None


async def test_a_wrong_step_up_code_is_said_and_asked_again_the_rib_kept(api, token_store, log_in_as, read_code):
    await log_in_as("1204587")
    async with in_section(api, token_store, "bank") as (app, pilot):
        await fill_the_rib_form(app, pilot)
        first_form = app.screen
        code = read_code("1204587")
        await type_text(pilot, "000000" if code != "000000" else "111111")
        await pilot.press("enter")
        await until(pilot, lambda: on_form(app, "Confirmer que c'est bien vous") and app.screen is not first_form)
        profile = next(s for s in app.screen_stack if s.id == "profile")
        said = profile.query_one("#profile-status", StatusLine)
        assert "Code incorrect" in said.text and said.has_class("-error")
        await type_text(pilot, code)  # the code only: the RIB typed is still the one sent
        await pilot.press("enter")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert status_of(app) == "RIB enregistré ; un e-mail vous le confirme."
        assert "***0 189 – AGRIFRPP – titulaire Coralie Vidal – pour tout le contrat" in lines_of(app)


async def test_step_up_window_is_the_servers_setting(api, token_store, log_in_as, settings):
    settings.step_up_window = timedelta(minutes=7)
    await log_in_as("1204587")
    async with in_section(api, token_store, "bank") as (app, pilot):
        assert "qui vous laisse ensuite 7 minutes pour enregistrer le RIB" in lines_of(app)
        await fill_the_rib_form(app, pilot)
        intro = [str(w.render()) for w in app.screen.query("#form > Static")]
        assert "Le code permet de modifier un RIB, votre adresse e-mail ou votre mobile pendant 7 minutes." in intro


async def fill_add_a_child(pilot) -> None:
    """From the dashboard: Mon profil, Ayants droit, « Ajouter un conjoint ou un enfant », Jules Giraud,
    born 02/03/2026, sent; stops on the Justificatifs form (also used by tests/tui/test_retry.py)."""
    app = pilot.app
    await settle(pilot)
    await open_section(pilot, "family")
    await pilot.press("enter")  # the section's actions
    await settle(pilot)
    await pilot.press("enter")  # « Ajouter un conjoint ou un enfant »
    await until(pilot, lambda: on_form(app, "Ajouter un ayant droit"))
    form = app.screen
    assert isinstance(form, FormScreen) and form.form.title == "Ajouter un ayant droit"
    await pilot.press("enter", "down", "enter")  # the Select opens on « Choisir », ↓ « Enfant », Entrée
    await pilot.press("tab")
    await type_text(pilot, "Jules")
    await pilot.press("enter")
    await type_text(pilot, "Giraud")
    await pilot.press("enter")
    await type_text(pilot, "02/03/2026")
    await pilot.press("enter", "enter", "down", "down", "enter")  # Sexe : Masculin
    assert form.values()["relationship"] == "child" and form.values()["sex"] == "M"
    await pilot.press("ctrl+s")
    await until(pilot, lambda: on_form(app, "Justificatifs"))


async def test_add_a_child_on_an_individual_contract(api, token_store, log_in_as, demo_session, tmp_path):
    birth = tmp_path / "acte.pdf"
    birth.write_bytes(PDF)
    await log_in_as("5520318")
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await fill_add_a_child(pilot)
        files = app.screen
        assert isinstance(files, FormScreen) and files.form.title == "Justificatifs"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "Joignez : acte de naissance" in files.query_one("#form-status", StatusLine).text
        await type_text(pilot, str(birth))
        await pilot.press("enter")  # joins the file
        await pilot.press("ctrl+s")
        await until(pilot, lambda: app.screen.id == "profile")
        await settle(pilot)
        assert "enregistrée : un conseiller vérifie les justificatifs" in status_of(app)
    request = demo_session.exec(
        select(MemberRequest).where(MemberRequest.title == "Ajout d'un enfant : Jules Giraud")
    ).one()
    assert request.status.value == "received" or request.reference


async def test_collective_contract_refusal_sends_nothing(api, token_store, log_in_as, demo_session):
    before = len(demo_session.exec(select(MemberRequest)).all())
    await log_in_as("1204587")
    async with in_section(api, token_store, "family") as (app, pilot):
        await pilot.press("j")
        await settle(pilot)
        assert app.screen.id == "profile"  # no form
        assert "passe par votre employeur" in status_of(app) and status_of(app).endswith("Rien n'a été envoyé.")
    assert len(demo_session.exec(select(MemberRequest)).all()) == before


# -- snapshots (80×24) ---------------------------------------------------------------------------------------


@pytest.fixture
def coralie_token(demo_session, demo_make):
    account = demo_session.exec(select(Account).where(Account.login_email == "coralie.vidal@example.fr")).one()
    return demo_make.session_token(account)


def _keys(*keys: str, form: str | None = None):
    async def run_before(pilot) -> None:
        await settle(pilot)
        for key in keys:
            await pilot.press(key)
            if isinstance(pilot.app.screen, FormScreen):
                await pilot.pause()
            else:
                await settle(pilot)
        if form is not None:
            await until(pilot, lambda: on_form(pilot.app, form))
        await pilot.pause()

    return run_before


@pytest.mark.parametrize("section", SECTIONS)
def test_profile_section_80x24(snap_compare, api, token_store, coralie_token, section):
    token_store.set(api.base_url, coralie_token)
    keys = ("p", *["down"] * SECTIONS.index(section))
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_keys(*keys))


@pytest.mark.parametrize("section", SECTIONS)
def test_profile_section_120x40(snap_compare, api, token_store, coralie_token, section):
    """The wide terminal: the card drawn at its full width, the lines no longer wrapped."""
    token_store.set(api.base_url, coralie_token)
    keys = ("p", *["down"] * SECTIONS.index(section))
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(120, 40), run_before=_keys(*keys))


def test_rib_form_with_an_error_80x24(snap_compare, api, token_store, coralie_token):
    token_store.set(api.base_url, coralie_token)
    keys = ("p", "down", "down", "r", *"FR7630006000011234567890188")
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_keys(*keys))


def test_step_up_screen_80x24(snap_compare, api, token_store, coralie_token):
    token_store.set(api.base_url, coralie_token)
    keys = ("p", "down", "down", "r", *"FR7630006000011234567890189", "enter", *"AGRIFRPP", "enter", *"Coralie")
    assert snap_compare(
        EspaceApp(api, token_store=token_store),
        terminal_size=(80, 24),
        run_before=_keys(*keys, "ctrl+s", form="Confirmer que c'est bien vous"),
    )
