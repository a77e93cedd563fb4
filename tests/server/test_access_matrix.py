"""Who may call what: every route of the app × {anonymous, member A, member B, agent, supervisor, beneficiary A}.

A route missing from the matrix fails the test; later issues add rows. Path parameters are filled
with member A's objects, so member B's cell says what another member gets (404, never 200).

Beneficiary A (issue 21) is Samuel, member A's spouse, with his own access: he sees his own care only. His
column is the rule « refused (403) wherever the assuré principal or staff only may go, what another member
gets elsewhere » (``beneficiary_default``), except the routes opened to him, listed in ``BENEFICIARY_A`` —
so a new member route is closed to him until someone decides otherwise."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlmodel import select

from models.schemas.common import Relationship, Role, Sex
from models.tables import AuthSession, Beneficiary, GuaranteeLine, Payment, TrustedDevice
from server.app import api_operations
from server.security.tokens import hash_token
from tests.conftest import PASSWORD, bearer
from tests.server.agent_world import AGENT_ROWS, agent_objects
from tests.server.family_world import own_access
from tests.server.issue7_world import ISSUE7_ROWS, issue7_objects
from tests.server.profile_world import PROFILE_ROWS, profile_bodies

ACTORS = ("anonymous", "member_a", "member_b", "agent", "supervisor", "beneficiary_a")


def beneficiary_default(anonymous: int, member_a: int, member_b: int, agent: int, supervisor: int) -> int:
    """A beneficiary's own access where nobody opened the route to it: 403 on the assuré principal's and the
    staff's routes; elsewhere (open routes, every account's own sessions) what another member gets."""
    members_only, staff_only = agent == 403, member_a == 403
    return 403 if anonymous == 401 and (members_only or staff_only) else member_b


def row(anonymous: int, member_a: int, member_b: int, agent: int, supervisor: int) -> dict[str, int]:
    cells = (anonymous, member_a, member_b, agent, supervisor)
    return dict(zip(ACTORS, (*cells, beneficiary_default(*cells)), strict=True))


EVERYONE_OK = row(200, 200, 200, 200, 200)

MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/health"): EVERYONE_OK,
    ("GET", "/api/v1/ready"): EVERYONE_OK,  # issue 11: database reachable, migrations at head
    ("POST", "/api/v1/auth/login"): EVERYONE_OK,  # body: member A's credentials
    ("POST", "/api/v1/auth/challenge"): EVERYONE_OK,
    ("POST", "/api/v1/auth/second-factor"): row(401, 401, 401, 401, 401),  # unknown pending login
    ("POST", "/api/v1/auth/second-factor/resend"): row(401, 401, 401, 401, 401),
    # issue 19: trust the device after the code, in one's own session (unknown pending login: 409; staff never)
    ("POST", "/api/v1/auth/second-factor/trust"): row(401, 409, 409, 403, 403),
    ("POST", "/api/v1/auth/activation/code"): row(422, 422, 422, 422, 422),  # no human check in the body
    ("POST", "/api/v1/auth/activation/identity"): row(422, 422, 422, 422, 422),
    ("GET", "/api/v1/auth/confirm-email"): EVERYONE_OK,
    ("POST", "/api/v1/auth/confirm-email"): row(400, 400, 400, 400, 400),  # unknown token
    ("POST", "/api/v1/auth/confirm-email/resend"): row(422, 422, 422, 422, 422),  # no human check
    ("GET", "/api/v1/auth/terms"): EVERYONE_OK,
    ("POST", "/api/v1/auth/password/forgot"): row(422, 422, 422, 422, 422),  # no human check
    ("GET", "/api/v1/auth/password/reset"): EVERYONE_OK,
    ("POST", "/api/v1/auth/password/reset"): row(400, 400, 400, 400, 400),  # unknown token
    ("POST", "/api/v1/auth/identifier/recover"): row(202, 202, 202, 202, 202),
    # issue 16: « ce n'est pas moi » (page, terminal's JSON route) and the pages' plain forms, which take
    # application/x-www-form-urlencoded only (the matrix sends JSON: 415 for everyone, the route exists)
    ("GET", "/api/v1/auth/contact-revert"): EVERYONE_OK,
    ("POST", "/api/v1/auth/contact-revert"): row(400, 400, 400, 400, 400),  # unknown token
    ("POST", "/api/v1/auth/contact-revert/form"): row(415, 415, 415, 415, 415),
    ("POST", "/api/v1/auth/confirm-email/form"): row(415, 415, 415, 415, 415),
    ("POST", "/api/v1/auth/password/reset/form"): row(415, 415, 415, 415, 415),
    ("POST", "/api/v1/auth/password/change"): row(401, 422, 422, 422, 422),  # wrong current password
    ("POST", "/api/v1/auth/password/check"): row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/auth/session/extend"): row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/me/sessions"): row(401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/me/sessions/{session_id}"): row(401, 204, 404, 404, 404),
    ("GET", "/api/v1/me/trusted-devices"): row(401, 200, 200, 200, 200),
    ("DELETE", "/api/v1/me/trusted-devices/{device_id}"): row(401, 204, 404, 404, 404),
    ("POST", "/api/v1/me/totp/enroll"): row(401, 200, 200, 200, 200),
    ("POST", "/api/v1/me/totp/confirm"): row(401, 422, 422, 422, 422),  # wrong code
    ("POST", "/api/v1/auth/logout"): row(401, 204, 204, 204, 204),
    ("GET", "/api/v1/me/session"): row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/me/dashboard"): row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/simulations"): EVERYONE_OK,
    ("GET", "/api/v1/me/guarantees"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/guarantees/pdf"): row(401, 200, 200, 403, 403),
    # body: member A's own beneficiary; member B gets 404, never A's figures
    ("POST", "/api/v1/me/simulations"): row(401, 201, 404, 403, 403),
    ("GET", "/api/v1/me/simulations"): row(401, 200, 200, 403, 403),
    # issue 21: the care finder, for members and conseillers (without a criterion: 422, said in French)
    ("GET", "/api/v1/directory"): row(401, 422, 422, 422, 422),
    # issue 6, remboursements: member B gets 404 for member A's claim and payment, its own lists otherwise
    ("GET", "/api/v1/me/claims"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/claims/options"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/claims/export"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/claims/{claim_id}"): row(401, 200, 404, 403, 403),
    ("GET", "/api/v1/me/payments/{payment_id}/statement"): row(401, 200, 404, 403, 403),
    ("GET", "/api/v1/me/statements/period"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/statements/annual/{year}"): row(401, 200, 200, 403, 403),
}

MATRIX.update({key: row(*cells) for key, cells in ISSUE7_ROWS.items()})  # issue 7
MATRIX.update({key: row(*cells) for key, cells in PROFILE_ROWS.items()})  # issue 8
MATRIX.update({key: row(*cells) for key, cells in AGENT_ROWS.items()})  # issue 9

# issue 21: the assuré principal opens or closes an adult ayant droit's own access (path: Hugo, 20, without one
# yet: member A closes nothing, then opens his; member B's household does not hold him)
MATRIX[("POST", "/api/v1/me/family/{beneficiary_id}/access")] = row(401, 201, 404, 403, 403)
MATRIX[("DELETE", "/api/v1/me/family/{beneficiary_id}/access")] = row(401, 404, 404, 403, 403)
# the beneficiary's own page and confidentiality switch: theirs only (the assuré principal has no such page)
MATRIX[("GET", "/api/v1/me/access")] = {**row(401, 403, 403, 403, 403), "beneficiary_a": 200}
MATRIX[("PUT", "/api/v1/me/access/privacy")] = {**row(401, 403, 403, 403, 403), "beneficiary_a": 200}

BENEFICIARY_A: dict[tuple[str, str], int] = {
    # what an ayant droit's own access is for: their claims, guarantees, card and messages
    ("GET", "/api/v1/me/dashboard"): 200,
    ("GET", "/api/v1/me/claims"): 200,
    ("GET", "/api/v1/me/claims/options"): 200,
    ("GET", "/api/v1/me/claims/export"): 200,
    ("GET", "/api/v1/me/claims/{claim_id}"): 404,  # member A's own claim: not his care
    ("GET", "/api/v1/me/guarantees"): 200,
    ("GET", "/api/v1/me/guarantees/pdf"): 200,  # printed for him, without the adhérent's address
    ("GET", "/api/v1/me/card"): 200,
    ("GET", "/api/v1/me/card/pdf"): 200,
    ("GET", "/api/v1/me/threads"): 200,
    ("POST", "/api/v1/me/threads"): 201,
    ("GET", "/api/v1/me/threads/{thread_id}"): 404,  # member A's conversation
    ("POST", "/api/v1/me/threads/{thread_id}/messages"): 404,
    ("GET", "/api/v1/me/documents/{document_id}"): 404,  # member A's attachment
    ("POST", "/api/v1/auth/second-factor/trust"): 409,  # trusting his own device, as any member (none pending)
}
for key, status in BENEFICIARY_A.items():
    MATRIX[key] = {**MATRIX[key], "beneficiary_a": status}

SIMULATION = {"act": "G", "charged": "30", "guarantee": "100% BR", "date": "2026-06-15"}


@pytest.fixture
def world(make):
    member_a, member_b = make.member(first_name="Alice"), make.member(first_name="Bruno")
    samuel, hugo = (
        Beneficiary(
            member_id=member_a.id,
            relationship=relationship,
            first_name=name,
            last_name="Durand",
            birth_date=born,
            sex=Sex.male,
        )
        for name, relationship, born in (
            ("Samuel", Relationship.spouse, date(1982, 3, 4)),
            ("Hugo", Relationship.child, date(2006, 2, 1)),
        )
    )
    make.session.add_all([samuel, hugo])
    make.session.commit()
    accounts = {
        "member_a": make.account(member_a),
        "member_b": make.account(member_b),
        "agent": make.account(role=Role.agent),
        "supervisor": make.account(role=Role.supervisor),
        "beneficiary_a": own_access(make, samuel),
    }
    contract = make.contract(member_a)
    claim = make.claim(member_a, contract=contract, care_date=date(2026, 11, 2))
    make.issue7 = issue7_objects(make.session, make.clock, member_a, make.principal(member_a).id)
    make.profile = profile_bodies(make.principal(member_a).id, contract.id)  # issue 8
    make.agent = agent_objects(make.session, make.clock, member_a, make.principal(member_a).id, accounts)  # issue 9
    make.agent["path_params"]["item_id"] = make.issue7["path_params"]["request_id"]  # waiting in the queue
    make.session.add(
        GuaranteeLine(
            table_id=contract.guarantee_table_id,
            care_category="soins_courants",
            act_codes=["G"],
            notation="100% BR",
            label="Consultations de généraliste",
        )
    )
    make.session.commit()
    device = TrustedDevice(
        account_id=accounts["member_a"].id,
        token_hash="0" * 64,
        name="Terminal",
        created_at=make.clock.now(),
        expires_at=make.clock.now() + timedelta(days=90),
    )
    make.session.add(device)
    make.session.commit()
    a_session_id = make.session.exec(
        select(AuthSession.id).where(AuthSession.token_hash == hash_token(make.session_token(accounts["member_a"])))
    ).one()
    member_a_simulation = {"act": "G", "charged": "30", "beneficiary_id": str(make.principal(member_a).id)}
    return {
        "accounts": accounts,
        "path_params": {
            "member_id": member_a.id,
            "contract_id": contract.id,
            "claim_id": claim.id,
            "session_id": a_session_id,
            "device_id": device.id,
            "payment_id": make.session.exec(select(Payment.id).where(Payment.claim_id == claim.id)).one(),
            "year": 2026,
            "beneficiary_id": hugo.id,
        },
        "bodies": {
            ("POST", "/api/v1/auth/login"): {"identifier": member_a.member_number, "password": PASSWORD},
            ("POST", "/api/v1/simulations"): SIMULATION,
            ("POST", "/api/v1/auth/second-factor"): {"pending_id": "inconnu", "code": "123456"},
            ("POST", "/api/v1/auth/second-factor/resend"): {"pending_id": "inconnu"},
            ("POST", "/api/v1/auth/second-factor/trust"): {"pending_id": "inconnu"},
            ("POST", "/api/v1/auth/activation/code"): {
                "member_number": member_a.member_number,
                "access_code": "lavandes",
                "email": "a@exemple.fr",
                "password": "Un-Mot-De-Passe-Solide-1",
                "accept_terms": True,
            },
            ("POST", "/api/v1/auth/activation/identity"): {
                "member_number": member_a.member_number,
                "last_name": "Durand",
                "first_name": "Alice",
                "birth_date": "1980-05-17",
                "nir": "280057512345673",
                "email": "a@exemple.fr",
                "password": "Un-Mot-De-Passe-Solide-1",
                "accept_terms": True,
            },
            ("POST", "/api/v1/auth/confirm-email"): {"token": "inconnu"},
            ("POST", "/api/v1/auth/contact-revert"): {"token": "inconnu"},
            ("POST", "/api/v1/auth/password/forgot"): {"identifier": member_a.member_number},
            ("POST", "/api/v1/auth/confirm-email/resend"): {"identifier": member_a.member_number},
            ("POST", "/api/v1/auth/password/reset"): {"token": "inconnu", "new_password": "Un-Mot-De-Passe-Solide-1"},
            ("POST", "/api/v1/auth/identifier/recover"): {
                "last_name": "Durand",
                "first_name": "Alice",
                "birth_date": "1980-05-17",
                "nir": "280057512345673",
            },
            ("POST", "/api/v1/auth/password/change"): {"current_password": "faux", "new_password": "x"},
            ("POST", "/api/v1/auth/password/check"): {"password": "essai"},
            ("POST", "/api/v1/me/totp/confirm"): {"code": "000000"},
            ("POST", "/api/v1/me/simulations"): {"scenarios": [member_a_simulation]},
            ("PUT", "/api/v1/me/access/privacy"): {"private": False},
        },
    }


def test_every_route_is_in_the_matrix(app):
    missing = sorted(api_operations(app) - MATRIX.keys())
    assert not missing, "\n".join(f"route {m} {p} absente de la matrice d'accès" for m, p in missing)
    stale = sorted(MATRIX.keys() - api_operations(app))
    assert not stale, f"routes de la matrice qui n'existent plus : {stale}"


async def test_every_cell_of_the_matrix(app, client, make, world):
    mismatches = []
    for (method, path), expected in sorted(MATRIX.items()):
        url = path.format(**world["path_params"], **make.issue7["path_params"], **make.agent["path_params"])
        body = world["bodies"].get(
            (method, path), make.issue7["bodies"].get((method, path), make.agent["bodies"].get((method, path)))
        )
        body = make.profile.get((method, path), body)  # issue 8
        for actor, status in expected.items():
            make.agent["before_cell"](actor)  # issue 16: the staff actors' calls at the strong level
            url = path.format(**world["path_params"], **make.issue7["path_params"], **make.agent["path_params"])
            account = world["accounts"].get(actor)
            # a fresh session per cell: a logout in one cell must not change the next
            headers = bearer(make.session_token(account)) if account else {}
            response = await client.request(method, url, json=body, headers=headers)
            if response.status_code != status:
                mismatches.append(f"{method} {path} [{actor}] : attendu {status}, reçu {response.status_code}")
            if response.status_code >= 400:
                assert set(response.json()) == {"code", "message", "details"}, (method, path, actor)
    assert not mismatches, "\n".join(mismatches)
