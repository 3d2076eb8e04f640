"""Offer timers as one-time EventBridge Scheduler schedules: `at()` in UTC, no flexible window, deleted by
Scheduler after they fire, targeting the timeout function with the ids it needs to find the offer."""

import json
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

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
        self, client: "Callable[[], EventBridgeSchedulerClient]", group: str, target_arn: str, role_arn: str
    ) -> None:
        """`client` makes the client on the first timer: most requests start or stop none."""
        self._client = client
        self._group = group
        self._target = target_arn
        self._role = role_arn

    def start(self, company_id: str, lead_id: str, offer_id: str, expires_at: datetime) -> None:
        payload = {"company_id": company_id, "lead_id": lead_id, "offer_id": offer_id}
        try:
            with domain_errors():
                self._client().create_schedule(
                    Name=schedule_name(offer_id),
                    GroupName=self._group,
                    ScheduleExpression=at_expression(expires_at),
                    ScheduleExpressionTimezone="UTC",
                    FlexibleTimeWindow={"Mode": "OFF"},
                    ActionAfterCompletion="DELETE",
                    Description=f"Offer {offer_id} of lead {lead_id} expires",
                    Target={
                        "Arn": self._target,
                        "RoleArn": self._role,
                        "Input": json.dumps(payload),
                        "RetryPolicy": {"MaximumRetryAttempts": 10, "MaximumEventAgeInSeconds": 86400},
                    },
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
