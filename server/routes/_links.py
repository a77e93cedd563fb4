"""OpenAPI links: which operation can use what another one answers (the id of a démarche just created,
the household's beneficiaries for a new démarche). Clients may follow them; the stateful fuzzing
(tests/server/test_fuzz.py) does, chaining operations on real ids instead of guessing them."""

from __future__ import annotations

from typing import Any

API_PREFIX = "/api/v1"


def operation_ref(method: str, path: str) -> str:
    """JSON pointer to an operation of this API's document (``/`` escaped as ``~1``, RFC 6901)."""
    escaped = (API_PREFIX + path).replace("~", "~0").replace("/", "~1")
    return f"#/paths/{escaped}/{method.lower()}"


def response_links(
    status: int,
    *targets: tuple[str, str],
    parameters: dict[str, str] | None = None,
    request_body: dict[str, Any] | None = None,
) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entry of ``status`` linking its answer to each target (method, path), through
    ``parameters`` and/or fields of the ``request_body`` (runtime expressions such as ``$response.body#/id``)."""
    links = {}
    for method, path in targets:
        link: dict[str, Any] = {"operationRef": operation_ref(method, path)}
        if parameters:
            link["parameters"] = parameters
        if request_body:
            link["requestBody"] = request_body
        name = f"{method.lower()}{path}".replace("/", "_").replace("{", "").replace("}", "").replace("-", "_")
        links[name] = link
    return {status: {"links": links}}
