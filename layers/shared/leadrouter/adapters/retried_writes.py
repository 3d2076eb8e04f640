"""Conditional writes that recognise their own retry.

The SDK sends a write again when it saw no answer (a read timeout, a dropped connection, a 500), even when
the first attempt had landed. The second attempt then fails its condition ("exists already", "the version
moved on") although the change the caller asked for is stored. Every conditional write of the
configuration, the companies and the keys therefore carries a token of its own (a fresh random value per
call), and when its condition fails it asks whether the stored item carries that token: if it does, the
write landed and the caller is answered as if the first attempt's answer had arrived.
"""

import secrets
from collections.abc import Callable

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import is_condition_failure

TOKEN_ATTRIBUTE = "write_token"  # noqa: S105 (an attribute name, not a secret)


def new_write_token() -> str:
    # Not the domain's random source: the token only tells one call's attempts from another's, it never
    # reaches a decision, an id or an answer.
    return secrets.token_hex(8)


def write_once(write: Callable[[], object], landed: Callable[[], bool]) -> None:
    """Run `write`; when its condition fails and `landed()` finds this call's token stored, it is done.

    Any other failure, and a failed condition whose write is not there, propagates unchanged, so the
    caller's own error translation (domain_errors) still decides what it means."""
    try:
        write()
    except ClientError as error:
        if not (is_condition_failure(error) and landed()):
            raise
