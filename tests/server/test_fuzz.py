"""Fuzzing (issue 11): schemathesis generates requests from the app's own OpenAPI document and sends them
to the ASGI app (``schemathesis.openapi.from_asgi``) as an authenticated member, or as a conseiller on the
console's routes. Checks: no 5xx (``not_a_server_error``), every response matching its declared schema
(``response_schema_conformance``, ``status_code_conformance``, ``content_type_conformance``) and every
route that declares the bearer scheme refusing a request without it or with a wrong one
(``ignored_auth``).

Fixed seed, derandomized, a bounded number of examples per operation. Routes that end the test users'
sessions or change their passwords are excluded (logout, password change, revoking sessions, disabling
staff), as they would lock the fuzzer out of the rest of the run. One test transaction, rolled back after."""

from __future__ import annotations

from datetime import date

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, seed, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    ignored_auth,
    response_schema_conformance,
    status_code_conformance,
)

from models.schemas.common import Role
from server.app import create_app
from server.routes.requests import CREATING_PATHS
from server.settings import Settings
from tests.conftest import bearer
from tests.server.agent_world import agent_objects
from tests.server.issue7_world import issue7_objects

EXCLUDED = (
    r"^/api/v1/auth/logout$",
    r"^/api/v1/auth/password/change$",
    r"^/api/v1/me/sessions/\{session_id\}$",
    r"^/api/v1/agent/members/\{member_id\}/revoke$",
    r"^/api/v1/agent/staff/\{account_id\}/disable$",
)
CHECKS = [
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
    content_type_conformance,
    ignored_auth,
]


@pytest.fixture
def fuzz_tokens(make, settings):
    settings.login_ip_max_attempts = 100_000  # the fuzzer logs in with made-up identifiers from one address
    member = make.member(first_name="Fuzz", last_name="Adhérent")
    contract = make.contract(member)
    make.claim(member, care_date=date(2026, 10, 5), contract=contract)
    make.claim(member, care_date=date(2026, 9, 12), contract=contract)
    agent = make.account(role=Role.agent, display_name="Conseiller Fuzz")
    # Something behind every link: a thread with an attachment, a request, a notification, and an
    # identity check opening the member's dossier to the conseiller.
    issue7_objects(make.session, make.clock, member, make.principal(member).id)
    agent_objects(make.session, make.clock, member, make.principal(member).id, {"agent": agent, "supervisor": agent})
    return {"member": make.session_token(make.account(member)), "agent": make.session_token(agent)}


# The schema is loaded once from an app built at import (schemathesis' lazy ``from_fixture`` needs a
# pytest internal that pytest 9 removed); each generated test then points that app at its own test
# transaction, clock and settings (the fixture below).
APP = create_app(Settings(demo_mode=True, database_url="sqlite://", log_level="WARNING"))
schema = schemathesis.openapi.from_asgi("/openapi.json", APP).exclude(path_regex="|".join(EXCLUDED))


@pytest.fixture
def fuzz_app(app, fuzz_tokens):
    saved = dict(vars(APP.state)["_state"])
    for name in ("settings", "clock", "session_scope", "read_scope", "read_connections", "engine"):
        setattr(APP.state, name, getattr(app.state, name))
    yield APP
    vars(APP.state)["_state"].update(saved)


@schema.parametrize()
@seed(20261123)
@settings(
    max_examples=2,
    derandomize=True,
    database=None,
    deadline=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_api_fuzz(case, fuzz_app, fuzz_tokens):
    who = "agent" if case.path.startswith("/api/v1/agent/") else "member"
    case.call_and_validate(headers=bearer(fuzz_tokens[who]), checks=CHECKS)


# Stateful: schemathesis chains operations through the links of the OpenAPI document (those the routes
# declare in ``server/routes/_links.py`` and those it infers from path parameters and response fields):
# a conseiller's search feeds the dossier, the household's beneficiaries feed a new démarche, a démarche
# just created feeds its reading and the conseiller's decision. Positive data only here, so the chains go
# deep; the stateless test above already sends the malformed requests. Each step goes out as the member or
# the conseiller the route belongs to, and passes the same checks.
STATEFUL_SEED = 20261123
SCENARIOS = 60  # enough that the chains reach objects on both databases
DEMARCHE_SCENARIOS = 80
STEPS = 6
schema.config.phases.stateful.generation.update(modes=[GenerationMode.POSITIVE])
Workflow = schema.as_state_machine()
# The whole API has over a hundred operations: a random walk rarely goes from the household's
# beneficiaries to a new démarche and on to its reading and the conseiller's decision. This machine walks
# that chain only, so each run creates démarches (the request schemas declare the server's real rules:
# amounts, file names and contents) and handles them.
DEMARCHES = r"^/api/v1/(me/claims/options|me/requests(/.*)?|agent/requests/.*)$"
DemarcheWorkflow = schema.include(path_regex=DEMARCHES).as_state_machine()
CREATING = {f"/api/v1{path}" for path in CREATING_PATHS}


def _who(case) -> str:
    return "agent" if case.path.startswith("/api/v1/agent/") else "member"


def _run_stateful(machine, tokens, db_session, scenarios: int) -> set[tuple[str, str]]:
    """Runs ``machine`` authenticated as the route's user; the (method, path) that answered 2xx.

    Each scenario starts from the same database: a savepoint taken before its first step is rolled back
    after its last. Without it a scenario sees what the earlier ones left (a call still open, a démarche
    already decided), the same drawn choices meet other answers, and Hypothesis stops the run as
    « Inconsistent data generation » — depending on which tests ran before on the worker."""
    answered: set[tuple[str, str]] = set()

    class AuthenticatedWorkflow(machine):
        rule_order_seed = STATEFUL_SEED

        def setup(self):
            super().setup()
            db_session.commit()  # the test session's own savepoint released: the scenario's is the outer one
            self._scenario = db_session.bind.begin_nested()  # bind: the test connection

        def teardown(self):
            db_session.rollback()
            db_session.expunge_all()
            if self._scenario.is_active:
                self._scenario.rollback()
            super().teardown()

        def get_call_kwargs(self, case):
            return {"headers": bearer(tokens[_who(case)])}

        def after_call(self, response, case):
            super().after_call(response, case)
            if response.status_code < 300:
                answered.add((case.method, case.path))

        def validate_response(self, response, case, additional_checks=None, **kwargs):
            case.validate_response(response, checks=CHECKS, transport_kwargs=kwargs, recorder=self.recorder)

    AuthenticatedWorkflow.run(
        settings=settings(
            max_examples=scenarios,
            stateful_step_count=STEPS,
            derandomize=True,
            database=None,
            deadline=None,
            phases=[Phase.generate],
            suppress_health_check=list(HealthCheck),
        )
    )
    return answered


def test_api_stateful_fuzz(fuzz_app, fuzz_tokens, db_session):
    answered = _run_stateful(Workflow, fuzz_tokens, db_session, SCENARIOS)
    # The chains reached real objects: operations on an id (only reachable through a link) succeeded.
    by_id = {path for _method, path in answered if "{" in path}
    assert len(by_id) >= 6, sorted(answered)


def test_demarches_stateful_fuzz(fuzz_app, fuzz_tokens, db_session):
    answered = _run_stateful(DemarcheWorkflow, fuzz_tokens, db_session, DEMARCHE_SCENARIOS)
    created = {path for method, path in answered if method == "POST" and path in CREATING}
    # Every kind whose body a generator can fill from the schema alone; a hospital cover also needs the
    # member's own number, which no link carries.
    assert {f"/api/v1/me/requests/{kind}" for kind in ("reimbursements", "documents", "accidents", "quotes")} <= created
