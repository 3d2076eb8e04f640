"""The pool and manual work against moto, through the local gateway (seed 004 §10, §11; seed 000's pool):
admins assigning (races, If-Match, offers closed), office managers, agents claiming, sending leads back."""

from collections.abc import Callable
from typing import Any

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from leadrouter.adapters.dynamo_leads import DynamoLeadRepository
from leadrouter.domain.caps import Tally
from leadrouter.domain.leads import Lead
from tests.support.aws_state import bus_events, lead_ids
from tests.support.client import Answer, ApiClient
from tests.support.offers import link_for, post_action
from tests.support.scenario import Company, expect, unique_lead
from tests.support.timers import live_timers

CONTACT = {"first_name": "Zebulon", "last_name": "Quillfeather", "email": "zq7781@example.net"}


def submit(company: Company, n: int, **fields: Any) -> str:
    return str(expect(company.submit(unique_lead(n, **fields)), 202)["lead_id"])


def assign(
    company: Company, lead_id: str, key: str | None = None, headers: dict[str, str] | None = None, **body: Any
) -> Answer:
    return company.api.post(
        f"/v1/leads/{lead_id}/assign", json_body=body, key=key or company.admin_key, headers=headers
    )


def claim(api: ApiClient, lead_id: str, key: str) -> Answer:
    return api.post(f"/v1/leads/{lead_id}/claim", key=key)


def release(api: ApiClient, lead_id: str, key: str | None, **kwargs: Any) -> Answer:
    return api.post(f"/v1/leads/{lead_id}/release", key=key, **kwargs)


def pool_ids(api: ApiClient, key: str, **params: Any) -> list[str]:
    ids: list[str] = []
    cursor: str | None = None
    while True:
        page = expect(api.get("/v1/pool", key=key, params={**params, "cursor": cursor}), 200)
        ids.extend(lead["lead_id"] for lead in page["leads"])
        cursor = page["next_cursor"]
        if not cursor:
            return ids


@pytest.fixture
def during_save(monkeypatch: pytest.MonkeyPatch) -> Callable[[Callable[[], None]], None]:
    """Runs `competitor` once, just before the next lead write: two changes "at the same moment", each having
    read the same version of the lead, made deterministic."""

    def arm(competitor: Callable[[], None]) -> None:
        original = DynamoLeadRepository.save
        armed = [True]

        def save(self: DynamoLeadRepository, lead: Lead, tally: Tally | None = None) -> None:
            if armed[0]:
                armed[0] = False
                competitor()
            original(self, lead, tally)

        monkeypatch.setattr(DynamoLeadRepository, "save", save)

    return arm


# Admins: the pool, assigning, races -----------------------------------------------------------------------


def test_admins_list_the_pool_newest_first_in_pages_with_filters(company: Company) -> None:
    company.office("north")
    company.agent(1)
    pool = [submit(company, n, source="zillow" if n % 2 else "website") for n in range(5)]
    submit(company, 9, agent_code="1")
    expect(assign(company, pool[0], office_id="north"), 200)

    assert lead_ids(company, status="unassigned", limit=2) == list(reversed(pool))  # office leads too
    assert lead_ids(company, status="unassigned", source="zillow") == [pool[3], pool[1]]
    assert lead_ids(company, status="unassigned", office_id="north") == [pool[0]]


def test_two_admin_assignments_at_the_same_moment_leave_one_winner_and_one_409(
    company: Company, during_save: Callable[[Callable[[], None]], None]
) -> None:
    company.agents([1, 2])
    lead_id = submit(company, 1)
    other_admin = company.key("admin")
    answers: list[Answer] = []
    during_save(lambda: answers.append(assign(company, lead_id, key=other_admin, agent_id=2)))

    first = assign(company, lead_id, agent_id=1)

    assert answers[0].status == 200
    assert (first.status, first.error_code) == (409, "conflict")
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert [entry["event"] for entry in lead["history"]].count("lead.assigned") == 1


def test_if_match_assigns_only_the_version_that_was_read(company: Company) -> None:
    company.agents([1, 2])
    lead_id = submit(company, 1)
    read = company.api.get(f"/v1/leads/{lead_id}", key=company.admin_key)
    etag = read.headers["ETag"]
    assert etag == f'"{read.json["version"]}"'

    assert expect(assign(company, lead_id, agent_id=1, headers={"If-Match": etag}), 200)["agent_id"] == 1
    stale = assign(company, lead_id, agent_id=2, headers={"If-Match": etag})
    assert (stale.status, stale.error_code) == (409, "conflict")
    assert "changed since you read it" in stale.json["error"]["message"]
    assert assign(company, lead_id, agent_id=2, headers={"If-Match": "yesterday"}).status == 400
    assert expect(assign(company, lead_id, agent_id=2, headers={"If-Match": "*"}), 200)["agent_id"] == 2


def test_an_assignment_closes_an_acceptance_offer_and_opens_a_new_one(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2])
    company.settings(acceptance_required=True)
    lead_id = submit(company, 1)
    expect(assign(company, lead_id, agent_id=1), 200)

    lead = expect(assign(company, lead_id, agent_id=2), 200)

    assert (lead["status"], lead["agent_id"]) == ("pending_acceptance", 2)
    assert [offer["state"] for offer in lead["offers"]] == ["closed", "open"]
    assert [offer["recipients"] for offer in lead["offers"]] == [[1], [2]]
    assert post_action(api, link_for(template, 1), "accept").status == 409
    assert len(live_timers(aws, runtime)) == 1  # the closed offer's timer is gone
    assert post_action(api, link_for(template, 2), "accept").status == 200
    assert company.lead(lead_id)["status"] == "assigned"


def test_sending_a_lead_to_an_office_closes_the_claim_emails(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.office("north")
    company.agents([1, 2], click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)

    lead = expect(assign(company, lead_id, office_id="north"), 200)

    assert (lead["status"], lead["office_id"], lead["offers"][0]["state"]) == ("unassigned", "north", "closed")
    assert post_action(api, link_for(template, 1), "claim").status == 409
    assert live_timers(aws, runtime) == []


# Office managers -------------------------------------------------------------------------------------------


@pytest.fixture
def offices(company: Company) -> dict[str, str]:
    """North: agents 1 (lead management) and 2 (none); south: agent 3 (lead management). One lead sent to
    north, one sent to south; keys for each office's manager and for agents 1 and 3."""
    company.office("north")
    company.office("south")
    company.agent(1, office_id="north", lead_management=True)
    company.agent(2, office_id="north")
    company.agent(3, office_id="south", lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    north, south = submit(company, 1, **CONTACT), submit(company, 2)
    expect(assign(company, north, office_id="north"), 200)
    expect(assign(company, south, office_id="south"), 200)
    return {
        "north": north,
        "south": south,
        "north_manager": company.key("office_manager", office_ids=["north"]),
        "south_manager": company.key("office_manager", office_ids=["south"]),
        "agent1": company.key("agent", agent_id=1),
        "agent3": company.key("agent", agent_id=3),
    }


def test_a_lead_sent_to_an_office_is_for_its_managers_only(
    company: Company, api: ApiClient, offices: dict[str, str]
) -> None:
    north = offices["north"]
    assert lead_ids(company, key=offices["north_manager"]) == [north]
    assert lead_ids(company, key=offices["north_manager"], status="unassigned") == [north]
    assert api.get(f"/v1/leads/{north}", key=offices["north_manager"]).status == 200
    assert api.get(f"/v1/leads/{north}", key=offices["south_manager"]).status == 404
    assert north not in lead_ids(company, key=offices["south_manager"])
    # Below admin, nobody else: not in the agents' pool, not claimable, not in anyone's leads.
    for agent in ("agent1", "agent3"):
        assert north not in pool_ids(api, offices[agent])
        answer = claim(api, north, offices[agent])
        assert (answer.status, answer.error_code) == (409, "not_in_pool")
        assert "office" in answer.json["error"]["message"]
        assert expect(api.get("/v1/me/leads", key=offices[agent]), 200)["leads"] == []


def test_a_lead_an_agent_claimed_by_email_link_is_in_their_office_for_its_managers(
    company: Company, api: ApiClient, template: Template
) -> None:
    company.office("north")
    company.agent(1, office_id="north", click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)
    expect(post_action(api, link_for(template, 1), "claim", as_json=True), 200)

    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("assigned", 1, "north")
    manager = company.key("office_manager", office_ids=["north"])
    assert api.get(f"/v1/leads/{lead_id}", key=manager).status == 200
    assert lead_ids(company, key=manager) == [lead_id]


def test_an_office_manager_assigns_an_office_lead_to_an_agent_with_lead_management(
    company: Company, api: ApiClient, offices: dict[str, str]
) -> None:
    north = offices["north"]
    lead = expect(assign(company, north, key=offices["north_manager"], agent_id=1), 200)
    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("assigned", 1, "north")
    assert "by an office manager" in lead["history"][-1]["detail"]
    mine = expect(api.get("/v1/me/leads", key=offices["agent1"]), 200)["leads"]
    assert [(item["lead_id"], item["contact"]["email"]) for item in mine] == [(north, CONTACT["email"])]
    # Decided: the manager keeps seeing the lead once an agent of their office holds it.
    assert lead_ids(company, key=offices["north_manager"], agent_id=1) == [north]


@pytest.mark.parametrize(
    ("agent_id", "words"),
    [(2, "no lead management"), (3, "not in your offices"), (99, "no agent 99")],
)
def test_an_office_manager_cannot_assign_to_an_agent_outside_their_offices_or_without_lead_management(
    company: Company, offices: dict[str, str], agent_id: int, words: str
) -> None:
    answer = assign(company, offices["north"], key=offices["north_manager"], agent_id=agent_id)
    assert (answer.status, answer.error_code) == (422, "invalid_input")
    assert words in answer.json["error"]["message"]
    assert company.lead(offices["north"])["agent_id"] is None


def test_an_office_manager_cannot_touch_another_offices_lead(company: Company, offices: dict[str, str]) -> None:
    south = offices["south"]
    assert assign(company, south, key=offices["north_manager"], agent_id=1).status == 404
    assert release(company.api, south, offices["north_manager"]).status == 404
    assert company.lead(south)["office_id"] == "south"


def test_an_office_manager_sends_an_office_lead_back_to_the_pool(
    company: Company, api: ApiClient, offices: dict[str, str]
) -> None:
    north = offices["north"]
    lead = expect(release(api, north, offices["north_manager"]), 200)
    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("unassigned", None, None)
    assert lead["history"][-1]["detail"].startswith("Sent back to the pool by an office manager (key key_")
    assert "office north (North) no longer has it" in lead["history"][-1]["detail"]
    assert api.get(f"/v1/leads/{north}", key=offices["north_manager"]).status == 404  # out of their reach now
    assert north in pool_ids(api, offices["agent1"])


# Agents claiming from the pool -----------------------------------------------------------------------------


@pytest.fixture
def claimers(company: Company) -> dict[str, str]:
    """Agents 1 and 2 with lead management, 3 without, 4 inactive (with lead management); the setting on."""
    company.office("north")
    company.agents([1, 2], lead_management=True)
    company.agent(3)
    company.agent(4, lead_management=True, active=False)
    company.agent(5, office_id="north", lead_management=True)
    company.settings(agents_can_claim_unassigned=True)
    return {f"agent{n}": company.key("agent", agent_id=n) for n in (1, 2, 3, 4, 5)}


def test_agents_with_lead_management_see_the_pool_newest_first_without_contact_details(
    company: Company, api: ApiClient, claimers: dict[str, str]
) -> None:
    company.agent(9)
    pool = [submit(company, n, first_name="Zebulon", interest={"city": "Evanston", "zip": "60201"}) for n in range(5)]
    submit(company, 10, agent_code="9")

    assert pool_ids(api, claimers["agent1"], limit=2) == list(reversed(pool))
    page = expect(api.get("/v1/pool", key=claimers["agent1"], params={"limit": 1}), 200)
    (first,) = page["leads"]
    assert first == {
        "lead_id": pool[-1],
        "status": "unassigned",
        "source": "website",
        "created_at": first["created_at"],
        "name_initial": "Z.",
        "area": "Evanston 60201",
        "claim_emails_out": False,
    }
    assert "lead4@example.net" not in str(page)
    assert "Zebulon" not in str(page)


@pytest.mark.parametrize("who", ["agent3", "agent4", "admin"])
def test_without_lead_management_an_active_agent_key_or_the_setting_the_pool_is_403(
    company: Company, api: ApiClient, claimers: dict[str, str], who: str
) -> None:
    lead_id = submit(company, 1)
    key = company.admin_key if who == "admin" else claimers[who]
    # An inactive agent's key no longer counts at all (service/callers.py): 401 before any role check.
    expected = (401, "unauthorized") if who == "agent4" else (403, "forbidden")
    for answer in (api.get("/v1/pool", key=key), claim(api, lead_id, key)):
        assert (answer.status, answer.error_code) == expected
    assert company.lead(lead_id)["status"] == "unassigned"


def test_with_the_setting_off_nobody_claims(company: Company, api: ApiClient, claimers: dict[str, str]) -> None:
    lead_id = submit(company, 1)
    company.settings(agents_can_claim_unassigned=False)
    answer = claim(api, lead_id, claimers["agent1"])
    assert (answer.status, answer.error_code) == (403, "forbidden")
    assert "does not let agents claim" in answer.json["error"]["message"]
    assert api.get("/v1/pool", key=claimers["agent1"]).status == 403


def test_a_claim_makes_the_lead_mine_at_once_even_with_acceptance_on(
    company: Company, api: ApiClient, claimers: dict[str, str], aws: CreatedResources
) -> None:
    company.settings(acceptance_required=True)
    lead_id = submit(company, 1, **CONTACT)
    bus_events(aws.event_queue_url)

    lead = expect(claim(api, lead_id, claimers["agent5"]), 200)

    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("assigned", 5, "north")
    assert lead["contact"]["email"] == CONTACT["email"]
    stored = company.lead(lead_id)
    assert stored["offers"] == []  # no acceptance offer: the agent chose it
    last = stored["history"][-1]
    assert (last["event"], last["agent_id"], last["step"]) == ("lead.claimed", 5, "pool")
    assert last["detail"] == "Claimed from the pool by agent 5 (Agent 5)."
    (event,) = bus_events(aws.event_queue_url)
    assert (event["detail-type"], event["detail"]["agent_id"]) == ("lead.claimed", 5)
    assert CONTACT["email"] not in str(event)
    mine = expect(api.get("/v1/me/leads", key=claimers["agent5"]), 200)["leads"]
    assert [item["lead_id"] for item in mine] == [lead_id]
    assert lead_id not in pool_ids(api, claimers["agent1"])


def test_the_first_claim_wins(company: Company, api: ApiClient, claimers: dict[str, str]) -> None:
    lead_id = submit(company, 1)
    expect(claim(api, lead_id, claimers["agent1"]), 200)
    second = claim(api, lead_id, claimers["agent2"])
    assert (second.status, second.error_code) == (409, "not_in_pool")
    assert "took it first" in second.json["error"]["message"]
    again = claim(api, lead_id, claimers["agent1"])
    assert (again.status, again.json["error"]["message"]) == (409, "The lead is yours already.")
    assert company.lead(lead_id)["agent_id"] == 1


def test_two_claims_at_the_same_moment_leave_one_winner(
    company: Company,
    api: ApiClient,
    claimers: dict[str, str],
    during_save: Callable[[Callable[[], None]], None],
) -> None:
    lead_id = submit(company, 1)
    answers: list[Answer] = []
    during_save(lambda: answers.append(claim(api, lead_id, claimers["agent2"])))

    first = claim(api, lead_id, claimers["agent1"])

    assert answers[0].status == 200
    assert (first.status, first.error_code) == (409, "not_in_pool")  # re-run on the fresh lead: taken
    lead = company.lead(lead_id)
    assert (lead["status"], lead["agent_id"]) == ("assigned", 2)
    assert [entry["event"] for entry in lead["history"]].count("lead.claimed") == 1


@pytest.mark.parametrize("status", ["assigned", "pending_acceptance"])
def test_a_lead_that_is_not_unassigned_cannot_be_claimed(
    company: Company, api: ApiClient, claimers: dict[str, str], status: str
) -> None:
    if status == "pending_acceptance":
        company.settings(acceptance_required=True)
    lead_id = submit(company, 1, agent_code="3")
    assert company.lead(lead_id)["status"] == status
    answer = claim(api, lead_id, claimers["agent1"])
    assert (answer.status, answer.error_code) == (409, "not_in_pool")
    assert company.lead(lead_id)["agent_id"] == 3


def test_a_lead_with_claim_emails_out_is_in_the_pool_and_a_claim_closes_its_links(
    company: Company,
    api: ApiClient,
    template: Template,
    aws: CreatedResources,
    claimers: dict[str, str],
    runtime: LambdaRuntime,
) -> None:
    company.agent(7, click_to_claim=True)
    company.settings(click_to_claim_enabled=True)
    lead_id = submit(company, 1)
    (listed,) = expect(api.get("/v1/pool", key=claimers["agent1"]), 200)["leads"]
    assert (listed["lead_id"], listed["claim_emails_out"]) == (lead_id, True)

    expect(claim(api, lead_id, claimers["agent1"]), 200)

    taken = post_action(api, link_for(template, 7), "claim", as_json=True)
    assert (taken.status, taken.error_code) == (409, "offer_closed")
    assert live_timers(aws, runtime) == []
    lead = company.lead(lead_id)
    assert lead["offers"][0]["state"] == "closed"
    assert [entry["event"] for entry in lead["history"]][-2:] == ["offer.closed", "lead.claimed"]


def test_unknown_and_other_companies_leads_are_404(
    company: Company, other_company: Company, api: ApiClient, claimers: dict[str, str]
) -> None:
    theirs = expect(other_company.submit(unique_lead(1)), 202)["lead_id"]
    for lead_id in (theirs, "ld_00000000000000000000000000"):
        assert claim(api, lead_id, claimers["agent1"]).status == 404
        assert release(api, lead_id, claimers["agent1"]).status == 404
        assert release(api, lead_id, company.admin_key).status == 404
    assert other_company.lead(theirs)["status"] == "unassigned"


# Sending back ----------------------------------------------------------------------------------------------


def test_the_assignee_sends_a_lead_back_and_anyone_may_claim_it_again(
    company: Company, api: ApiClient, claimers: dict[str, str], aws: CreatedResources
) -> None:
    lead_id = submit(company, 1, **CONTACT)
    expect(claim(api, lead_id, claimers["agent5"]), 200)
    bus_events(aws.event_queue_url)

    sent = expect(release(api, lead_id, claimers["agent5"]), 200)

    assert (sent["status"], sent["agent_id"], sent["office_id"]) == ("unassigned", None, None)
    assert sent["contact"] is None  # no longer theirs
    last = company.lead(lead_id)["history"][-1]
    assert (last["event"], last["agent_id"], last["step"]) == ("lead.returned_to_pool", 5, "manual")
    assert last["detail"] == "Sent back to the pool by agent 5 (Agent 5)."
    (event,) = bus_events(aws.event_queue_url)
    assert event["detail-type"] == "lead.returned_to_pool"
    assert expect(api.get("/v1/me/leads", key=claimers["agent5"]), 200)["leads"] == []
    assert pool_ids(api, claimers["agent1"]) == [lead_id]
    assert company.lead(lead_id)["declined_agent_ids"] == []  # sending back is not a reject
    expect(claim(api, lead_id, claimers["agent5"]), 200)


def test_an_agent_who_does_not_hold_the_lead_cannot_send_it_back(
    company: Company, api: ApiClient, claimers: dict[str, str]
) -> None:
    lead_id = submit(company, 1)
    pooled = submit(company, 2)
    expect(claim(api, lead_id, claimers["agent1"]), 200)
    for key in (claimers["agent2"], claimers["agent3"]):
        answer = release(api, lead_id, key)
        assert (answer.status, answer.error_code) == (404, "not_found")
    assert release(api, pooled, claimers["agent2"]).status == 404
    assert company.lead(lead_id)["agent_id"] == 1


def test_an_agent_asked_to_accept_rejects_instead_of_sending_back(company: Company, api: ApiClient) -> None:
    company.agent(1)
    company.settings(acceptance_required=True)
    key = company.key("agent", agent_id=1)
    lead_id = submit(company, 1, agent_code="1")
    answer = release(api, lead_id, key)
    assert answer.status == 409
    assert "reject" in answer.json["error"]["message"]
    assert company.lead(lead_id)["status"] == "pending_acceptance"


def test_an_admin_sends_back_a_lead_waiting_for_acceptance_and_its_offer_closes(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agent(1, name="Dana Reyes")
    company.settings(acceptance_required=True)
    lead_id = submit(company, 1, agent_code="1")

    lead = expect(release(api, lead_id, company.admin_key), 200)

    assert (lead["status"], lead["agent_id"]) == ("unassigned", None)
    assert lead["offers"][0]["state"] == "closed"
    assert lead["history"][-1]["detail"].startswith("Sent back to the pool by an admin (key key_")
    assert lead["history"][-1]["detail"].endswith("; agent 1 (Dana Reyes) no longer has it.")
    assert post_action(api, link_for(template, 1), "accept").status == 409
    assert live_timers(aws, runtime) == []
    again = release(api, lead_id, company.admin_key)
    assert (again.status, again.error_code) == (409, "already_in_pool")


def test_an_office_manager_sends_back_a_lead_held_by_an_agent_of_their_office(
    company: Company, api: ApiClient, offices: dict[str, str]
) -> None:
    expect(assign(company, offices["north"], key=offices["north_manager"], agent_id=1), 200)
    lead = expect(release(api, offices["north"], offices["north_manager"]), 200)
    assert (lead["status"], lead["agent_id"], lead["office_id"]) == ("unassigned", None, None)
    assert "agent 1 (Agent 1) no longer has it" in lead["history"][-1]["detail"]


def test_if_match_on_release(company: Company, api: ApiClient) -> None:
    company.agent(1)
    lead_id = submit(company, 1, agent_code="1")
    version = company.lead(lead_id)["version"]
    stale = release(api, lead_id, company.admin_key, headers={"If-Match": f'"{version + 1}"'})
    assert (stale.status, stale.error_code) == (409, "conflict")
    expect(release(api, lead_id, company.admin_key, headers={"If-Match": f'"{version}"'}), 200)


def test_operators_and_strangers_cannot_send_back(company: Company, api: ApiClient, operator_key: str) -> None:
    company.agent(1)
    lead_id = submit(company, 1, agent_code="1")
    assert release(api, lead_id, operator_key).status == 403
    assert release(api, lead_id, None).status == 401
    assert company.lead(lead_id)["agent_id"] == 1


def test_an_agent_without_lead_management_sends_their_own_lead_back(company: Company, api: ApiClient) -> None:
    company.agent(1)  # no lead management: cannot claim, but may give back what they were given
    key = company.key("agent", agent_id=1)
    lead_id = submit(company, 1, agent_code="1")
    assert expect(release(api, lead_id, key), 200)["status"] == "unassigned"


def test_an_office_with_leads_waiting_in_it_cannot_be_deleted_until_they_are_dealt_with(
    company: Company, api: ApiClient
) -> None:
    company.office("east")
    lead_id = submit(company, 1)
    expect(assign(company, lead_id, office_id="east"), 200)

    refused = api.delete("/v1/offices/east", key=company.admin_key)
    assert (refused.status, refused.error_code) == (409, "conflict")
    assert "waiting" in refused.json["error"]["message"]
    assert api.get("/v1/offices/east", key=company.admin_key).status == 200

    expect(release(api, lead_id, company.admin_key), 200)
    assert api.delete("/v1/offices/east", key=company.admin_key).status == 204
