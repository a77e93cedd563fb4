"""Objects of the console conseiller (issue 9) for the access matrix: an open identity check for the agent
and the supervisor on member A, another conseiller to disable, and the bodies of the console's routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session

from models.schemas.common import AccountState, Role
from models.tables import Account, IdentityCheck, Member


def agent_objects(
    session: Session, clock: Any, member: Member, beneficiary_id: int, accounts: dict[str, Account]
) -> dict[str, Any]:
    now = clock.now()
    for actor in ("agent", "supervisor"):
        session.add(
            IdentityCheck(
                agent_account_id=accounts[actor].id or 0,
                member_id=member.id or 0,
                caller_kind="member",
                method="questions",
                checks={"nom": True},
                passed=True,
                created_at=now,
                access_until=now + timedelta(hours=2),
            )
        )
    other = Account(
        role=Role.agent,
        login_email="autre.conseiller@mutuelle.example",
        state=AccountState.active,
        display_name="Autre Conseiller",
        created_at=now,
    )
    session.add(other)
    session.commit()
    why = {"reason": "Appel de l'adhérent", "ticket": "T-1"}
    bodies = {
        ("POST", "/api/v1/agent/members/{member_id}/identity-checks"): {
            "last_name": member.last_name,
            "first_name": member.first_name,
            "birth_date": member.birth_date.isoformat(),
        },
        ("POST", "/api/v1/agent/members/{member_id}/unlock"): why,
        ("POST", "/api/v1/agent/members/{member_id}/reset-link"): why,
        ("POST", "/api/v1/agent/members/{member_id}/activation"): why,
        ("POST", "/api/v1/agent/members/{member_id}/contact"): {**why, "mobile": "0611223344"},
        ("POST", "/api/v1/agent/members/{member_id}/revoke"): why,
        ("POST", "/api/v1/agent/members/{member_id}/card"): {**why, "email": "pharmacie@exemple.fr"},
        ("POST", "/api/v1/agent/members/{member_id}/alerts"): {**why, "kind": "npai"},
        ("POST", "/api/v1/agent/members/{member_id}/simulations"): {
            **why,
            "scenarios": [{"act": "G", "charged": "30", "beneficiary_id": str(beneficiary_id)}],
        },
        ("POST", "/api/v1/agent/members/{member_id}/threads"): {
            **why,
            "subject": "Suite à votre appel",
            "body": "Bonjour",
        },
        ("POST", "/api/v1/agent/members/{member_id}/calls"): {"motif": "Accès bloqué", "outcome": "resolved"},
        ("POST", "/api/v1/agent/threads/{thread_id}/answer"): {"body": "Voici la réponse."},
        ("POST", "/api/v1/agent/threads/{thread_id}/notes"): {"body": "Note interne"},
        ("POST", "/api/v1/agent/requests/{request_id}/decision"): {"accept": True, "answer": "RIB enregistré."},
        ("POST", "/api/v1/agent/requests/{request_id}/notes"): {"body": "Note interne"},
        ("POST", "/api/v1/agent/staff"): {"email": "nouveau.conseiller@mutuelle.example", "display_name": "Nouveau"},
    }
    return {"path_params": {"account_id": other.id, "kind": "thread", "item_id": None}, "bodies": bodies}


STAFF = (401, 403, 403, 200, 200)
SUPERVISOR = (401, 403, 403, 403, 200)
# Rows: anonymous, member A, member B, agent, supervisor. Member tokens always get 403 (never a dossier).
AGENT_ROWS: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    ("GET", "/api/v1/agent/members"): (401, 403, 403, 422, 422),  # no ?q= in the matrix's URL
    ("POST", "/api/v1/agent/members/{member_id}/identity-checks"): (401, 403, 403, 201, 201),
    ("GET", "/api/v1/agent/members/{member_id}/banner"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/dossier"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/claims"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/claims/{claim_id}"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/guarantees"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/threads"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/threads/{thread_id}"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/requests"): STAFF,
    ("GET", "/api/v1/agent/members/{member_id}/requests/{request_id}"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/unlock"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/reset-link"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/activation"): (401, 403, 403, 409, 409),  # A is already active
    ("POST", "/api/v1/agent/members/{member_id}/contact"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/revoke"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/card"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/alerts"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/simulations"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/threads"): (401, 403, 403, 201, 201),
    ("POST", "/api/v1/agent/members/{member_id}/calls"): (401, 403, 403, 201, 201),
    ("GET", "/api/v1/agent/queue"): STAFF,
    ("POST", "/api/v1/agent/queue/{kind}/{item_id}/assign"): STAFF,
    ("GET", "/api/v1/agent/threads/{thread_id}"): STAFF,
    ("POST", "/api/v1/agent/threads/{thread_id}/answer"): STAFF,
    ("POST", "/api/v1/agent/threads/{thread_id}/notes"): (401, 403, 403, 201, 201),
    ("GET", "/api/v1/agent/requests/{request_id}"): STAFF,
    ("POST", "/api/v1/agent/requests/{request_id}/decision"): (401, 403, 403, 200, 409),  # decided by the agent's cell
    ("POST", "/api/v1/agent/requests/{request_id}/notes"): (401, 403, 403, 201, 201),
    ("GET", "/api/v1/agent/audit"): SUPERVISOR,
    ("GET", "/api/v1/agent/flagged-checks"): SUPERVISOR,
    ("GET", "/api/v1/agent/staff"): SUPERVISOR,
    ("POST", "/api/v1/agent/staff"): (401, 403, 403, 403, 201),
    ("POST", "/api/v1/agent/staff/{account_id}/disable"): SUPERVISOR,
    ("GET", "/api/v1/me/dossier-accesses"): (401, 200, 200, 403, 403),
}
