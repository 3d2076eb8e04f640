"""The Lambda environment variables as a pydantic model, validated once per container."""

import os
from functools import lru_cache

from pydantic import ConfigDict

from leadrouter.domain.model import Model


class ServiceEnvironment(Model):
    model_config = ConfigDict(extra="ignore", frozen=True)

    TABLE_NAME: str
    EVENT_BUS_NAME: str
    SCHEDULE_GROUP_NAME: str = ""
    SCHEDULER_ROLE_ARN: str = ""
    TIMEOUT_FUNCTION_ARN: str = ""
    # Offer timers: the queue that delays their messages, and where failed deliveries go.
    TIMER_QUEUE_URL: str = ""
    TIMER_QUEUE_ARN: str = ""
    TIMER_DEAD_LETTER_QUEUE_ARN: str = ""
    SENDER_EMAIL: str = "leads@example.com"
    # The SES configuration set every email goes through: its bounce and complaint events reach the service.
    EMAIL_CONFIGURATION_SET: str = ""
    # Empty: links use the host and stage of the request that made them.
    PUBLIC_BASE_URL: str = ""
    # The console's users (ConsoleUserPool and its app client).
    USER_POOL_ID: str = ""
    USER_POOL_CLIENT_ID: str = ""
    AWS_REGION: str | None = None


@lru_cache(maxsize=1)
def environment() -> ServiceEnvironment:
    return ServiceEnvironment.model_validate(dict(os.environ))
