"""The AWS requests a test's code made, counted at botocore's one door (the `aws_calls` fixture installs it)."""

from typing import Any


class AwsCalls:
    """Counts the AWS requests the code makes (after moto's own set-up calls)."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, dict[str, Any]]] = []

    def reset(self) -> None:
        self.calls.clear()

    def names(self) -> list[str]:
        return [f"{service}.{operation}" for service, operation, _ in self.calls]

    def queried_partitions(self) -> list[str]:
        """The partition key of each DynamoDB Query, in order (what a query read: a company, a log...)."""
        return [
            str(params.get("ExpressionAttributeValues", {}).get(":pk", {}).get("S", ""))
            for service, operation, params in self.calls
            if (service, operation) == ("dynamodb", "Query")
        ]
