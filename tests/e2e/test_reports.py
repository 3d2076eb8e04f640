"""The routing report over HTTP against the local stack, as a broker would check it: agents claim a few
leads quickly and one slowly, and the report's medians, shares and CSV match the leads' own figures once
the stream's consumer has counted them."""

import time
from typing import Any

from tests.support.reports import as_csv_cell, csv_rows, speed_figures
from tests.support.scenario import Company, expect, unique_lead

DEADLINE_SECONDS = 30


def counted_report(company: Company, claims: int) -> dict[str, Any]:
    """The agent report once every claim is counted (the stream is read about twice a second)."""
    deadline = time.monotonic() + DEADLINE_SECONDS
    while True:
        found = expect(company.api.get("/v1/reports/routing", key=company.admin_key), 200)
        if sum(row["claimed"] for row in found["rows"]) >= claims or time.monotonic() > deadline:
            return found  # type: ignore[no-any-return]
        time.sleep(0.2)


def test_quick_and_slow_claims_give_the_medians_shares_and_csv_of_the_leads(company: Company) -> None:
    company.settings(agents_can_claim_unassigned=True)
    company.agents([1, 2], lead_management=True, in_auto_assign_queue=True)
    keys = {n: company.key("agent", agent_id=n) for n in (1, 2)}
    plan = [1, 1, 2, 2]
    lead_ids = [expect(company.submit(unique_lead(n)), 202)["lead_id"] for n in range(len(plan))]
    for agent_id, lead_id in zip(plan[:-1], lead_ids[:-1], strict=True):
        expect(company.api.post(f"/v1/leads/{lead_id}/claim", key=keys[agent_id]), 200)
    time.sleep(2.5)  # the slow one: a real wait, since the stack's clock is the machine's
    expect(company.api.post(f"/v1/leads/{lead_ids[-1]}/claim", key=keys[plan[-1]]), 200)
    leads = [company.lead(lead_id) for lead_id in lead_ids]

    rows = {row["key"]: row for row in counted_report(company, len(plan))["rows"]}

    assert set(rows) == {1, 2, None}
    for agent_id in (1, 2):
        held = [lead for lead in leads if lead["agent_id"] == agent_id]
        row = rows[agent_id]
        assert {name: row[name] for name in ("speed_to_lead_seconds", "within_5_minutes")} == speed_figures(held)
        assert (row["claimed"], row["share"], row["target_share"]) == (2, 0.5, 0.5)
    assert rows[2]["speed_to_lead_seconds"]["p90"] >= 2
    assert rows[None]["received"] == len(plan)

    answer = company.api.get("/v1/reports/routing", key=company.admin_key, headers={"Accept": "text/csv"})
    assert answer.status == 200
    by_key = {row["key"]: row for row in csv_rows(answer.text)}
    assert set(by_key) == {"1", "2", ""}
    for agent_id in (1, 2):
        line, row = by_key[str(agent_id)], rows[agent_id]
        assert line["speed_to_lead_median_seconds"] == as_csv_cell(row["speed_to_lead_seconds"]["median"])
        assert line["speed_to_lead_p90_seconds"] == as_csv_cell(row["speed_to_lead_seconds"]["p90"])
        assert (line["claimed"], line["share"]) == ("2", "0.5")
