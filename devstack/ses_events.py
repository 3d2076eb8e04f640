"""SES's mailbox simulator and its event publishing, which moto leaves out: an email sent through the
template's configuration set to bounce@simulator.amazonses.com (a hard bounce) or
complaint@simulator.amazonses.com (a complaint) puts the event SES would publish, with the email's tags,
where the template routes it: the configuration set's SNS destination, then that topic's SQS subscription
(raw delivery), whose queue the stack's SQS event source hands to the consuming function.

Moto keeps neither the configuration set nor the tags of a sent email, so the emulator wraps moto's SESv2
SendEmail in this process (where moto runs, in the local stack and in the in-process tests): after moto
accepted the email, the event goes straight onto the queue in moto's backend."""

import contextlib
import json
import threading
import uuid
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from moto.sesv2.responses import SESV2Response
from moto.sqs.models import sqs_backends

from devstack.cfn_yaml import load_yaml
from devstack.queues import template_queues
from devstack.template import Template

SIMULATED: Final = {
    "bounce@simulator.amazonses.com": "bounce",
    "complaint@simulator.amazonses.com": "complaint",
}
_INSTALLED = threading.Lock()


@dataclass(frozen=True)
class FeedbackRoute:
    """Where the template sends the configuration set's events: the queue's name, and which event types."""

    queue_name: str
    event_types: frozenset[str]


def feedback_routes(template: Template) -> tuple[FeedbackRoute, ...]:
    """ConfigurationSetEventDestination -> SNS topic -> SQS subscription (raw) -> queue, from the template."""
    document = load_yaml(template.path)
    resources: Mapping[str, Any] = document.get("Resources") or {}
    queue_names = {queue.logical_id: queue.name for queue in template_queues(template)}
    routes = []
    for resource in resources.values():
        if resource.get("Type") != "AWS::SES::ConfigurationSetEventDestination":
            continue
        destination = (resource.get("Properties") or {}).get("EventDestination") or {}
        topic = _logical_id((destination.get("SnsDestination") or {}).get("TopicARN"))
        types = frozenset(str(kind).lower() for kind in destination.get("MatchingEventTypes") or [])
        for subscription in resources.values():
            properties = subscription.get("Properties") or {}
            if (
                subscription.get("Type") == "AWS::SNS::Subscription"
                and _logical_id(properties.get("TopicArn")) == topic
                and properties.get("Protocol") == "sqs"
            ):
                queue = _logical_id(properties.get("Endpoint"))
                if queue in queue_names:  # active queues only
                    routes.append(FeedbackRoute(queue_names[queue], types))
    return tuple(routes)


def _logical_id(node: Any) -> str | None:
    """The resource a Ref or GetAtt names (either form of GetAtt)."""
    if not isinstance(node, Mapping):
        return None
    if "Ref" in node:
        return str(node["Ref"])
    target = node.get("Fn::GetAtt")
    if isinstance(target, list) and target:
        return str(target[0])
    if isinstance(target, str):
        return target.split(".", 1)[0]
    return None


def feedback_event(kind: str, request: Mapping[str, Any], message_id: str, at: datetime) -> dict[str, Any]:
    """The event SES publishes for a simulator recipient, in its event-publishing format."""
    recipients = list((request.get("Destination") or {}).get("ToAddresses") or [])
    simulated = [address for address in recipients if SIMULATED.get(address.lower()) == kind]
    tags: dict[str, list[str]] = {str(tag["Name"]): [str(tag["Value"])] for tag in request.get("EmailTags") or []}
    if request.get("ConfigurationSetName"):
        tags["ses:configuration-set"] = [str(request["ConfigurationSetName"])]
    stamp = at.isoformat(timespec="milliseconds").replace("+00:00", "Z")
    mail = {
        "timestamp": stamp,
        "source": request.get("FromEmailAddress", ""),
        "messageId": message_id,
        "destination": recipients,
        "headersTruncated": False,
        "tags": tags,
    }
    feedback_id = str(uuid.uuid4())
    if kind == "bounce":
        return {
            "eventType": "Bounce",
            "bounce": {
                "bounceType": "Permanent",
                "bounceSubType": "General",
                "bouncedRecipients": [
                    {
                        "emailAddress": address,
                        "action": "failed",
                        "status": "5.1.1",
                        "diagnosticCode": "smtp; 550 5.1.1 user unknown",
                    }
                    for address in simulated
                ],
                "timestamp": stamp,
                "feedbackId": feedback_id,
            },
            "mail": mail,
        }
    return {
        "eventType": "Complaint",
        "complaint": {
            "complainedRecipients": [{"emailAddress": address} for address in simulated],
            "timestamp": stamp,
            "feedbackId": feedback_id,
            "complaintFeedbackType": "abuse",
        },
        "mail": mail,
    }


@contextlib.contextmanager
def simulated_feedback(template: Template, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> Iterator[None]:
    """While open, SESv2 SendEmail calls in this process produce the simulator's events (one emulator at a time)."""
    routes = feedback_routes(template)
    if not _INSTALLED.acquire(blocking=False):
        raise RuntimeError("SES feedback is emulated once per process")
    original = SESV2Response.send_email

    def send_email(response: SESV2Response) -> str:
        answer = original(response)
        request = json.loads(response.body)
        kinds = {
            SIMULATED[address.lower()]
            for address in (request.get("Destination") or {}).get("ToAddresses") or []
            if address.lower() in SIMULATED
        }
        if kinds and request.get("ConfigurationSetName"):
            backend = sqs_backends[response.current_account][response.region]
            message_id = str(json.loads(answer)["MessageId"])
            for kind in sorted(kinds):
                event = json.dumps(feedback_event(kind, request, message_id, clock()))
                for route in routes:
                    if kind in route.event_types:
                        backend.send_message(route.queue_name, event)
        return answer

    SESV2Response.send_email = send_email  # type: ignore[method-assign, assignment]
    try:
        yield
    finally:
        SESV2Response.send_email = original  # type: ignore[method-assign]
        _INSTALLED.release()
