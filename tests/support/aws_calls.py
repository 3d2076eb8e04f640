"""The AWS requests a test's code made, counted at botocore's one door (the `aws_calls` fixture installs it;
the benchmarks' `bench.aws_calls.recording` fills the same class)."""

from typing import Any


class AwsCalls:
    """Counts the AWS requests the code makes (after moto's own set-up calls)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def reset(self) -> None:
        self.calls.clear()

    def names(self) -> list[str]:
        return [f"{service}.{operation}" for service, operation, _ in self.calls]

    def routing(self) -> list[str]:
        """The requests that store and route, without the emails and texts that tell people afterwards."""
        return [name for name in self.names() if name.split(".")[0] not in _TELLING]

    def telling(self) -> list[str]:
        """The emails and texts sent (each after the change they tell of)."""
        return [name for name in self.names() if name.split(".")[0] in _TELLING]

    def params(self, operation: str) -> list[dict[str, Any]]:
        """The parameters of each request of this operation, in order."""
        return [params for _service, name, params in self.calls if name == operation]

    def queried_partitions(self) -> list[str]:
        """The partition key of each DynamoDB Query, in order (what a query read: a company, a log...)."""
        return [
            str(params.get("ExpressionAttributeValues", {}).get(":pk", {}).get("S", ""))
            for service, operation, params in self.calls
            if (service, operation) == ("dynamodb", "Query")
        ]


# The services that tell people of a change: offers, assignment notices, escalations.
_TELLING = frozenset({"sesv2", "sns"})
