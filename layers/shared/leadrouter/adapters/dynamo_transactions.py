"""A lead's TransactWriteItems, sent again when DynamoDB cancelled it for a conflict with another transaction
on one of its items at the same instant (two intakes counting for one agent, say).

Safe to repeat because a cancelled transaction wrote nothing, and every lead transaction is conditional on
the lead itself (a new lead's id must be free, a change must find the version it read) and on each count's
cap: sent again, it lands once or fails on a condition exactly as the first would have. Bounded (a few tries,
with jittered, growing pauses, well under a second in all), then answered 503 as before; a failed
condition or any other error is never retried here."""

import random
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import TRANSACTION_CANCELED, cancellation_codes, error_code

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef

# Tries in all; the pauses before tries 2, 3, 4 average 10, 20 and 40 ms.
ATTEMPTS = 4
_FIRST_PAUSE = 0.01


def conflicted(error: ClientError) -> bool:
    """Cancelled only for a conflict with another transaction: no condition failed, nothing was written."""
    if error_code(error) == "TransactionConflictException":
        return True
    codes = cancellation_codes(error)
    return (
        error_code(error) == TRANSACTION_CANCELED
        and "TransactionConflict" in codes
        and "ConditionalCheckFailed" not in codes
    )


def transact(
    client: "DynamoDBClient",
    items: "Sequence[TransactWriteItemTypeDef]",
    sleep: Callable[[float], None] = time.sleep,
) -> None:
    """TransactWriteItems, sent up to ATTEMPTS times while it is cancelled for a transaction conflict."""
    for attempt in range(ATTEMPTS):
        try:
            client.transact_write_items(TransactItems=list(items))
            return
        except ClientError as error:
            if attempt == ATTEMPTS - 1 or not conflicted(error):
                raise
            # Jittered so two writers that conflicted once do not meet again on the next try.
            sleep(_FIRST_PAUSE * 2**attempt * random.uniform(0.5, 1.5))  # noqa: S311 (timing, not a secret)
