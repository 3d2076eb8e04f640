"""create_resources builds the real template's resources inside moto.mock_aws() (no server)."""

import json
from pathlib import Path

import boto3

from devstack.resources import create_resources
from devstack.template import load_template

REPO = Path(__file__).resolve().parents[2]


def test_the_real_template_resources_are_created(aws: boto3.session.Session) -> None:
    template = load_template(REPO / "template.yaml")
    created = create_resources(template, aws)
    dynamodb = aws.client("dynamodb")
    (table_name,) = created.table_names
    table = dynamodb.describe_table(TableName=table_name)["Table"]
    assert {index["IndexName"] for index in table["GlobalSecondaryIndexes"]} == {
        index["IndexName"] for index in template.tables[0].properties["GlobalSecondaryIndexes"]
    }
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName=table_name)["TimeToLiveDescription"]
    assert ttl == {"AttributeName": "expiration", "TimeToLiveStatus": "ENABLED"}
    assert (
        aws.client("events").describe_event_bus(Name=created.event_bus_names[0])["Name"] == created.event_bus_names[0]
    )
    assert aws.client("scheduler").get_schedule_group(Name=created.schedule_group_names[0])["State"] == "ACTIVE"
    assert "leads@example.com" in aws.client("ses").list_identities()["Identities"]


def test_the_user_pool_and_its_client_exist_under_the_ids_the_functions_refer_to(aws: boto3.session.Session) -> None:
    template = load_template(REPO / "template.yaml")
    created = create_resources(template, aws)
    environment = template.functions["ConsoleFunction"].environment
    cognito = aws.client("cognito-idp")
    assert created.user_pool_ids == (environment["USER_POOL_ID"],)
    pool = cognito.describe_user_pool(UserPoolId=environment["USER_POOL_ID"])["UserPool"]
    assert pool["Arn"].endswith(f"userpool/{environment['USER_POOL_ID']}")
    assert pool["AdminCreateUserConfig"]["AllowAdminCreateUserOnly"] is True
    client = cognito.describe_user_pool_client(
        UserPoolId=environment["USER_POOL_ID"], ClientId=environment["USER_POOL_CLIENT_ID"]
    )["UserPoolClient"]
    assert "ALLOW_USER_PASSWORD_AUTH" in client["ExplicitAuthFlows"]
    assert "custom:role" not in client.get("WriteAttributes", [])
    # A second run (the pool is there) leaves it as it is.
    assert create_resources(template, aws).user_pool_ids == created.user_pool_ids


def test_published_events_are_captured_in_the_queue(aws: boto3.session.Session) -> None:
    template = load_template(REPO / "template.yaml")
    created = create_resources(template, aws)
    assert created.event_queue_url is not None
    aws.client("events").put_events(
        Entries=[
            {
                "EventBusName": created.event_bus_names[0],
                "Source": "leadrouter",
                "DetailType": "lead.received",
                "Detail": json.dumps({"lead_id": "ld_1"}),
            }
        ]
    )
    messages = aws.client("sqs").receive_message(QueueUrl=created.event_queue_url)["Messages"]
    event = json.loads(messages[0]["Body"])
    assert event["detail-type"] == "lead.received"
    assert event["detail"] == {"lead_id": "ld_1"}
