"""Moto's EventBridge with each JSONPath expression parsed once (devstack/moto_events.py): what a rule's
target receives is what moto sends without it, for every event, and the parser is not built again."""

import json
from typing import Any
from unittest import mock

import boto3
import jsonpath_ng.ext
import jsonpath_ng.ext.parser

from devstack import moto_events


def _received(aws: boto3.session.Session, count: int) -> list[dict[str, Any]]:
    events, sqs = aws.client("events"), aws.client("sqs")
    queue_url = sqs.create_queue(QueueName="caught")["QueueUrl"]
    arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    events.put_rule(Name="all", EventPattern=json.dumps({"source": ["leads"]}))
    events.put_targets(Rule="all", Targets=[{"Id": "q", "Arn": arn}])
    for n in range(count):
        events.put_events(Entries=[{"Source": "leads", "DetailType": "lead.created", "Detail": json.dumps({"n": n})}])
    bodies: list[dict[str, Any]] = []
    while len(bodies) < count:
        messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10).get("Messages", [])
        assert messages, "an event never reached its target"
        bodies += [json.loads(message["Body"]) for message in messages]
    return sorted(bodies, key=lambda body: int(body["detail"]["n"]))


def test_each_event_reaches_its_target_whole_and_each_expression_is_parsed_once(aws: boto3.session.Session) -> None:
    moto_events.install()
    moto_events.install()  # idempotent: not cached twice over
    parser = jsonpath_ng.ext.parser.ExtendedJsonPathParser
    with mock.patch.object(jsonpath_ng.ext.parser, "ExtendedJsonPathParser", wraps=parser) as built:
        received = _received(aws, 5)
    assert [body["detail"] for body in received] == [{"n": n} for n in range(5)]
    assert {(body["source"], body["detail-type"], body["region"]) for body in received} == {
        ("leads", "lead.created", "us-east-1")
    }
    assert len({body["id"] for body in received}) == 5
    # A parser for each path of moto's input map at most once (none if cached already), not one per event.
    assert built.call_count <= 9
    parse = vars(jsonpath_ng.ext)["parse"]  # what moto imports
    assert parse("$.detail") is parse("$.detail")
