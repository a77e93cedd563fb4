"""Upload abuse: oversize (413, refused while streaming), spoofed type (415), a path in the file name."""

from __future__ import annotations

import base64
import json

import pytest
from sqlmodel import select

from models.tables import Document, MemberRequest
from server.errors import NUL_REFUSED
from tests.conftest import bearer
from tests.server.issue7_world import PDF, upload

DEPOSIT = "/api/v1/me/requests/documents"


@pytest.fixture
def alice(make):
    member = make.member(first_name="Alice")
    account = make.account(member)
    return {"member": member, "beneficiary": make.principal(member).id, "headers": bearer(make.session_token(account))}


def deposit(alice, files):
    return {
        "document_type": "paid_invoice",
        "beneficiary_id": alice["beneficiary"],
        "description": "Facture",
        "files": files,
    }


async def test_oversize_is_413_without_reading_it_all(client, alice, settings, db_session):
    settings.upload_max_bytes = 1024 * 1024  # 1 MB for the test
    pulled = 0
    chunk = b"A" * 65536

    async def endless():
        nonlocal pulled
        yield b'{"document_type": "paid_invoice", "files": [{"filename": "a.pdf", "content_base64": "'
        for _ in range(10_000):  # would be 650 MB if read to the end
            pulled += len(chunk)
            yield chunk

    response = await client.post(
        DEPOSIT, content=endless(), headers={**alice["headers"], "Content-Type": "application/json"}
    )
    assert response.status_code == 413
    assert response.json()["code"] == "payload_too_large"
    assert pulled < 2 * 1024 * 1024  # stopped just past the limit
    assert db_session.exec(select(MemberRequest)).all() == []


async def test_oversize_declared_length_is_refused_before_reading(client, alice, settings):
    settings.upload_max_bytes = 1024
    big = upload("scan.pdf", PDF + b"0" * 4096)
    response = await client.post(DEPOSIT, json=deposit(alice, [big]), headers=alice["headers"])
    assert response.status_code == 413


async def test_decoded_total_over_the_limit_is_413(client, alice, settings):
    settings.upload_max_bytes = 3000
    two = [upload("a.pdf", PDF + b"0" * 1500), upload("b.pdf", PDF + b"0" * 1500)]
    response = await client.post(DEPOSIT, json=deposit(alice, two), headers=alice["headers"])
    assert response.status_code == 413


@pytest.mark.parametrize(
    "name, content",
    [
        ("facture.pdf", b"MZ\x90\x00 this is a windows executable"),
        ("photo.png", b"<html><script>alert(1)</script></html>"),
        ("scan.jpg", b"GIF89a\x01\x00\x01\x00"),
    ],
)
async def test_spoofed_type_is_415(client, alice, db_session, name, content):
    response = await client.post(DEPOSIT, json=deposit(alice, [upload(name, content)]), headers=alice["headers"])
    assert response.status_code == 415
    assert response.json()["code"] == "unsupported_media_type"
    assert db_session.exec(select(Document)).all() == []


@pytest.mark.parametrize("name", ["../../etc/passwd.pdf", "C:\\Users\\a\\facture.pdf", "dossier/facture.pdf", ".."])
async def test_a_path_in_the_file_name_is_refused(client, alice, name):
    response = await client.post(DEPOSIT, json=deposit(alice, [upload(name, PDF)]), headers=alice["headers"])
    assert response.status_code == 422
    assert response.json()["code"] == "invalid_filename"


async def test_a_nul_in_the_file_name_is_refused_naming_the_file(client, alice):
    """Refused before the route reads the body (``server.errors.NulInRequest``), the field named."""
    body = deposit(alice, [upload("a\x00.pdf", PDF)])
    response = await client.post(DEPOSIT, json=body, headers=alice["headers"])
    assert response.status_code == 422
    assert response.json()["message"] == NUL_REFUSED
    assert response.json()["details"][0]["field"] == "files.0.filename"


async def test_the_stored_name_is_never_the_clients(client, alice, db_session):
    response = await client.post(
        DEPOSIT, json=deposit(alice, [upload("Mon RIB secret.pdf", PDF)]), headers=alice["headers"]
    )
    assert response.status_code == 201, response.text
    document = db_session.exec(select(Document)).one()
    assert document.filename == "paid-invoice-1.pdf"
    assert document.request_id == response.json()["id"]  # stored with its request


async def test_bad_base64_and_not_json(client, alice):
    bad = deposit(alice, [{"filename": "a.pdf", "content_base64": "%%%"}])
    assert (await client.post(DEPOSIT, json=bad, headers=alice["headers"])).status_code == 422
    text = await client.post(DEPOSIT, content=b"x", headers={**alice["headers"], "Content-Type": "text/plain"})
    assert text.status_code == 415
    broken = await client.post(DEPOSIT, content=b"{", headers={**alice["headers"], "Content-Type": "application/json"})
    assert broken.status_code == 422 and broken.json()["code"] == "invalid_request"
    missing = await client.post(DEPOSIT, content=json.dumps({"files": []}), headers=alice["headers"])
    assert missing.status_code == 422
    assert {d["field"] for d in missing.json()["details"]} >= {"document_type", "beneficiary_id"}
    assert base64  # imported for readers: contents travel as base64
