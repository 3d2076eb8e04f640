"""Create the template's AWS resources in an emulated account (the moto server, or ``mock_aws``).

Everything takes boto3 clients or a boto3 session, never URLs: the local stack passes clients
that reach its moto server, and integration tests pass clients inside ``moto.mock_aws()`` to get
exactly the tables the template declares.
"""

import contextlib
import json
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Final

import boto3

from devstack import moto_dynamodb, moto_events
from devstack.cognito import create_user_pools
from devstack.queues import create_queues
from devstack.template import Table, Template

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_events import EventBridgeClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_scheduler import EventBridgeSchedulerClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_secretsmanager import SecretsManagerClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_ses import SESClient  # type: ignore[import-not-found, unused-ignore]
    from mypy_boto3_sqs import SQSClient

# Local-only wiring: a rule on each bus that copies every event into a queue devstack reads.
CAPTURE_RULE_NAME: Final = "devstack-capture-all"
CAPTURE_TARGET_ID: Final = "devstack-capture"

# CreateTable takes a subset of what AWS::DynamoDB::Table's index properties may hold.
_INDEX_KEYS: Final = ("IndexName", "KeySchema", "Projection", "ProvisionedThroughput", "OnDemandThroughput")


@dataclass(frozen=True)
class CreatedResources:
    table_names: tuple[str, ...]
    event_bus_names: tuple[str, ...]
    schedule_group_names: tuple[str, ...]
    sender_identities: tuple[str, ...]
    event_queue_url: str | None
    # The template's own queues (offer timers and dead-letter queues), URL by name.
    queue_urls: Mapping[str, str] = field(default_factory=dict)
    user_pool_ids: tuple[str, ...] = ()


def create_resources(
    template: Template,
    session: boto3.session.Session | None = None,
    *,
    capture_events: bool = True,
) -> CreatedResources:
    """Create tables, event buses, schedule groups, queues and SES identities from the template.

    With ``capture_events``, also a queue that receives every event published on the buses
    (see :func:`capture_bus_events`). ``session`` defaults to a new boto3 session, which inside
    ``moto.mock_aws()`` reaches the mock, and with AWS_ENDPOINT_URL set reaches that endpoint.
    """
    # Whichever moto the tables are made in (a mock in this process, or the local stack's server, also in
    # this process), its transactions then cost what the items they touch cost, and its events what they
    # carry.
    moto_dynamodb.install()
    moto_events.install()
    session = session or boto3.session.Session(region_name=template.context.region)
    region = template.context.region
    events = session.client("events", region_name=region)
    tables = create_tables(template, session.client("dynamodb", region_name=region))
    buses = create_event_buses(template, events)
    groups = create_schedule_groups(template, session.client("scheduler", region_name=region))
    identities = verify_sender_identities(template, session.client("ses", region_name=region))
    create_secrets(template, session.client("secretsmanager", region_name=region))
    sqs = session.client("sqs", region_name=region)
    queues = create_queues(template, sqs)
    pools = create_user_pools(template, session.client("cognito-idp", region_name=region))
    queue_url = None
    if capture_events:
        queue_url = capture_bus_events(template, events, sqs)
    return CreatedResources(tables, buses, groups, identities, queue_url, queues, pools)


def create_tables(template: Template, dynamodb: "DynamoDBClient") -> tuple[str, ...]:
    """Create every AWS::DynamoDB::Table of the template (an existing one is left as it is)."""
    for table in template.tables:
        try:
            dynamodb.create_table(**create_table_request(table))
        except dynamodb.exceptions.ResourceInUseException:
            continue
        ttl = table.properties.get("TimeToLiveSpecification")
        if ttl and _truthy(ttl.get("Enabled", False)):
            dynamodb.update_time_to_live(
                TableName=table.name,
                TimeToLiveSpecification={"AttributeName": str(ttl["AttributeName"]), "Enabled": True},
            )
    return tuple(table.name for table in template.tables)


def create_table_request(table: Table) -> dict[str, Any]:
    """CreateTable's parameters for a table's CloudFormation properties."""
    properties = table.properties
    request: dict[str, Any] = {
        "TableName": table.name,
        "AttributeDefinitions": properties["AttributeDefinitions"],
        "KeySchema": properties["KeySchema"],
        "BillingMode": properties.get("BillingMode", "PROVISIONED"),
    }
    if "ProvisionedThroughput" in properties:
        request["ProvisionedThroughput"] = _throughput(properties["ProvisionedThroughput"])
    for indexes in ("GlobalSecondaryIndexes", "LocalSecondaryIndexes"):
        if properties.get(indexes):
            request[indexes] = [_index(index) for index in properties[indexes]]
    stream = properties.get("StreamSpecification")
    if stream:
        request["StreamSpecification"] = {"StreamEnabled": True, "StreamViewType": stream["StreamViewType"]}
    if "TableClass" in properties:
        request["TableClass"] = properties["TableClass"]
    return request


def _index(index: Mapping[str, Any]) -> dict[str, Any]:
    request = {key: index[key] for key in _INDEX_KEYS if key in index}
    if "ProvisionedThroughput" in request:
        request["ProvisionedThroughput"] = _throughput(request["ProvisionedThroughput"])
    return request


def _throughput(throughput: Mapping[str, Any]) -> dict[str, int]:
    # CloudFormation accepts numbers written as strings; the API does not.
    return {key: int(value) for key, value in throughput.items()}


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() == "true"


def create_event_buses(template: Template, events: "EventBridgeClient") -> tuple[str, ...]:
    for bus in template.event_buses:
        if bus.name == "default":
            continue
        try:
            events.create_event_bus(Name=bus.name)
        except events.exceptions.ResourceAlreadyExistsException:
            continue
    return tuple(bus.name for bus in template.event_buses)


def create_schedule_groups(template: Template, scheduler: "EventBridgeSchedulerClient") -> tuple[str, ...]:
    for group in template.schedule_groups:
        if group.name == "default":
            continue
        try:
            scheduler.create_schedule_group(Name=group.name)
        except scheduler.exceptions.ConflictException:
            continue
    return tuple(group.name for group in template.schedule_groups)


def verify_sender_identities(template: Template, ses: "SESClient") -> tuple[str, ...]:
    """Verify the template's sender addresses (and domains), so that SES accepts sends from them."""
    for identity in template.sender_identities:
        if "@" in identity:
            ses.verify_email_identity(EmailAddress=identity)
        else:
            ses.verify_domain_identity(Domain=identity)
    return template.sender_identities


def create_secrets(template: Template, client: "SecretsManagerClient") -> tuple[str, ...]:
    """Every AWS::SecretsManager::Secret with a generated value, as GenerateSecretString makes one (an
    existing secret keeps its value: the local stack's data stays matchable across restarts)."""
    for secret in template.secrets:
        value = secrets.token_urlsafe(secret.length)[: secret.length]
        with contextlib.suppress(client.exceptions.ResourceExistsException):
            client.create_secret(Name=secret.name, SecretString=value)
    return tuple(secret.name for secret in template.secrets)


def capture_bus_events(template: Template, events: "EventBridgeClient", sqs: "SQSClient") -> str:
    """A queue that gets a copy of every event on every bus of the template; answers its URL.

    This is local-only wiring (nothing like it is deployed): the local stack drains the queue to
    show the published events at /_local/events.json.
    """
    queue_url = sqs.create_queue(QueueName=f"{template.context.stack_name}-devstack-captured-events")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    # Every event carries the account it was published in; a pattern on it matches them all.
    pattern = json.dumps({"account": [template.context.account_id]})
    for bus in template.event_buses:
        if bus.name != "default":
            with contextlib.suppress(events.exceptions.ResourceAlreadyExistsException):
                events.create_event_bus(Name=bus.name)
        events.put_rule(Name=CAPTURE_RULE_NAME, EventBusName=bus.name, EventPattern=pattern, State="ENABLED")
        events.put_targets(
            Rule=CAPTURE_RULE_NAME,
            EventBusName=bus.name,
            Targets=[{"Id": CAPTURE_TARGET_ID, "Arn": queue_arn}],
        )
    return queue_url
