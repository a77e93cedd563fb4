"""The committed OpenAPI document is the API: a drift fails here."""

from __future__ import annotations

import json

from server.openapi import OPENAPI_PATH, current, render

REGENERATE = ".venv/bin/python -m server.openapi"
ANONYMOUS = {
    ("get", "/api/v1/health"),
    ("get", "/api/v1/ready"),
    ("post", "/api/v1/auth/login"),
    ("post", "/api/v1/simulations"),
} | {
    (method, f"/api/v1/auth/{path}")
    for method, path in (
        ("post", "challenge"),
        ("post", "second-factor"),
        ("post", "second-factor/resend"),
        ("post", "activation/code"),
        ("post", "activation/identity"),
        ("get", "confirm-email"),
        ("post", "confirm-email"),
        ("post", "confirm-email/resend"),
        ("get", "terms"),
        ("post", "password/forgot"),
        ("get", "password/reset"),
        ("post", "password/reset"),
        ("post", "identifier/recover"),
        ("get", "contact-revert"),
        ("post", "contact-revert"),
    )
}


def test_committed_openapi_matches_the_app():
    committed = OPENAPI_PATH.read_text(encoding="utf-8")
    assert render(current()) == committed, (
        f"L'API a changé mais pas server/openapi.json : régénérez-le avec `{REGENERATE}`, relisez le "
        "diff et committez-le."
    )


def test_every_operation_declares_error_responses_with_the_one_model():
    document = json.loads(OPENAPI_PATH.read_text(encoding="utf-8"))
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            errors = {code: r for code, r in operation["responses"].items() if code.startswith(("4", "5"))}
            assert "500" in errors, (method, path)
            for response in errors.values():
                ref = response["content"]["application/json"]["schema"]["$ref"]
                assert ref == "#/components/schemas/ErrorResponse", (method, path)
            if (method, path) not in ANONYMOUS:
                assert operation.get("security") == [{"session": []}], (method, path)
                assert "401" in errors, (method, path)
    assert document["components"]["securitySchemes"]["session"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Jeton de session opaque obtenu par POST /api/v1/auth/login",
    }
