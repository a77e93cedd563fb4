"""One error model everywhere, French messages, no traceback leak."""

from __future__ import annotations

import httpx
from sqlmodel import func, select

from models.schemas.common import Role
from models.schemas.errors import ErrorResponse
from models.tables import MessageThread
from server.app import create_app
from server.errors import NUL_REFUSED


async def test_validation_errors_are_french_and_name_the_field(client):
    response = await client.post("/api/v1/auth/login", json={"identifier": "", "password": 12})
    assert response.status_code == 422
    body = ErrorResponse.model_validate(response.json())
    by_field = {d.field: d.message for d in body.details}
    assert by_field["identifier"].startswith("trop court")
    assert by_field["password"] == "doit être du texte"
    missing = await client.post("/api/v1/auth/login", json={"identifier": "123"})
    assert {d["field"]: d["message"] for d in missing.json()["details"]} == {"password": "champ obligatoire"}


async def test_unknown_route_and_wrong_method_use_the_error_model(client):
    for method, path, status in (("GET", "/api/v1/nulle-part", 404), ("GET", "/api/v1/auth/login", 405)):
        response = await client.request(method, path)
        assert response.status_code == status
        body = ErrorResponse.model_validate(response.json())
        assert body.message and body.code


async def test_unexpected_error_is_a_french_500_without_traceback(settings, clock, session_scope):
    app = create_app(settings, clock=clock, session_scope=session_scope)

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret interne: table xyz")

    transport = httpx.ASGITransport(app=app, raise_app_exceptions=False)
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        response = await client.get("/boom")
    assert response.status_code == 500
    body = response.json()
    assert body["code"] == "internal_error"
    assert "inattendue" in body["message"]
    assert "secret interne" not in response.text and "Traceback" not in response.text


async def test_an_identifier_beyond_any_database_integer_is_a_404_before_routing(client, make):
    headers = {"Authorization": f"Bearer {make.session_token(make.account(make.member()))}"}
    response = await client.get(f"/api/v1/me/claims/{2**31}", headers=headers)
    assert response.status_code == 404
    assert ErrorResponse.model_validate(response.json()).code == "not_found"  # answered before the route
    assert (await client.get(f"/api/v1/me/claims/{2**31 - 1}", headers=headers)).json()["code"] == "claim_not_found"
    negative = await client.post(f"/api/v1/me/threads/{-(2**45)}/messages", json={"body": "?"}, headers=headers)
    assert negative.status_code == 404 and negative.json()["code"] == "not_found"  # the stateful fuzz's 500


async def test_every_request_is_logged_with_its_status_and_duration(client, caplog):
    with caplog.at_level("INFO", logger="espace.access"):
        await client.get("/api/v1/health")
        await client.get("/api/v1/nulle-part")
    logged = [(r.method, r.path, r.status) for r in caplog.records if r.name == "espace.access"]
    assert logged == [("GET", "/api/v1/health", 200), ("GET", "/api/v1/nulle-part", 404)]
    assert all(r.duration_ms >= 0 for r in caplog.records if r.name == "espace.access")


async def test_a_nul_character_is_refused_in_french_and_nothing_is_written(client, make, db_session):
    """U+0000 (PostgreSQL cannot store it; the stateful fuzz found a 500 there): refused on both databases,
    in a JSON text, in a query string, with nothing written."""
    member = make.member()
    headers = {"Authorization": f"Bearer {make.session_token(make.account(member))}"}
    before = db_session.exec(select(func.count()).select_from(MessageThread)).one()
    body = {"subject": "Question", "category": "question", "body": "Bonjour\x00 madame"}
    response = await client.post("/api/v1/me/threads", json=body, headers=headers)
    assert response.status_code == 422, response.text
    error = ErrorResponse.model_validate(response.json())
    assert error.message == NUL_REFUSED and error.details[0].field == "body"
    assert db_session.exec(select(func.count()).select_from(MessageThread)).one() == before
    agent = {"Authorization": f"Bearer {make.session_token(make.account(role=Role.agent))}"}
    search = await client.get("/api/v1/agent/members?q=mar%00tin", headers=agent)
    assert search.status_code == 422 and search.json()["message"] == NUL_REFUSED
    assert (await client.get("/api/v1/agent/members?q=martin", headers=agent)).status_code == 200


async def test_a_nul_in_a_json_body_is_refused_before_any_lookup(client):
    """A login whose identifier holds U+0000 is looked up, not written: refused before the route runs (on
    PostgreSQL the lookup itself would fail). The text « \\u0000 » typed as such is not a NUL."""
    nul = await client.post("/api/v1/auth/login", json={"identifier": "a\x00@b.fr", "password": "x" * 12})
    assert nul.status_code == 422 and nul.json()["message"] == NUL_REFUSED
    typed = await client.post("/api/v1/auth/login", json={"identifier": "a\\u0000@b.fr", "password": "x" * 12})
    assert typed.status_code != 422 or typed.json()["message"] != NUL_REFUSED
