"""boto3 clients, made on first use (never at import time) and shared by the adapters of one process."""

import threading
from functools import cached_property
from typing import TYPE_CHECKING, Any, cast

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_scheduler import EventBridgeSchedulerClient
    from mypy_boto3_secretsmanager import SecretsManagerClient
    from mypy_boto3_sesv2 import SESV2Client
    from mypy_boto3_sqs import SQSClient

# Standard retry mode backs off with jitter on throttling and transient errors.
_MAX_ATTEMPTS = 4


class AwsClients:
    def __init__(self, region: str | None = None) -> None:
        self._region = region
        self._lock = threading.Lock()
        self._session: Any = None

    def _make(self, service: str) -> Any:  # boto3's client() is overloaded per service name
        import boto3
        from botocore.config import Config

        # One session for every client: it loads the endpoint and model data once. A session is not
        # thread-safe, so clients are made under the lock; the clients themselves are.
        with self._lock:
            if self._session is None:
                self._session = boto3.session.Session()
            config = Config(
                retries={"mode": "standard", "max_attempts": _MAX_ATTEMPTS},
                connect_timeout=3,
                read_timeout=5,
                max_pool_connections=50,
            )
            return self._session.client(service, region_name=self._region, config=config)

    @cached_property
    def cognito(self) -> Any:  # no type stubs for cognito-idp are installed
        return self._make("cognito-idp")

    @cached_property
    def dynamodb(self) -> "DynamoDBClient":
        return cast("DynamoDBClient", self._make("dynamodb"))

    @cached_property
    def events(self) -> "EventBridgeClient":
        return cast("EventBridgeClient", self._make("events"))

    @cached_property
    def scheduler(self) -> "EventBridgeSchedulerClient":
        return cast("EventBridgeSchedulerClient", self._make("scheduler"))

    @cached_property
    def secretsmanager(self) -> "SecretsManagerClient":
        return cast("SecretsManagerClient", self._make("secretsmanager"))

    @cached_property
    def sesv2(self) -> "SESV2Client":
        return cast("SESV2Client", self._make("sesv2"))

    @cached_property
    def sns(self) -> Any:  # the project's type stubs do not include SNS
        return self._make("sns")

    @cached_property
    def sqs(self) -> "SQSClient":
        return cast("SQSClient", self._make("sqs"))
