"""Who may call what: every route of the app × {anonymous, member A, member B, agent, supervisor}.

A route missing from the matrix fails the test; later issues add rows. Path parameters are filled
with member A's objects, so member B's cell says what another member gets (404, never 200)."""

from __future__ import annotations

from datetime import date

import pytest
from sqlmodel import select

from models.schemas.common import Role
from models.tables import GuaranteeLine, Payment
from server.app import api_operations
from tests.conftest import PASSWORD, bearer
from tests.server.issue7_world import ISSUE7_ROWS, issue7_objects

ACTORS = ("anonymous", "member_a", "member_b", "agent", "supervisor")


def row(anonymous: int, member_a: int, member_b: int, agent: int, supervisor: int) -> dict[str, int]:
    return dict(zip(ACTORS, (anonymous, member_a, member_b, agent, supervisor), strict=True))


EVERYONE_OK = row(200, 200, 200, 200, 200)

MATRIX: dict[tuple[str, str], dict[str, int]] = {
    ("GET", "/api/v1/health"): EVERYONE_OK,
    ("POST", "/api/v1/auth/login"): EVERYONE_OK,  # body: member A's credentials
    ("POST", "/api/v1/auth/logout"): row(401, 204, 204, 204, 204),
    ("GET", "/api/v1/me/session"): row(401, 200, 200, 200, 200),
    ("GET", "/api/v1/me/dashboard"): row(401, 200, 200, 403, 403),
    ("POST", "/api/v1/simulations"): EVERYONE_OK,
    ("GET", "/api/v1/me/guarantees"): row(401, 200, 200, 403, 403),
    ("GET", "/api/v1/me/guarantees/pdf"): row(401, 200, 200, 403, 403),
    # body: member A's own beneficiary; member B gets 404, never A's figures
    ("POST", "/api/v1/me/simulations"): row(401, 201, 404, 403, 403),
    ("GET", "/api/v1/me/simulations"): row(401, 200, 200, 403, 403),
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

SIMULATION = {"act": "G", "charged": "30", "guarantee": "100% BR", "date": "2026-06-15"}


@pytest.fixture
def world(make):
    member_a, member_b = make.member(first_name="Alice"), make.member(first_name="Bruno")
    accounts = {
        "member_a": make.account(member_a),
        "member_b": make.account(member_b),
        "agent": make.account(role=Role.agent),
        "supervisor": make.account(role=Role.supervisor),
    }
    contract = make.contract(member_a)
    claim = make.claim(member_a, contract=contract, care_date=date(2026, 11, 2))
    make.session.add(
        GuaranteeLine(
            table_id=contract.guarantee_table_id, care_category="soins_courants", act_codes=["G"],
            notation="100% BR", label="Consultations de généraliste",
        )
    )
    make.session.commit()
    member_a_simulation = {"act": "G", "charged": "30", "beneficiary_id": str(make.principal(member_a).id)}
    make.issue7 = issue7_objects(make.session, make.clock, member_a, make.principal(member_a).id)
    return {
        "accounts": accounts,
        "path_params": {
            "member_id": member_a.id, "contract_id": contract.id, "claim_id": claim.id,
            "payment_id": make.session.exec(select(Payment.id).where(Payment.claim_id == claim.id)).one(),
            "year": 2026,
        },
        "bodies": {
            ("POST", "/api/v1/auth/login"): {"identifier": member_a.member_number, "password": PASSWORD},
            ("POST", "/api/v1/simulations"): SIMULATION,
            ("POST", "/api/v1/me/simulations"): {"scenarios": [member_a_simulation]},
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
        url = path.format(**world["path_params"], **make.issue7["path_params"])
        body = world["bodies"].get((method, path), make.issue7["bodies"].get((method, path)))
        for actor, status in expected.items():
            account = world["accounts"].get(actor)
            # a fresh session per cell: a logout in one cell must not change the next
            headers = bearer(make.session_token(account)) if account else {}
            response = await client.request(method, url, json=body, headers=headers)
            if response.status_code != status:
                mismatches.append(f"{method} {path} [{actor}] : attendu {status}, reçu {response.status_code}")
            if response.status_code >= 400:
                assert set(response.json()) == {"code", "message", "details"}, (method, path, actor)
    assert not mismatches, "\n".join(mismatches)
