"""``Idempotency-Key`` on every creating POST (security-rules.md, last paragraph).

A creating POST is one answering 201. Each must take ``server.routes._idempotency.IdempotencyDep`` and
have a case below: a retry with the same key answers the same status and body and adds no row to any
table; the same key with another body is refused (422). A new creating route missing from ``CASES``
fails ``test_every_creating_post_has_a_case``: add its path and a body building on ``world``.

Not "creating" in this sense (decided for issue 4): activation, e-mail confirmation, login, second
factor, password forgotten/reset and identifier recovery. They move an account through its states,
are single use by construction (a consumed code or token, a used challenge), and their answers carry
session or device tokens that the idempotency table (which stores the answer to replay it) must never
hold in clear.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import date
from typing import Any

import pytest
import sqlalchemy as sa
from fastapi.dependencies.models import Dependant
from fastapi.routing import APIRoute, iter_route_contexts
from sqlmodel import SQLModel

from models.schemas.common import ContractKind, Relationship, Role, Sex
from models.tables import Beneficiary, ContractBeneficiary, GuaranteeLine
from server.routes._idempotency import idempotency
from tests.conftest import bearer
from tests.server.agent_world import agent_objects
from tests.server.issue7_world import issue7_objects
from tests.server.profile_world import profile_bodies

Case = Callable[[dict[str, Any]], tuple[str, dict[str, Any]]]  # (who posts, body)


def _from(world_key: str, path: str, actor: str = "member") -> Case:
    return lambda world: (actor, world[world_key][("POST", path)])


ME, AGENT = "/api/v1/me", "/api/v1/agent"
CASES: dict[str, Case] = {
    # issue 7
    f"{ME}/threads": _from("issue7", f"{ME}/threads"),
    f"{ME}/threads/{{thread_id}}/messages": _from("issue7", f"{ME}/threads/{{thread_id}}/messages"),
    f"{ME}/requests/reimbursements": _from("issue7", f"{ME}/requests/reimbursements"),
    f"{ME}/requests/documents": _from("issue7", f"{ME}/requests/documents"),
    f"{ME}/requests/accidents": _from("issue7", f"{ME}/requests/accidents"),
    f"{ME}/requests/hospital-covers": _from("issue7", f"{ME}/requests/hospital-covers"),
    f"{ME}/requests/quotes": _from("issue7", f"{ME}/requests/quotes"),
    # issue 6: saved simulations
    f"{ME}/simulations": lambda world: (
        "member",
        {"scenarios": [{"act": "G", "charged": "30", "beneficiary_id": str(world["beneficiary_id"])}]},
    ),
    # issue 8: « Mon profil »
    f"{ME}/noemie/activations": _from("profile", f"{ME}/noemie/activations"),
    f"{ME}/card/duplicates": lambda world: ("member", {}),
    f"{ME}/contract-life/retirement-questions": lambda world: (
        "member",
        {
            **world["profile"][("POST", f"{ME}/contract-life/retirement-questions")],
            "contract_id": world["collective"](),
        },
    ),
    f"{ME}/contract-life/terminations": _from("profile", f"{ME}/contract-life/terminations"),
    f"{ME}/family/additions": _from("profile", f"{ME}/family/additions"),
    f"{ME}/family/removals": _from("profile", f"{ME}/family/removals"),
    f"{ME}/family/{{beneficiary_id}}/access": lambda world: ("member", {}),  # issue 21: Paul's own access
    # issue 9: console conseiller
    f"{AGENT}/calls": _from("agent", f"{AGENT}/calls", "agent"),  # issue 16
    f"{AGENT}/calls/{{call_id}}/identity-check": _from("agent", f"{AGENT}/calls/{{call_id}}/identity-check", "agent"),
    f"{AGENT}/members/{{member_id}}/threads": _from("agent", f"{AGENT}/members/{{member_id}}/threads", "agent"),
    f"{AGENT}/threads/{{thread_id}}/notes": _from("agent", f"{AGENT}/threads/{{thread_id}}/notes", "agent"),
    f"{AGENT}/requests/{{request_id}}/notes": _from("agent", f"{AGENT}/requests/{{request_id}}/notes", "agent"),
    f"{AGENT}/staff": _from("agent", f"{AGENT}/staff", "supervisor"),
}


def creating_routes(app: Any) -> dict[str, APIRoute]:
    return {
        context.path: context.original_route
        for context in iter_route_contexts(app.routes)
        if isinstance(context.original_route, APIRoute)
        and "POST" in (context.methods or set())
        and context.original_route.status_code == 201
    }


def _calls(dependant: Dependant) -> Iterator[Any]:
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_creating_post_has_a_case(app):
    routes = set(creating_routes(app))
    missing = sorted(routes - CASES.keys())
    assert not missing, "POST créateurs sans cas Idempotency-Key dans tests/server/test_idempotency.py : " + str(
        missing
    )
    assert not sorted(CASES.keys() - routes), "cas pour des routes qui n'existent plus"


def test_every_creating_post_takes_the_idempotency_dependency(app):
    lacking = [path for path, route in creating_routes(app).items() if idempotency not in set(_calls(route.dependant))]
    assert not lacking, f"POST créateurs sans IdempotencyDep : {lacking}"
    spec = app.openapi()
    for path in creating_routes(app):
        params = spec["paths"][path]["post"].get("parameters", [])
        assert any(p["name"] == "Idempotency-Key" and p["in"] == "header" for p in params), path


@pytest.fixture
def world(make) -> dict[str, Any]:
    member = make.member(first_name="Iris", email="iris@exemple.fr")
    accounts = {
        "member": make.account(member),
        "agent": make.account(role=Role.agent),
        "supervisor": make.account(role=Role.supervisor),
    }
    contract = make.contract(member, kind=ContractKind.individual, employer=None)
    for category, act, notation in (("soins_courants", "G", "100% BR"), ("dentaire", "PROTHESE", "300% BR")):
        make.session.add(
            GuaranteeLine(
                table_id=contract.guarantee_table_id,
                care_category=category,
                act_codes=[act],
                notation=notation,
                label=act,
            )
        )
    make.session.commit()
    beneficiary_id = make.principal(member).id
    spouse = Beneficiary(
        member_id=member.id,
        relationship=Relationship.spouse,
        first_name="Paul",
        last_name="Durand",
        birth_date=date(1979, 3, 2),
        sex=Sex.male,
    )
    make.session.add(spouse)
    make.session.commit()
    make.session.add(ContractBeneficiary(contract_id=contract.id, beneficiary_id=spouse.id))
    make.session.commit()
    issue7 = issue7_objects(make.session, make.clock, member, beneficiary_id)
    agent = agent_objects(make.session, make.clock, member, beneficiary_id, accounts)
    profile = profile_bodies(beneficiary_id, contract.id)
    profile[("POST", f"{ME}/family/removals")] = {"beneficiary_id": spouse.id, "reason": "départ"}
    return {
        "headers": {actor: bearer(make.session_token(account)) for actor, account in accounts.items()},
        "beneficiary_id": beneficiary_id,
        "path_params": {
            **issue7["path_params"],
            "member_id": member.id,
            "call_id": agent["path_params"]["call_id"],
            "beneficiary_id": spouse.id,
        },
        "issue7": issue7["bodies"],
        "agent": agent["bodies"],
        "profile": profile,
        # the retirement question is about a collective contract (which would refuse family requests)
        "collective": lambda: make.contract(member, code="C40COLL").id,
    }


def _row_counts(session) -> dict[str, int]:
    return {
        table.name: session.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
        for table in SQLModel.metadata.sorted_tables
    }


@pytest.mark.parametrize("path", sorted(CASES))
async def test_a_retry_with_the_same_key_creates_nothing_twice(path, client, world, db_session):
    url = path.format(**world["path_params"])
    actor, body = CASES[path](world)
    headers = {**world["headers"][actor], "Idempotency-Key": f"essai-{path}"}
    before = _row_counts(db_session)
    first = await client.post(url, json=body, headers=headers)
    assert first.status_code == 201, first.text
    after_first = _row_counts(db_session)
    assert after_first != before and after_first["idempotency_key"] == before["idempotency_key"] + 1
    again = await client.post(url, json=body, headers=headers)
    assert (again.status_code, again.json()) == (201, first.json())
    assert _row_counts(db_session) == after_first  # nothing created twice, anywhere
    if body:  # a route without a body has no "other content"
        other = await client.post(url, json=_changed(body), headers=headers)
        assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"


async def test_a_failed_creation_frees_its_key(client, world, db_session):
    url = f"{ME}/requests/accidents"
    headers = {**world["headers"]["member"], "Idempotency-Key": "echec-puis-succes"}
    body = world["issue7"][("POST", url)]
    refused = await client.post(url, json={**body, "beneficiary_id": 999_999}, headers=headers)
    assert refused.status_code in (404, 422)
    assert (await client.post(url, json=body, headers=headers)).status_code == 201


def _changed(body: dict[str, Any]) -> dict[str, Any]:
    """The same request with one text changed (still valid), so its hash differs."""
    for field in (
        "body",
        "description",
        "circumstances",
        "provider_name",
        "label",
        "establishment",
        "subject",
        "question",
        "reason",
        "motif",
        "display_name",
        "first_name",
        "caller_name",
    ):
        if isinstance(body.get(field), str):
            return {**body, field: body[field] + " (bis)"}
    if "attestation" in body:
        return {**body, "attestation": {**body["attestation"], "filename": "autre.pdf"}}
    if "scenarios" in body:
        return {"scenarios": [{**body["scenarios"][0], "charged": "31"}]}
    raise AssertionError(f"no field to change in {sorted(body)}")
