"""The assignment cascade through the real intake endpoint: which step applied, what was skipped and why,
as the lead's history tells a broker."""

from collections import Counter
from typing import Any

from tests.support.scenario import Company, expect, unique_lead


def intake(company: Company, n: int, **fields: Any) -> dict[str, Any]:
    """Post a lead and read it back with its history."""
    answer = expect(company.submit(unique_lead(n, **fields)), 202)
    lead = company.lead(answer["lead_id"])
    assert lead["status"] == answer["status"]
    return lead


def events(lead: dict[str, Any]) -> list[str]:
    return [entry["event"] for entry in lead["history"]]


def details(lead: dict[str, Any]) -> list[str]:
    return [entry["detail"] for entry in lead["history"]]


def last(lead: dict[str, Any]) -> dict[str, Any]:
    entry: dict[str, Any] = lead["history"][-1]
    return entry


def assert_assigned(lead: dict[str, Any], agent_id: int, step: str) -> None:
    assert lead["status"] == "assigned"
    assert lead["agent_id"] == agent_id
    assert last(lead)["event"] == "lead.assigned"
    assert last(lead)["agent_id"] == agent_id
    assert last(lead)["step"] == step


# 1. Agent code ---------------------------------------------------------------------------------------


def test_an_agent_code_assigns_to_that_agent(company: Company) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True, default_agent_id=1)
    lead = intake(company, 1, agent_code="3")
    assert_assigned(lead, 3, "agent_code")
    assert events(lead) == ["lead.received", "lead.assigned"]
    assert details(lead)[-1] == "Assigned to agent 3 (Agent 3): the lead came with agent code 3."


def test_an_agent_code_with_leading_zeros_is_the_same_id(company: Company) -> None:
    company.agent(7)
    assert_assigned(intake(company, 1, agent_code=" 007 "), 7, "agent_code")


def test_an_agent_code_sent_as_a_json_number_assigns_to_that_agent(company: Company) -> None:
    company.agent(12345)
    answer = company.submit(unique_lead(1, agent_code=12345))
    assert answer.status == 202, answer.text
    assert_assigned(company.lead(answer.json["lead_id"]), 12345, "agent_code")


def test_an_agent_code_beats_the_dropdown(company: Company) -> None:
    company.agents([1, 2])
    lead = intake(company, 1, agent_code="2", chosen_agent_id=1)
    assert_assigned(lead, 2, "agent_code")


def test_an_agent_code_reaches_an_away_agent(company: Company) -> None:
    company.agent(5, away_until="2099-01-01T00:00:00Z")
    lead = intake(company, 1, agent_code="5")
    assert_assigned(lead, 5, "agent_code")


def test_an_unknown_agent_code_is_recorded_and_the_cascade_goes_on(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    lead = intake(company, 1, agent_code="99")
    assert events(lead) == ["lead.received", "routing.skipped", "lead.assigned"]
    assert lead["history"][1]["detail"] == "Agent code 99 skipped: no such agent."
    assert lead["history"][1]["step"] == "agent_code"
    assert_assigned(lead, 1, "round_robin")


def test_an_agent_code_that_is_not_an_id_is_recorded(company: Company) -> None:
    lead = intake(company, 1, agent_code="DANA-R")
    assert events(lead) == ["lead.received", "routing.skipped", "routing.pooled"]
    assert lead["history"][1]["detail"] == "Agent code 'DANA-R' skipped: not an agent id."
    assert lead["status"] == "unassigned"


def test_an_inactive_agents_code_is_recorded_and_the_cascade_goes_on(company: Company) -> None:
    company.agent(1)
    company.agent(2, active=False)
    company.settings(default_agent_id=1)
    lead = intake(company, 1, agent_code="2")
    assert lead["history"][1]["detail"] == "Agent code 2 skipped: agent 2 (Agent 2) is inactive."
    assert_assigned(lead, 1, "default_agent")


# 2. The dropdown -------------------------------------------------------------------------------------


def test_the_dropdown_choice_assigns_to_that_agent(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    lead = intake(company, 1, chosen_agent_id=2)
    assert_assigned(lead, 2, "chosen_agent")
    assert details(lead)[-1] == (
        "Assigned to agent 2 (Agent 2): the lead chose this agent in the 'are you working with an agent' dropdown."
    )


def test_the_dropdown_choice_beats_an_exclusive_listing(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    listing = {"exclusive": True, "listing_agent_mls_id": "MLS-55", "mls_number": "A1001"}
    lead = intake(company, 1, chosen_agent_id=1, listing=listing)
    assert_assigned(lead, 1, "chosen_agent")


def test_an_inactive_dropdown_choice_is_recorded_and_the_cascade_goes_on(company: Company) -> None:
    company.agent(1)
    company.agent(2, active=False)
    company.settings(default_agent_id=1)
    lead = intake(company, 1, chosen_agent_id=2)
    assert "Chosen agent 2 skipped: agent 2 (Agent 2) is inactive." in details(lead)
    assert_assigned(lead, 1, "default_agent")


# 3. Exclusive listing --------------------------------------------------------------------------------


def test_an_exclusive_listing_goes_to_its_listing_agent(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    company.settings(default_agent_id=1)
    listing = {"exclusive": True, "listing_agent_mls_id": "mls-55", "mls_number": "A1001"}
    lead = intake(company, 1, listing=listing)
    assert_assigned(lead, 2, "exclusive_listing")
    assert details(lead)[-1] == "Assigned to agent 2 (Agent 2): listing agent of the exclusive listing (MLS# A1001)."


def test_a_listing_that_is_not_exclusive_skips_the_step_silently(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    company.settings(default_agent_id=1)
    lead = intake(company, 1, listing={"exclusive": False, "listing_agent_mls_id": "MLS-55"})
    assert events(lead) == ["lead.received", "lead.assigned"]
    assert_assigned(lead, 1, "default_agent")


def test_exclusive_listing_assignment_is_skipped_when_the_company_says_so(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    company.settings(default_agent_id=1, skip_exclusive_listing_assignment=True)
    lead = intake(company, 1, listing={"exclusive": True, "listing_agent_mls_id": "MLS-55"})
    assert lead["history"][1]["event"] == "routing.skipped"
    assert lead["history"][1]["detail"] == ("Exclusive listing skipped: the company skips auto exclusive assignment.")
    assert_assigned(lead, 1, "default_agent")


def test_an_exclusive_listing_whose_agent_is_not_ours_goes_on(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55", active=False)
    company.settings(default_agent_id=1)
    lead = intake(company, 1, listing={"exclusive": True, "listing_agent_mls_id": "MLS-55"})
    assert "Exclusive listing skipped: no active agent has MLS id 'MLS-55'." in details(lead)
    assert_assigned(lead, 1, "default_agent")


# 4. Default agent, default broker --------------------------------------------------------------------


def test_the_default_agent_gets_the_lead(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(default_agent_id=2, auto_assign_enabled=True)
    lead = intake(company, 1)
    assert_assigned(lead, 2, "default_agent")
    assert details(lead)[-1] == "Assigned to agent 2 (Agent 2): the company's default agent."


def test_an_inactive_default_agent_falls_back_to_the_default_broker(company: Company) -> None:
    company.agents([1, 2, 9])
    company.settings(default_agent_id=2, default_broker_id=9)
    expect(company.api.delete("/v1/agents/2", key=company.admin_key), 200)
    lead = intake(company, 1)
    assert events(lead) == ["lead.received", "routing.skipped", "lead.assigned"]
    assert lead["history"][1]["detail"] == "Default agent 2 skipped: agent 2 (Agent 2) is inactive."
    assert_assigned(lead, 9, "default_agent")
    assert details(lead)[-1] == "Assigned to agent 9 (Agent 9): the company's default broker."


def test_the_default_broker_alone_gets_the_lead(company: Company) -> None:
    company.agents([1, 9])
    company.settings(default_broker_id=9)
    lead = intake(company, 1)
    assert_assigned(lead, 9, "default_agent")


def test_inactive_default_agent_and_broker_go_on_to_round_robin(company: Company) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.agents([2, 9], active=False)
    company.settings(default_agent_id=2, default_broker_id=9, auto_assign_enabled=True)
    lead = intake(company, 1)
    assert "Default agent 2 skipped: agent 2 (Agent 2) is inactive." in details(lead)
    assert "Default broker 9 skipped: agent 9 (Agent 9) is inactive." in details(lead)
    assert_assigned(lead, 1, "round_robin")


# 7. Advanced distribution ----------------------------------------------------------------------------


def test_advanced_distribution_picks_at_random_among_matching_agents(company: Company) -> None:
    company.agent(1, criteria={"zips": ["60614"]})
    company.agent(2, criteria={"zips": ["60614", "60657"], "types": ["buy"]})
    company.agent(3, criteria={"zips": ["60601"]})
    company.agent(4, criteria={"zips": ["60614"]}, active=False)
    company.settings(advanced_distribution_enabled=True)
    chosen: Counter[int] = Counter()
    for n in range(16):
        lead = intake(company, n, interest={"zip": "60614", "type": "buy"})
        assert_assigned(lead, lead["agent_id"], "advanced_distribution")
        assert details(lead)[-1].endswith(
            "picked at random among 2 agent(s) whose distribution criteria match the lead."
        )
        chosen[lead["agent_id"]] += 1
    assert set(chosen) == {1, 2}  # both matching agents get leads; 16 heads in a row is 1 in 32768


def test_advanced_distribution_passes_over_an_agent_at_a_cap_then_the_pool_when_all_are(company: Company) -> None:
    for agent_id in (1, 2):
        company.agent(agent_id, criteria={"zips": ["60614"]}, max_leads_per_day=1)
    company.settings(advanced_distribution_enabled=True)
    firsts = [intake(company, n, interest={"zip": "60614"}) for n in range(2)]
    # Whichever went first is at its cap: the second lead goes to the other, picked first or after a refusal.
    assert sorted(lead["agent_id"] for lead in firsts) == [1, 2]

    pooled = intake(company, 2, interest={"zip": "60614"})
    assert pooled["status"] == "unassigned"
    assert (
        details(pooled)[-1] == "Every agent whose criteria match is at a cap and auto assignment is off: to the pool."
    )
    assert {"Agent 1 skipped: daily cap 1 of 1 reached.", "Agent 2 skipped: daily cap 1 of 1 reached."} <= set(
        details(pooled)
    )


def test_advanced_distribution_matches_text_without_case(company: Company) -> None:
    company.agent(1, criteria={"cities": ["Evanston"], "sources": ["Zillow"]})
    company.agent(2, criteria={"cities": ["Skokie"]})
    company.settings(advanced_distribution_enabled=True)
    lead = intake(company, 1, interest={"city": "EVANSTON"}, source="zillow")
    assert_assigned(lead, 1, "advanced_distribution")


def test_advanced_distribution_skips_an_away_agent_and_says_so(company: Company) -> None:
    company.agent(1, criteria={"zips": ["60614"]}, away_until="2099-01-01T00:00:00Z")
    company.agent(2, criteria={"zips": ["60614"]})
    company.settings(advanced_distribution_enabled=True)
    lead = intake(company, 1, interest={"zip": "60614"})
    assert_assigned(lead, 2, "advanced_distribution")
    skipped = [entry["detail"] for entry in lead["history"] if entry["event"] == "routing.skipped"]
    assert len(skipped) == 1
    assert skipped[0].startswith("Agent 1 (Agent 1) matches but is skipped: away until 2099-01-01")


def test_no_match_with_auto_assign_goes_to_round_robin(company: Company) -> None:
    company.agent(1, criteria={"zips": ["60601"]}, in_auto_assign_queue=True)
    company.agent(2, criteria={"zips": ["60602"]}, in_auto_assign_queue=True)
    company.settings(advanced_distribution_enabled=True, auto_assign_enabled=True)
    lead = intake(company, 1, interest={"zip": "60614"})
    assert events(lead) == ["lead.received", "routing.skipped", "lead.assigned"]
    assert lead["history"][1]["detail"] == (
        "Advanced distribution found no agent whose criteria match; trying round robin."
    )
    assert_assigned(lead, 1, "round_robin")


def test_no_match_without_auto_assign_goes_to_the_pool(company: Company) -> None:
    company.agent(1, criteria={"zips": ["60601"]}, in_auto_assign_queue=True)
    company.settings(advanced_distribution_enabled=True)
    lead = intake(company, 1, interest={"zip": "60614"})
    assert lead["status"] == "unassigned"
    assert lead["agent_id"] is None
    assert events(lead) == ["lead.received", "routing.pooled"]
    assert details(lead)[-1] == (
        "No agent's distribution criteria match the lead and auto assignment is off: to the pool."
    )
    assert last(lead)["step"] == "advanced_distribution"


def test_a_lead_without_the_criterion_does_not_match_it(company: Company) -> None:
    company.agent(1, criteria={"price_min": 300000})
    company.settings(advanced_distribution_enabled=True)
    lead = intake(company, 1)
    assert lead["status"] == "unassigned"


# 8. Round robin --------------------------------------------------------------------------------------


def test_round_robin_goes_by_ascending_id_and_wraps_around(company: Company) -> None:
    company.agents([3, 1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    leads = [intake(company, n) for n in range(4)]
    assert [lead["agent_id"] for lead in leads] == [1, 2, 3, 1]
    for lead in leads:
        assert_assigned(lead, lead["agent_id"], "round_robin")
    assert details(leads[0])[-1] == (
        "Assigned to agent 1 (Agent 1): next in the round-robin queue (ascending ids 1, 2, 3)."
    )


def test_round_robin_leaves_out_agents_outside_the_queue_and_inactive_ones(company: Company) -> None:
    company.agents([1, 3], in_auto_assign_queue=True)
    company.agent(2)
    company.agent(4, in_auto_assign_queue=True, active=False)
    company.settings(auto_assign_enabled=True)
    assert [intake(company, n)["agent_id"] for n in range(3)] == [1, 3, 1]


def test_round_robin_skips_an_away_agent_and_says_so(company: Company) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    expect(
        company.api.patch("/v1/agents/2", json_body={"away_until": "2099-01-01T00:00:00Z"}, key=company.admin_key),
        200,
    )
    first, second = intake(company, 1), intake(company, 2)
    assert [first["agent_id"], second["agent_id"]] == [1, 3]
    assert events(second) == ["lead.received", "routing.skipped", "lead.assigned"]
    assert second["history"][1]["detail"].startswith("Agent 2 skipped: away until 2099-01-01")
    assert second["history"][1]["step"] == "round_robin"


def test_round_robin_carries_on_after_the_queue_changes(company: Company) -> None:
    company.agents([1, 2, 3], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    assert [intake(company, n)["agent_id"] for n in range(2)] == [1, 2]
    expect(company.api.delete("/v1/agents/3", key=company.admin_key), 200)
    company.agent(5, in_auto_assign_queue=True)
    assert [intake(company, n)["agent_id"] for n in range(2, 5)] == [5, 1, 2]


def test_an_empty_queue_is_noted_and_the_lead_goes_to_the_pool(company: Company) -> None:
    company.agents([1, 2])
    company.settings(auto_assign_enabled=True)
    lead = intake(company, 1)
    assert lead["status"] == "unassigned"
    assert "Round robin skipped: no active agent is in the auto-assignment queue." in details(lead)


# 9. Nothing applied ----------------------------------------------------------------------------------


def test_when_nothing_applies_the_lead_waits_in_the_pool(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    lead = intake(company, 1)
    assert lead["status"] == "unassigned"
    assert lead["agent_id"] is None
    assert events(lead) == ["lead.received", "routing.pooled"]
    assert details(lead) == [
        "Lead received from source 'website'.",
        "No routing step applied: the lead waits in the pool for an admin or an agent to take it.",
    ]


def test_the_office_of_the_assigned_agent_is_the_leads_office(company: Company) -> None:
    company.office("north")
    company.agent(1, office_id="north")
    lead = intake(company, 1, agent_code="1")
    assert lead["office_id"] == "north"


# Form-encoded posts ----------------------------------------------------------------------------------


def post_form(company: Company, form: dict[str, str]) -> dict[str, Any]:
    answer = expect(company.api.post(company.leads_path(), form=form), 202)
    return company.lead(answer["lead_id"])


def test_a_form_post_with_an_exclusive_listing_reaches_the_listing_agent(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    company.settings(default_agent_id=1)
    lead = post_form(
        company,
        {
            "first_name": "Pat",
            "email": "pat@example.net",
            "listing.exclusive": "on",
            "listing.listing_agent_mls_id": "MLS-55",
            "listing.mls_number": "A1001",
            "chosen_agent_id": "",
            "submit": "Send",
        },
    )
    assert_assigned(lead, 2, "exclusive_listing")
    assert lead["listing"] == {"mls_number": "A1001", "listing_agent_mls_id": "MLS-55", "exclusive": True}


def test_a_form_post_with_brackets_and_the_dropdown(company: Company) -> None:
    company.agent(1)
    company.agent(2, mls_id="MLS-55")
    lead = post_form(
        company,
        {
            "email": "pat@example.net",
            "listing[exclusive]": "on",
            "listing[listing_agent_mls_id]": "MLS-55",
            "chosen_agent_id": "1",
        },
    )
    assert_assigned(lead, 1, "chosen_agent")


def test_a_form_post_with_the_not_working_with_an_agent_option(company: Company) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    lead = post_form(company, {"email": "pat@example.net", "chosen_agent_id": "none", "source": ""})
    assert_assigned(lead, 1, "round_robin")
    assert lead["source"] == "website"


def test_a_form_post_goes_through_advanced_distribution_like_json(company: Company) -> None:
    company.agent(1, criteria={"zips": ["60614"], "price_max": 500000})
    company.agent(2, criteria={"zips": ["60601"]})
    company.settings(advanced_distribution_enabled=True)
    lead = post_form(
        company, {"phone": "312-555-0188", "interest.zip": "60614", "interest.price": "450000", "interest.type": "buy"}
    )
    assert_assigned(lead, 1, "advanced_distribution")
    assert lead["interest"] == {"type": "buy", "zip": "60614", "city": None, "price": 450000}


def test_a_form_post_with_blank_optional_interest_fields_is_accepted(company: Company) -> None:
    company.agents([1], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    answer = company.api.post(
        company.leads_path(),
        form={"email": "pat@example.net", "interest.zip": "60614", "interest.price": "", "interest.type": ""},
    )
    assert answer.status == 202, answer.text
