"""The OpenAPI document the service serves: it documents every routed endpoint of the contract, every route
of template.yaml, nothing the gateway does not route, and it is the committed docs/openapi.json."""

import json
from pathlib import Path
from typing import Any

import pytest

from devstack.template import Route, Template
from tests.support.client import ApiClient
from tests.support.scenario import expect

ROOT = Path(__file__).resolve().parents[2]
COMMITTED = ROOT / "docs" / "openapi.json"
HTTP_METHODS = {"get", "put", "post", "delete", "patch", "head", "options"}
# CORS plumbing, answered for browsers, not an operation of the API.
NOT_OPERATIONS = {"OPTIONS"}

# Every method and path of docs' HTTP contract (API.md).
CONTRACT: list[tuple[str, str]] = [
    ("POST", "/v1/companies"),
    ("POST", "/v1/companies/{company_id}/leads"),
    ("GET", "/v1/companies/{company_id}/agents/directory"),
    ("GET", "/v1/offers/{token}"),
    ("POST", "/v1/offers/{token}"),
    ("GET", "/v1/openapi.json"),
    ("GET", "/v1/me/offers"),
    ("POST", "/v1/me/offers/{offer_id}/{action}"),
    ("GET", "/v1/me/leads"),
    ("GET", "/v1/pool"),
    ("POST", "/v1/leads/{lead_id}/claim"),
    ("POST", "/v1/leads/{lead_id}/release"),
    ("GET", "/v1/settings"),
    ("PUT", "/v1/settings"),
    ("POST", "/v1/agents"),
    ("GET", "/v1/agents"),
    ("GET", "/v1/agents/{agent_id}"),
    ("PUT", "/v1/agents/{agent_id}"),
    ("PATCH", "/v1/agents/{agent_id}"),
    ("DELETE", "/v1/agents/{agent_id}"),
    ("POST", "/v1/offices"),
    ("GET", "/v1/offices"),
    ("GET", "/v1/offices/{office_id}"),
    ("PUT", "/v1/offices/{office_id}"),
    ("DELETE", "/v1/offices/{office_id}"),
    ("POST", "/v1/routes"),
    ("GET", "/v1/routes"),
    ("GET", "/v1/routes/{route_id}"),
    ("PUT", "/v1/routes/{route_id}"),
    ("DELETE", "/v1/routes/{route_id}"),
    ("GET", "/v1/leads"),
    ("GET", "/v1/leads/{lead_id}"),
    ("POST", "/v1/leads/{lead_id}/assign"),
    ("POST", "/v1/routing/simulate"),
    ("POST", "/v1/keys"),
    ("GET", "/v1/keys"),
    ("DELETE", "/v1/keys/{key_id}"),
]


@pytest.fixture
def served(api: ApiClient) -> dict[str, Any]:
    document: dict[str, Any] = expect(api.get("/v1/openapi.json"), 200)
    return document


def routed(template: Template, method: str, path: str) -> bool:
    return any(route.path == path and route.method in (method, "ANY") for route in template.routes)


def documented(document: dict[str, Any], method: str, path: str) -> bool:
    return method.lower() in document["paths"].get(path, {})


def operations(document: dict[str, Any]) -> list[tuple[str, str]]:
    return [
        (method.upper(), path) for path, item in document["paths"].items() for method in item if method in HTTP_METHODS
    ]


def test_the_document_is_served_without_a_key(api: ApiClient) -> None:
    answer = api.get("/v1/openapi.json")
    assert answer.status == 200
    assert any(
        key.lower() == "content-type" and value.startswith("application/json") for key, value in answer.headers.items()
    )
    document = answer.json
    assert document["openapi"].startswith("3.")
    assert document["info"]["title"]
    assert document["paths"]


def test_every_routed_endpoint_of_the_contract_is_documented(template: Template, served: dict[str, Any]) -> None:
    implemented = [(method, path) for method, path in CONTRACT if routed(template, method, path)]
    assert len(implemented) >= 20  # the admin API, intake and the directory at least
    missing = [
        f"{method} {path}"
        for method, path in implemented
        if path != "/v1/openapi.json" and not documented(served, method, path)
    ]
    assert missing == []


def test_every_route_of_the_template_is_in_the_document(template: Template, served: dict[str, Any]) -> None:
    def absent(route: Route) -> bool:
        if route.path not in served["paths"]:
            return True
        if route.method == "ANY":
            return not any(method in HTTP_METHODS for method in served["paths"][route.path])
        return route.method not in NOT_OPERATIONS and not documented(served, route.method, route.path)

    # The console's pages (/app) are HTML for browsers, not operations of the API (docs/DECISIONS.md).
    missing = [
        f"{route.method} {route.path}"
        for route in template.routes
        if route.path != "/v1/openapi.json" and not route.path.startswith("/app") and absent(route)
    ]
    assert missing == []


def test_the_document_lists_its_own_route(served: dict[str, Any]) -> None:
    assert documented(served, "GET", "/v1/openapi.json")


def test_the_document_promises_nothing_the_gateway_does_not_route(template: Template, served: dict[str, Any]) -> None:
    unrouted = [f"{method} {path}" for method, path in operations(served) if not routed(template, method, path)]
    assert unrouted == []


def test_every_operation_has_a_summary_and_answers(served: dict[str, Any]) -> None:
    for method, path in operations(served):
        operation = served["paths"][path][method.lower()]
        assert operation.get("summary"), f"{method} {path}"
        assert operation.get("responses"), f"{method} {path}"


def test_the_intake_documents_its_answers(served: dict[str, Any]) -> None:
    responses = served["paths"]["/v1/companies/{company_id}/leads"]["post"]["responses"]
    assert {"202", "400", "404", "413", "422"} <= set(responses)
    assert responses["202"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/IntakeAnswer"}


def test_every_operation_documents_its_success_answer(served: dict[str, Any]) -> None:
    without = [
        f"{method} {path}"
        for method, path in operations(served)
        if not any(status.startswith("2") for status in served["paths"][path][method.lower()]["responses"])
    ]
    assert without == []


def test_every_error_answer_is_documented_in_the_contract_shape(served: dict[str, Any]) -> None:
    wrong = []
    for method, path in operations(served):
        for status, response in served["paths"][path][method.lower()]["responses"].items():
            if status.startswith("4"):
                schema = response.get("content", {}).get("application/json", {}).get("schema")
                if schema != {"$ref": "#/components/schemas/ErrorAnswer"}:
                    wrong.append(f"{method} {path} {status}")
    assert wrong == []


def test_public_operations_need_no_key_in_the_document(template: Template, served: dict[str, Any]) -> None:
    public = [
        (route.method, route.path)
        for route in template.routes
        if route.authorizer is None
        and route.method not in NOT_OPERATIONS
        and documented(served, route.method, route.path)
    ]
    assert public
    needing_a_key = [
        f"{method} {path}"
        for method, path in public
        if served["paths"][path][method.lower()].get("security", served.get("security", [])) != []
    ]
    assert needing_a_key == []


def test_keyed_operations_need_the_bearer_key(template: Template, served: dict[str, Any]) -> None:
    assert served["components"]["securitySchemes"]["apiKey"] == {
        "type": "http",
        "scheme": "bearer",
        "description": served["components"]["securitySchemes"]["apiKey"]["description"],
    }
    for method, path in operations(served):
        if any(route.path == path and route.authorizer is not None for route in template.routes):
            security = served["paths"][path][method.lower()].get("security", served.get("security"))
            assert security == [{"apiKey": []}], f"{method} {path}"


def first_difference(left: Any, right: Any, where: str = "") -> str | None:
    """The JSON pointer of the first place two documents differ."""
    if isinstance(left, dict) and isinstance(right, dict):
        for key in sorted(set(left) | set(right)):
            found = first_difference(left.get(key), right.get(key), f"{where}/{key}")
            if found is not None:
                return found
        return None
    if isinstance(left, list) and isinstance(right, list) and len(left) == len(right):
        for index, (a, b) in enumerate(zip(left, right, strict=True)):
            found = first_difference(a, b, f"{where}/{index}")
            if found is not None:
                return found
        return None
    return None if left == right else where or "/"


def test_the_served_document_is_the_committed_one_and_the_code_builds_it(served: dict[str, Any]) -> None:
    from leadrouter.api.catalog import openapi_document

    committed = json.loads(COMMITTED.read_text())
    built = json.loads(openapi_document())
    assert served == committed
    if committed != built:
        pytest.fail(
            "docs/openapi.json differs from the document the code builds "
            f"(first at {first_difference(committed, built)}): run `make openapi` and commit it",
            pytrace=False,
        )
