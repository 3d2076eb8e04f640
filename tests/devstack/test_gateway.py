"""The local API Gateway over real HTTP, in front of toy functions (no AWS needed)."""

import base64
import json
import logging
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
import requests

from devstack.gateway import Gateway
from devstack.lambdas import LambdaRuntime, function_environment
from devstack.moto_server import apply_environment
from devstack.template import Template


@pytest.fixture(scope="module", params=["process", "thread"])
def gateway(toy_template: Template, request: pytest.FixtureRequest) -> Iterator[Gateway]:
    runtime = LambdaRuntime(toy_template, max_containers=4, isolation=request.param)
    server = Gateway(toy_template, runtime)
    previous = apply_environment(dict(function_environment(toy_template, {"PUBLIC_BASE_URL": server.url})))
    server.start()
    yield server
    server.stop()
    runtime.close()
    apply_environment(previous)


def _echo(response: requests.Response) -> dict[str, Any]:
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def test_a_request_becomes_a_rest_proxy_event(gateway: Gateway) -> None:
    response = requests.get(f"{gateway.url}/things/t%201?color=red&size=s&size=m", timeout=5)
    echo = _echo(response)
    event = echo["event"]
    assert event["resource"] == "/things/{thing_id}"
    assert event["path"] == "/things/t 1"
    assert event["httpMethod"] == "GET"
    assert event["pathParameters"] == {"thing_id": "t 1"}
    assert event["queryStringParameters"] == {"color": "red", "size": "m"}
    assert event["multiValueQueryStringParameters"] == {"color": ["red"], "size": ["s", "m"]}
    assert event["body"] is None
    assert event["isBase64Encoded"] is False
    context = event["requestContext"]
    assert context["stage"] == "local"
    assert context["resourcePath"] == "/things/{thing_id}"
    assert context["domainName"] == f"127.0.0.1:{gateway.port}"
    assert context["identity"]["sourceIp"] == "127.0.0.1"
    assert isinstance(context["requestTimeEpoch"], int)
    assert "authorizer" not in context
    assert echo["greeting"] == "hello from lead-router-local"
    assert echo["function_name"] == "lead-router-local-EchoFunction"
    assert 0 < echo["remaining_ms"] <= 5000
    # The proxy response's headers, single and multi-valued, come back as HTTP headers.
    assert response.headers["X-Echo"] == "yes"
    assert response.raw.headers.getlist("Set-Cookie") == ["a=1", "b=2"]
    assert response.headers["x-amzn-RequestId"] == context["requestId"]


def test_a_literal_route_wins_over_a_path_parameter(gateway: Gateway) -> None:
    event = _echo(requests.get(f"{gateway.url}/things/special", timeout=5))["event"]
    assert event["resource"] == "/things/special"
    assert event["pathParameters"] is None


def test_form_bodies_are_text_and_binary_bodies_base64(gateway: Gateway) -> None:
    form = _echo(requests.post(f"{gateway.url}/forms", data={"first_name": "Ana", "note": "a&b"}, timeout=5))
    assert form["event"]["body"] == "first_name=Ana&note=a%26b"
    assert form["event"]["isBase64Encoded"] is False
    assert form["event"]["headers"]["Content-Type"] == "application/x-www-form-urlencoded"
    raw = bytes(range(256))
    binary = _echo(
        requests.post(f"{gateway.url}/forms", data=raw, headers={"Content-Type": "application/octet-stream"}, timeout=5)
    )
    assert binary["event"]["isBase64Encoded"] is True
    assert base64.b64decode(binary["event"]["body"]) == raw


def test_a_body_over_10_mb_is_refused(gateway: Gateway) -> None:
    response = requests.post(f"{gateway.url}/forms", data=b"x" * (10 * 1024 * 1024 + 1), timeout=30)
    assert response.status_code == 413


def test_unknown_paths_and_methods_answer_in_the_contract_shape(gateway: Gateway) -> None:
    missing = requests.get(f"{gateway.url}/nowhere", timeout=5)
    assert missing.status_code == 404
    assert missing.json()["error"]["code"] == "not_found"
    wrong_method = requests.delete(f"{gateway.url}/forms", timeout=5)
    assert wrong_method.status_code == 403
    assert "error" in wrong_method.json()


def test_the_authorizer_allows_and_its_context_reaches_the_function(gateway: Gateway) -> None:
    response = requests.post(f"{gateway.url}/private/a/b", headers={"Authorization": "Bearer allow"}, timeout=5)
    event = _echo(response)["event"]
    assert event["pathParameters"] == {"proxy": "a/b"}
    authorizer = event["requestContext"]["authorizer"]
    assert authorizer["principalId"] == "key-7"
    assert authorizer["role"] == "admin"
    assert authorizer["agent_id"] == "7"
    assert authorizer["active"] == "true"
    assert authorizer["event_type"] == "REQUEST"
    assert authorizer["method_arn"].endswith("/local/POST/private/a/b")
    assert authorizer["method_arn"].startswith("arn:aws:execute-api:us-east-1:123456789012:")


def test_no_authorization_header_answers_the_unauthorized_gateway_response(gateway: Gateway) -> None:
    response = requests.get(f"{gateway.url}/private/x", timeout=5)
    assert response.status_code == 401
    assert response.json() == {"error": {"code": "unauthorized", "message": "toy: no key"}}


def test_an_authorizer_raising_unauthorized_answers_401(gateway: Gateway) -> None:
    response = requests.get(f"{gateway.url}/private/x", headers={"Authorization": "Bearer explode"}, timeout=5)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_deny_or_a_policy_for_other_methods_answers_access_denied(gateway: Gateway) -> None:
    denied = requests.get(f"{gateway.url}/private/x", headers={"Authorization": "Bearer deny"}, timeout=5)
    assert denied.status_code == 403
    assert denied.json() == {"error": {"code": "forbidden", "message": "toy: denied"}}
    headers = {"Authorization": "Bearer get-only"}
    assert requests.get(f"{gateway.url}/private/x", headers=headers, timeout=5).status_code == 200
    assert requests.put(f"{gateway.url}/private/x", headers=headers, timeout=5).status_code == 403


def test_a_broken_authorizer_answers_500(gateway: Gateway) -> None:
    for verdict in ("broken", "nested"):
        response = requests.get(f"{gateway.url}/private/x", headers={"Authorization": f"Bearer {verdict}"}, timeout=5)
        assert response.status_code == 500
        assert "Traceback" not in response.text


def test_a_crashing_handler_answers_502_and_logs_its_traceback(
    gateway: Gateway, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR, logger="devstack"):
        response = requests.get(f"{gateway.url}/crash", timeout=5)
    assert response.status_code == 502
    assert response.json() == {"message": "Internal server error"}
    assert "secret-internal-detail" not in response.text
    # The traceback is in the log: the exception itself in this process, its text from a worker process.
    assert "secret-internal-detail" in caplog.text
    assert "Traceback" in caplog.text


def test_a_malformed_or_late_answer_is_a_502(gateway: Gateway) -> None:
    assert requests.get(f"{gateway.url}/malformed", timeout=5).status_code == 502
    assert requests.get(f"{gateway.url}/slow", timeout=5).status_code == 502


def test_concurrent_requests_get_containers_of_their_own_then_reuse_them(gateway: Gateway) -> None:
    def call(_: int) -> dict[str, Any]:
        return _echo(requests.get(f"{gateway.url}/things/c?sleep=0.3", timeout=10))

    with ThreadPoolExecutor(max_workers=3) as pool:
        answers = list(pool.map(call, range(3)))
    busy_containers = {answer["container"] for answer in answers}
    assert len(busy_containers) == 3
    warm = call(0)
    assert warm["container"] in busy_containers
    assert warm["invocations"] > 1
    assert json.loads(json.dumps(warm))  # the answer is plain JSON


def test_concurrent_requests_never_see_each_other_through_process_wide_state(gateway: Gateway) -> None:
    # Handlers keep the current request in process-wide places (Powertools' resolver does); each container
    # is a process of its own, or, in this process, runs alone.
    names = ["ada", "bo", "cy", "di"]

    def call(name: str) -> str:
        answer = requests.get(f"{gateway.url}/current/{name}", timeout=10)
        assert answer.status_code == 200, answer.text
        return str(answer.json()["name"])

    with ThreadPoolExecutor(max_workers=len(names)) as pool:
        assert list(pool.map(call, names)) == names
