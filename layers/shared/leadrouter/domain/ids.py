"""Identifiers: time-ordered ULIDs with 80 random bits (an intake's lead id: the time of its request's window and 80
bits of the request's hash, domain/intake_requests.py; listings sort by `created_at`, not by id)."""

from datetime import UTC, datetime, timedelta

from leadrouter.domain.ports import RandomSource

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# What the ids made here look like: paths that carry one are checked against these (the API's and the console's).
LEAD_ID_PATTERN = r"^ld_[0-9a-z]{26}$"
OFFER_ID_PATTERN = r"^of_[0-9a-z]{26}$"
_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def _base32(value: int, length: int) -> str:
    chars = []
    for _ in range(length):
        chars.append(_CROCKFORD[value & 31])
        value >>= 5
    return "".join(reversed(chars))


def ulid_of(at: datetime, entropy: bytes) -> str:
    """A ULID of `at` with these 10 bytes as its 80 bits after the time."""
    # Integer arithmetic: timestamp() * 1000 can land a float just below the whole millisecond.
    millis = (at - _EPOCH) // timedelta(milliseconds=1)
    return _base32(millis, 10) + _base32(int.from_bytes(entropy[:10], "big"), 16)


def new_ulid(at: datetime, rng: RandomSource) -> str:
    return ulid_of(at, rng.token_bytes(10))


def new_lead_id(at: datetime, rng: RandomSource) -> str:
    return "ld_" + new_ulid(at, rng).lower()


def new_company_id(at: datetime, rng: RandomSource) -> str:
    return "co_" + new_ulid(at, rng).lower()


def new_offer_id(at: datetime, rng: RandomSource) -> str:
    return "of_" + new_ulid(at, rng).lower()
