"""Every function's CloudWatch metrics (embedded metric format, in its output) and its logs, for one
scenario: intake, claims and passes through links, a timer that fires late, a timer that never fired (the
sweeper), a failed email, an admin's assignment. The logs carry the lead id as their correlation id from
intake to the timers and the events, and never a contact detail."""

import json
from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from leadrouter.observability import logger
from tests.support.aws_state import deliver_stream_records
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.faults import Faults, always, client_error
from tests.support.offers import link_for, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import arrive, pending_timers


class Output:
    """What the functions wrote since the last `take`: EMF documents and JSON log lines, apart."""

    def __init__(self, capsys: pytest.CaptureFixture[str], logs: list[str]) -> None:
        self._capsys = capsys
        self._logs = logs
        self.everything: list[str] = []

    def take(self) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        lines = [line for line in self._capsys.readouterr().out.splitlines() if line.startswith("{")]
        lines += self._logs
        self._logs.clear()
        self.everything += lines
        documents = [json.loads(line) for line in lines]
        return [d for d in documents if "_aws" in d], [d for d in documents if "_aws" not in d]


def totals(documents: list[dict[str, Any]]) -> Counter[str]:
    """Metric name (with its step, for LeadsRouted) -> the sum of its values."""
    counted: Counter[str] = Counter()
    for document in documents:
        (directive,) = document["_aws"]["CloudWatchMetrics"]
        assert directive["Namespace"] == "LeadRouter"
        assert all("service" in dimensions for dimensions in directive["Dimensions"])
        for metric in directive["Metrics"]:
            name = metric["Name"]
            values = document[name] if isinstance(document[name], list) else [document[name]]
            key = f"{name}[{document['step']}]" if "step" in document else name
            counted[key] += sum(values)
    return counted


class ListStream:
    def __init__(self, lines: list[str]) -> None:
        self._lines = lines

    def write(self, text: str) -> None:
        self._lines.extend(line for line in text.splitlines() if line.strip())

    def flush(self) -> None:
        pass


@pytest.fixture
def output(
    aws: CreatedResources, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> Iterator[Output]:
    # The local stack turns metrics off (nothing reads them there); Lambda leaves them on.
    monkeypatch.setenv("POWERTOOLS_METRICS_DISABLED", "false")
    logs: list[str] = []
    handler = logger.registered_handler
    assert hasattr(handler, "setStream")
    previous = handler.setStream(ListStream(logs))
    try:
        yield Output(capsys, logs)
    finally:
        handler.setStream(previous)


def correlation_of(logs: list[dict[str, Any]], message: str) -> set[str | None]:
    return {line.get("correlation_id") for line in logs if line["message"] == message}


def test_each_function_reports_its_metrics_and_logs_follow_the_lead(
    output: Output,
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
    faults: Faults,
) -> None:
    company.agents([1, 2], click_to_claim=True)
    company.settings(click_to_claim_enabled=True, claim_link_ttl_seconds=60)
    output.take()

    claimed = submit(company, 1)
    measured, logs = output.take()
    assert totals(measured) == {"LeadsAccepted": 1, "LeadsRouted[click_to_claim]": 1, "OffersSent": 1}
    assert correlation_of(logs, "lead routed") == {claimed}

    won = post_action(api, link_for(template, 1), "claim", as_json=True)
    assert won.status == 200
    measured, logs = output.take()
    counted = totals(measured)
    assert counted.pop("SpeedToLeadSeconds") >= 0
    assert counted == {"OffersClaimed": 1}
    assert correlation_of(logs, "offer answered") == {claimed}

    passed = submit(company, 2)
    output.take()
    for agent_id in (1, 2):  # the newest email is first: this lead's
        expect(post_action(api, link_for(template, agent_id), "pass", as_json=True), 200)
    measured, logs = output.take()
    assert totals(measured)["OffersPassed"] == 2
    assert correlation_of(logs, "offer answered") == {passed}

    late = submit(company, 3)
    output.take()
    clock.advance(seconds=75)  # 15 s after the window's end: a late timer
    (timer,) = [timer for timer in pending_timers(aws) if timer.message["lead_id"] == late]
    assert arrive(runtime, timer) == {"batchItemFailures": []}
    measured, logs = output.take()
    assert totals(measured) == {"OffersExpired": 1, "LateTimers": 1}
    assert correlation_of(logs, "offer timer handled") == {late}

    swept = submit(company, 4)
    output.take()
    clock.advance(minutes=5)  # its timer never came: the sweeper's grace is over
    assert runtime.invoke("SweeperFunction", {})["outcomes"] == {"expired": 1}
    measured, _ = output.take()
    assert totals(measured) == {"OffersExpired": 1, "SweeperCatches": 1}

    faults.on("sesv2.SendEmail", always(lambda: client_error("MessageRejected", "SendEmail")))
    failed = submit(company, 5)
    measured, _ = output.take()
    assert totals(measured)["FailedDeliveries"] == 2  # both recipients
    faults.clear()

    assigned = expect(api.post(f"/v1/leads/{swept}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)
    assert assigned["agent_id"] == 2
    measured, _ = output.take()
    assert "SpeedToLeadSeconds" in totals(measured)

    deliver_stream_records()
    _, logs = output.take()
    published = correlation_of(logs, "lead events published")
    assert {claimed, passed, late, swept, failed} <= published

    everything = "\n".join(output.everything)
    assert not any(f"lead{n}@example.net" in everything for n in range(1, 6))
