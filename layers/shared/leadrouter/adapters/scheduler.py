"""The long half of offer timers: one-time EventBridge Scheduler schedules, `at()` in UTC, no flexible window,
deleted by Scheduler after they fire. Each targets the timer queue (Scheduler's templated SQS target), sending
the offer's timer message a little before its deadline (see leadrouter.domain.timers); a delivery Scheduler
gives up on goes to the dead-letter queue."""

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import domain_errors, error_code

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_scheduler import EventBridgeSchedulerClient


def at_expression(moment: datetime) -> str:
    """`at(yyyy-mm-ddThh:mm:ss)` in UTC, rounded up to the whole second: a timer never fires early."""
    moment = moment.astimezone(UTC)
    whole = moment.replace(microsecond=0)
    if whole < moment:
        whole += timedelta(seconds=1)
    return f"at({whole.strftime('%Y-%m-%dT%H:%M:%S')})"


def schedule_name(offer_id: str) -> str:
    return offer_id  # of_ + 26 characters: within Scheduler's 64 and its [0-9a-zA-Z-_.] alphabet


class SchedulerTimers:
    def __init__(
        self,
        client: "Callable[[], EventBridgeSchedulerClient]",
        group: str,
        target_arn: str,
        role_arn: str,
        dead_letter_arn: str = "",
    ) -> None:
        """`client` makes the client on the first timer: most requests start or stop none."""
        self._client = client
        self._group = group
        self._target = target_arn
        self._role = role_arn
        self._dead_letter = dead_letter_arn

    def start(self, lead_id: str, offer_id: str, fire_at: datetime, message: dict[str, str]) -> None:
        """Send `message` to the target at `fire_at` (within the minute after it)."""
        target: dict[str, Any] = {
            "Arn": self._target,
            "RoleArn": self._role,
            "Input": json.dumps(message),
            "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 86400},
        }
        if self._dead_letter:
            target["DeadLetterConfig"] = {"Arn": self._dead_letter}
        try:
            with domain_errors():
                self._client().create_schedule(
                    Name=schedule_name(offer_id),
                    GroupName=self._group,
                    ScheduleExpression=at_expression(fire_at),
                    ScheduleExpressionTimezone="UTC",
                    FlexibleTimeWindow={"Mode": "OFF"},
                    ActionAfterCompletion="DELETE",
                    Description=f"Offer {offer_id} of lead {lead_id} expires",
                    Target=target,  # type: ignore[arg-type]  # the TypedDict, built by parts
                )
        except ClientError as error:
            if error_code(error) != "ConflictException":  # created already: a retried request
                raise

    def cancel(self, offer_id: str) -> None:
        try:
            with domain_errors():
                self._client().delete_schedule(Name=schedule_name(offer_id), GroupName=self._group)
        except ClientError as error:
            if error_code(error) != "ResourceNotFoundException":  # fired and deleted, or never made
                raise
