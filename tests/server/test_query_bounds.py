"""Issue 16: every query parameter is bounded by its schema (``models.schemas.query``), so that huge numbers and
dates are a 422 naming the parameter, never a 500 (``?page=99999999999999999999``, ``?agent_id=…`` huge,
``?date_to=9999-12-31`` gave 500s on the claims, the conseiller's member claims and the audit; on PostgreSQL the
500 also wrote the SQL and its parameters to the log).

Three layers: a walk over every route of the app that fails for a query parameter without bounds (so a new
route cannot bring the class back); the probe's exact requests; Hypothesis (derandomized) sending huge and edge
numbers, dates and texts to every query parameter of every route, on the database of the run (SQLite, and
PostgreSQL with ESPACE_TEST_DATABASE_URL)."""

from __future__ import annotations

import asyncio
import types
import typing
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import Enum
from typing import Annotated, Any

import annotated_types
import httpx
import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

from models.schemas.common import Role
from models.schemas.ids import MAX_ID
from models.schemas.query import MAX_DATE, MAX_PAGE, MIN_DATE
from server.app import create_app
from server.settings import Settings
from tests.conftest import bearer
from tests.server.agent_world import agent_objects


@dataclass(frozen=True)
class QueryParam:
    method: str
    path: str
    name: str
    annotation: Any
    metadata: tuple[Any, ...]


def _dependants(dependant: Any) -> typing.Iterator[Any]:
    yield dependant
    for sub in dependant.dependencies:
        yield from _dependants(sub)


def query_params(app: Any) -> list[QueryParam]:
    """Every query parameter of every API route, a model's fields (``Annotated[ClaimQuery, Query()]``) one by one."""
    found = []
    for context in iter_route_contexts(app.routes):
        route = context.original_route
        if not isinstance(route, APIRoute):
            continue
        for method in sorted(route.methods - {"HEAD"}):
            for dependant in _dependants(route.dependant):
                for param in dependant.query_params:
                    annotation = param.field_info.annotation
                    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
                        for name, field in annotation.model_fields.items():
                            found.append(
                                QueryParam(method, context.path, name, field.annotation, tuple(field.metadata))
                            )
                    else:
                        found.append(
                            QueryParam(method, context.path, param.name, annotation, tuple(param.field_info.metadata))
                        )
    return found


def _flatten(metadata: tuple[Any, ...]) -> list[Any]:
    out: list[Any] = []
    for item in metadata:
        out.extend(_flatten(tuple(item.metadata)) if isinstance(item, FieldInfo) else [item])
    return out


def _has(metadata: list[Any], *kinds: type) -> bool:
    return any(isinstance(m, kinds) for m in metadata) or any(
        getattr(m, "max_digits", None) is not None for m in metadata if Decimal in kinds
    )


def unbounded(annotation: Any, metadata: tuple[Any, ...] = ()) -> str | None:
    """Why ``annotation`` (with ``metadata``) is not bounded, or None."""
    meta = _flatten(metadata)
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extra = typing.get_args(annotation)
        return unbounded(base, (*metadata, *extra))
    if origin in (typing.Union, types.UnionType):
        reasons = [unbounded(arg, metadata) for arg in typing.get_args(annotation) if arg is not type(None)]
        return next((r for r in reasons if r), None)
    if origin is list:
        if not _has(meta, annotated_types.MaxLen):
            return "liste sans nombre maximal d'éléments"
        (item,) = typing.get_args(annotation)
        return unbounded(item)
    if annotation is bool or (isinstance(annotation, type) and issubclass(annotation, Enum)):
        return None
    if annotation is Decimal:
        ok = _has(meta, annotated_types.Ge, annotated_types.Gt) and (
            _has(meta, annotated_types.Le, annotated_types.Lt) or any(getattr(m, "max_digits", None) for m in meta)
        )
        return None if ok else "nombre décimal sans bornes"
    if annotation in (int, float, date, datetime):
        low = _has(meta, annotated_types.Ge, annotated_types.Gt)
        high = _has(meta, annotated_types.Le, annotated_types.Lt)
        return None if low and high else f"{annotation.__name__} sans minimum et maximum"
    if annotation is str:
        return None if _has(meta, annotated_types.MaxLen) else "texte sans longueur maximale"
    return f"type non reconnu : {annotation!r}"


APP = create_app(Settings(demo_mode=True, database_url="sqlite://", log_level="WARNING"))
PARAMS = query_params(APP)


def test_the_walk_finds_the_query_parameters_of_the_probe():
    names = {(p.path, p.name) for p in PARAMS}
    assert {
        ("/api/v1/me/claims", "page"),
        ("/api/v1/me/claims", "date_to"),
        ("/api/v1/agent/members/{member_id}/claims", "date_to"),
        ("/api/v1/agent/audit", "agent_id"),
        ("/api/v1/agent/audit", "date_to"),
    } <= names


def test_the_walk_would_see_an_unbounded_parameter():
    assert unbounded(int) and unbounded(date | None) and unbounded(str) and unbounded(list[int])
    assert unbounded(Annotated[int, annotated_types.Ge(1)])
    assert unbounded(Annotated[int, annotated_types.Ge(1), annotated_types.Le(9)]) is None


def test_every_query_parameter_of_every_route_is_bounded_by_its_schema():
    problems = [
        f"{p.method} {p.path} ?{p.name} : {why}" for p in PARAMS if (why := unbounded(p.annotation, p.metadata))
    ]
    assert not problems, "paramètres de requête non bornés (models/schemas/query.py) :\n" + "\n".join(problems)


# --- requests ----------------------------------------------------------------------------------------------


@pytest.fixture
def world(make, clock):
    member = make.member(first_name="Borne", last_name="Requête")
    contract = make.contract(member)
    make.claim(member, care_date=date(2026, 10, 5), contract=contract)
    agent, supervisor = make.account(role=Role.agent), make.account(role=Role.supervisor)
    objects = agent_objects(
        make.session, clock, member, make.principal(member).id, {"agent": agent, "supervisor": supervisor}
    )
    tokens = {
        "member": bearer(make.session_token(make.account(member))),
        "agent": bearer(make.session_token(agent)),
        "supervisor": bearer(make.session_token(supervisor)),
    }
    path_params = {"member_id": member.id, "year": 2026, **objects["path_params"]}
    return tokens, path_params


def _headers(tokens: dict[str, dict[str, str]], path: str) -> dict[str, str]:
    if path.startswith("/api/v1/agent/audit") or path.startswith("/api/v1/agent/staff"):
        return tokens["supervisor"]
    return tokens["agent"] if path.startswith("/api/v1/agent/") else tokens["member"]


def send(app: Any, method: str, url: str, params: dict[str, str], headers: dict[str, str]) -> httpx.Response:
    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
            return await client.request(method, url, params=params, headers=headers)

    return asyncio.run(go())


PROBE = [
    ("/api/v1/me/claims", "page", "99999999999999999999"),
    ("/api/v1/me/claims", "date_to", "9999-12-31"),
    ("/api/v1/agent/members/{member_id}/claims", "page", "99999999999999999999"),
    ("/api/v1/agent/members/{member_id}/claims", "date_to", "9999-12-31"),
    ("/api/v1/agent/audit", "agent_id", "99999999999999999999"),
    ("/api/v1/agent/audit", "member_id", str(MAX_ID + 1)),
    ("/api/v1/agent/audit", "date_to", "9999-12-31"),
    ("/api/v1/me/statements/period", "date_from", "0001-01-01"),
]


@pytest.mark.parametrize(("path", "name", "value"), PROBE)
def test_the_probes_requests_are_a_422_naming_the_parameter(app, world, path, name, value):
    tokens, path_params = world
    response = send(app, "GET", path.format(**path_params), {name: value}, _headers(tokens, path))
    assert response.status_code == 422, response.text
    assert response.json()["details"][0]["field"] == name
    assert response.headers["X-Content-Type-Options"] == "nosniff"


EDGES = [
    ("/api/v1/me/claims", {"page": str(MAX_PAGE), "date_to": MAX_DATE.isoformat(), "date_from": MIN_DATE.isoformat()}),
    ("/api/v1/agent/members/{member_id}/claims", {"page": str(MAX_PAGE), "date_to": MAX_DATE.isoformat()}),
    ("/api/v1/agent/audit", {"agent_id": str(MAX_ID), "member_id": str(MAX_ID), "date_to": MAX_DATE.isoformat()}),
    ("/api/v1/me/statements/period", {"date_from": "2095-01-01", "date_to": MAX_DATE.isoformat()}),  # 7 years at most
]


@pytest.mark.parametrize(("path", "params"), EDGES)
def test_the_largest_values_the_schemas_allow_are_answered_by_the_database(app, world, path, params):
    """The bounds are within what both databases hold: at the edge, the query runs and answers 200."""
    tokens, path_params = world
    response = send(app, "GET", path.format(**path_params), params, _headers(tokens, path))
    assert response.status_code == 200, response.text


HUGE_INTEGERS = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([0, -1, MAX_ID, MAX_ID + 1, 2**63, -(2**63) - 1, 10**20, MAX_PAGE + 1]),
).map(str)
EXTREME_DATES = st.one_of(
    st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31)).map(date.isoformat),
    st.sampled_from(["9999-12-31", "0001-01-01", "1899-12-31", "2101-01-01", "99999-01-01", "2026-02-30"]),
)
LONG_TEXTS = st.sampled_from(["x" * 101, "é" * 5000, "a" * 100_00, "%", "' OR 1=1 --"])
VALUES = st.one_of(HUGE_INTEGERS, EXTREME_DATES, LONG_TEXTS)


@settings(
    derandomize=True,
    database=None,
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_huge_numbers_and_dates_in_every_query_parameter_are_4xx_never_500(app, world, data):
    tokens, path_params = world
    for param in PARAMS:
        if param.method != "GET":
            continue
        value = data.draw(VALUES, label=f"{param.path} ?{param.name}")
        response = send(app, "GET", param.path.format(**path_params), {param.name: value}, _headers(tokens, param.path))
        assert response.status_code < 500, (param.path, param.name, value, response.text)
