"""Who may call what: every endpoint of template.yaml against every kind of caller, with the exact status.

The endpoints come from the template's routes (an `ANY` route stands for the methods the OpenAPI document
lists on its path), so an endpoint added to the template without a row here fails
`test_every_endpoint_has_a_row`. Each call gets a fresh target (a new lead, agent, office or key) made
just before it, so that one caller's success does not change what the next one finds.

The world: company "here" with offices north and south; agent 1 (north, lead management, click to claim),
agent 2 (north, no lead management), agent 3 (south, lead management); agents may claim unassigned leads
and click to claim is on (so a pool lead has an offer for agent 1). Company "there" has agent 42 with lead
management and lets agents claim too, so its agent is refused for tenancy (404), not for settings.
"""

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import count
from typing import Any

import pytest

from devstack.template import Template
from tests.support.client import Answer, ApiClient
from tests.support.local_stack import ROOT
from tests.support.offers import link_for
from tests.support.scenario import Company, create_company, expect, unique_lead

NONE = "none"
OPERATOR = "operator"
ADMIN = "admin"
OFFICE_MANAGER = "office manager of this office"
OTHER_OFFICE_MANAGER = "office manager of another office"
AGENT = "agent with lead management"
AGENT_WITHOUT_LM = "agent without lead management"
OTHER_COMPANY_AGENT = "agent of another company"
ROLES = (NONE, OPERATOR, ADMIN, OFFICE_MANAGER, OTHER_OFFICE_MANAGER, AGENT, AGENT_WITHOUT_LM, OTHER_COMPANY_AGENT)
AGENTS = (AGENT, AGENT_WITHOUT_LM, OTHER_COMPANY_AGENT)
MANAGERS = (OFFICE_MANAGER, OTHER_OFFICE_MANAGER)


@dataclass
class World:
    api: ApiClient
    template: Template
    here: Company
    there: Company
    keys: dict[str, str | None]
    serial: "count[int]" = field(default_factory=lambda: count(1))

    def next(self) -> int:
        return next(self.serial)

    def held_lead(self) -> str:
        """A lead held by agent 1 (north)."""
        return str(expect(self.here.submit(unique_lead(self.next(), agent_code="1")), 202)["lead_id"])

    def pool_lead(self) -> str:
        """A lead in the pool, with a claim email out to agent 1."""
        return str(expect(self.here.submit(unique_lead(self.next())), 202)["lead_id"])

    def office_lead(self) -> str:
        """A lead sent to office north, without an agent."""
        lead_id = self.pool_lead()
        self.api.post(f"/v1/leads/{lead_id}/assign", json_body={"office_id": "north"}, key=self.here.admin_key)
        return lead_id

    def queued_agent(self) -> int:
        """A new agent in the round-robin queue."""
        return int(self.here.agent(100 + self.next(), in_auto_assign_queue=True)["agent_id"])

    def new_agent(self) -> str:
        return str(self.here.agent(100 + self.next(), office_id="north")["agent_id"])

    def new_office(self) -> str:
        return str(self.here.office(f"branch-{self.next()}")["office_id"])

    def new_key(self) -> str:
        issued = self.api.post("/v1/keys", json_body={"role": "agent", "agent_id": 1}, key=self.here.admin_key)
        return str(expect(issued, 201)["key_id"])

    def new_user(self) -> str:
        body = {"email": f"user{self.next()}@brokerage.test", "role": "admin"}
        return str(expect(self.api.post("/v1/users", json_body=body, key=self.here.admin_key), 201)["user_id"])

    def new_route(self) -> str:
        created = self.api.post("/v1/routes", json_body=route_body(self), key=self.here.admin_key)
        return str(expect(created, 201)["route_id"])

    def offer_token(self) -> str:
        self.pool_lead()
        return link_for(self.template, 1).token

    def offer_id(self) -> str:
        self.pool_lead()
        offers = expect(self.api.get("/v1/me/offers", key=self.keys[AGENT]), 200)["offers"]
        return str(offers[0]["offer_id"])


@dataclass(frozen=True)
class Row:
    """How to call one endpoint (a fresh path and body for each call) and what each caller gets."""

    path: Callable[[World], str]
    expected: dict[str, int]
    body: Callable[[World], Any] = lambda world: None
    headers: dict[str, str] = field(default_factory=dict)


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def only(allowed: dict[str, int]) -> dict[str, int]:
    """A key is needed: no key is 401, every other caller 403 unless given."""
    return {**dict.fromkeys(ROLES, 403), NONE: 401, **allowed}


def admins_and_managers(admin: int, here: int, elsewhere: int) -> dict[str, int]:
    return only({ADMIN: admin, OFFICE_MANAGER: here, OTHER_OFFICE_MANAGER: elsewhere})


def agents(status: int, without_lm: int | None = None, other_company: int | None = None) -> dict[str, int]:
    return only(
        {
            AGENT: status,
            AGENT_WITHOUT_LM: status if without_lm is None else without_lm,
            OTHER_COMPANY_AGENT: status if other_company is None else other_company,
        }
    )


def route_body(world: World) -> dict[str, Any]:
    return {"name": f"Route {world.next()}", "priority": 1000 + world.next(), "members": [1], "active": False}


def new_agent_body(world: World) -> dict[str, Any]:
    return {"name": "New Agent", "email": f"new{world.next()}@brokerage.test", "office_id": "north"}


MATRIX: dict[tuple[str, str], Row] = {
    # Public: a credential, if any, changes nothing.
    ("POST", "/v1/companies/{company_id}/leads"): Row(
        lambda w: w.here.leads_path(), everyone(202), body=lambda w: unique_lead(w.next())
    ),
    ("OPTIONS", "/v1/companies/{company_id}/leads"): Row(lambda w: w.here.leads_path(), everyone(204)),
    ("GET", "/v1/companies/{company_id}/agents/directory"): Row(
        lambda w: f"/v1/companies/{w.here.company_id}/agents/directory", everyone(200)
    ),
    ("GET", "/v1/offers/{token}"): Row(lambda w: f"/v1/offers/{w.offer_token()}", everyone(200)),
    ("POST", "/v1/offers/{token}"): Row(
        lambda w: f"/v1/offers/{w.offer_token()}",
        everyone(200),
        body=lambda w: {"action": "claim"},
        headers={"Accept": "application/json"},
    ),
    ("GET", "/v1/openapi.json"): Row(lambda w: "/v1/openapi.json", everyone(200)),
    # Operator.
    ("POST", "/v1/companies"): Row(
        lambda w: "/v1/companies", only({OPERATOR: 201}), body=lambda w: {"name": f"New {w.next()}", "time_zone": "UTC"}
    ),
    ("POST", "/v1/companies/{company_id}/admin-keys"): Row(
        lambda w: f"/v1/companies/{w.here.company_id}/admin-keys",
        only({OPERATOR: 201}),
        body=lambda w: {"reason": "recovery drill"},
    ),
    # Admin; office managers read agents, offices and leads of their offices.
    ("GET", "/v1/settings"): Row(lambda w: "/v1/settings", only({ADMIN: 200})),
    ("PUT", "/v1/settings"): Row(
        lambda w: "/v1/settings", only({ADMIN: 200}), body=lambda w: {"claim_link_ttl_seconds": 86400}
    ),
    ("POST", "/v1/agents"): Row(lambda w: "/v1/agents", only({ADMIN: 201}), body=new_agent_body),
    ("GET", "/v1/agents"): Row(lambda w: "/v1/agents", admins_and_managers(200, 200, 200)),
    ("GET", "/v1/agents/{agent_id}"): Row(lambda w: "/v1/agents/1", admins_and_managers(200, 200, 404)),
    ("PUT", "/v1/agents/{agent_id}"): Row(
        lambda w: f"/v1/agents/{w.new_agent()}", only({ADMIN: 200}), body=new_agent_body
    ),
    ("PATCH", "/v1/agents/{agent_id}"): Row(
        lambda w: f"/v1/agents/{w.new_agent()}", only({ADMIN: 200}), body=lambda w: {"phone": "312-555-0100"}
    ),
    ("DELETE", "/v1/agents/{agent_id}"): Row(lambda w: f"/v1/agents/{w.new_agent()}", only({ADMIN: 200})),
    ("POST", "/v1/offices"): Row(
        lambda w: "/v1/offices",
        only({ADMIN: 201}),
        body=lambda w: {"office_id": f"office-{w.next()}", "name": "New Office"},
    ),
    ("GET", "/v1/offices"): Row(lambda w: "/v1/offices", admins_and_managers(200, 200, 200)),
    ("GET", "/v1/offices/{office_id}"): Row(lambda w: "/v1/offices/north", admins_and_managers(200, 200, 404)),
    ("PUT", "/v1/offices/{office_id}"): Row(
        lambda w: f"/v1/offices/{w.new_office()}", only({ADMIN: 200}), body=lambda w: {"name": "Renamed"}
    ),
    ("DELETE", "/v1/offices/{office_id}"): Row(lambda w: f"/v1/offices/{w.new_office()}", only({ADMIN: 204})),
    ("POST", "/v1/routes"): Row(lambda w: "/v1/routes", only({ADMIN: 201}), body=route_body),
    ("GET", "/v1/routes"): Row(lambda w: "/v1/routes", only({ADMIN: 200})),
    ("GET", "/v1/routes/{route_id}"): Row(lambda w: f"/v1/routes/{w.new_route()}", only({ADMIN: 200})),
    ("PUT", "/v1/routes/{route_id}"): Row(lambda w: f"/v1/routes/{w.new_route()}", only({ADMIN: 200}), body=route_body),
    ("DELETE", "/v1/routes/{route_id}"): Row(lambda w: f"/v1/routes/{w.new_route()}", only({ADMIN: 204})),
    ("GET", "/v1/routing/queue"): Row(lambda w: "/v1/routing/queue", only({ADMIN: 200})),
    ("POST", "/v1/routing/queue/adjust"): Row(
        lambda w: "/v1/routing/queue/adjust",
        only({ADMIN: 200}),
        body=lambda w: {"agent_id": w.queued_agent(), "credits_delta": 1, "reason": "matrix"},
    ),
    ("POST", "/v1/routing/simulate"): Row(
        lambda w: "/v1/routing/simulate", only({ADMIN: 200}), body=lambda w: {"lead": {"source": "zillow"}}
    ),
    ("POST", "/v1/keys"): Row(
        lambda w: "/v1/keys", only({ADMIN: 201}), body=lambda w: {"role": "agent", "agent_id": 2}
    ),
    ("GET", "/v1/keys"): Row(lambda w: "/v1/keys", only({ADMIN: 200})),
    ("DELETE", "/v1/keys/{key_id}"): Row(lambda w: f"/v1/keys/{w.new_key()}", only({ADMIN: 204})),
    # Idempotent: an id nobody has is erased as well as one erased already (204 tells nobody who was known).
    ("DELETE", "/v1/people/{person_id}"): Row(
        lambda w: "/v1/people/per_01jc7k0000000000000000000a", only({ADMIN: 204})
    ),
    ("POST", "/v1/users"): Row(
        lambda w: "/v1/users",
        only({ADMIN: 201}),
        body=lambda w: {"email": f"user{w.next()}@brokerage.test", "role": "admin"},
    ),
    ("GET", "/v1/users"): Row(lambda w: "/v1/users", only({ADMIN: 200})),
    ("DELETE", "/v1/users/{user_id}"): Row(lambda w: f"/v1/users/{w.new_user()}", only({ADMIN: 204})),
    ("GET", "/v1/leads"): Row(lambda w: "/v1/leads", admins_and_managers(200, 200, 200)),
    ("GET", "/v1/leads/{lead_id}"): Row(lambda w: f"/v1/leads/{w.held_lead()}", admins_and_managers(200, 200, 404)),
    ("POST", "/v1/leads/{lead_id}/assign"): Row(
        lambda w: f"/v1/leads/{w.office_lead()}/assign",
        admins_and_managers(200, 200, 404),
        body=lambda w: {"agent_id": 1},
    ),
    # Sending back: the holder (agent 1), admins, managers of the lead's office; others do not find it.
    ("POST", "/v1/leads/{lead_id}/release"): Row(
        lambda w: f"/v1/leads/{w.held_lead()}/release",
        {
            **admins_and_managers(200, 200, 404),
            AGENT: 200,
            AGENT_WITHOUT_LM: 404,
            OTHER_COMPANY_AGENT: 404,
        },
    ),
    # Reports: office managers get their offices' figures (of any office, theirs being empty elsewhere).
    ("GET", "/v1/reports/routing"): Row(lambda w: "/v1/reports/routing", admins_and_managers(200, 200, 200)),
    ("GET", "/v1/reports/pool"): Row(lambda w: "/v1/reports/pool", admins_and_managers(200, 200, 200)),
    # The agent's side.
    ("GET", "/v1/pool"): Row(lambda w: "/v1/pool", agents(200, without_lm=403)),
    ("POST", "/v1/leads/{lead_id}/claim"): Row(
        lambda w: f"/v1/leads/{w.pool_lead()}/claim", agents(200, without_lm=403, other_company=404)
    ),
    ("GET", "/v1/me/offers"): Row(lambda w: "/v1/me/offers", agents(200)),
    ("POST", "/v1/me/offers/{offer_id}/{action}"): Row(
        lambda w: f"/v1/me/offers/{w.offer_id()}/claim", agents(200, without_lm=404, other_company=404)
    ),
    ("GET", "/v1/me/leads"): Row(lambda w: "/v1/me/leads", agents(200)),
    # An unknown token: 404 for every caller, the same as a known one's answer does not depend on a key.
    ("GET", "/v1/presence/back/{token}"): Row(lambda w: "/v1/presence/back/" + "A" * 43, everyone(404)),
    ("POST", "/v1/presence/back/{token}"): Row(lambda w: "/v1/presence/back/" + "A" * 43, everyone(404)),
    ("GET", "/v1/me/status"): Row(lambda w: "/v1/me/status", agents(200)),
    ("PUT", "/v1/me/status"): Row(lambda w: "/v1/me/status", agents(200), body=lambda w: {"status": "available"}),
}


def contract_endpoints(template: Template) -> set[tuple[str, str]]:
    """(method, path) of every endpoint: the template's routes, `ANY` expanded to the document's methods."""
    documented = _document_operations()
    endpoints: set[tuple[str, str]] = set()
    for route in template.routes:
        if route.path.startswith("/app"):
            continue  # the console's pages, signed in with a session: tests/integration/test_console.py
        if route.method == "ANY":
            methods = {method for method, path in documented if path == route.path}
            assert methods, f"ANY {route.path}: the OpenAPI document has no operation on this path"
            endpoints |= {(method, route.path) for method in methods}
        else:
            endpoints.add((route.method, route.path))
    return endpoints


def _document_operations() -> set[tuple[str, str]]:
    # The committed document (test_openapi checks it is the one the code builds). Building it here would
    # import the handlers' modules outside the functions' environment, and they read it once, on import.
    paths = json.loads((ROOT / "docs" / "openapi.json").read_text())["paths"]
    return {(method.upper(), path) for path, operations in paths.items() for method in operations}


def test_every_endpoint_has_a_row(template: Template) -> None:
    endpoints = contract_endpoints(template)
    missing = sorted(endpoints - set(MATRIX))
    stale = sorted(set(MATRIX) - endpoints)
    assert not missing, f"add a row to MATRIX for {missing}"
    assert not stale, f"no such endpoint in template.yaml: {stale}"
    # ...and every operation of the document is served by a route of the template.
    assert _document_operations() <= endpoints


@pytest.fixture
def world(api: ApiClient, template: Template, company: Company, operator_key: str) -> World:
    here = company
    here.office("north")
    here.office("south")
    here.agent(1, office_id="north", lead_management=True, click_to_claim=True)
    here.agent(2, office_id="north")
    here.agent(3, office_id="south", lead_management=True)
    here.settings(agents_can_claim_unassigned=True, click_to_claim_enabled=True)
    there = create_company(api, operator_key, name="Other Realty")
    there.agent(42, lead_management=True)
    there.settings(agents_can_claim_unassigned=True)
    keys: dict[str, str | None] = {
        NONE: None,
        OPERATOR: operator_key,
        ADMIN: here.admin_key,
        OFFICE_MANAGER: here.key("office_manager", office_ids=["north"]),
        OTHER_OFFICE_MANAGER: here.key("office_manager", office_ids=["south"]),
        AGENT: here.key("agent", agent_id=1),
        AGENT_WITHOUT_LM: here.key("agent", agent_id=2),
        OTHER_COMPANY_AGENT: there.key("agent", agent_id=42),
    }
    return World(api, template, here, there, keys)


@pytest.mark.parametrize(("method", "path"), sorted(MATRIX), ids=str)
def test_authorization_matrix(world: World, method: str, path: str) -> None:
    row = MATRIX[(method, path)]
    assert set(row.expected) == set(ROLES), f"{method} {path}: give a status for every role"
    got: dict[str, int] = {}
    answers: dict[str, Answer] = {}
    for role in ROLES:
        answer = world.api.call(
            method, row.path(world), json_body=row.body(world), key=world.keys[role], headers=row.headers
        )
        got[role] = answer.status
        answers[role] = answer
    wrong = {role: (got[role], answers[role].text[:200]) for role in ROLES if got[role] != row.expected[role]}
    assert not wrong, f"{method} {path}: expected {row.expected}, differs for {wrong}"
