"""A failed send is retried when that can help (bounded, with backoff), and never when it cannot."""

from leadrouter.service.delivery import SEND_ATTEMPTS, send_with_retries
from leadrouter.service.ports import Email, SendFailed
from tests.support.fakes import ScriptedMailer

EMAIL = Email(to="a@b.example", sender="s@b.example", subject="s", text="t", html="<p>h</p>")


def send(mailer: ScriptedMailer, sleeps: list[float]) -> str | None:
    return send_with_retries(lambda: mailer.send(EMAIL), sleeps.append)


def test_transient_failures_are_retried_with_backoff() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(SendFailed("Throttling", True), SendFailed("Throttling", True))
    assert send(mailer, sleeps) is None
    assert mailer.sent == [EMAIL]
    assert sleeps == [0.2, 0.4]


def test_retries_are_bounded() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(*(SendFailed("Throttling", True) for _ in range(SEND_ATTEMPTS)))
    assert send(mailer, sleeps) == f"Throttling, after {SEND_ATTEMPTS} attempts"
    assert len(sleeps) == SEND_ATTEMPTS - 1


def test_a_permanent_failure_is_not_retried() -> None:
    sleeps: list[float] = []
    mailer = ScriptedMailer(SendFailed("MessageRejected", False))
    assert send(mailer, sleeps) == "MessageRejected, not retried"
    assert sleeps == []
