"""The Lambda environment variables the services read, checked once per container.

A frozen dataclass rather than a pydantic model: every function reads it on its first request, and it is
all strings, so the model library would be loaded for nothing by the functions that need none (the
authorizer, the stream and queue consumers). A variable the template always sets that is missing stops
the container at once, naming it."""

import os
from collections.abc import Mapping
from dataclasses import MISSING, dataclass, fields
from functools import lru_cache


@dataclass(frozen=True)
class ServiceEnvironment:
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
    # The Secrets Manager secret holding the person index's HMAC key (adapters/secrets.py).
    PEOPLE_KEY_SECRET: str = ""
    # The console's users (ConsoleUserPool and its app client).
    USER_POOL_ID: str = ""
    USER_POOL_CLIENT_ID: str = ""
    AWS_REGION: str | None = None

    @classmethod
    def read(cls, variables: Mapping[str, str]) -> "ServiceEnvironment":
        """The fields found in `variables` (others ignored); a KeyError naming each required one missing."""
        missing = [field.name for field in fields(cls) if field.default is MISSING and field.name not in variables]
        if missing:
            raise KeyError(f"environment variables not set: {', '.join(missing)}")
        return cls(**{field.name: variables[field.name] for field in fields(cls) if field.name in variables})


@lru_cache(maxsize=1)
def environment() -> ServiceEnvironment:
    return ServiceEnvironment.read(os.environ)
