"""What the domain needs from the outside world, as small protocols."""

import random
import time
from datetime import UTC, datetime
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime: ...

    def sleep(self, seconds: float) -> None:
        """Wait on this clock: a timer that came a fraction of a second early waits out the rest."""
        ...


class RandomSource(Protocol):
    def choice(self, options: list[int]) -> int: ...

    def token_bytes(self, n: int) -> bytes: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)

    def sleep(self, seconds: float) -> None:
        time.sleep(seconds)


class SystemRandom:
    """Cryptographic randomness: ids and tokens must be unguessable."""

    def __init__(self) -> None:
        self._rng = random.SystemRandom()

    def choice(self, options: list[int]) -> int:
        return self._rng.choice(options)

    def token_bytes(self, n: int) -> bytes:
        return self._rng.randbytes(n)
