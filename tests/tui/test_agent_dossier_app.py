"""The console conseiller's dossier, full screen (Pilot against the real server app and the demo world):
Gaëlle LE GOFF found by « le goff gaelle », her sections on keys 1-7 (the claims table and the member's own
détail screen, her messages), then the actions not covered elsewhere — the strong verification and the carte de
tiers payant emailed to a pharmacy of the network, a courrier NPAI alert, a conversation opened for her (shown in
her messages at once), a simulation on her contract — each checked on the server (audit row, outbox, alert,
thread). Snapshots of the sections at 80×24 and 120×40."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlmodel import select
from textual.widgets import Button, Input, OptionList, Select, Static

from fixtures.world import SOPHIE_HOME_IP, SOPHIE_PHONE_IP
from models.domain.money import format_eur
from models.tables import (
    AuditEvent,
    Beneficiary,
    MailAttachment,
    MailOutbox,
    Member,
    MemberAlert,
    MessageThread,
)
from server.clock import paris_today
from server.services import guarantees
from tests.tui.agent_helpers import fill_form, open_dossier, screen_text
from tests.tui.conftest import code_from_outbox, settle
from tests.tui.profile_helpers import on_form, type_text, until
from tui.app import EspaceApp
from tui.screens.agent import AgentConsoleScreen, ConsoleSimulatorScreen, TextScreen
from tui.screens.claims import ClaimDetailScreen

from .test_agent_console import julien_token, open_sophie  # noqa: F401  (julien_token: a fixture)


@pytest.fixture
def gaelle(demo_session):
    return demo_session.exec(select(Member).where(Member.member_number == "3810391")).one()


async def open_gaelle(app, pilot, demo_session) -> None:
    await open_dossier(app, pilot, demo_session, "le goff gaelle", "3810391")  # a compound surname, « nom prénom »
    assert isinstance(app.screen, AgentConsoleScreen)
    assert app.screen.dossier.banner.member_number == "3810391"


async def test_the_dossier_sections_and_the_actions_for_the_member(
    api, token_store, julien_token, gaelle, demo_session
):
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_gaelle(app, pilot, demo_session)
        console = app.screen
        profile = str(console.query_one("#text-profile").render())  # issue 21: who in the household has an account
        assert "Comptes du foyer (accès à l'Espace Adhérent) :" in profile
        assert (
            "Gaëlle LE GOFF (assuré principal) : actif" in profile
            and "Nolan LE GOFF (enfant) : pas de compte" in profile
        )
        # issue 19: the console speaks of the member, not to them
        assert "Personnes couvertes : Gaëlle LE GOFF (assuré principal), Nolan LE GOFF (enfant)" in screen_text(app)
        await pilot.press("2")  # the member's claims table
        await settle(pilot)
        table = console.query_one("#dossier-claims")
        assert table.row_count == 50 and "58 remboursements" in screen_text(app)
        await pilot.press("enter")  # the member's own détail screen, through the console's route
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert "Pourquoi ce reste à charge ?" in screen_text(app)
        await pilot.press("d")  # the statement stays in the member's space: said, not failed
        await settle(pilot)
        assert "proposez-lui de le faire" in screen_text(app)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("v")  # the card needs the strong level: a code to her e-mail, read back
        await until(pilot, lambda: on_form(app, "Vérification forte"))
        await pilot.press("ctrl+s")
        await until(pilot, lambda: on_form(app, "Code relu par l'appelant"))
        await type_text(pilot, code_from_outbox(demo_session, gaelle.email))
        await pilot.press("enter")
        await until(pilot, lambda: isinstance(app.screen, AgentConsoleScreen))
        await settle(pilot)
        await pilot.press("e")
        await fill_form(
            app,
            pilot,
            "Envoyer la carte de tiers payant ou l'attestation",
            document="card",
            recipient="professional",
            finess="630000149",
            reason="Demande de l'adhérente",
        )
        await pilot.press("n")
        await fill_form(
            app, pilot, "Enregistrer ou lever une alerte", alert="0", reason="Courrier revenu", ticket="T-7"
        )
        await pilot.press("m")
        await fill_form(
            app,
            pilot,
            "Ouvrir une conversation pour l'adhérent",
            subject="Suite à votre appel",
            body="Bonjour, voici le justificatif.",
            reason="Appel du jour",
        )
        await settle(pilot)
        await pilot.press("3")  # her messages: the conversation just opened
        await settle(pilot)
        assert "Suite à votre appel ; " in screen_text(app)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, TextScreen)
        assert "Bonjour, voici le justificatif." in screen_text(app)
    demo_session.expire_all()
    audit = demo_session.exec(select(AuditEvent).where(AuditEvent.target_id == str(gaelle.id))).all()
    by_action = {e.action: e for e in audit}
    assert by_action["agent_alert_recorded"].detail.get("ticket") == "T-7"
    assert {"agent_document_sent", "agent_thread_opened"} <= set(by_action)
    assert {e.detail.get("section") for e in audit if e.action == "dossier_read"} >= {"claims", "claim", "threads"}
    card = demo_session.exec(
        select(MailOutbox).where(MailOutbox.to == "contact@pharmacie-du-centre.demo.invalid")
    ).one()
    assert demo_session.exec(select(MailAttachment).where(MailAttachment.mail_id == card.id)).all()
    assert demo_session.exec(select(MailOutbox).where(MailOutbox.to == gaelle.email)).all()
    assert demo_session.exec(select(MemberAlert).where(MemberAlert.member_id == gaelle.id)).one().kind == "npai"
    thread = demo_session.exec(select(MessageThread).where(MessageThread.member_id == gaelle.id)).one()
    assert thread.subject == "Suite à votre appel"


async def add_act(app, pilot, poste: str, search: str, charged: str, excess: str | None, button: str) -> None:
    """One act in the console's simulator form (the member simulator's widgets), then « button »."""
    screen = app.screen
    screen.query_one("#poste", Select).value = poste
    await pilot.pause()
    screen.query_one("#search", Input).focus()
    await pilot.press(*search)
    await pilot.pause()
    screen.query_one("#acts", OptionList).focus()
    await pilot.press("enter")  # issue 19: the first act found is highlighted as one types
    await pilot.pause()
    screen.query_one("#charged", Input).value = charged
    if excess is not None:
        screen.query_one("#excess", Select).value = excess
    await pilot.pause()
    screen.query_one(button, Button).press()
    await settle(pilot)


async def test_a_simulation_of_several_acts_shows_each_act_and_the_totals(
    api, token_store, julien_token, gaelle, demo_session, clock
):
    """« s » on Gaëlle's dossier opens the member's simulator form for her people: two acts of one care for
    Nolan (a généraliste, then a specialist, both without dépassements), a motif; the result gives each act
    by its label with the amounts the server computes for her contract, then the totals; she is emailed."""
    nolan = demo_session.exec(
        select(Beneficiary).where(Beneficiary.member_id == gaelle.id, Beneficiary.first_name == "Nolan")
    ).one()
    care = [
        {"beneficiary_id": str(nolan.id), "act": "G", "charged": "30.00", "sector": "1"},
        {"beneficiary_id": str(nolan.id), "act": "CS", "charged": "50.00", "sector": "1"},
    ]
    expected = guarantees.member_simulation(demo_session, gaelle, care, paris_today(clock))
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_gaelle(app, pilot, demo_session)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ConsoleSimulatorScreen)
        screen.query_one("#who", Select).value = nolan.id
        await add_act(app, pilot, "soins_courants", "generaliste", "30", "non", "#add")
        assert "Actes ajoutés (1) : Consultation chez le médecin généraliste, 30,00\u00a0€" in str(
            screen.query_one("#event", Static).render()
        )
        await add_act(app, pilot, "soins_courants", "specialiste", "50", "non", "#simulate")
        assert screen.status.text.startswith("Erreur : Champ obligatoire : Motif")  # nothing sent without a motif
        screen.query_one("#reason", Input).value = "ok"
        screen.query_one("#simulate", Button).press()
        await settle(pilot)
        assert "Motif : 3 caractères au moins" in str(screen.query_one("#reason-error", Static).render())
        assert screen.focused is screen.query_one("#reason", Input)  # the cursor put on the motif
        screen.query_one("#reason", Input).value = "Combien pour Nolan ?"
        screen.query_one("#simulate", Button).press()
        await settle(pilot)
        lines = str(screen.query_one("#result", Static).render()).splitlines()
        assert "Résultat de la simulation" in lines
        for number, (label, figures) in enumerate(
            zip(
                ("Consultation chez le médecin généraliste", "Consultation chez un spécialiste"), expected, strict=True
            ),
            start=1,
        ):
            at = lines.index(f"Acte {number} : {label}")
            assert lines[at + 1] == f"  Sécurité sociale : {format_eur(Decimal(figures['amo_paid']))}"
            assert f"  Reste à charge de l'adhérent : {format_eur(Decimal(figures['out_of_pocket']))}" in lines[at:]
        totals = {key: format_eur(sum(Decimal(f[key]) for f in expected)) for key in ("amo_paid", "out_of_pocket")}
        assert lines[-1].startswith(f"Total : Sécurité sociale : {totals['amo_paid']} ; Mutuelle : ")
        assert lines[-1].endswith(f"Reste à charge de l'adhérent : {totals['out_of_pocket']}")
        assert "son résumé lui est envoyé par e-mail" in lines[0]
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, AgentConsoleScreen)
    demo_session.expire_all()
    audit = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "agent_simulation")).one()
    assert audit.detail["reason"] == "Combien pour Nolan ?" and audit.detail["lines"] == 2
    told = select(MailOutbox).where(MailOutbox.to == gaelle.email, MailOutbox.subject.startswith("Votre simulation"))  # type: ignore[attr-defined]
    mail = demo_session.exec(told).one()
    assert "pour Nolan LE GOFF" in mail.body and "Au total : " in mail.body


def test_console_simulation_snapshot(api, token_store, julien_token, gaelle, demo_session, snap_compare):
    """The console's simulation at 80×24 with one act added: below the member's form, the acts added, the motif."""
    nolan = demo_session.exec(
        select(Beneficiary).where(Beneficiary.member_id == gaelle.id, Beneficiary.first_name == "Nolan")
    ).one()
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_gaelle(app, pilot, demo_session)
        await pilot.press("s")
        await settle(pilot)
        app.screen.query_one("#who", Select).value = nolan.id
        await add_act(app, pilot, "soins_courants", "generaliste", "30", "non", "#add")
        app.screen.query_one("#simulator-body").scroll_end(animate=False)
        await settle(pilot)

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_the_reimbursements_section_pages_with_plus_and_minus(
    api, token_store, julien_token, gaelle, demo_session
):
    """58 reimbursements: 50 on page 1, 8 on page 2; + and − (the registry's keys) move, and say when there
    is no further page; the section's detail opens the line of the page shown."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_gaelle(app, pilot, demo_session)
        console = app.screen
        table = console.query_one("#dossier-claims")
        await pilot.press("2")
        await settle(pilot)
        first_page = [key.value for key in table.rows]
        assert len(first_page) == 50 and "Page 1 sur 2 (+ / - : changer de page)" in screen_text(app)
        await pilot.press("minus")
        await settle(pilot)
        assert "Première page des remboursements." in screen_text(app) and table.row_count == 50
        await pilot.press("plus")
        await settle(pilot)
        second_page = [key.value for key in table.rows]
        assert len(second_page) == 8 and not set(second_page) & set(first_page)
        assert "Page 2 sur 2" in screen_text(app)
        await pilot.press("plus")
        await settle(pilot)
        assert "Dernière page des remboursements." in screen_text(app) and table.row_count == 8
        await pilot.press("enter")  # the détail of page 2's first line
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen) and app.screen.claim_id == int(second_page[0])
        await pilot.press("escape")
        await pilot.press("1", "minus")  # from another section: back to the reimbursements, page 1
        await settle(pilot)
        assert console.query_one("#dossier").active == "sec-claims"
        assert [key.value for key in table.rows] == first_page
    demo_session.expire_all()
    reads = demo_session.exec(select(AuditEvent).where(AuditEvent.action == "dossier_read")).all()
    assert sum(1 for e in reads if e.detail.get("section") == "claims") == 3  # each page shown was read once


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
@pytest.mark.parametrize("key", ["2", "6"])
def test_dossier_section_snapshots(api, token_store, julien_token, gaelle, demo_session, snap_compare, key, size):
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_gaelle(pilot.app, pilot, demo_session)
        await pilot.press(key)
        await settle(pilot)

    assert snap_compare(app, terminal_size=size, run_before=run_before)


def test_access_section_snapshot_of_a_locked_member(api, token_store, julien_token, demo_session, snap_compare):
    """Sophie MARTIN (3810522), the demo world's locked member, at 80×24: the demo world's history of her
    account explains the lock — her last good login from home, then yesterday evening three wrong
    passwords (home, then her phone) and the lockout."""
    app = EspaceApp(api, token_store=token_store)

    async def run_before(pilot) -> None:
        await open_sophie(pilot.app, pilot, demo_session)
        await pilot.press("6")
        await settle(pilot)
        text = screen_text(pilot.app)
        assert text.count(f"mot de passe erroné ; IP {SOPHIE_HOME_IP}") == 1
        assert text.count(f"mot de passe erroné ; IP {SOPHIE_PHONE_IP}") == 2 and "mot de passe accepté" in text
        assert "Blocages :\n  " in text and "Compte : verrouillé jusqu'à" in text

    assert snap_compare(app, terminal_size=(80, 24), run_before=run_before)


async def test_one_act_is_not_told_about_several_and_the_result_comes_into_view(
    api, token_store, julien_token, gaelle, demo_session
):
    """Issue 19: one act with « Je ne sais pas » is asked for a precise case beside the question, without a
    word about « plusieurs actes »; the result, below the buttons, is scrolled into view at 80×24."""
    nolan = demo_session.exec(
        select(Beneficiary).where(Beneficiary.member_id == gaelle.id, Beneficiary.first_name == "Nolan")
    ).one()
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_gaelle(app, pilot, demo_session)
        await pilot.press("s")
        await settle(pilot)
        screen = app.screen
        screen.query_one("#who", Select).value = nolan.id
        screen.query_one("#reason", Input).value = "Combien pour Nolan ?"
        await add_act(app, pilot, "soins_courants", "specialiste", "50", "nsp", "#simulate")
        said = str(screen.query_one("#excess-error", Static).render())
        assert said.startswith("Erreur : La simulation d'un conseiller porte sur un cas précis")
        assert "plusieurs actes" not in screen.status.text and app.focused is screen.query_one("#excess")
        screen.query_one("#excess", Select).value = "non"
        screen.query_one("#simulate", Button).press()
        await settle(pilot)
        result = screen.query_one("#result", Static)
        assert "Résultat de la simulation" in str(result.render())
        body = screen.query_one("#simulator-body")
        assert body.scroll_offset.y > 0 and body.region.y <= result.region.y < body.region.bottom


async def test_ctrl_r_reads_the_dossier_again(api, token_store, julien_token, gaelle, demo_session):
    """Issue 19: what changed on the server (here her mobile, as another conseiller would change it) shows
    on Ctrl+R, without opening the dossier again."""
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(100, 30)) as pilot:
        await open_gaelle(app, pilot, demo_session)
        gaelle.mobile = "0699887766"
        demo_session.add(gaelle)
        demo_session.commit()
        await pilot.press("5")  # profil et bénéficiaires
        await settle(pilot)
        assert "06 99 88 77 66" not in screen_text(app) and "0699887766" not in screen_text(app)
        await pilot.press("ctrl+r")
        await settle(pilot)
        assert "06 99 88 77 66" in screen_text(app) or "0699887766" in screen_text(app)
