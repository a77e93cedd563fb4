"""The access matrix's verification levels (issue 16): every staff route that reads or acts on a member's data ×
{no call, a call with nothing checked, a failed check with a written reason, identity, strong}, against the one
table of ``server.services.agent.levels``. A staff route missing from this file fails."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from sqlmodel import col, select

from models.schemas.common import RequestKind, RequestStatus, VerificationLevel
from models.tables import AgentCall, MemberRequest
from server.app import api_operations
from server.services.agent.levels import OPERATIONS, at_least, levels_table
from tests.conftest import bearer
from tests.server.test_access_matrix import world  # noqa: F401  (the matrix's world: member A and their objects)

M = "/api/v1/agent/members/{member_id}"
# route -> (the operation of the levels table, the answer when the level allows it)
LEVELLED: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", f"{M}/banner"): ("read", 200),
    ("GET", f"{M}/dossier"): ("read", 200),
    ("GET", f"{M}/claims"): ("read", 200),
    ("GET", f"{M}/claims/{{claim_id}}"): ("read", 200),
    ("GET", f"{M}/guarantees"): ("read", 200),
    ("GET", f"{M}/threads"): ("read", 200),
    ("GET", f"{M}/threads/{{thread_id}}"): ("read", 200),
    ("GET", f"{M}/requests"): ("read", 200),
    ("GET", f"{M}/requests/{{request_id}}"): ("read", 200),
    ("POST", f"{M}/unlock"): ("unlock", 200),
    ("POST", f"{M}/reset-link"): ("reset_link", 200),
    ("POST", f"{M}/activation"): ("activation", 409),  # member A is already active: the rule passed, then 409
    ("POST", f"{M}/revoke"): ("revoke", 200),
    ("POST", f"{M}/alerts"): ("alert", 200),
    ("POST", f"{M}/simulations"): ("simulation", 200),
    ("POST", f"{M}/threads"): ("thread", 201),
    ("POST", f"{M}/contact"): ("contact", 200),
    ("POST", f"{M}/contact/confirm"): ("contact", 422),  # a wrong code: the rule passed, then 422
    ("POST", f"{M}/documents"): ("send_document", 200),
}
# Reached through the queue while the item waits there; otherwise like the dossier, and any refusal is a 404.
# Here the thread was answered and the démarche decided: they have left the queue.
THROUGH_QUEUE: dict[tuple[str, str], tuple[str, int]] = {
    ("GET", "/api/v1/agent/threads/{thread_id}"): ("read", 200),
    ("POST", "/api/v1/agent/threads/{thread_id}/answer"): ("thread", 200),
    ("POST", "/api/v1/agent/threads/{thread_id}/notes"): ("read", 201),
    ("GET", "/api/v1/agent/requests/{decided_id}"): ("read", 200),
    ("POST", "/api/v1/agent/requests/{decided_id}/notes"): ("read", 201),
    ("POST", "/api/v1/agent/requests/{decided_id}/decision"): ("thread", 409),  # already decided
    ("GET", "/api/v1/agent/documents/{document_id}"): ("read", 200),
}
# Staff routes that touch no member's data by themselves, or only through the call they open: no level.
NOT_LEVELLED = {
    ("GET", "/api/v1/agent/members"),  # search: what tells homonyms apart, nothing that answers a question
    ("POST", "/api/v1/agent/calls"),
    ("GET", "/api/v1/agent/calls/current"),
    ("POST", "/api/v1/agent/calls/{call_id}/identity-check"),
    ("POST", "/api/v1/agent/calls/{call_id}/code"),  # after identity, checked by the service (test_agent.py)
    ("POST", "/api/v1/agent/calls/{call_id}/code/check"),
    ("POST", "/api/v1/agent/calls/{call_id}/end"),
    ("GET", "/api/v1/agent/queue"),
    ("POST", "/api/v1/agent/queue/{kind}/{item_id}/assign"),  # only what waits in the queue (test_agent.py)
    ("GET", "/api/v1/agent/partners"),
    ("GET", "/api/v1/agent/audit"),  # supervisor
    ("GET", "/api/v1/agent/flagged-checks"),
    ("POST", "/api/v1/agent/members/{member_id}/phone-channel/reopen"),
    ("GET", "/api/v1/agent/staff"),
    ("POST", "/api/v1/agent/staff"),
    ("POST", "/api/v1/agent/staff/{account_id}/disable"),
}
STATES = ("no call", *VerificationLevel)


def test_every_staff_route_is_in_the_levels_table(app):
    staff = {op for op in api_operations(app) if op[1].startswith("/api/v1/agent/")}
    declared = set(LEVELLED) | {(m, p.replace("{decided_id}", "{request_id}")) for m, p in THROUGH_QUEUE}
    missing = sorted(staff - declared - NOT_LEVELLED)
    assert not missing, "\n".join(f"route {m} {p} absente du tableau des niveaux" for m, p in missing)
    assert not (declared | NOT_LEVELLED) - staff, "routes qui n'existent plus"
    assert {op for op, _ in (*LEVELLED.values(), *THROUGH_QUEUE.values())} <= set(OPERATIONS)


def _expected(operation: str, allowed_status: int, state: str, *, queue: bool) -> int:
    need = OPERATIONS[operation].level
    if state != "no call" and at_least(VerificationLevel(state), need):
        return allowed_status
    if queue or state == "no call" or not at_least(need, VerificationLevel.identity):
        return 404  # reads, and anything without a call: as for an unknown id
    return 403  # an action, on a call whose level is too low: the level missing is said


@pytest.mark.parametrize("state", STATES)
async def test_every_levelled_route_at_every_level(app, client, make, world, state):
    agent = world["accounts"]["agent"]
    member_id = world["path_params"]["member_id"]
    now = make.clock.now()
    decided = MemberRequest(
        reference="D2026-DECIDEE",
        member_id=member_id,
        kind=RequestKind.document,
        status=RequestStatus.accepted,
        title="Dépôt : RIB",
        created_at=now,
        updated_at=now,
    )
    make.session.add(decided)
    make.session.commit()
    params = {
        **world["path_params"],
        **make.issue7["path_params"],
        **make.agent["path_params"],
        "decided_id": decided.id,
    }
    routes = {**{k: (*v, False) for k, v in LEVELLED.items()}, **{k: (*v, True) for k, v in THROUGH_QUEUE.items()}}
    mismatches = []
    for (method, path), (operation, allowed_status, queue) in sorted(routes.items()):
        make.agent["before_cell"]("agent")  # a strong call on member A, then set to the state under test
        call = make.session.exec(
            select(AgentCall).where(AgentCall.agent_account_id == agent.id, col(AgentCall.ended_at).is_(None))
        ).one()
        if state == "no call":
            call.ended_at = now
        else:
            call.level = state
        make.session.add(call)
        make.session.commit()
        body = make.agent["bodies"].get((method, path.replace("{decided_id}", "{request_id}")))
        if path.endswith("/answer"):
            body = {"body": "Suite à votre appel."}
        response = await client.request(
            method, path.format(**params), json=body, headers=bearer(make.session_token(agent))
        )
        expected = _expected(operation, allowed_status, state, queue=queue)
        if response.status_code != expected:
            mismatches.append(f"{method} {path} [{state}] : attendu {expected}, reçu {response.status_code}")
        make.clock.advance(timedelta(seconds=1))
    assert not mismatches, "\n".join(mismatches)


def test_the_readme_prints_the_levels_table():
    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    for level, allows in levels_table():
        assert f"| {level} | {allows} |" in readme, level
