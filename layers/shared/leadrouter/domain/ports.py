"""What the domain needs from the outside world, as small protocols."""

import random
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...


class RandomSource(Protocol):
    def choice(self, options: list[int]) -> int: ...

    def token_bytes(self, n: int) -> bytes: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class SystemRandom:
    """Cryptographic randomness: ids and tokens must be unguessable."""

    def __init__(self) -> None:
        self._rng = random.SystemRandom()

    def choice(self, options: list[int]) -> int:
        return self._rng.choice(options)

    def token_bytes(self, n: int) -> bytes:
        return self._rng.randbytes(n)
