"""The template loader: the real template.yaml, and CloudFormation's intrinsic functions."""

from pathlib import Path

import pytest

from devstack.cfn_yaml import load_yaml
from devstack.intrinsics import NO_VALUE, Resolver, StackContext, TemplateError
from devstack.template import Template, load_template

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template() -> Template:
    return load_template(REPO / "template.yaml")


def test_the_real_template_has_its_table_with_indexes_and_ttl(template: Template) -> None:
    (table,) = template.tables
    assert table.name == "lead-router-local-LeadsTable"
    assert [key["AttributeName"] for key in table.properties["KeySchema"]] == ["PK", "SK"]
    assert {index["IndexName"] for index in table.properties["GlobalSecondaryIndexes"]} >= {"GSI1"}
    assert table.properties["TimeToLiveSpecification"]["Enabled"] is True


def test_the_real_template_names_the_bus_and_the_schedule_group(template: Template) -> None:
    assert [bus.name for bus in template.event_buses] == ["lead-router-local-lead-events"]
    assert [group.name for group in template.schedule_groups] == ["lead-router-local-offer-timers"]
    assert template.sender_identities == ("leads@example.com",)


def test_the_real_template_functions_get_globals_and_resolved_environment(template: Template) -> None:
    intake = template.functions["IntakeFunction"]
    assert intake.name == "lead-router-local-intake"
    assert intake.handler_file == REPO / "functions" / "intake" / "app.py"
    assert intake.handler_function == "lambda_handler"
    assert intake.timeout == 10
    assert intake.memory_size == 1792  # its own, over the Globals' 512
    assert template.functions["AuthorizerFunction"].memory_size == 512  # the Globals'
    assert intake.layer_dirs == (REPO / "layers" / "shared",)
    environment = intake.environment
    assert environment["TABLE_NAME"] == "lead-router-local-LeadsTable"
    assert environment["EVENT_BUS_NAME"] == "lead-router-local-lead-events"
    assert environment["SCHEDULE_GROUP_NAME"] == "lead-router-local-offer-timers"
    assert environment["SCHEDULER_ROLE_ARN"] == "arn:aws:iam::123456789012:role/lead-router-local-SchedulerInvokeRole"
    assert environment["TIMEOUT_FUNCTION_ARN"].startswith("arn:aws:lambda:us-east-1:123456789012:function:")
    assert environment["SENDER_EMAIL"] == "leads@example.com"


def test_the_real_template_routes_and_their_authorizer(template: Template) -> None:
    routes = {(route.method, route.path): route for route in template.routes}
    post_lead = routes[("POST", "/v1/companies/{company_id}/leads")]
    assert post_lead.function_logical_id == "IntakeFunction"
    assert post_lead.authorizer is None  # Auth: Authorizer: NONE
    create_company = routes[("POST", "/v1/companies")]
    assert create_company.authorizer == "KeyAuthorizer"
    assert routes[("ANY", "/v1/agents/{agent_id}")].function_logical_id == "AdminApiFunction"
    api = template.apis[post_lead.api_logical_id]
    authorizer = api.authorizers["KeyAuthorizer"]
    assert authorizer.function_logical_id == "AuthorizerFunction"
    assert authorizer.payload_type == "REQUEST"
    assert authorizer.identity_headers == ("Authorization",)
    assert api.gateway_responses["UNAUTHORIZED"].status_code == 401


def test_the_console_refresh_cookie_lasts_as_long_as_the_user_pool_clients_refresh_token(template: Template) -> None:
    from leadrouter.console.sessions import REFRESH_SECONDS

    [pool] = template.user_pools
    [(_, _, client)] = pool.clients
    units = {"minutes": 60, "hours": 3600, "days": 86400}
    validity = client["TokenValidityUnits"]
    assert client["RefreshTokenValidity"] * units[validity["RefreshToken"]] == REFRESH_SECONDS
    assert client["AccessTokenValidity"] * units[validity["AccessToken"]] == 3600
    assert "ALLOW_REFRESH_TOKEN_AUTH" in client["ExplicitAuthFlows"]
    assert client["EnableTokenRevocation"] is True


def test_parameters_can_be_overridden(tmp_path: Path) -> None:
    overridden = load_template(REPO / "template.yaml", parameters={"SenderEmail": "team@brokerage.test"})
    assert overridden.functions["IntakeFunction"].environment["SENDER_EMAIL"] == "team@brokerage.test"
    with pytest.raises(TemplateError):
        load_template(REPO / "template.yaml", parameters={"Stage": "nonsense"})


def _resolver(tmp_path: Path, text: str) -> Resolver:
    path = tmp_path / "t.yaml"
    path.write_text(text, encoding="utf-8")
    return Resolver(load_yaml(path), StackContext())


def test_short_tags_and_intrinsics(tmp_path: Path) -> None:
    resolver = _resolver(
        tmp_path,
        """
Parameters:
  Env: {Type: String, Default: prod}
  Names: {Type: CommaDelimitedList, Default: "a,b,c"}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
  NotProd: !Not [!Condition IsProd]
Mappings:
  Sizes: {prod: {memory: 1024}}
Resources:
  Queue:
    Type: AWS::SQS::Queue
    Properties: {QueueName: !Sub "${AWS::StackName}-q"}
  Fn:
    Type: AWS::Serverless::Function
    Properties: {}
Outputs:
  Values:
    Value:
      sub: !Sub ["${Greeting}, ${AWS::Region} ${!Literal} ${Queue.Arn}", {Greeting: hi}]
      join: !Join ["-", [!Ref Env, !Select [1, !Ref Names]]]
      split: !Split [",", "x,y"]
      when: !If [IsProd, big, small]
      gone: !If [NotProd, here, !Ref AWS::NoValue]
      memory: !FindInMap [Sizes, !Ref Env, memory]
      fn: !GetAtt Fn.Arn
      queue: !Ref Queue
""",
    )
    values = resolver.resolve(load_yaml(tmp_path / "t.yaml")["Outputs"]["Values"]["Value"])
    assert values == {
        "sub": "hi, us-east-1 ${Literal} arn:aws:sqs:us-east-1:123456789012:lead-router-local-q",
        "join": "prod-b",
        "split": ["x", "y"],
        "when": "big",
        "memory": 1024,
        "fn": "arn:aws:lambda:us-east-1:123456789012:function:lead-router-local-Fn",
        "queue": "https://sqs.us-east-1.amazonaws.com/123456789012/lead-router-local-q",  # a queue's Ref is its URL
    }
    assert resolver.ref("AWS::NoValue") is NO_VALUE


def test_an_unsupported_intrinsic_is_an_error(tmp_path: Path) -> None:
    resolver = _resolver(tmp_path, "Resources: {}\n")
    with pytest.raises(TemplateError):
        resolver.resolve({"Fn::ImportValue": "elsewhere"})
