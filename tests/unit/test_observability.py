"""The tracer is made on a handler's first call and only when tracing is on (Powertools' rule), so a cold
start outside X-Ray does not pay for the X-Ray SDK."""

from collections.abc import Callable
from typing import Any

import pytest

from leadrouter import observability
from leadrouter.observability import traced, tracing_enabled


@pytest.mark.parametrize(
    ("env", "enabled"),
    [
        ({"LAMBDA_TASK_ROOT": "/var/task"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "true"}, False),
        ({"LAMBDA_TASK_ROOT": "/var/task", "POWERTOOLS_TRACE_DISABLED": "0"}, True),
        ({"LAMBDA_TASK_ROOT": "/var/task", "AWS_SAM_LOCAL": "true"}, False),
        ({}, False),
    ],
)
def test_tracing_is_on_in_lambda_unless_disabled(
    env: dict[str, str], enabled: bool, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("LAMBDA_TASK_ROOT", "POWERTOOLS_TRACE_DISABLED", "AWS_SAM_LOCAL", "AWS_CHALICE_CLI_MODE"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert tracing_enabled() is enabled


class RecordingTracer:
    def __init__(self) -> None:
        self.captured: list[str] = []
        self.responses_captured: list[bool] = []

    def capture_lambda_handler(self, handler: Callable[..., Any], capture_response: bool = True) -> Callable[..., Any]:
        self.captured.append(handler.__name__)
        self.responses_captured.append(capture_response)

        def wrapped(event: Any, context: Any) -> Any:
            return {"traced": handler(event, context)}

        return wrapped


def handler(event: dict[str, int], _context: object) -> int:
    return event["n"] * 2


def test_a_handler_runs_untraced_and_makes_no_tracer_when_tracing_is_off(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(observability, "tracing_enabled", lambda: False)
    monkeypatch.setattr(observability, "tracer", lambda: pytest.fail("a tracer was made"))

    assert traced(handler)({"n": 2}, None) == 4


def test_with_tracing_on_the_handler_is_captured_once_on_its_first_call(monkeypatch: pytest.MonkeyPatch) -> None:
    recording = RecordingTracer()
    monkeypatch.setattr(observability, "tracing_enabled", lambda: True)
    monkeypatch.setattr(observability, "tracer", lambda: recording)
    wrapped: Callable[[dict[str, int], object], Any] = traced(handler)
    assert recording.captured == []  # nothing at import time

    assert [wrapped({"n": n}, None) for n in (1, 2)] == [{"traced": 2}, {"traced": 4}]
    assert recording.captured == ["handler"]
    assert recording.responses_captured == [False]  # answers carry contact details: never in X-Ray


def test_metrics_off_record_nothing_and_print_nothing_at_the_hundredth_value(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from leadrouter.observability import metrics

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "true")
    for _ in range(250):
        metrics.add_metric(name="LeadsAccepted", unit="Count", value=1)
    assert "_aws" not in capsys.readouterr().out
    assert not metrics.metric_set

    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    metrics.add_metric(name="LeadsAccepted", unit="Count", value=1)
    assert metrics.metric_set["LeadsAccepted"]["Value"] == [1.0]
    metrics.clear_metrics()
