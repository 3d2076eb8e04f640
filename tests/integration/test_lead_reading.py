"""Admins and office managers reading and assigning leads: filters, pages, history, manual assignment."""

import base64
import json
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from tests.support.aws_state import all_leads, lead_ids, lead_pages
from tests.support.scenario import Company, expect, unique_lead

CHICAGO_WINTER = timezone(timedelta(hours=-6))


def submit(company: Company, n: int, **fields: Any) -> str:
    return str(expect(company.submit(unique_lead(n, **fields)), 202)["lead_id"])


def assign(company: Company, lead_id: str, key: str | None = None, **body: Any) -> Any:
    return company.api.post(f"/v1/leads/{lead_id}/assign", json_body=body, key=key or company.admin_key)


# Listing ---------------------------------------------------------------------------------------------


def test_leads_are_listed_newest_first(company: Company) -> None:
    created = [submit(company, n) for n in range(4)]
    assert lead_ids(company) == list(reversed(created))


def test_a_listed_lead_has_the_contract_fields(company: Company) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    lead_id = submit(company, 1, source="open-house")
    (listed,) = all_leads(company)
    assert listed["lead_id"] == lead_id
    assert listed["status"] == "assigned"
    assert listed["agent_id"] == 1
    assert listed["office_id"] is None
    assert listed["source"] == "open-house"
    datetime.fromisoformat(listed["created_at"])
    assert "history" not in listed


@pytest.fixture
def mixed_leads(company: Company) -> dict[str, str]:
    """Five leads: to agent 1 (north), agent 2 (south), agent 3 (no office), and two in the pool."""
    company.office("north")
    company.office("south")
    company.agent(1, office_id="north")
    company.agent(2, office_id="south")
    company.agent(3)
    return {
        "north": submit(company, 1, agent_code="1", source="zillow"),
        "south": submit(company, 2, agent_code="2"),
        "no_office": submit(company, 3, agent_code="3", source="Zillow"),
        "pool_a": submit(company, 4, source="open-house"),
        "pool_b": submit(company, 5),
    }


def test_filter_by_status(company: Company, mixed_leads: dict[str, str]) -> None:
    assert lead_ids(company, status="unassigned") == [mixed_leads["pool_b"], mixed_leads["pool_a"]]
    assert lead_ids(company, status="assigned") == [
        mixed_leads["no_office"],
        mixed_leads["south"],
        mixed_leads["north"],
    ]
    assert lead_ids(company, status="offered") == []


def test_filter_by_agent(company: Company, mixed_leads: dict[str, str]) -> None:
    assert lead_ids(company, agent_id=2) == [mixed_leads["south"]]
    assert lead_ids(company, agent_id=2, status="unassigned") == []


def test_filter_by_office(company: Company, mixed_leads: dict[str, str]) -> None:
    assert lead_ids(company, office_id="north") == [mixed_leads["north"]]
    assert lead_ids(company, office_id="north", status="assigned") == [mixed_leads["north"]]


def test_filter_by_source(company: Company, mixed_leads: dict[str, str]) -> None:
    assert lead_ids(company, source="zillow") == [mixed_leads["no_office"], mixed_leads["north"]]
    assert lead_ids(company, source="ZILLOW") == [mixed_leads["no_office"], mixed_leads["north"]]
    assert lead_ids(company, source="open-house", status="unassigned") == [mixed_leads["pool_a"]]


def test_an_invalid_filter_is_422(company: Company) -> None:
    answer = company.api.get("/v1/leads", key=company.admin_key, params={"status": "lost"})
    assert answer.status == 422
    assert answer.error_code == "invalid_input"


def created_times(company: Company, ids: list[str]) -> list[datetime]:
    return [datetime.fromisoformat(company.lead(lead_id)["created_at"]) for lead_id in ids]


def test_filter_by_a_time_range_with_inclusive_bounds(company: Company) -> None:
    ids = [submit(company, n) for n in range(3)]
    first, middle, last = created_times(company, ids)
    stamp = middle.isoformat().replace("+00:00", "Z")
    assert lead_ids(company, created_from=stamp) == [ids[2], ids[1]]
    assert lead_ids(company, created_from=stamp, created_to=stamp) == [ids[1]]
    assert lead_ids(company, created_from=first.isoformat(), created_to=middle.isoformat()) == [ids[1], ids[0]]
    assert lead_ids(company, created_from=(last + timedelta(seconds=1)).isoformat()) == []
    # A number is no time (pydantic alone would read it as seconds since 1970, and list every lead).
    assert company.api.get("/v1/leads", key=company.admin_key, params={"created_from": "0"}).status == 422


def test_filter_by_an_upper_time_bound_alone(company: Company) -> None:
    ids = [submit(company, n) for n in range(3)]
    _, middle, _ = created_times(company, ids)
    answer = company.api.get("/v1/leads", key=company.admin_key, params={"created_to": middle.isoformat()})
    assert answer.status == 200, answer.text
    assert [lead["lead_id"] for lead in answer.json["leads"]] == [ids[1], ids[0]]


def test_a_time_bound_in_another_offset_means_the_same_moment(company: Company) -> None:
    ids = [submit(company, n) for n in range(3)]
    _, middle, _ = created_times(company, ids)
    in_chicago = middle.astimezone(CHICAGO_WINTER).isoformat()
    assert lead_ids(company, created_from=in_chicago) == [ids[2], ids[1]]


# Pages -----------------------------------------------------------------------------------------------


def test_pages_visit_every_lead_exactly_once(company: Company) -> None:
    created = [submit(company, n) for n in range(7)]
    pages = list(lead_pages(company, limit=3))
    assert len(pages) >= 3
    assert all(len(page["leads"]) <= 3 for page in pages)
    seen = [lead["lead_id"] for page in pages for lead in page["leads"]]
    assert seen == list(reversed(created))


def test_filtered_pages_visit_every_match_exactly_once(company: Company) -> None:
    created = [submit(company, n, source="zillow" if n % 3 == 0 else "website") for n in range(9)]
    zillow = [lead_id for n, lead_id in enumerate(created) if n % 3 == 0]
    seen = [lead["lead_id"] for page in lead_pages(company, limit=2, source="zillow") for lead in page["leads"]]
    assert seen == list(reversed(zillow))


def test_the_last_page_has_no_cursor(company: Company) -> None:
    submit(company, 1)
    page = expect(company.api.get("/v1/leads", key=company.admin_key, params={"limit": 5}), 200)
    assert len(page["leads"]) == 1
    assert page["next_cursor"] is None


@pytest.mark.parametrize(
    "cursor",
    [
        "garbage",
        "not-a-cursor!!",
        base64.urlsafe_b64encode(b"[1, 2]").decode(),
        base64.urlsafe_b64encode(b'"a string"').decode(),
    ],
)
def test_a_garbage_cursor_is_400(company: Company, cursor: str) -> None:
    submit(company, 1)
    answer = company.api.get("/v1/leads", key=company.admin_key, params={"cursor": cursor})
    assert answer.status == 400, answer.text
    assert answer.error_code == "bad_request"


def test_a_forged_cursor_object_is_400(company: Company) -> None:
    submit(company, 1)
    forged = base64.urlsafe_b64encode(json.dumps({"PK": "x"}).encode()).decode()
    answer = company.api.get("/v1/leads", key=company.admin_key, params={"cursor": forged})
    assert answer.status == 400, answer.text


@pytest.mark.parametrize("limit", [0, 201, -1])
def test_a_limit_out_of_range_is_422(company: Company, limit: int) -> None:
    assert company.api.get("/v1/leads", key=company.admin_key, params={"limit": limit}).status == 422


# One lead --------------------------------------------------------------------------------------------


def test_a_lead_has_its_history_oldest_first(company: Company) -> None:
    company.agents([1, 2])
    lead_id = submit(company, 1, agent_code="DANA")
    expect(assign(company, lead_id, agent_id=2), 200)
    lead = company.lead(lead_id)
    history = lead["history"]
    assert [entry["event"] for entry in history] == [
        "lead.received",
        "routing.skipped",
        "routing.pooled",
        "lead.assigned",
    ]
    for entry in history:
        assert {"at", "event", "agent_id", "detail"} <= set(entry)
        assert entry["detail"].endswith(".")
    moments = [datetime.fromisoformat(entry["at"]) for entry in history]
    assert moments == sorted(moments)
    assert history[-1]["agent_id"] == 2


def test_an_unknown_lead_is_404(company: Company) -> None:
    answer = company.api.get("/v1/leads/ld_00000000000000000000000000", key=company.admin_key)
    assert answer.status == 404
    assert answer.error_code == "not_found"


def test_a_malformed_lead_id_is_422(company: Company) -> None:
    assert company.api.get("/v1/leads/12345", key=company.admin_key).status == 422


# Assigning -------------------------------------------------------------------------------------------


def test_an_admin_assigns_a_pool_lead_to_an_agent(company: Company) -> None:
    company.office("north")
    company.agent(2, name="Dana Reyes", office_id="north")
    lead_id = submit(company, 1)
    answer = expect(assign(company, lead_id, agent_id=2), 200)
    assert answer["status"] == "assigned"
    assert answer["agent_id"] == 2
    assert answer["office_id"] == "north"
    last = answer["history"][-1]
    assert last["event"] == "lead.assigned"
    assert last["agent_id"] == 2
    assert last["detail"].startswith("Assigned to agent 2 (Dana Reyes) by an admin (key key_")
    assert company.lead(lead_id) == answer
    assert lead_ids(company, agent_id=2) == [lead_id]
    assert lead_ids(company, status="unassigned") == []


def test_an_admin_reassigns_an_assigned_lead(company: Company) -> None:
    company.agents([1, 2])
    lead_id = submit(company, 1, agent_code="1")
    expect(assign(company, lead_id, agent_id=2), 200)
    assert lead_ids(company, agent_id=1) == []
    assert lead_ids(company, agent_id=2) == [lead_id]


def test_an_admin_sends_a_lead_to_an_office(company: Company) -> None:
    company.office("north", name="North Side")
    company.agent(1)
    lead_id = submit(company, 1, agent_code="1")
    answer = expect(assign(company, lead_id, office_id="north"), 200)
    assert answer["status"] == "unassigned"
    assert answer["agent_id"] is None
    assert answer["office_id"] == "north"
    assert answer["history"][-1]["detail"].startswith("Sent to office north (North Side) by an admin (key key_")
    assert lead_ids(company, office_id="north", status="unassigned") == [lead_id]
    assert lead_ids(company, agent_id=1) == []


@pytest.mark.parametrize(
    ("body", "words"),
    [
        ({"agent_id": 99}, "no agent 99"),
        ({"agent_id": 3}, "inactive"),
        ({"office_id": "atlantis"}, "atlantis"),
        ({"agent_id": 1, "office_id": "north"}, "exactly one"),
        ({}, "exactly one"),
    ],
)
def test_an_invalid_assignment_is_422_and_changes_nothing(company: Company, body: dict[str, Any], words: str) -> None:
    company.office("north")
    company.agent(1)
    company.agent(3, active=False)
    lead_id = submit(company, 1)
    before = company.lead(lead_id)
    answer = assign(company, lead_id, **body)
    assert answer.status == 422
    assert words in answer.json["error"]["message"]
    assert company.lead(lead_id) == before


def test_assigning_an_unknown_lead_is_404(company: Company) -> None:
    company.agent(1)
    assert assign(company, "ld_00000000000000000000000000", agent_id=1).status == 404


# Office managers -------------------------------------------------------------------------------------


@pytest.fixture
def offices(company: Company) -> dict[str, str]:
    """North: agents 1 (lead management) and 2 (none). South: agent 3 (lead management). Leads in each,
    one without an office. The manager's key covers north only."""
    company.office("north")
    company.office("south")
    company.agent(1, office_id="north", lead_management=True)
    company.agent(2, office_id="north")
    company.agent(3, office_id="south", lead_management=True)
    company.agent(4)
    leads = {
        "north": submit(company, 1, agent_code="2"),
        "south": submit(company, 2, agent_code="3"),
        "none": submit(company, 3, agent_code="4"),
        "pool": submit(company, 4),
    }
    leads["key"] = company.key("office_manager", office_ids=["north"])
    return leads


def test_an_office_manager_lists_only_their_offices_leads(company: Company, offices: dict[str, str]) -> None:
    key = offices["key"]
    assert lead_ids(company, key=key) == [offices["north"]]
    assert lead_ids(company, key=key, office_id="south") == []
    assert lead_ids(company, key=key, agent_id=3) == []
    assert lead_ids(company, key=key, status="unassigned") == []


def test_an_office_manager_reads_only_their_offices_leads(company: Company, offices: dict[str, str]) -> None:
    key = offices["key"]
    assert expect(company.api.get(f"/v1/leads/{offices['north']}", key=key), 200)["agent_id"] == 2
    for other in ("south", "none", "pool"):
        answer = company.api.get(f"/v1/leads/{offices[other]}", key=key)
        assert answer.status == 404, other
        assert answer.error_code == "not_found"


def test_an_office_manager_sees_a_lead_sent_to_their_office(company: Company, offices: dict[str, str]) -> None:
    expect(assign(company, offices["pool"], office_id="north"), 200)
    assert lead_ids(company, key=offices["key"], status="unassigned") == [offices["pool"]]


def test_an_office_manager_assigns_to_an_agent_with_lead_management(company: Company, offices: dict[str, str]) -> None:
    answer = expect(assign(company, offices["north"], key=offices["key"], agent_id=1), 200)
    assert answer["agent_id"] == 1
    assert answer["history"][-1]["detail"].startswith("Assigned to agent 1 (Agent 1) by an office manager (key key_")


def test_an_office_manager_cannot_assign_to_an_agent_without_lead_management(
    company: Company, offices: dict[str, str]
) -> None:
    answer = assign(company, offices["north"], key=offices["key"], agent_id=2)
    assert answer.status == 422
    assert "lead management" in answer.json["error"]["message"]


def test_an_office_manager_cannot_assign_outside_their_offices(company: Company, offices: dict[str, str]) -> None:
    answer = assign(company, offices["north"], key=offices["key"], agent_id=3)
    assert answer.status == 422
    assert "not in your offices" in answer.json["error"]["message"]
    assert company.lead(offices["north"])["agent_id"] == 2


def test_an_office_manager_cannot_assign_other_offices_leads(company: Company, offices: dict[str, str]) -> None:
    assert assign(company, offices["south"], key=offices["key"], agent_id=1).status == 404
    assert company.lead(offices["south"])["agent_id"] == 3


def test_an_office_manager_cannot_send_leads_to_offices(company: Company, offices: dict[str, str]) -> None:
    answer = assign(company, offices["north"], key=offices["key"], office_id="north")
    assert answer.status == 403
    assert answer.error_code == "forbidden"
