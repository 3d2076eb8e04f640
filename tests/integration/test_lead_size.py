"""A lead released and claimed again and again, in process against moto with a small size budget: its
history folds, the stored item stays within the budget, and the bus and the reports still get every change
once (the stream's readers find a change's own entries past a fold)."""

from typing import Any

import pytest

from devstack.resources import CreatedResources
from leadrouter.domain import lead_size
from tests.support.aws_state import bus_events, deliver_stream_records
from tests.support.scenario import Company, expect, unique_lead

CYCLES = 15


@pytest.fixture
def small_budget(monkeypatch: pytest.MonkeyPatch) -> None:
    # The folds of a 300 KB lead, after a dozen changes rather than a thousand.
    monkeypatch.setattr(lead_size, "ITEM_BUDGET", 6_000)
    monkeypatch.setattr(lead_size, "FOLD_TO", 4_000)


def _claim_and_release(company: Company, lead_id: str, key: str) -> None:
    for _ in range(CYCLES):
        expect(company.api.post(f"/v1/leads/{lead_id}/claim", key=key), 200)
        expect(company.api.post(f"/v1/leads/{lead_id}/release", key=key), 200)


def test_a_folded_lead_publishes_and_counts_every_change_once(
    aws: CreatedResources, company: Company, small_budget: None
) -> None:
    company.agent(5, lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    key = company.key("agent", agent_id=5)
    lead_id = expect(company.submit(unique_lead(1)), 202)["lead_id"]
    bus_events(aws.event_queue_url)

    _claim_and_release(company, lead_id, key)

    lead: dict[str, Any] = company.lead(lead_id)
    events = [entry["event"] for entry in lead["history"]]
    assert events[:2] == ["lead.received", "lead.claimed"]  # the start and the first hold stay
    assert events.count("history.folded") == 1
    assert events[-2:] == ["lead.claimed", "lead.returned_to_pool"]
    assert len(events) < 1 + 2 * CYCLES
    published = [event["detail-type"] for event in bus_events(aws.event_queue_url)]
    assert published == ["lead.claimed", "lead.returned_to_pool"] * CYCLES
    deliver_stream_records()
    found = expect(company.api.get("/v1/reports/routing", key=company.admin_key, params={"group_by": "agent"}), 200)
    row = next(row for row in found["rows"] if row["key"] == 5)
    assert (row["claimed"], row["to_pool"]) == (CYCLES, CYCLES)
