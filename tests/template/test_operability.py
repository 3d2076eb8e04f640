"""What an operator of a deployed stack relies on, read from template.yaml itself: every function's logs kept
for the retention chosen, an alarm on every place where work can pile up unseen, a dashboard with the
service's own figures, and policies that give each function only what its code calls.

A function, queue or policy added later without these fails here, naming what is missing.
"""

import json
import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

import pytest

from devstack.cfn_yaml import load_yaml

ROOT = Path(__file__).resolve().parents[2]
FUNCTION = "AWS::Serverless::Function"
# The deletes in the code: the admin API's transactions (offices, routes, revoked keys) and intake's
# idempotency records (Powertools deletes its in-progress record when a request fails).
DELETING_FUNCTIONS = {"AdminApiFunction"}
DASHBOARD_METRICS = (
    "SpeedToLeadSeconds",
    "LeadsRouted",
    "OffersSent",
    "OffersClaimed",
    "OffersPassed",
    "OffersExpired",
    "FailedDeliveries",
)


@pytest.fixture(scope="module")
def template() -> dict[str, Any]:
    return load_yaml(ROOT / "template.yaml")


def _resources(template: Mapping[str, Any], resource_type: str) -> dict[str, Mapping[str, Any]]:
    return {
        logical_id: resource.get("Properties") or {}
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == resource_type
    }


def _refs(node: Any) -> Iterator[str]:
    """Every logical id that a Ref, GetAtt or Sub in ``node`` names."""
    if isinstance(node, Mapping):
        for key, value in node.items():
            if key == "Ref":
                yield str(value)
            elif key == "Fn::GetAtt":
                yield str(value[0])
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                yield from (name.split(".")[0] for name in re.findall(r"\$\{([^}!]+)\}", str(text)))
            else:
                yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _actions(policy: Mapping[str, Any]) -> set[str]:
    actions: set[str] = set()
    for statement in policy["PolicyDocument"]["Statement"]:
        listed = statement["Action"]
        actions.update([listed] if isinstance(listed, str) else listed)
    return actions


def test_every_function_logs_json_to_a_group_kept_for_the_retention_parameter(template: dict[str, Any]) -> None:
    assert template["Parameters"]["LogRetentionDays"]["Default"] == 30
    logging = template["Globals"]["Function"]["LoggingConfig"]
    assert logging["LogFormat"] == "JSON"
    # Lambda's level overrides Powertools' once logs are JSON: every LogLevel must map onto one of Lambda's.
    assert logging["ApplicationLogLevel"] == {"Fn::FindInMap": ["LambdaLogLevel", {"Ref": "LogLevel"}, "Level"]}
    levels = template["Mappings"]["LambdaLogLevel"]
    assert {level: levels[level]["Level"] for level in template["Parameters"]["LogLevel"]["AllowedValues"]} == {
        "DEBUG": "DEBUG",
        "INFO": "INFO",
        "WARNING": "WARN",
        "ERROR": "ERROR",
    }
    groups = _resources(template, "AWS::Logs::LogGroup")
    for logical_id, function in _resources(template, FUNCTION).items():
        group = function.get("LoggingConfig", {}).get("LogGroup", {}).get("Ref")
        assert group in groups, f"{logical_id} has no log group of the stack"
        assert groups[group]["RetentionInDays"] == {"Ref": "LogRetentionDays"}, group


def test_api_access_logs_leave_out_offer_tokens_and_callers_addresses(template: dict[str, Any]) -> None:
    (api,) = _resources(template, "AWS::Serverless::Api").values()
    setting = api["AccessLogSetting"]
    assert set(_refs(setting["DestinationArn"])) == {"ApiAccessLogGroup"}
    fields = json.loads(setting["Format"])
    assert fields["resource"] == "$context.resourcePath"  # /v1/offers/{token}, never the token itself
    assert not [value for value in fields.values() if value in ("$context.path", "$context.identity.sourceIp")]


def test_every_dead_letter_queue_has_an_alarm_on_its_depth(template: dict[str, Any]) -> None:
    resources = template["Resources"]
    targets = set(
        _refs(
            [
                *(queue.get("RedrivePolicy", {}) for queue in _resources(template, "AWS::SQS::Queue").values()),
                *(function.get("DeadLetterQueue", {}) for function in _resources(template, FUNCTION).values()),
                *(
                    event["Properties"].get(key, {})
                    for function in _resources(template, FUNCTION).values()
                    for event in (function.get("Events") or {}).values()
                    for key in ("DeadLetterConfig", "DestinationConfig")
                ),
            ]
        )
    )
    targets = {target for target in targets if resources[target]["Type"] == "AWS::SQS::Queue"}
    assert {"OfferTimerDeadLetterQueue", "SweeperDeadLetterQueue", "LeadEventsFailedQueue"} <= targets
    watched = {
        next(_refs(alarm["Dimensions"]))
        for alarm in _resources(template, "AWS::CloudWatch::Alarm").values()
        if alarm.get("MetricName") == "ApproximateNumberOfMessagesVisible"
    }
    assert targets <= watched, f"no depth alarm on {sorted(targets - watched)}"


def test_every_function_is_in_the_error_and_throttle_alarms(template: dict[str, Any]) -> None:
    functions = set(_resources(template, FUNCTION))
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    for alarm_id in ("FunctionErrorsAlarm", "FunctionThrottlesAlarm"):
        watched = set(_refs([metric.get("MetricStat") for metric in alarms[alarm_id]["Metrics"]]))
        assert functions <= watched, f"{alarm_id} misses {sorted(functions - watched)}"


def test_every_alarm_notifies_the_topic_the_alarm_email_subscribes_to(template: dict[str, Any]) -> None:
    alarms = _resources(template, "AWS::CloudWatch::Alarm")
    assert len(alarms) >= 10
    for logical_id, alarm in alarms.items():
        assert alarm["AlarmActions"] == [{"Ref": "AlarmTopic"}], logical_id
        assert alarm["OKActions"] == [{"Ref": "AlarmTopic"}], logical_id
    subscription = template["Resources"]["AlarmEmailSubscription"]
    assert subscription["Condition"] == "HasAlarmEmail"
    assert subscription["Properties"]["Endpoint"] == {"Ref": "AlarmEmail"}


def test_the_dashboard_shows_the_services_own_figures(template: dict[str, Any]) -> None:
    (dashboard,) = _resources(template, "AWS::CloudWatch::Dashboard").values()
    body = json.loads(dashboard["DashboardBody"]["Fn::Sub"])
    shown = json.dumps([widget["properties"]["metrics"] for widget in body["widgets"]])
    assert [metric for metric in DASHBOARD_METRICS if metric not in shown] == []


def test_policies_are_shared_and_grant_no_scan_and_deletes_only_where_the_code_deletes(
    template: dict[str, Any],
) -> None:
    policies = _resources(template, "AWS::IAM::ManagedPolicy")
    assert not [name for name, policy in policies.items() if "dynamodb:Scan" in _actions(policy)]
    deleting: set[str] = set()
    for logical_id, function in _resources(template, FUNCTION).items():
        for policy in function.get("Policies") or []:
            assert "Statement" not in policy, f"{logical_id} pastes a policy of its own"
            assert not any("DynamoDB" in str(key) for key in policy), f"{logical_id}: SAM's table policies allow Scan"
            names = set(_refs(policy))
            if any("dynamodb:DeleteItem" in _actions(policies[name]) for name in names & set(policies)):
                deleting.add(logical_id)
    assert deleting == DELETING_FUNCTIONS


def test_scheduler_role_is_trusted_only_from_the_stacks_schedule_group(template: dict[str, Any]) -> None:
    (statement,) = template["Resources"]["SchedulerInvokeRole"]["Properties"]["AssumeRolePolicyDocument"]["Statement"]
    assert statement["Condition"]["ArnEquals"]["aws:SourceArn"] == {"Fn::GetAtt": ["OfferScheduleGroup", "Arn"]}


def test_functions_and_their_layer_are_built_for_arm64(template: dict[str, Any]) -> None:
    assert template["Globals"]["Function"]["Architectures"] == ["arm64"]
    assert not [name for name, function in _resources(template, FUNCTION).items() if "Architectures" in function]
    layer = template["Resources"]["SharedLayer"]
    assert layer["Metadata"]["BuildArchitecture"] == "arm64"
    assert layer["Properties"]["CompatibleArchitectures"] == ["arm64"]


def test_the_production_table_cannot_be_deleted_by_accident(template: dict[str, Any]) -> None:
    table = template["Resources"]["LeadsTable"]
    assert table["DeletionPolicy"] == "Retain"
    assert table["Properties"]["DeletionProtectionEnabled"] == {"Fn::If": ["IsProd", True, False]}
