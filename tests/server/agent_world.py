"""Objects of the console conseiller (issues 9 and 16) for the access matrix: a call at the strong level for the
agent and the supervisor on member A (restored before each cell), a professional of the network, another conseiller
to disable, and the bodies of the console's routes."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from sqlmodel import Session, col, select

from models.schemas.common import AccountState, Role
from models.tables import Account, AgentCall, Member, PartnerProfessional

PARTNER_FINESS = "630780989"


def _strong_calls(session: Session, clock: Any, member: Member, staff: list[Account]) -> dict[str, int]:
    """Each staff actor's call on member A at the strong level (ending any other): what every dossier route
    and action needs (the levels themselves are walked by tests/server/test_agent_levels.py)."""
    now = clock.now()
    ids = {}
    for account in staff:
        for old in session.exec(
            select(AgentCall).where(AgentCall.agent_account_id == account.id, col(AgentCall.ended_at).is_(None))
        ).all():
            if old.member_id == member.id and old.level == "strong" and old.expires_at > now:
                ids[account.display_name] = old.id or 0
                break
            old.ended_at = now
            session.add(old)
        else:
            call = AgentCall(
                agent_account_id=account.id or 0,
                member_id=member.id or 0,
                caller_kind="member",
                questions=["birth_date"],
                level="strong",
                started_at=now,
                expires_at=now + timedelta(hours=2),
                identity_at=now,
                strong_at=now,
            )
            session.add(call)
            session.flush()
            ids[account.display_name] = call.id or 0
    session.commit()
    return ids


def agent_objects(
    session: Session, clock: Any, member: Member, beneficiary_id: int, accounts: dict[str, Account]
) -> dict[str, Any]:
    now = clock.now()
    member.created_at = now - timedelta(days=400)  # its e-mail is old enough to receive the strong code
    session.add(member)
    session.add(PartnerProfessional(finess=PARTNER_FINESS, name="Pharmacie", kind="pharmacie", email="p@exemple.fr"))
    staff = [accounts["agent"], accounts["supervisor"]]
    _strong_calls(session, clock, member, staff)
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
        ("POST", "/api/v1/agent/calls"): {"member_id": member.id, "caller_name": "Mme Durand"},
        ("POST", "/api/v1/agent/calls/{call_id}/identity-check"): {
            "answers": {"birth_date": member.birth_date.strftime("%d/%m/%Y")},
            "reason": "Appel de l'adhérent",
        },
        ("POST", "/api/v1/agent/calls/{call_id}/code"): {"channel": "email"},
        ("POST", "/api/v1/agent/calls/{call_id}/code/check"): {"code": "000000"},
        ("POST", "/api/v1/agent/calls/{call_id}/end"): {},
        ("POST", "/api/v1/agent/members/{member_id}/unlock"): why,
        ("POST", "/api/v1/agent/members/{member_id}/reset-link"): why,
        ("POST", "/api/v1/agent/members/{member_id}/activation"): why,
        ("POST", "/api/v1/agent/members/{member_id}/contact"): {**why, "mobile": "0611223344"},
        ("POST", "/api/v1/agent/members/{member_id}/contact/confirm"): {"channel": "mobile", "code": "000000"},
        ("POST", "/api/v1/agent/members/{member_id}/revoke"): why,
        ("POST", "/api/v1/agent/members/{member_id}/documents"): {
            **why,
            "document": "card",
            "finess": PARTNER_FINESS,
        },
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
        ("POST", "/api/v1/agent/members/{member_id}/phone-channel/reopen"): {"reason": "Vu en agence"},
        ("POST", "/api/v1/agent/threads/{thread_id}/answer"): {"body": "Voici la réponse."},
        ("POST", "/api/v1/agent/threads/{thread_id}/notes"): {"body": "Note interne"},
        ("POST", "/api/v1/agent/requests/{request_id}/decision"): {"accept": True, "answer": "RIB enregistré."},
        ("POST", "/api/v1/agent/requests/{request_id}/notes"): {"body": "Note interne"},
        ("POST", "/api/v1/agent/staff"): {"email": "nouveau.conseiller@mutuelle.example", "display_name": "Nouveau"},
    }
    path_params: dict[str, Any] = {"account_id": other.id, "kind": "request", "item_id": None, "q": "pharma"}

    def before_cell(actor: str) -> None:
        """Each cell starts with the actor's strong call on member A (a cell may have ended it)."""
        ids = _strong_calls(session, clock, member, staff)
        account = accounts.get(actor)
        path_params["call_id"] = ids.get(account.display_name, 999_999) if account is not None else 999_999

    before_cell("agent")
    return {"path_params": path_params, "bodies": bodies, "before_cell": before_cell}


STAFF = (401, 403, 403, 200, 200)
SUPERVISOR = (401, 403, 403, 403, 200)
# Rows: anonymous, member A, member B, agent, supervisor. Member tokens always get 403 (never a dossier).
AGENT_ROWS: dict[tuple[str, str], tuple[int, int, int, int, int]] = {
    ("GET", "/api/v1/agent/members"): (401, 403, 403, 422, 422),  # no ?q= in the matrix's URL
    ("POST", "/api/v1/agent/calls"): (401, 403, 403, 201, 201),
    ("GET", "/api/v1/agent/calls/current"): STAFF,
    ("POST", "/api/v1/agent/calls/{call_id}/identity-check"): (401, 403, 403, 201, 201),
    # the supervisor's cell comes 30 s too soon after the agent's code to the same member
    ("POST", "/api/v1/agent/calls/{call_id}/code"): (401, 403, 403, 200, 429),
    ("POST", "/api/v1/agent/calls/{call_id}/code/check"): (401, 403, 403, 422, 422),  # a wrong code
    ("POST", "/api/v1/agent/calls/{call_id}/end"): STAFF,
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
    ("POST", "/api/v1/agent/members/{member_id}/contact"): (401, 403, 403, 200, 429),  # 30 s after the agent's code
    ("POST", "/api/v1/agent/members/{member_id}/contact/confirm"): (401, 403, 403, 422, 422),  # a wrong code
    ("POST", "/api/v1/agent/members/{member_id}/revoke"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/documents"): STAFF,
    ("GET", "/api/v1/agent/partners"): (401, 403, 403, 422, 422),  # no ?q= in the matrix's URL
    ("POST", "/api/v1/agent/members/{member_id}/alerts"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/simulations"): STAFF,
    ("POST", "/api/v1/agent/members/{member_id}/threads"): (401, 403, 403, 201, 201),
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
    ("POST", "/api/v1/agent/members/{member_id}/phone-channel/reopen"): (401, 403, 403, 403, 409),  # not closed
    ("GET", "/api/v1/agent/documents/{document_id}"): STAFF,
    ("GET", "/api/v1/agent/staff"): SUPERVISOR,
    ("POST", "/api/v1/agent/staff"): (401, 403, 403, 403, 201),
    ("POST", "/api/v1/agent/staff/{account_id}/disable"): SUPERVISOR,
    ("GET", "/api/v1/me/dossier-accesses"): (401, 200, 200, 403, 403),
}
