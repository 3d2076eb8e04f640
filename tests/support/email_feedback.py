"""SES's bounce and complaint events in in-process tests: the mailbox simulator (devstack/ses_events.py) puts
them on the email-feedback queue; `deliver` hands them to the email-events function, as Lambda's SQS event
source would."""

import contextlib
from collections.abc import Iterator

import boto3

from devstack.lambdas import LambdaRuntime
from devstack.queues import QueuePoller, sqs_event_sources
from devstack.resources import CreatedResources
from devstack.ses_events import simulated_feedback
from devstack.template import Template

BOUNCE = "bounce@simulator.amazonses.com"
COMPLAINT = "complaint@simulator.amazonses.com"


class Feedback:
    """The email-feedback queue, handed to its function on demand (open `simulated_feedback` first)."""

    def __init__(self, template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> None:
        (self._source,) = [
            source for source in sqs_event_sources(template) if source.function_id == "EmailEventsFunction"
        ]
        self.queue_url = aws.queue_urls[self._source.queue_arn.rsplit(":", 1)[-1]]
        self._poller = QueuePoller(template, runtime, boto3.client("sqs"))

    def deliver(self) -> int:
        """Hands every waiting event to the function; answers how many."""
        handled = 0
        while (batch := self._poller.poll(self._source, self.queue_url)) > 0:
            handled += batch
        return handled


@contextlib.contextmanager
def feedback_queue(template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> Iterator[Feedback]:
    """The simulator on, for the block: emails to its addresses come back as SES's events on the queue."""
    with simulated_feedback(template):
        yield Feedback(template, runtime, aws)
