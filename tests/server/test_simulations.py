"""The stateless simulator endpoint: the engine's answer, French 422s, never a 500."""

from __future__ import annotations

import pytest

SIMULATIONS = "/api/v1/simulations"
C01 = {"act": "G", "charged": "30", "guarantee": "100% BR", "date": "2026-06-15"}


async def test_c01_general_practitioner_consultation(client):
    response = await client.post(SIMULATIONS, json=C01)
    assert response.status_code == 200, response.text
    body = response.json()
    assert (body["amo_paid"], body["amc_paid"], body["out_of_pocket"]) == ("19.00", "9.00", "2.00")
    assert body["explanation"]


async def test_a_list_of_requests_gives_a_list_of_results(client):
    response = await client.post(SIMULATIONS, json=[C01, C01])
    assert response.status_code == 200, response.text
    assert [r["amo_paid"] for r in response.json()] == ["19.00", "19.00"]


async def test_bad_amount_is_a_french_422_naming_the_field(client):
    response = await client.post(SIMULATIONS, json={**C01, "charged": "trente euros"})
    assert response.status_code == 422
    body = response.json()
    assert body["code"] == "invalid_request"
    assert any("charged" in (d["field"] or "") for d in body["details"])
    assert "charged" in body["message"]


@pytest.mark.parametrize(
    "content",
    [b"{pas du json", b"42", b'"texte"', b"null", b"[1, 2]", b"", b'{"act": '],
)
async def test_garbage_is_a_422_never_a_500(client, content):
    response = await client.post(SIMULATIONS, content=content, headers={"Content-Type": "application/json"})
    assert response.status_code == 422, response.text
    assert response.json()["code"] == "invalid_request"
    assert response.json()["message"].startswith("La demande contient des erreurs")


async def test_garbage_engine_fields_are_422_not_500(client):
    for request in ({}, {"act": 3, "charged": []}, {"act": "G", "charged": "30", "quantity": "x"}):
        response = await client.post(SIMULATIONS, json=request)
        assert response.status_code == 422, (request, response.text)


async def test_body_that_is_not_utf8_is_a_400_in_the_error_model(client):
    headers = {"Content-Type": "application/json"}
    response = await client.post(SIMULATIONS, content="é".encode("latin-1"), headers=headers)
    assert response.status_code == 400
    assert response.json()["code"] == "bad_request"
