"""X-Ray carries no lead contact details: a full run of every traced function, with tracing on as in Lambda
and the X-Ray SDK's recorder sending its segments to memory instead of the daemon, leaves no email,
phone, name or message in any segment (metadata, annotations, AWS call records, errors)."""

import json
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from aws_xray_sdk.core import xray_recorder
from aws_xray_sdk.core.context import Context
from aws_xray_sdk.core.lambda_launcher import LambdaContext
from aws_xray_sdk.core.models.entity import Entity

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from leadrouter import observability
from tests.support.aws_state import deliver_stream_records
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.email_feedback import BOUNCE, Feedback, feedback_queue
from tests.support.offers import JSON, link_for, post_action
from tests.support.scenario import Company, expect
from tests.support.timers import fire, pending_timers

CONTACT = {
    "first_name": "Quillon",
    "last_name": "Marrowby",
    "email": "quillon.marrowby@example.net",
    "phone": "+1 312 555 0147",
    "message": "Looking for a corner loft with a rooftop garden",
}
# The phone as it is stored and shown (E.164), and the message's words, in case a trace held them apart.
SECRETS = [*CONTACT.values(), "+13125550147", "3125550147", "rooftop garden"]


class MemoryEmitter:
    """Keeps what the recorder would send to the X-Ray daemon, as the JSON it would send."""

    def __init__(self) -> None:
        self.documents: list[str] = []

    def send_entity(self, entity: Entity) -> None:
        self.documents.append(entity.serialize())

    def set_daemon_address(self, address: str | None) -> None:
        pass

    @property
    def ip(self) -> str:
        return "127.0.0.1"

    @property
    def port(self) -> int:
        return 2000


@pytest.fixture
def recorded(aws: CreatedResources, monkeypatch: pytest.MonkeyPatch) -> Iterator[MemoryEmitter]:
    emitter = MemoryEmitter()
    # As in Lambda: the task root says tracing is on, the runtime gives a sampled trace id per invocation.
    monkeypatch.setenv("LAMBDA_TASK_ROOT", "/var/task")
    monkeypatch.setenv("_X_AMZN_TRACE_ID", "Root=1-6750d6e0-0123456789abcdef01234567;Parent=53995c3f42cd8ad8;Sampled=1")
    monkeypatch.delenv("POWERTOOLS_TRACE_DISABLED", raising=False)
    observability.tracer.cache_clear()
    xray_recorder.configure(
        context=LambdaContext(), emitter=emitter, sampling=False, streaming_threshold=0, context_missing="LOG_ERROR"
    )
    try:
        yield emitter
    finally:
        observability.tracer.cache_clear()
        # The tracer patched botocore for good: later tests run with no segment, which must stay quiet.
        xray_recorder.configure(context=Context(context_missing="IGNORE_ERROR"), emitter=MemoryEmitter())


@pytest.fixture
def feedback(template: Template, runtime: LambdaRuntime, aws: CreatedResources) -> Iterator[Feedback]:
    with feedback_queue(template, runtime, aws) as queue:
        yield queue


def handler_runs(documents: list[str]) -> int:
    """How many handler subsegments (Powertools' `## <handler>`) the documents hold."""
    return sum(1 for text in documents if json.loads(text).get("name", "").startswith("## "))


def test_no_contact_details_reach_the_traces_of_any_function(
    recorded: MemoryEmitter,
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    runtime: LambdaRuntime,
    clock: MovableClock,
    feedback: Feedback,
) -> None:
    company.agents([1, 2], click_to_claim=True, phone="+1 312 555 0100")
    company.agent(3, email=BOUNCE, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    agent_key = company.key("agent", agent_id=1)

    def traced_run(function: str, run: Callable[[], Any]) -> None:
        before = len(recorded.documents)
        run()
        assert handler_runs(recorded.documents[before:]) >= 1, f"{function} left no handler subsegment"

    claimed: dict[str, str] = {}

    def intake() -> None:
        claimed["lead"] = str(expect(company.submit(CONTACT), 202)["lead_id"])
        claimed["expiring"] = str(
            expect(company.submit({**CONTACT, "email": "second." + CONTACT["email"]}), 202)["lead_id"]
        )

    def agent_answers() -> None:
        link = link_for(template, 1)
        expect(api.get(link.path, headers=JSON), 200)
        answer = expect(post_action(api, link, "claim", as_json=True), 200)
        assert CONTACT["email"] in json.dumps(answer)  # the answer does carry them: the trace must not
        expect(api.get("/v1/me/leads", key=agent_key), 200)

    def admin_reads() -> None:
        leads = [company.lead(lead_id) for lead_id in claimed.values()]
        assert CONTACT["email"] in json.dumps(leads)
        expect(api.get("/v1/leads", key=company.admin_key), 200)

    def timer_fires() -> None:
        clock.advance(days=2)
        outcomes = [fire(runtime, timer) for timer in pending_timers(aws)]
        assert "expired" in outcomes  # the lead nobody claimed

    traced_run("IntakeFunction", intake)
    traced_run("AgentApiFunction", agent_answers)
    traced_run("AdminApiFunction", admin_reads)
    traced_run("TimeoutFunction", timer_fires)
    traced_run("SweeperFunction", lambda: runtime.invoke("SweeperFunction", {}))
    traced_run("EventPublisherFunction", deliver_stream_records)
    traced_run("EmailEventsFunction", feedback.deliver)

    everything = "\n".join(recorded.documents).lower()
    assert "lambda_handler" in everything
    leaked = [secret for secret in SECRETS if secret.lower() in everything]
    assert leaked == []
