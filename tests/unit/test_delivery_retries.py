"""A failed send is retried when that can help (bounded, with backoff), and never when it cannot."""

from typing import Any

from leadrouter.service.delivery import SEND_ATTEMPTS, OfferDelivery
from leadrouter.service.ports import Email, SendFailed
from tests.unit.fakes import FixedClock, ScriptedRandom

EMAIL = Email(to="a@b.example", sender="s@b.example", subject="s", text="t", html="<p>h</p>")


class ScriptedMailer:
    def __init__(self, *failures: SendFailed) -> None:
        self.failures = list(failures)
        self.sent: list[Email] = []

    def send(self, email: Email) -> str:
        if self.failures:
            raise self.failures.pop(0)
        self.sent.append(email)
        return "id"


def delivery(mailer: ScriptedMailer, sleeps: list[float]) -> OfferDelivery:
    nothing: Any = None
    return OfferDelivery(
        nothing, mailer, nothing, nothing, FixedClock(), ScriptedRandom(), "s@b.example", "", sleep=sleeps.append
    )


def test_transient_failures_are_retried_with_backoff() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(SendFailed("Throttling", True), SendFailed("Throttling", True))
    assert delivery(mailer, sleeps)._send(EMAIL) is None
    assert mailer.sent == [EMAIL]
    assert sleeps == [0.2, 0.4]


def test_retries_are_bounded() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(*(SendFailed("Throttling", True) for _ in range(SEND_ATTEMPTS)))
    assert delivery(mailer, sleeps)._send(EMAIL) == f"Throttling, after {SEND_ATTEMPTS} attempts"
    assert len(sleeps) == SEND_ATTEMPTS - 1


def test_a_permanent_failure_is_not_retried() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(SendFailed("MessageRejected", False))
    assert delivery(mailer, sleeps)._send(EMAIL) == "MessageRejected, not retried"
    assert sleeps == []
