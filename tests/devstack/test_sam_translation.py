"""SAM's semantics reach the local stack through aws-sam-translator's output, not a re-implementation.

The operated toy template uses what the local stack never interprets itself: Globals overridden by a
function, the implicit API configured by Globals.Api (a TOKEN authorizer, a gateway response with a
header), AutoPublishAlias (routes and `!Ref Fn.Alias` name an alias), conditions, and resources it
does not emulate (a topic, an alarm, a dashboard, a log group, managed policies).
"""

from pathlib import Path

import pytest

from devstack.intrinsics import TemplateError
from devstack.template import Template, load_template
from tests.support.toy_project import write_operated_project, write_project

ACCOUNT_LAMBDA = "arn:aws:lambda:us-east-1:123456789012:function"


@pytest.fixture(scope="module")
def operated_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_operated_project(tmp_path_factory.mktemp("operated"))


@pytest.fixture(scope="module")
def dev(operated_path: Path) -> Template:
    return load_template(operated_path)


def test_a_function_overrides_a_global_and_merges_its_environment(dev: Template, operated_path: Path) -> None:
    echo, audit = dev.functions["EchoFunction"], dev.functions["AuditFunction"]
    assert (echo.timeout, audit.timeout) == (9, 5)
    assert echo.memory_size == 256
    assert echo.code_dir == operated_path.parent / "functions" / "echo"  # Globals' CodeUri
    assert {key: echo.environment[key] for key in ("STAGE", "SHARED", "OWN")} == {
        "STAGE": "dev",
        "SHARED": "from-globals",
        "OWN": "from-the-function",
    }
    assert "OWN" not in audit.environment


def test_the_implicit_api_takes_its_authorizer_and_responses_from_globals(dev: Template) -> None:
    routes = {(route.method, route.path): route for route in dev.routes}
    assert routes[("GET", "/public")].authorizer is None
    guarded = routes[("ANY", "/guarded/{thing}")]
    assert guarded.authorizer == "TokenKeys"
    api = dev.apis[guarded.api_logical_id]
    assert (guarded.api_logical_id, api.stage_name) == ("ServerlessRestApi", "Prod")
    authorizer = api.authorizers["TokenKeys"]
    assert (authorizer.payload_type, authorizer.identity_headers) == ("TOKEN", ("X-Toy-Key",))
    assert authorizer.function_logical_id == "AuthFunction"
    throttled = api.gateway_responses["THROTTLED"]
    assert (throttled.status_code, throttled.headers) == (429, {"Retry-After": "7"})


def test_an_alias_reaches_the_function_it_qualifies(dev: Template) -> None:
    # The API integrates with EchoFunction's alias; the route still runs EchoFunction.
    assert {route.function_logical_id for route in dev.routes} == {"EchoFunction"}
    calls = dev.functions["EchoFunction"].environment["CALLS"]
    assert calls == f"{ACCOUNT_LAMBDA}:lead-router-local-AuditFunction:current"
    found = dev.function_for_arn(calls)
    assert found is not None
    assert found.logical_id == "AuditFunction"
    assert dev.outputs["EchoAlias"] == f"{ACCOUNT_LAMBDA}:lead-router-local-echo:live"


def test_resources_the_local_stack_does_not_emulate_are_ignored(dev: Template) -> None:
    # Versions, aliases, roles, permissions, the topic, alarm, dashboard and log group are no functions.
    assert set(dev.functions) == {"AuthFunction", "EchoFunction", "AuditFunction"}
    assert (dev.tables, dev.event_buses, dev.schedule_groups) == ((), (), ())
    # Still, what refers to them resolves as deployed: a topic's Ref is its ARN.
    assert dev.outputs["Alarms"] == "arn:aws:sns:us-east-1:123456789012:lead-router-local-AlarmTopic"


def test_a_condition_decides_a_function_its_route_and_an_output(dev: Template, operated_path: Path) -> None:
    assert "ProdOnlyFunction" not in dev.functions
    assert "ReportUrl" not in dev.outputs
    prod = load_template(operated_path, parameters={"Stage": "prod", "EnableSnapStart": "true"})
    report = next(route for route in prod.routes if route.path == "/report")
    assert (report.function_logical_id, report.authorizer) == ("ProdOnlyFunction", "TokenKeys")
    assert prod.functions["EchoFunction"].environment["STAGE"] == "prod"
    assert str(prod.outputs["ReportUrl"]).endswith("/Prod/report")


REFUSED = {
    # SAM itself refuses an event naming an authorizer the API does not have.
    "Missing": """
      Events:
        Nowhere:
          Type: Api
          Properties: {Path: /x, Method: GET, Auth: {Authorizer: Missing}}
""",
    # The local stack runs only code it has.
    "local CodeUri": """
      Environment:
        Variables: {CODE: elsewhere}
""",
}


@pytest.mark.parametrize("reason", sorted(REFUSED))
def test_what_cannot_run_locally_is_a_template_error(tmp_path: Path, reason: str) -> None:
    code_uri = "s3://someone-elses-bucket/code.zip" if reason == "local CodeUri" else "functions/echo/"
    template = f"""
Transform: AWS::Serverless-2016-10-31
Resources:
  Refused:
    Type: AWS::Serverless::Function
    Properties:
      CodeUri: {code_uri}
      Handler: app.handler
      Runtime: python3.13
{REFUSED[reason].strip(chr(10))}
"""
    with pytest.raises(TemplateError, match=reason):
        load_template(write_project(tmp_path, template, {}))
