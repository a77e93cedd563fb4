"""Mes remboursements in the client: the pure filter model and words (no UI), Pilot tests of the table,
the filters, the détail and the exports at 80×24 against the real server app with the demo world, and
the linear face. The session is resumed from a token put in the token store (no login screens: issue 4
owns those)."""

from __future__ import annotations

import csv
import io
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pytest
from sqlmodel import select
from textual.widgets import DataTable, OptionList, Static

from models.schemas.claims import (
    BeneficiaryChoice,
    CategoryChoice,
    ClaimDetail,
    ClaimFilters,
    ClaimLineDetail,
    ClaimList,
    ClaimOptions,
    ClaimSortKey,
    ClaimTotals,
    ContractShare,
    Deduction,
    PaymentDetail,
    SortOrder,
)
from models.schemas.common import ClaimSource, ClaimStatus, Payee, PaymentKind, PaymentState
from models.tables import Account, Claim, Member
from tests.conftest import TEST_NOW
from tui.app import EspaceApp
from tui.flows import claims as flow
from tui.flows.actions import DEFAULT_REGISTRY
from tui.flows.forms import Problem
from tui.screens.claims import ClaimDetailScreen, ClaimsScreen
from tui.screens.dashboard import DashboardScreen
from tui.screens.forms import FormScreen, PickScreen

from .conftest import settle

TODAY = TEST_NOW.date()
LEA = "3810274"  # Léa RIMON: régularisation, tiers payant, rejet, dossiers en cours
CORALIE = "1204587"


# -- the pure model ------------------------------------------------------------------------------------

OPTIONS = ClaimOptions(
    beneficiaries=[BeneficiaryChoice(id=1, name="Léa RIMON"), BeneficiaryChoice(id=2, name="Zoé RIMON")],
    care_categories=[
        CategoryChoice(code="optique", label="Optique"),
        CategoryChoice(code="pharmacie", label="Pharmacie"),
    ],
    statement_years=[2026, 2025],
    default_date_from=date(2024, 11, 23),
)


def test_the_default_filter_is_24_months_newest_first():
    model = flow.ClaimFilterModel(TODAY)
    query = model.query()
    assert (query.date_from, query.date_to, query.sort, query.order, query.page) == (
        None,
        None,
        ClaimSortKey.care_date,
        SortOrder.desc,
        1,
    )
    assert model.query().params() == []  # the defaults are the server's: nothing to send
    assert model.sentence(OPTIONS) == "Période : 24 derniers mois ; Tri : date des soins, décroissant"


def test_each_key_changes_one_filter_and_goes_back_to_page_one():
    model = flow.ClaimFilterModel(TODAY).next_page(5).next_page(5)
    assert model.page == 3
    model = model.next_status()
    assert (model.status, model.page) == ((ClaimStatus.paid,), 1)
    model = model.next_beneficiary(OPTIONS).next_beneficiary(OPTIONS)
    assert model.beneficiary_id == 2
    model = model.next_category(OPTIONS).next_payee().next_payee().toggle_regularisation().with_text("  écho ")
    model = model.with_amounts("20-100,5").next_period().next_sort()
    assert model.sentence(OPTIONS) == (
        "Période : 12 derniers mois ; Pour : Zoé RIMON ; Poste : Optique ; Statut : Remboursé ; "
        "Paiements réglés aux professionnels de santé ; Avec régularisation (trop-perçu) ; "
        "Montant dépensé : de 20,00\u00a0€ à 100,50\u00a0€ ; Texte : « écho » ; Tri : montant dépensé, décroissant"
    )
    query = model.query()
    assert (query.date_from, query.date_to) == (date(2025, 11, 23), TODAY)
    assert (query.amount_min, query.amount_max, query.text) == (Decimal("20"), Decimal("100.5"), "écho")
    assert query.payee is Payee.provider and query.regularisation is True
    cleared = model.cleared()  # issue 19: everything, the sort included
    assert cleared.sentence(OPTIONS) == "Période : 24 derniers mois ; Tri : date des soins, décroissant"
    assert cleared == flow.ClaimFilterModel(TODAY)


def test_a_period_of_ones_own_dates():
    """Issue 19: « du … au … » beside the presets; `p` goes back to the presets, `x` to the default."""
    model = flow.ClaimFilterModel(TODAY).next_page(3).with_dates("du 1/2/2026 au 31.03.2026")
    query = model.query()
    assert (query.date_from, query.date_to, model.page) == (date(2026, 2, 1), date(2026, 3, 31), 1)
    assert model.sentence(OPTIONS).startswith("Période : du 01/02/2026 au 31/03/2026 ;")
    assert model.with_dates("du 01/01/2026").period.date_to == TODAY
    assert model.with_dates("au 31/03/2026").period.date_from == date(2020, 1, 1)  # the seven years kept
    assert model.next_period().period.label == "24 derniers mois"
    assert model.cleared().period.label == model.with_dates("").period.label == "24 derniers mois"


@pytest.mark.parametrize(
    ("text", "said"),
    [
        ("hier", "date de début illisible : « hier »"),
        ("du 31/03/2026 au 01/01/2026", "la date de fin précède la date de début"),
        ("du 30/02/2026", "date de début illisible"),
        ("au", "dates illisibles"),
    ],
)
def test_unreadable_dates_say_so_in_french(text, said):
    with pytest.raises(flow.DateRangeError, match=said):
        flow.ClaimFilterModel(TODAY).with_dates(text)


def test_cycles_come_back_to_everything():
    model = flow.ClaimFilterModel(TODAY)
    for _ in flow.STATUS_CYCLE:
        model = model.next_status()
    assert model.status == ()
    for _ in range(3):
        model = model.next_beneficiary(OPTIONS)
    assert model.beneficiary_id is None
    assert model.reversed().order is SortOrder.asc
    assert model.previous_page().page == 1
    assert model.next_page(1).page == 1


def test_each_filter_offers_its_values_the_current_one_said():
    model = flow.ClaimFilterModel(TODAY).with_beneficiary(2)
    assert flow.filter_choices("claims.person", model, OPTIONS) == [
        "Tous les bénéficiaires",
        "Léa RIMON",
        "Zoé RIMON (actuel)",
    ]
    assert flow.filter_choices("claims.period", model, OPTIONS)[-1] == flow.CUSTOM_DATES
    assert flow.filter_choices("claims.sort", model, OPTIONS)[:2] == ["Date des soins (actuel)", "Montant dépensé"]
    assert flow.status_choice_words((ClaimStatus.processing, ClaimStatus.received)) == "En traitement ou reçu"
    chosen = model.with_sort(ClaimSortKey.beneficiary)
    assert (chosen.sort, chosen.order) == (ClaimSortKey.beneficiary, SortOrder.asc)  # names read A to Z
    assert model.next_page(3).with_status((ClaimStatus.paid,)).page == 1  # a new filter: page 1


def test_the_dates_form_checks_each_date_and_names_the_wrong_one():
    form = flow.dates_form(TODAY)
    assert form.asks[1].default == "23/11/2026"  # the end is today unless changed
    assert form.check({"date_from": "01/12/2026"}) == Problem(
        "La date de début est après aujourd'hui (23/11/2026).", "date_from"
    )
    assert form.check({"date_from": "01/07/2026", "date_to": "30/06/2026"}) == Problem(
        "La date de fin précède la date de début (01/07/2026).", "date_to"
    )
    assert form.check({"date_from": "01/07/2026", "date_to": "31/13/2026"}) is None  # the field's own check says it
    assert form.check({"date_from": "01/07/2026", "date_to": "30/09/2026"}) is None
    assert flow.ClaimFilterModel(TODAY).with_range(date(2026, 7, 1), date(2026, 9, 30)).period.words == (
        "du 01/07/2026 au 30/09/2026"
    )


@pytest.mark.parametrize(("typed", "number"), [("3", 3), (" détail 12 ", 12), ("Detail 2", 2), ("trois", None)])
def test_a_claim_is_asked_by_its_number(typed, number):
    from tui.flows.forms import line_number

    assert line_number(typed) == number


def test_the_summary_says_how_many_over_what_period_and_the_page():
    model = flow.ClaimFilterModel(TODAY)
    totals = ClaimTotals(
        count=75, charged=Decimal(0), amo_paid=Decimal(0), amc_paid=Decimal(0), out_of_pocket=Decimal(0)
    )
    listed = ClaimList(
        items=[],
        totals=totals,
        page=1,
        page_size=50,
        pages=2,
        sort=model.sort,
        order=model.order,
        filters=ClaimFilters(),
    )
    assert flow.summary_line(listed, model) == "75 remboursements sur 24 mois, page 1 sur 2."
    one_page = listed.model_copy(update={"pages": 1, "totals": totals.model_copy(update={"count": 1})})
    assert flow.summary_line(one_page, model.with_period(3)) == f"1 remboursement en {TODAY.year}."


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("20-100", (Decimal("20"), Decimal("100"))),
        ("20 à 100 €", (Decimal("20"), Decimal("100"))),
        ("de 20,5 a 30", (Decimal("20.5"), Decimal("30"))),
        ("20-", (Decimal("20"), None)),
        ("-100", (None, Decimal("100"))),
        ("45,50", (Decimal("45.50"), Decimal("45.50"))),
        ("", (None, None)),
    ],
)
def test_amount_ranges_are_read_like_people_write_them(text, expected):
    assert flow.parse_amount_range(text) == expected


@pytest.mark.parametrize("text", ["cent euros", "100-20", "-", "1.234"])
def test_unreadable_amounts_say_so_in_french(text):
    with pytest.raises(flow.AmountError):
        flow.parse_amount_range(text)


def test_rows_say_the_status_in_words_beside_the_icon():
    assert flow.status_cell(ClaimStatus.rejected) == "✗ Rejeté"
    assert flow.status_cell(ClaimStatus.paid) == "✓ Remboursé"
    for status in ClaimStatus:
        assert flow.status_cell(status).split(" ", 1)[1]
    totals = ClaimTotals(
        count=2, charged=Decimal("50"), amo_paid=Decimal("30"), amc_paid=Decimal("15"), out_of_pocket=Decimal("5")
    )
    assert flow.totals_line(totals) == (
        "2 remboursements ; Dépensé : 50,00\u00a0€ ; Sécurité sociale : 30,00\u00a0€ ; Mutuelle : 15,00\u00a0€ ; "
        "Reste à charge : 5,00\u00a0€"
    )


def _detail(**changes) -> ClaimDetail:
    line = ClaimLineDetail(
        position=0,
        care_date=date(2026, 11, 18),
        beneficiary_name="Coralie VIDAL",
        act="PH7",
        label="Médicaments remboursés à 65 %",
        quantity=1,
        charged=Decimal("19.82"),
        br=Decimal("19.82"),
        amo_rate=Decimal("0.65"),
        amo_gross=Decimal("12.88"),
        deductions=[Deduction(kind="franchise", label="Franchise médicale", amount=Decimal("1.00"))],
        amo_paid=Decimal("11.88"),
        amc=[ContractShare(contract_id=1, contract_name="Santé Salariés", amount=Decimal("6.94"))],
        amc_paid=Decimal("6.94"),
        out_of_pocket=Decimal("1.00"),
        explanation=["Franchise médicale de 1,00 € non remboursable", "Reste à votre charge : 1,00 €"],
        tariff_version="2026-01-01",
    )
    base = dict(
        id=1,
        reference="D1",
        care_date=date(2026, 11, 18),
        received_date=date(2026, 11, 20),
        beneficiary_id=1,
        beneficiary_name="Coralie VIDAL",
        label="Frais de santé",
        care_category="pharmacie",
        status=ClaimStatus.paid,
        source=ClaimSource.noemie,
        lines=[line],
        totals=ClaimTotals(
            count=1,
            charged=Decimal("19.82"),
            amo_paid=Decimal("11.88"),
            amc_paid=Decimal("6.94"),
            out_of_pocket=Decimal("1.00"),
        ),
        payments=[
            PaymentDetail(
                id=1,
                payee=Payee.member,
                payee_label="vous",
                amount=Decimal("6.94"),
                kind=PaymentKind.payment,
                state=PaymentState.done,
                payment_date=date(2026, 11, 22),
                account_suffix="8145",
            )
        ],
        documents=[],
    )
    base.update(changes)
    return ClaimDetail(**base)


def test_the_detail_reads_as_labelled_lines_with_the_why():
    text = flow.detail_text(_detail())
    assert "== Répartition ==" in text
    assert "Remboursé par la Sécurité sociale : 11,88\u00a0€" in text
    assert "Reste à votre charge : 1,00\u00a0€" in text
    assert "Base de remboursement : 19,82\u00a0€ ; Taux de la Sécurité sociale : 65\u00a0%" in text
    assert "Franchise médicale (retenue par la Sécurité sociale) : 1,00\u00a0€" in text
    assert "Part mutuelle, Santé Salariés : 6,94\u00a0€" in text
    assert f"== {flow.WHY_HEADING} ==" in text
    assert "– Franchise médicale de 1,00 € non remboursable" in text
    assert "Versé sur votre compte …8145 le 22/11/2026 : 6,94\u00a0€" in text  # the relevé's words
    assert all(len(line) <= 100 for line in text)  # no 14-column row


def test_a_rejection_says_why_and_what_to_do():
    text = flow.detail_text(
        _detail(
            status=ClaimStatus.rejected,
            rejection_reason="Plafond annuel atteint",
            next_step="Écrivez au service adhérent",
            payments=[],
        )
    )
    assert "Motif du rejet : Plafond annuel atteint" in text
    assert "Que faire : Écrivez au service adhérent" in text
    assert "Aucun paiement : ce remboursement est rejeté" in text


def test_payments_say_who_got_the_money_planned_or_done():
    planned = PaymentDetail(
        id=2,
        payee=Payee.provider,
        payee_label="votre pharmacien",
        amount=Decimal("3"),
        kind=PaymentKind.payment,
        state=PaymentState.planned,
        payment_date=date(2026, 12, 1),
    )
    assert flow.detail_payment_sentence(planned) == "Paiement prévu le 01/12/2026, à votre pharmacien : 3,00\u00a0€"
    recovery = planned.model_copy(update={"amount": Decimal("-5"), "kind": PaymentKind.overpayment_recovery})
    assert flow.detail_payment_sentence(recovery) == "Récupération d'un trop-perçu de 5,00\u00a0€ le 01/12/2026"


def test_download_dir_order(tmp_path):
    assert flow.download_dir({"ESPACE_DOWNLOAD_DIR": str(tmp_path / "x"), "XDG_DOWNLOAD_DIR": "/y"}) == tmp_path / "x"
    assert flow.download_dir({"XDG_DOWNLOAD_DIR": str(tmp_path / "y")}) == tmp_path / "y"
    assert flow.download_dir({}, home=tmp_path) == tmp_path / "Downloads"
    (tmp_path / "Téléchargements").mkdir()
    assert flow.download_dir({}, home=tmp_path) == tmp_path / "Téléchargements"


def test_saving_never_overwrites(tmp_path):
    first = flow.save_download(b"a", "releve.pdf", tmp_path / "d")
    second = flow.save_download(b"b", "../releve.pdf", tmp_path / "d")
    assert (first.name, second.name) == ("releve.pdf", "releve (2).pdf")
    assert first.read_bytes() == b"a"


def test_the_registry_gives_r_to_mes_remboursements_without_clash():
    action = DEFAULT_REGISTRY["claims"]
    assert (action.keys, action.area, action.description) == (("r",), "claims", "Mes remboursements")
    assert DEFAULT_REGISTRY.conflicts() == []
    keys = [k for a in flow.CLAIMS_ACTIONS for k in a.keys]
    assert len(keys) == len(set(keys))


# -- the full-screen client --------------------------------------------------------------------------------


@pytest.fixture
def resume_as(demo_session, demo_make, token_store, api):
    """Put a live session of the demo member in the token store: the app resumes it at start."""

    def put(member_number: str) -> None:
        account = demo_session.exec(
            select(Account).join(Member, Member.id == Account.member_id).where(Member.member_number == member_number)
        ).one()
        token_store.set(api.base_url, demo_make.session_token(account))

    return put


@pytest.fixture
def downloads(tmp_path, monkeypatch) -> Path:
    target = tmp_path / "téléchargements"
    monkeypatch.setenv("ESPACE_DOWNLOAD_DIR", str(target))
    return target


def texts(app) -> str:
    return "\n".join(str(w.render()) for w in app.screen.query(Static))


def table_rows(app) -> list[list[str]]:
    table = app.screen.query_one(DataTable)
    return [[str(c) for c in table.get_row_at(i)] for i in range(table.row_count)]


async def open_claims(app, pilot) -> ClaimsScreen:
    await settle(pilot)
    assert isinstance(app.screen, DashboardScreen)
    await pilot.press("r")
    await settle(pilot)
    assert isinstance(app.screen, ClaimsScreen)
    return app.screen


async def test_r_opens_the_list_with_filters_and_totals_in_words(api, token_store, resume_as):
    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        text = texts(app)
        assert "Filtres : Période : 24 derniers mois ; Tri : date des soins, décroissant" in text
        result = screen.result
        assert result is not None and len(table_rows(app)) == min(50, result.totals.count) > 5
        assert f"Mes remboursements ({result.totals.count})" in text
        assert flow.totals_line(result.totals) in text
        dates = [datetime.strptime(r[0], "%d/%m/%Y").date() for r in table_rows(app)]
        assert dates == sorted(dates, reverse=True)
        assert {r[-1] for r in table_rows(app)} >= {"✓ Remboursé", "… En traitement"}
        assert result.totals.count > 50 and "Page 1 sur 2 (+ / − : changer de page)" in text
        await pilot.press("plus")
        await settle(pilot)
        assert len(table_rows(app)) == result.totals.count - 50
        assert "Page 2 sur 2" in texts(app)
        await pilot.press("minus")
        await settle(pilot)
        assert screen.model.page == 1 and len(table_rows(app)) == 50


async def modal(app, pilot, key: str) -> None:
    """A key whose flow asks something: its worker waits on the modal, so wait for the modal, not the worker."""
    await pilot.press(key)
    for _ in range(50):
        await pilot.pause()
        if isinstance(app.screen, (PickScreen, FormScreen)):
            return
    raise AssertionError(f"no question after {key}")


async def pick(app, pilot, key: str, downs: int) -> list[str]:
    """A filter's key opens the list of its values (the flow's, as in the linear mode): the one ``downs``
    below the first is chosen with Entrée; answers the values as shown."""
    await modal(app, pilot, key)
    assert isinstance(app.screen, PickScreen)
    shown = [str(o.prompt) for o in app.screen.query_one(OptionList).options]
    await pilot.press(*["down"] * downs, "enter")
    await settle(pilot)
    return shown


async def test_filter_keys_offer_their_values_and_change_the_list(api, token_store, resume_as):
    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        everything = screen.result.totals.count
        shown = await pick(app, pilot, "s", 1)
        assert shown == [
            "Tous les statuts (actuel)",
            "Remboursé",
            "En traitement ou reçu",
            "En attente de justificatif",
            "Rejeté",
        ]
        assert "Statut : Remboursé" in texts(app)
        assert {r[-1] for r in table_rows(app)} == {"✓ Remboursé"}
        assert screen.result.totals.count < everything
        assert (await pick(app, pilot, "s", 4))[1] == "Remboursé (actuel)"
        assert "Statut : Rejeté" in texts(app)
        assert {r[-1] for r in table_rows(app)} == {"✗ Rejeté"}
        await pilot.press("x")
        await settle(pilot)
        await pick(app, pilot, "g", 1)
        assert "Avec régularisation (trop-perçu)" in texts(app)
        rows = table_rows(app)
        assert rows and all(r[1].endswith("(régularisé)") for r in rows)
        await pilot.press("x", "slash", *"monture", "enter")
        await settle(pilot)
        assert "Texte : « monture »" in texts(app)
        assert screen.result.totals.count >= 1
        await pilot.press("x")
        await settle(pilot)
        await pick(app, pilot, "o", 1)
        charged = [i.charged for i in screen.result.items]
        assert charged == sorted(charged, reverse=True)
        assert "Tri : montant dépensé, décroissant" in texts(app)


async def test_a_wrong_amount_is_said_and_the_list_stays(api, token_store, resume_as):
    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        before = screen.result.totals.count
        await modal(app, pilot, "a")
        await pilot.press(*"cent", "enter")
        await pilot.pause()
        assert isinstance(app.screen, FormScreen)  # still open, the sentence under the field
        assert "Erreur : Montant illisible" in texts(app)
        await pilot.press("ctrl+u", *"30-", "enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimsScreen)
        assert "Montant dépensé : au moins 30,00\u00a0€" in texts(app)
        assert screen.result.totals.count < before
        assert all(i.charged >= 30 for i in screen.result.items)


async def test_enter_opens_the_detail_with_the_split_and_the_why(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await open_claims(app, pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        text = texts(app)
        assert "Remboursement du 18/11/2026 – Frais de santé" in text
        assert "Remboursé par la Sécurité sociale : 11,88\u00a0€" in text
        assert "Remboursé par votre mutuelle : 6,94\u00a0€" in text
        assert "Reste à votre charge : 1,00\u00a0€" in text
        assert flow.WHY_HEADING in text
        assert "Versé sur votre compte …8145 le 22/11/2026 : 6,94\u00a0€" in text
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ClaimsScreen)


async def test_the_dashboards_latest_reimbursements_open_here(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, DashboardScreen)
        assert "Touches 1 à 3 : le détail ; r : tous mes remboursements" in texts(app)
        await pilot.press("1")
        await settle(pilot)
        assert isinstance(app.screen, ClaimDetailScreen)
        assert "Remboursé par votre mutuelle : 6,94\u00a0€" in texts(app)
        await pilot.press("escape")  # issue 19: back where the member came from
        await pilot.pause()
        assert isinstance(app.screen, DashboardScreen)


async def test_exports_show_progress_then_the_saved_path(api, token_store, resume_as, downloads):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        said: list[str] = []
        info = screen.status.info
        screen.status.info = lambda message: (said.append(message), info(message))  # type: ignore[method-assign]
        await pilot.press("e")
        await settle(pilot)
        [csv_file] = downloads.glob("*.csv")
        assert said == ["Fichier CSV : préparation en cours…", f"Fichier CSV enregistré : {csv_file}"]
        assert f"Fichier CSV enregistré : {csv_file}" in screen.status.text
        rows = list(csv.reader(io.StringIO(csv_file.read_bytes().decode("utf-8-sig")), delimiter=";"))
        assert len(rows) - 1 == screen.result.totals.count
        await pilot.press("l")
        await settle(pilot)
        [pdf] = downloads.glob("releve-prestations-*.pdf")
        assert f"Relevé de prestations enregistré : {pdf}" in screen.status.text
        years = await pick(app, pilot, "y", 1)  # the year before this one
        assert years[:2] == [f"Année {TODAY.year}", f"Année {TODAY.year - 1}"]
        annual = downloads / f"releve-annuel-{TODAY.year - 1}.pdf"
        assert annual.read_bytes().startswith(b"%PDF")
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        assert "Relevé de prestations enregistré" in app.screen.status.text


async def open_first_detail(app, pilot) -> ClaimDetailScreen:
    await open_claims(app, pilot)
    await pilot.press("enter")
    await settle(pilot)
    assert isinstance(app.screen, ClaimDetailScreen)
    return app.screen


def link_document(demo_session, demo_make, member_number: str) -> str:
    """A supporting document linked to the member's newest claim (the first row of the list)."""
    member = demo_session.exec(select(Member).where(Member.member_number == member_number)).one()
    claim = demo_session.exec(
        select(Claim).where(Claim.member_id == member.id).order_by(Claim.care_date.desc(), Claim.id.desc())
    ).first()
    return demo_make.claim_document(member.id, claim.id, "facture-acquittee-1.pdf", b"%PDF-1.4 facture").filename


async def test_j_saves_the_linked_documents_of_a_claim(api, token_store, resume_as, demo_session, demo_make, downloads):
    filename = link_document(demo_session, demo_make, CORALIE)
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_detail(app, pilot)
        assert "Documents joints" in texts(app) and filename in texts(app)
        assert screen.check_action("flow", ("claim.documents",)) is True  # j is offered in the footer
        await pilot.press("j")
        await settle(pilot)
        saved = downloads / filename
        assert saved.read_bytes() == b"%PDF-1.4 facture"
        assert f"Document joint enregistré : {saved}" in screen.status.text


async def test_j_is_not_offered_without_linked_documents(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_first_detail(app, pilot)
        assert screen.detail is not None and screen.detail.documents == []
        assert screen.check_action("flow", ("claim.documents",)) is False  # hidden from the footer
        screen.action_flow("claim.documents")
        await settle(pilot)
        assert screen.status.text == flow.NO_DOCUMENTS


# -- looks -------------------------------------------------------------------------------------------------


def _to_claims(detail: bool = False):
    async def run_before(pilot) -> None:
        await settle(pilot)
        await pilot.press("r")
        await settle(pilot)
        if detail:
            await pilot.press("enter")
            await settle(pilot)

    return run_before


def test_claims_80x24(snap_compare, api, token_store, resume_as):
    resume_as(LEA)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(80, 24), run_before=_to_claims())


def test_claims_120x40(snap_compare, api, token_store, resume_as):
    resume_as(LEA)
    assert snap_compare(EspaceApp(api, token_store=token_store), terminal_size=(120, 40), run_before=_to_claims())


def test_claim_detail_80x24(snap_compare, api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    assert snap_compare(app, terminal_size=(80, 24), run_before=_to_claims(detail=True))


def test_claim_detail_120x40(snap_compare, api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    assert snap_compare(app, terminal_size=(120, 40), run_before=_to_claims(detail=True))


async def test_search_finds_the_words_the_list_shows_and_x_resets_everything(api, token_store, resume_as):
    """Issue 19: `/ optique` and `/ frais de sant` find « Équipement optique » and « Frais de santé »;
    « du … au … » chooses the dates; `x` brings back the list as it opened, its sort included."""
    resume_as(LEA)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        everything = screen.result.totals.count
        await modal(app, pilot, "slash")
        await pilot.press(*"optique", "enter")
        await settle(pilot)
        labels = {i.label for i in screen.result.items}
        assert "Équipement optique" in labels and screen.result.totals.count < everything
        await modal(app, pilot, "slash")
        await pilot.press(*"REJETE", "enter")
        await settle(pilot)
        assert screen.result.totals.count >= 1
        assert {i.status for i in screen.result.items} == {ClaimStatus.rejected}
        await pick(app, pilot, "o", 1)
        await modal(app, pilot, "d")
        form = app.screen
        assert isinstance(form, FormScreen) and form.values()["date_to"] == "23/11/2026"  # today unless changed
        await pilot.press(*"hier", "enter", "enter")  # the end: today, kept
        await pilot.pause()
        assert app.screen is form and "Erreur : Date de début : date non valable" in texts(app)
        await pilot.press("ctrl+u", *"01/01/2026", "enter", "ctrl+u", *"30/06/2026", "enter")
        await settle(pilot)
        assert "Période : du 01/01/2026 au 30/06/2026" in texts(app)
        assert all(date(2026, 1, 1) <= i.care_date <= date(2026, 6, 30) for i in screen.result.items)
        await pilot.press("x")
        await settle(pilot)
        assert screen.model == flow.ClaimFilterModel(TODAY)
        assert "Filtres : Période : 24 derniers mois ; Tri : date des soins, décroissant" in texts(app)
        assert screen.result.totals.count == everything


async def test_search_frais_de_sant_and_an_amount_as_typed(api, token_store, resume_as):
    resume_as(CORALIE)
    app = EspaceApp(api, token_store=token_store)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_claims(app, pilot)
        await modal(app, pilot, "slash")
        await pilot.press(*"frais de sant", "enter")
        await settle(pilot)
        assert screen.result.totals.count >= 1
        assert {i.label for i in screen.result.items} == {"Frais de santé"}
        await modal(app, pilot, "slash")
        await pilot.press(*"6.94", "enter")
        await settle(pilot)
        assert Decimal("6.94") in {i.amc_paid for i in screen.result.items}
