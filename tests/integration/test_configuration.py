"""Configuration through the admin API: settings, agents, offices, the office manager's view and the
public agent directory."""

from datetime import UTC, datetime
from typing import Any

import boto3
import pytest

from tests.support.client import Answer
from tests.support.scenario import Company, expect


def assert_invalid(answer: Answer, *words: str) -> None:
    assert answer.status == 422, answer.text
    assert answer.error_code == "invalid_input"
    for word in words:
        assert word in answer.json["error"]["message"]


def put_settings(company: Company, **changes: Any) -> Answer:
    return company.api.put("/v1/settings", json_body=changes, key=company.admin_key)


def get_settings(company: Company) -> dict[str, Any]:
    return expect(company.api.get("/v1/settings", key=company.admin_key), 200)  # type: ignore[no-any-return]


def post_agent(company: Company, **body: Any) -> Answer:
    return company.api.post("/v1/agents", json_body=body, key=company.admin_key)


def get_agent(company: Company, agent_id: int, key: str | None = None) -> Answer:
    return company.api.get(f"/v1/agents/{agent_id}", key=key or company.admin_key)


def directory(company: Company) -> dict[str, Any]:
    return expect(company.api.get(f"/v1/companies/{company.company_id}/agents/directory"), 200)  # type: ignore[no-any-return]


# Settings --------------------------------------------------------------------------------------------


def test_a_new_company_has_the_default_settings(company: Company) -> None:
    assert get_settings(company) == {
        "time_zone": "America/Chicago",
        "skip_exclusive_listing_assignment": False,
        "default_agent_id": None,
        "default_broker_id": None,
        "click_to_claim_enabled": False,
        "advanced_distribution_enabled": False,
        "auto_assign_enabled": False,
        "acceptance_required": False,
        "acceptance_timeout_seconds": 3600,
        "agents_can_claim_unassigned": False,
        "claim_link_ttl_seconds": 86400,
        "sender_email": None,
        "allowed_origins": [],
        "escalate_unclaimed_after_seconds": None,
        "escalation_emails": [],
        "returning_leads": "owner",
        "owner_window_seconds": 3600,
        "ownership_days": 180,
        "phone_region": "US",
        "auto_away_after_misses": None,
        "fair_share_on_return": "start_even",
    }


def test_put_settings_changes_only_what_it_names(company: Company) -> None:
    company.settings(auto_assign_enabled=True, acceptance_timeout_seconds=900)
    answer = expect(put_settings(company, sender_email="leads@lakeside.test"), 200)
    assert answer["sender_email"] == "leads@lakeside.test"
    settings = get_settings(company)
    assert settings["auto_assign_enabled"] is True
    assert settings["acceptance_timeout_seconds"] == 900
    assert settings["sender_email"] == "leads@lakeside.test"
    assert settings["time_zone"] == "America/Chicago"


def test_an_unknown_setting_is_422_and_changes_nothing(company: Company) -> None:
    assert_invalid(put_settings(company, auto_asign_enabled=True, auto_assign_enabled=True), "auto_asign_enabled")
    assert get_settings(company)["auto_assign_enabled"] is False


def test_a_body_that_is_not_json_is_400_and_changes_nothing(company: Company) -> None:
    before = expect(company.api.get("/v1/settings", key=company.admin_key), 200)
    answer = company.api.put(
        "/v1/settings",
        raw=b'{"default_agent_id":}',
        key=company.admin_key,
        headers={"Content-Type": "application/json"},
    )
    assert answer.status == 400, answer.text
    assert answer.error_code == "bad_request"
    assert answer.json["error"]["message"].startswith("The body is not valid JSON:")
    assert expect(company.api.get("/v1/settings", key=company.admin_key), 200) == before


def test_an_unknown_time_zone_is_422(company: Company) -> None:
    assert_invalid(put_settings(company, time_zone="America/Springfield"), "time_zone")
    assert_invalid(put_settings(company, time_zone="America"), "time_zone")
    assert get_settings(company)["time_zone"] == "America/Chicago"


@pytest.mark.parametrize("field", ["acceptance_timeout_seconds", "claim_link_ttl_seconds"])
@pytest.mark.parametrize("seconds", [0, -5])
def test_seconds_must_be_at_least_one(company: Company, field: str, seconds: int) -> None:
    assert_invalid(put_settings(company, **{field: seconds}), field)


def test_one_second_is_accepted(company: Company) -> None:
    assert company.settings(acceptance_timeout_seconds=1, claim_link_ttl_seconds=1)["acceptance_timeout_seconds"] == 1


@pytest.mark.parametrize("field", ["default_agent_id", "default_broker_id"])
def test_a_default_must_name_an_agent(company: Company, field: str) -> None:
    company.agent(1)
    assert_invalid(put_settings(company, **{field: 2}), field)
    assert expect(put_settings(company, **{field: 1}), 200)[field] == 1
    assert expect(put_settings(company, **{field: None}), 200)[field] is None


def test_allowed_origins_must_be_origins(company: Company) -> None:
    assert_invalid(put_settings(company, allowed_origins=["https://lakeside.test/contact"]), "allowed_origins")
    ok = company.settings(allowed_origins=["https://lakeside.test", "http://localhost:8080"])
    assert ok["allowed_origins"] == ["https://lakeside.test", "http://localhost:8080"]


def test_a_bad_sender_email_is_422(company: Company) -> None:
    assert_invalid(put_settings(company, sender_email="not an email"), "sender_email")


# Agents ----------------------------------------------------------------------------------------------


def test_an_admin_adds_an_agent_with_every_field(company: Company) -> None:
    company.office("north")
    created = expect(
        post_agent(
            company,
            agent_id=12345,
            name="Dana Reyes",
            email="dana@lakeside.test",
            phone="+1 312 555 0101",
            mls_id="MLS-77",
            office_id="north",
            click_to_claim=True,
            in_auto_assign_queue=True,
            lead_management=True,
            criteria={"zips": ["60614"], "types": ["buy"], "price_min": 100000},
        ),
        201,
    )
    assert created["agent_id"] == 12345
    assert created["active"] is True
    assert created["criteria"]["zips"] == ["60614"]
    assert expect(get_agent(company, 12345), 200) == created


def test_an_agent_without_an_id_gets_the_next_free_one(company: Company) -> None:
    company.agent(3)
    company.agent(10)
    created = expect(post_agent(company, name="Newcomer", email="new@lakeside.test"), 201)
    assert created["agent_id"] == 11


def test_the_first_agent_without_an_id_gets_1(company: Company) -> None:
    assert expect(post_agent(company, name="First", email="first@lakeside.test"), 201)["agent_id"] == 1


def test_a_duplicate_agent_id_is_409(company: Company) -> None:
    company.agent(5, name="Original")
    answer = post_agent(company, agent_id=5, name="Impostor", email="imp@lakeside.test")
    assert answer.status == 409
    assert answer.error_code == "conflict"
    assert expect(get_agent(company, 5), 200)["name"] == "Original"


def test_agents_are_listed_by_id(company: Company) -> None:
    company.agents([30, 4, 17])
    agents = expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"]
    assert [agent["agent_id"] for agent in agents] == [4, 17, 30]


def test_an_unknown_agent_is_404(company: Company) -> None:
    answer = get_agent(company, 99)
    assert answer.status == 404
    assert answer.error_code == "not_found"


def test_put_replaces_the_agent(company: Company) -> None:
    company.agent(1, phone="312-555-0100", click_to_claim=True, criteria={"zips": ["60614"]})
    replaced = expect(
        company.api.put(
            "/v1/agents/1", json_body={"name": "Renamed", "email": "renamed@lakeside.test"}, key=company.admin_key
        ),
        200,
    )
    assert replaced["name"] == "Renamed"
    assert replaced["phone"] is None
    assert replaced["click_to_claim"] is False
    assert replaced["criteria"]["zips"] is None
    assert expect(get_agent(company, 1), 200) == replaced


def test_put_on_an_unknown_agent_is_404(company: Company) -> None:
    answer = company.api.put("/v1/agents/8", json_body={"name": "X", "email": "x@lakeside.test"}, key=company.admin_key)
    assert answer.status == 404


def test_patch_changes_only_the_given_fields(company: Company) -> None:
    company.agent(1, phone="312-555-0100", in_auto_assign_queue=True)
    patched = expect(
        company.api.patch(
            "/v1/agents/1",
            json_body={"away_until": "2031-07-01T09:00:00-05:00", "criteria": {"cities": ["Evanston"]}},
            key=company.admin_key,
        ),
        200,
    )
    assert datetime.fromisoformat(patched["away_until"]) == datetime(2031, 7, 1, 14, tzinfo=UTC)
    assert patched["criteria"]["cities"] == ["Evanston"]
    assert patched["phone"] == "312-555-0100"
    assert patched["in_auto_assign_queue"] is True
    assert expect(get_agent(company, 1), 200) == patched


def test_away_until_is_answered_in_utc(company: Company) -> None:
    company.agent(1)
    patched = expect(
        company.api.patch("/v1/agents/1", json_body={"away_until": "2031-07-01T09:00:00-05:00"}, key=company.admin_key),
        200,
    )
    assert patched["away_until"] == "2031-07-01T14:00:00Z"


def test_patch_with_an_unknown_field_is_422(company: Company) -> None:
    company.agent(1)
    assert_invalid(company.api.patch("/v1/agents/1", json_body={"nickname": "D"}, key=company.admin_key), "nickname")


def test_away_until_needs_an_offset(company: Company) -> None:
    company.agent(1)
    answer = company.api.patch("/v1/agents/1", json_body={"away_until": "2031-07-01T09:00:00"}, key=company.admin_key)
    assert_invalid(answer, "away_until")


def test_delete_deactivates_and_keeps_the_agent(company: Company) -> None:
    company.agents([1, 2])
    deleted = expect(company.api.delete("/v1/agents/2", key=company.admin_key), 200)
    assert deleted["active"] is False
    kept = expect(get_agent(company, 2), 200)
    assert kept["active"] is False
    assert kept["name"] == "Agent 2"
    agents = expect(company.api.get("/v1/agents", key=company.admin_key), 200)["agents"]
    assert [agent["agent_id"] for agent in agents] == [1, 2]
    assert [entry["agent_id"] for entry in directory(company)["agents"]] == [1]


def test_a_deactivated_agent_can_stay_the_default_agent(company: Company) -> None:
    company.agent(1)
    company.settings(default_agent_id=1)
    expect(company.api.delete("/v1/agents/1", key=company.admin_key), 200)
    assert get_settings(company)["default_agent_id"] == 1


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"email": "dana@"}, "email"),
        ({"email": "dana lakeside.test"}, "email"),
        ({"office_id": "nowhere"}, "office_id"),
        ({"rejected_lead_agent": 77}, "rejected_lead_agent"),
        ({"rejected_lead_agent": 9}, "rejected_lead_agent"),
        ({"rejected_lead_agent": "everyone"}, "rejected_lead_agent"),
        ({"criteria": {"price_min": 500000, "price_max": 100000}}, "price_min"),
        ({"criteria": {"types": ["lease"]}}, "types"),
        ({"name": ""}, "name"),
        ({"agent_id": 0}, "agent_id"),
        ({"colour": "blue"}, "colour"),
        ({"away_until": 0}, "away_until"),  # a number is not a moment
        ({"out_of_office": [{"start": 0, "end": "2026-12-24"}]}, "start"),  # nor a day
    ],
)
def test_an_invalid_agent_is_422(company: Company, fields: dict[str, Any], field: str) -> None:
    body = {"agent_id": 9, "name": "Dana", "email": "dana@lakeside.test", **fields}
    assert_invalid(post_agent(company, **body), field)
    assert get_agent(company, 9).status == 404


def test_rejected_lead_agent_may_name_another_agent_or_round_robin(company: Company) -> None:
    company.agent(1)
    assert company.agent(2, rejected_lead_agent=1)["rejected_lead_agent"] == 1
    assert company.agent(3, rejected_lead_agent="round_robin")["rejected_lead_agent"] == "round_robin"


def test_patch_cannot_point_rejected_leads_at_the_agent_itself(company: Company) -> None:
    company.agent(4)
    answer = company.api.patch("/v1/agents/4", json_body={"rejected_lead_agent": 4}, key=company.admin_key)
    assert_invalid(answer, "rejected_lead_agent")


def test_an_empty_criterion_matches_any_lead(company: Company) -> None:
    created = company.agent(1, criteria={"zips": [], "cities": ["Evanston"]})
    assert created["criteria"]["zips"] is None
    assert created["criteria"]["cities"] == ["Evanston"]


# Offices ---------------------------------------------------------------------------------------------


def test_office_crud(company: Company) -> None:
    key = company.admin_key
    created = expect(company.api.post("/v1/offices", json_body={"office_id": "north", "name": "North"}, key=key), 201)
    assert created == {"office_id": "north", "name": "North"}
    assert expect(company.api.get("/v1/offices/north", key=key), 200) == created
    renamed = expect(company.api.put("/v1/offices/north", json_body={"name": "North Side"}, key=key), 200)
    assert renamed == {"office_id": "north", "name": "North Side"}
    assert expect(company.api.get("/v1/offices", key=key), 200)["offices"] == [renamed]
    assert company.api.delete("/v1/offices/north", key=key).status == 204
    assert company.api.get("/v1/offices/north", key=key).status == 404
    assert expect(company.api.get("/v1/offices", key=key), 200)["offices"] == []


def test_an_office_without_an_id_takes_one_from_its_name(company: Company) -> None:
    created = expect(company.api.post("/v1/offices", json_body={"name": "Gold Coast"}, key=company.admin_key), 201)
    assert created["office_id"] == "gold-coast"


def test_a_duplicate_office_is_409(company: Company) -> None:
    company.office("north")
    answer = company.api.post("/v1/offices", json_body={"office_id": "north", "name": "Other"}, key=company.admin_key)
    assert answer.status == 409
    assert expect(company.api.get("/v1/offices/north", key=company.admin_key), 200)["name"] == "North"


def test_an_office_with_agents_cannot_be_deleted(company: Company) -> None:
    company.office("north")
    company.agent(1, office_id="north")
    answer = company.api.delete("/v1/offices/north", key=company.admin_key)
    assert answer.status == 409
    assert answer.error_code == "conflict"
    expect(company.api.get("/v1/offices/north", key=company.admin_key), 200)
    # Once the agent moves, it can go.
    expect(company.api.patch("/v1/agents/1", json_body={"office_id": None}, key=company.admin_key), 200)
    assert company.api.delete("/v1/offices/north", key=company.admin_key).status == 204


def _agent_counts(table_name: str, company_id: str) -> dict[str, int | None]:
    """Each office item's count of its agents, as stored (None: the item keeps none)."""
    items = boto3.client("dynamodb").query(
        TableName=table_name,
        KeyConditionExpression="PK = :pk AND begins_with(SK, :office)",
        ExpressionAttributeValues={":pk": {"S": f"C#{company_id}"}, ":office": {"S": "OFFICE#"}},
        ConsistentRead=True,
    )["Items"]
    return {item["office_id"]["S"]: int(item["agent_count"]["N"]) if "agent_count" in item else None for item in items}


def test_an_office_counts_the_agents_every_write_moves_in_and_out(company: Company, table_name: str) -> None:
    """Deleting an office looks at no agent when its count is 0 (docs/DECISIONS.md, "An office counts its
    agents"): every way an agent joins or leaves keeps the count exact, and a refusal still names them."""
    key = company.admin_key
    company.office("north")
    company.office("south")
    expect(post_agent(company, agent_id=1, name="Ada", email="ada@brokerage.test", office_id="north"), 201)
    expect(post_agent(company, agent_id=2, name="Bo", email="bo@brokerage.test", office_id="north"), 201)
    expect(post_agent(company, agent_id=3, name="Cy", email="cy@brokerage.test"), 201)
    assert _agent_counts(table_name, company.company_id) == {"north": 2, "south": 0}

    expect(company.api.patch("/v1/agents/1", json_body={"office_id": "south"}, key=key), 200)  # moves
    expect(company.api.patch("/v1/agents/1", json_body={"phone": "312-555-0100"}, key=key), 200)  # stays
    replaced = {"name": "Cy", "email": "cy@brokerage.test", "office_id": "south"}
    expect(company.api.put("/v1/agents/3", json_body=replaced, key=key), 200)  # joins
    expect(company.api.delete("/v1/agents/2", key=key), 200)  # deactivated: still in the office
    expect(company.api.put("/v1/offices/south", json_body={"name": "South Side"}, key=key), 200)  # renamed
    assert _agent_counts(table_name, company.company_id) == {"north": 1, "south": 2}

    refused = company.api.delete("/v1/offices/north", key=key)
    assert refused.status == 409
    assert "still has agents [2]" in refused.json["error"]["message"]
    expect(company.api.patch("/v1/agents/2", json_body={"office_id": None}, key=key), 200)
    assert _agent_counts(table_name, company.company_id) == {"north": 0, "south": 2}
    assert company.api.delete("/v1/offices/north", key=key).status == 204
    assert _agent_counts(table_name, company.company_id) == {"south": 2}


def test_an_office_stored_before_offices_counted_agents_is_still_refused_while_an_agent_is_in_it(
    company: Company, table_name: str
) -> None:
    key = company.admin_key
    company.office("old")
    company.agent(1, office_id="old")
    # As an office written by an earlier release: no count on its item.
    boto3.client("dynamodb").update_item(
        TableName=table_name,
        Key={"PK": {"S": f"C#{company.company_id}"}, "SK": {"S": "OFFICE#old"}},
        UpdateExpression="REMOVE agent_count",
    )
    expect(
        company.api.post("/v1/agents", json_body={"name": "Di", "email": "di@b.test", "office_id": "old"}, key=key), 201
    )

    assert company.api.delete("/v1/offices/old", key=key).status == 409
    for agent_id in (1, 2):
        expect(company.api.patch(f"/v1/agents/{agent_id}", json_body={"office_id": None}, key=key), 200)
    assert _agent_counts(table_name, company.company_id) == {"old": None}  # never counted from a wrong start
    assert company.api.delete("/v1/offices/old", key=key).status == 204


def test_unknown_offices_are_404(company: Company) -> None:
    key = company.admin_key
    assert company.api.get("/v1/offices/nowhere", key=key).status == 404
    assert company.api.put("/v1/offices/nowhere", json_body={"name": "X"}, key=key).status == 404
    assert company.api.delete("/v1/offices/nowhere", key=key).status == 404


def test_an_invalid_office_id_is_422(company: Company) -> None:
    answer = company.api.post("/v1/offices", json_body={"office_id": "North Side!", "name": "N"}, key=company.admin_key)
    assert_invalid(answer, "office_id")


# The office manager's view ---------------------------------------------------------------------------


@pytest.fixture
def manager_key(company: Company) -> str:
    company.office("north")
    company.office("south")
    company.office("west")
    company.agent(1, office_id="north")
    company.agent(2, office_id="south")
    company.agent(3, office_id="west")
    company.agent(4)
    return company.key("office_manager", office_ids=["north", "west"])


def test_an_office_manager_lists_only_their_offices_agents(company: Company, manager_key: str) -> None:
    agents = expect(company.api.get("/v1/agents", key=manager_key), 200)["agents"]
    assert [agent["agent_id"] for agent in agents] == [1, 3]


def test_an_office_manager_reads_only_their_offices_agents(company: Company, manager_key: str) -> None:
    assert expect(get_agent(company, 3, key=manager_key), 200)["office_id"] == "west"
    assert get_agent(company, 2, key=manager_key).status == 404
    assert get_agent(company, 4, key=manager_key).status == 404


def test_an_office_manager_lists_and_reads_only_their_offices(company: Company, manager_key: str) -> None:
    offices = expect(company.api.get("/v1/offices", key=manager_key), 200)["offices"]
    assert [office["office_id"] for office in offices] == ["north", "west"]
    expect(company.api.get("/v1/offices/north", key=manager_key), 200)
    assert company.api.get("/v1/offices/south", key=manager_key).status == 404


# The public directory --------------------------------------------------------------------------------


def test_the_directory_lists_active_agents_with_id_and_display_name(company: Company) -> None:
    company.agent(1, name="Zoe Park", phone="312-555-0100", mls_id="M1")
    company.agent(2, name="Adam Li", active=False)
    company.agent(3, name="Maya Cruz", away_until="2031-01-01T00:00:00Z")
    answer = company.api.get(f"/v1/companies/{company.company_id}/agents/directory")
    listing = expect(answer, 200)
    assert sorted(listing["agents"], key=lambda entry: entry["agent_id"]) == [
        {"agent_id": 1, "display_name": "Zoe Park"},
        {"agent_id": 3, "display_name": "Maya Cruz"},
    ]
    assert "agent1@brokerage.test" not in answer.text


def test_the_directory_of_an_unknown_company_is_404(company: Company) -> None:
    answer = company.api.get("/v1/companies/co_0000000000000000000000000a/agents/directory")
    assert answer.status == 404
    assert answer.error_code == "not_found"


@pytest.mark.parametrize("company_id", ["co_short", "acme", "co_0000000000000000000000000A"])
def test_the_directory_of_a_malformed_company_id_is_422(company: Company, company_id: str) -> None:
    answer = company.api.get(f"/v1/companies/{company_id}/agents/directory")
    assert answer.status == 422
    assert answer.error_code == "invalid_input"


def test_the_directory_needs_no_key(company: Company) -> None:
    company.agent(1, name="Zoe Park")
    answer = company.api.get(f"/v1/companies/{company.company_id}/agents/directory", key="lrk_" + "B" * 43)
    assert answer.status == 200


def test_two_changes_to_one_agent_at_the_same_moment_both_land(
    company: Company, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The competitor writes between this PATCH's read and its write: the PATCH is merged again into what the
    # competitor stored instead of overwriting it with the copy it read.
    from leadrouter import wiring
    from leadrouter.adapters.dynamo_config import DynamoConfigRepository

    company.agent(7)
    original = DynamoConfigRepository.put_agent
    armed = [True]

    def put_agent(self: DynamoConfigRepository, *args: Any, **kwargs: Any) -> None:
        if armed[0]:
            armed[0] = False
            wiring.services().configuration.patch_agent(company.company_id, 7, {"phone": "312-555-0100"})
        original(self, *args, **kwargs)

    monkeypatch.setattr(DynamoConfigRepository, "put_agent", put_agent)
    expect(company.api.patch("/v1/agents/7", json_body={"active": False}, key=company.admin_key), 200)

    agent = expect(company.api.get("/v1/agents/7", key=company.admin_key), 200)
    assert (agent["phone"], agent["active"]) == ("312-555-0100", False)
