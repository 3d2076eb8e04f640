"""The one place that turns AWS error codes into domain errors."""

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from botocore.exceptions import BotoCoreError, ClientError

from leadrouter.domain.errors import Conflict, DomainError, Unavailable

CONDITION_FAILED = "ConditionalCheckFailedException"
TRANSACTION_CANCELED = "TransactionCanceledException"
_THROTTLED = {
    "ProvisionedThroughputExceededException",
    "ThrottlingException",
    "RequestLimitExceeded",
    "TransactionConflictException",
    "InternalServerError",
    "ServiceUnavailable",
    "TooManyRequestsException",
}


# Sending an email again may help after these; after any other error (a rejected message, an unverified
# sender, a paused account) it cannot.
_TRANSIENT_SEND = _THROTTLED | {
    "LimitExceededException",
    "InternalFailure",
    "InternalServiceErrorException",
    "ServiceUnavailableException",
    "Throttling",
}


def error_code(error: ClientError) -> str:
    return str(error.response.get("Error", {}).get("Code", ""))


def cancellation_codes(error: ClientError) -> list[str]:
    reasons = error.response.get("CancellationReasons", [])
    return [str(reason.get("Code", "None")) for reason in reasons]


def failed_conditions(error: ClientError) -> list[int]:
    """The positions, in a cancelled transaction, of the items whose condition failed."""
    return [index for index, code in enumerate(cancellation_codes(error)) if code == "ConditionalCheckFailed"]


def is_condition_failure(error: ClientError) -> bool:
    """A write refused by its condition, alone or as an item of a transaction."""
    code = error_code(error)
    return code == CONDITION_FAILED or (
        code == TRANSACTION_CANCELED and "ConditionalCheckFailed" in cancellation_codes(error)
    )


def is_transaction_conflict(error: ClientError) -> bool:
    """A transaction cancelled because another one was touching the same item: running it again (after
    reading again) is the cure, like a failed condition on a round-robin turn."""
    return error_code(error) == TRANSACTION_CANCELED and "TransactionConflict" in cancellation_codes(error)


def is_transient(error: Exception) -> bool:
    """Whether trying the same request again later may succeed (throttling, a service hiccup, no answer)."""
    if isinstance(error, BotoCoreError):
        return True
    if isinstance(error, ClientError):
        status = int(error.response.get("ResponseMetadata", {}).get("HTTPStatusCode", 0) or 0)
        return error_code(error) in _TRANSIENT_SEND or status >= 500
    return False


def describe(error: Exception) -> str:
    """A short, log- and history-safe name for an AWS failure (its code, never the request)."""
    if isinstance(error, ClientError):
        return error_code(error) or "ClientError"
    return type(error).__name__


def translate(error: ClientError, on_condition: Callable[[], DomainError] | None = None) -> DomainError | None:
    code = error_code(error)
    if is_condition_failure(error):
        return on_condition() if on_condition else Conflict("Another change won the race; reload and retry.")
    if code in _THROTTLED or (code == TRANSACTION_CANCELED and "TransactionConflict" in cancellation_codes(error)):
        return Unavailable("The database is busy; retry shortly.")
    return None


@contextmanager
def domain_errors(on_condition: Callable[[], DomainError] | None = None) -> Iterator[None]:
    """Wrap an AWS call: a failed condition becomes `on_condition()` (default Conflict); persistent
    throttling becomes Unavailable; anything else propagates as it is (a 5xx, logged)."""
    try:
        yield
    except ClientError as error:
        translated = translate(error, on_condition)
        if translated is None:
            raise
        raise translated from error
    except BotoCoreError as error:
        raise Unavailable("A backing service did not answer; retry shortly.") from error
