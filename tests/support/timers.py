"""Offer timers as a test sees them: the delayed messages on the timer queue and the schedules of the
schedule group (in moto, in this process), and firing one as its arrival would.

A queued message cannot be taken back when its offer closes, so "no timer is left" is asked as "every
timer left changes nothing when it fires": `live_timers` fires each one now and keeps those that would
still act later ("not_due"); a timer that expires something here means the test moved the clock first."""

import json
from dataclasses import dataclass
from typing import Any, Literal

import boto3
from moto.sqs.models import sqs_backends

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources

QUIET = frozenset({"already_closed", "unknown_offer", "unknown_lead"})


@dataclass(frozen=True)
class PendingTimer:
    kind: Literal["queue", "schedule"]
    offer_id: str
    message: dict[str, Any]  # the ids and the deadline
    delay_seconds: int | None = None  # a queued message's delay
    schedule: dict[str, Any] | None = None  # a schedule as GetSchedule answers it


def _queued(aws: CreatedResources) -> list[PendingTimer]:
    name = next(name for name in aws.queue_urls if name.endswith("-offer-timers"))
    session = boto3.session.Session()
    backend = sqs_backends[boto3.client("sts").get_caller_identity()["Account"]][session.region_name]
    timers = []
    for message in backend.queues[name]._messages:  # delayed ones too, as SQS holds them
        body = json.loads(message.body)
        sent = message.sent_timestamp or 0
        delay = (message.delayed_until - sent) / 1000 if message.delayed_until else 0
        timers.append(PendingTimer("queue", body["offer_id"], body, delay_seconds=round(delay)))
    return timers


def _scheduled(aws: CreatedResources) -> list[PendingTimer]:
    scheduler = boto3.client("scheduler")
    group = aws.schedule_group_names[0]
    timers = []
    for item in scheduler.list_schedules(GroupName=group)["Schedules"]:
        schedule: dict[str, Any] = dict(scheduler.get_schedule(GroupName=group, Name=item["Name"]))
        message = json.loads(schedule["Target"]["Input"])
        timers.append(PendingTimer("schedule", message["offer_id"], message, schedule=schedule))
    return timers


def pending_timers(aws: CreatedResources) -> list[PendingTimer]:
    """Every timer not yet delivered: queued messages in the order sent, then schedules."""
    return _queued(aws) + _scheduled(aws)


def fire(runtime: LambdaRuntime, timer: PendingTimer) -> str:
    """The timeout function handling the timer's offer now (as a due message would); answers its outcome."""
    ids = {key: timer.message[key] for key in ("company_id", "lead_id", "offer_id")}
    return str(runtime.invoke("TimeoutFunction", ids)["outcome"])


def arrive(runtime: LambdaRuntime, *timers: PendingTimer) -> dict[str, Any]:
    """The timers' messages delivered in one batch through the queue's event source; answers the batch
    response (messageId `m-<offer id>`)."""
    return dict(runtime.invoke("TimeoutFunction", {"Records": [_record(timer) for timer in timers]}))


def _record(timer: PendingTimer) -> dict[str, Any]:
    return {
        "messageId": f"m-{timer.offer_id}",
        "receiptHandle": "r",
        "body": json.dumps(timer.message),
        "attributes": {"ApproximateReceiveCount": "1"},
        "messageAttributes": {},
        "md5OfBody": "",
        "eventSource": "aws:sqs",
        "eventSourceARN": "arn:aws:sqs:us-east-1:123456789012:lead-router-local-offer-timers",
        "awsRegion": "us-east-1",
    }


def live_timers(aws: CreatedResources, runtime: LambdaRuntime) -> list[PendingTimer]:
    """The timers that would still act when they fire; every other one fired changes nothing."""
    live = []
    for timer in pending_timers(aws):
        outcome = fire(runtime, timer)
        assert outcome in QUIET | {"not_due"}, f"a timer left behind did something: {outcome}"
        if outcome == "not_due":
            live.append(timer)
    return live
