"""Domain errors. The HTTP layer maps each class to one status code in one place (api/errors.py)."""


class DomainError(Exception):
    code = "error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(DomainError):
    """The request is well-formed but breaks a rule (422)."""

    code = "invalid_input"


class BadRequest(DomainError):
    """The request cannot be read at all (400)."""

    code = "bad_request"


class UnsupportedMediaType(DomainError):
    code = "unsupported_media_type"


class PayloadTooLarge(DomainError):
    code = "too_large"


class Unauthorized(DomainError):
    code = "unauthorized"


class Forbidden(DomainError):
    code = "forbidden"


class NotFound(DomainError):
    """Missing, or belongs to another company: the two are indistinguishable on purpose."""

    code = "not_found"


class Conflict(DomainError):
    """Another change won the race, or the thing is no longer in a state that allows this."""

    code = "conflict"


class InProgress(Conflict):
    """The same intake request is being handled right now (its lead is stored, its emails may be going out)."""

    code = "in_progress"


class KeyReused(InvalidInput):
    """An Idempotency-Key already used with a different body."""

    code = "idempotency_key_reused"


class Unavailable(DomainError):
    """A dependency keeps failing after retries (503 with Retry-After)."""

    code = "unavailable"

    def __init__(self, message: str, retry_after_seconds: int = 2) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds
