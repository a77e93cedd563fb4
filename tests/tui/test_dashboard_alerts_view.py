"""The server's contract banners reach the dashboard view-model (both faces print ``view.warnings``)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from models.schemas.common import ContractKind, ContractState
from models.schemas.dashboard import ContractSummary, Dashboard, DashboardAlert, DashboardAlertKind
from tui.flows.dashboard import build_view

SUSPENDED = (
    "Vos garanties « Santé Retraités » sont suspendues : 184,20\u00a0€ de cotisations impayées. Pour régler, "
    "appelez le service adhérent au 09 69 36 12 34."
)


def _dashboard(alerts: list[DashboardAlert]) -> Dashboard:
    contract = ContractSummary(
        id=7,
        code="C40RETRAITE",
        name="Santé Retraités",
        kind=ContractKind.individual,
        level="base",
        state=ContractState.suspended,
        start_date=date(2020, 1, 1),
        beneficiaries=[],
    )
    due = sum((a.amount_due or Decimal(0) for a in alerts), start=Decimal(0)) or None
    return Dashboard(
        member_number="5520446",
        first_name="Hélène",
        last_name="Faure",
        contracts=[contract],
        latest_claims=[],
        unread_messages=0,
        areas=["dashboard"],
        alerts=alerts,
        amount_due=due,
    )


def test_the_servers_banner_with_the_amount_due_replaces_the_bare_suspension_sentence():
    alert = DashboardAlert(
        kind=DashboardAlertKind.guarantees_suspended, message=SUSPENDED, contract_id=7, amount_due=Decimal("184.20")
    )
    view = build_view(_dashboard([alert]))
    assert view.warnings == (f"Attention : {SUSPENDED}",)
    assert "184,20\u00a0€" in view.warnings[0] and "09 69 36 12 34" in view.warnings[0]


def test_several_banners_keep_the_servers_order_and_an_older_server_still_gets_the_contract_warning():
    alerts = [
        DashboardAlert(kind=DashboardAlertKind.guarantees_suspended, message=SUSPENDED, amount_due=Decimal("184.20")),
        DashboardAlert(kind=DashboardAlertKind.contract_terminated, message="Votre contrat « X » est résilié."),
    ]
    assert [w.split(" : ", 1)[1][:10] for w in build_view(_dashboard(alerts)).warnings] == [
        SUSPENDED[:10],
        "Votre cont",
    ]
    older = build_view(_dashboard([]))  # no alerts field: the view falls back on the contract's state
    assert older.warnings[0].startswith("Attention : Santé Retraités – Garanties suspendues")
