"""Dashboard banners about contracts (security-rules.md, Account and contract states): garanties
suspendues with the amount due and how to pay — shown after the password and the second factor, never
before —, échéance impayée, contrat résilié, portabilité ending soon."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

from models.schemas.common import ContractKind, ContractState
from models.tables import ContributionInstalment, ContributionSchedule
from tests.conftest import PASSWORD, bearer
from tests.server.auth_helpers import LOGIN, login_fully

DASHBOARD = "/api/v1/me/dashboard"
TODAY = date(2026, 11, 23)


def _schedule(make, contract, *instalments: tuple[date, str, bool]) -> None:
    schedule = ContributionSchedule(contract_id=contract.id, year=2026)
    make.session.add(schedule)
    make.session.commit()
    for due, amount, paid in instalments:
        paid_at = make.clock.now() if paid else None
        make.session.add(
            ContributionInstalment(schedule_id=schedule.id, due_date=due, amount=Decimal(amount), paid_at=paid_at)
        )
    make.session.commit()


async def test_suspended_garanties_show_the_amount_due_and_how_to_pay_only_after_the_second_factor(
    client, make, db_session, settings
):
    member = make.member(member_number="42000001", email="suspendu@exemple.fr")
    make.account(member)
    contract = make.contract(
        member, code="C40RETRAITE", name="Santé Retraités", kind=ContractKind.individual, state=ContractState.suspended
    )
    _schedule(
        make,
        contract,
        (date(2026, 8, 5), "61.40", True),  # paid: not due
        (date(2026, 9, 5), "61.40", False),
        (date(2026, 10, 5), "61.40", False),
        (date(2026, 11, 5), "61.40", False),
        (date(2026, 12, 5), "61.40", False),  # not due yet
    )
    first = await client.post(LOGIN, json={"identifier": "42000001", "password": PASSWORD})
    assert first.json()["status"] == "second_factor_required"
    assert "suspendu" not in first.text and "184" not in first.text  # nothing before the second factor
    assert (await client.get(DASHBOARD)).status_code == 401
    token = (await login_fully(client, db_session, "42000001", PASSWORD, "suspendu@exemple.fr"))["session"]["token"]
    body = (await client.get(DASHBOARD, headers=bearer(token))).json()
    [alert] = body["alerts"]
    assert alert["kind"] == "guarantees_suspended" and alert["contract_id"] == contract.id
    assert Decimal(alert["amount_due"]) == Decimal(body["amount_due"]) == Decimal("184.20")
    assert "184,20\u00a0€" in alert["message"]
    assert "suspendues" in alert["message"] and settings.service_phone in alert["message"]  # how to pay


async def test_unpaid_instalment_terminated_and_portability_ending_banners(client, make, clock):
    member = make.member(member_number="42000002", email="bandeaux@exemple.fr")
    account = make.account(member)
    individual = make.contract(member, name="Santé Seniors", kind=ContractKind.individual)
    _schedule(make, individual, (date(2026, 11, 5), "48.10", False))
    make.contract(member, name="Ancien contrat", state=ContractState.terminated, end_date=date(2026, 6, 30))
    make.contract(member, name="Santé Salariés", state=ContractState.portability, end_date=TODAY + timedelta(days=45))
    make.contract(
        member, name="Autre portabilité", state=ContractState.portability, end_date=TODAY + timedelta(days=200)
    )
    body = (await client.get(DASHBOARD, headers=bearer(make.session_token(account)))).json()
    kinds = [a["kind"] for a in body["alerts"]]
    assert kinds == ["unpaid_instalment", "contract_terminated", "portability_ending"]
    unpaid, terminated, portability = body["alerts"]
    assert Decimal(unpaid["amount_due"]) == Decimal(body["amount_due"]) == Decimal("48.10")
    assert "48,10\u00a0€" in unpaid["message"]
    assert "depuis le 30/06/2026" in terminated["message"] and terminated["amount_due"] is None
    assert f"{TODAY + timedelta(days=45):%d/%m/%Y}" in portability["message"]


async def test_a_member_whose_contracts_are_in_order_has_no_banner(client, make):
    member = make.member(member_number="42000003", email="ok@exemple.fr")
    account = make.account(member)
    contract = make.contract(member, kind=ContractKind.individual)
    _schedule(make, contract, (date(2026, 11, 5), "48.10", True), (date(2026, 12, 5), "48.10", False))
    body = (await client.get(DASHBOARD, headers=bearer(make.session_token(account)))).json()
    assert body["alerts"] == [] and body["amount_due"] is None
