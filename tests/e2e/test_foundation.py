"""The foundation over HTTP against the local stack: intake, round robin under concurrency, isolation."""

from collections import Counter
from concurrent.futures import ThreadPoolExecutor

from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import Company, create_company, expect, unique_lead


def test_thirty_concurrent_intakes_spread_exactly_evenly_over_three_agents(company: Company) -> None:
    company.agents([7, 3, 5], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)

    def submit(n: int) -> str:
        answer = expect(company.submit(unique_lead(n)), 202)
        assert answer["status"] == "assigned"
        return str(answer["lead_id"])

    with ThreadPoolExecutor(max_workers=30) as pool:
        lead_ids = list(pool.map(submit, range(30)))

    assert len(set(lead_ids)) == 30
    listed = expect(company.api.get("/v1/leads", key=company.admin_key, params={"limit": 200}), 200)["leads"]
    assert sorted(lead["lead_id"] for lead in listed) == sorted(lead_ids)
    assert Counter(lead["agent_id"] for lead in listed) == {3: 10, 5: 10, 7: 10}
    # Every turn was handed out once: the history of each lead names the queue step.
    detail = company.lead(lead_ids[0])["history"][-1]
    assert detail["event"] == "lead.assigned"
    assert detail["step"] == "round_robin"


def test_a_key_of_one_company_sees_nothing_of_another(api: ApiClient, local_stack: LocalStack) -> None:
    first = create_company(api, local_stack.operator_key, name="First Realty")
    second = create_company(api, local_stack.operator_key, name="Second Realty")
    second.agent(42)
    second.office("uptown")
    lead_id = expect(second.submit(), 202)["lead_id"]
    key_id = expect(api.get("/v1/keys", key=second.admin_key), 200)["keys"][0]["key_id"]

    for method, path in [
        ("GET", f"/v1/leads/{lead_id}"),
        ("GET", "/v1/agents/42"),
        ("PATCH", "/v1/agents/42"),
        ("DELETE", "/v1/agents/42"),
        ("GET", "/v1/offices/uptown"),
        ("DELETE", f"/v1/keys/{key_id}"),
    ]:
        body = {"active": False} if method == "PATCH" else None
        answer = api.call(method, path, key=first.admin_key, json_body=body)
        assert answer.status == 404, (method, path, answer.text)
        assert answer.error_code == "not_found"
    assert expect(api.get("/v1/leads", key=first.admin_key), 200)["leads"] == []
    # ...and the second company's things are untouched.
    assert second.lead(lead_id)["lead_id"] == lead_id
    assert expect(api.get("/v1/agents/42", key=second.admin_key), 200)["active"] is True


def test_a_website_form_post_lands_with_the_chosen_agent(company: Company) -> None:
    company.agent(11)
    company.agent(12)
    directory = expect(company.api.get(f"/v1/companies/{company.company_id}/agents/directory"), 200)
    assert [entry["agent_id"] for entry in directory["agents"]] == [11, 12]
    answer = company.api.post(
        company.leads_path(),
        form={"first_name": "Sam", "email": "sam@example.net", "chosen_agent_id": "12", "website": ""},
    )
    lead = company.lead(expect(answer, 202)["lead_id"])
    assert (lead["status"], lead["agent_id"]) == ("assigned", 12)
    assert "dropdown" in lead["history"][-1]["detail"]


def test_the_demo_company_is_ready_to_try(api: ApiClient, local_stack: LocalStack) -> None:
    agents = expect(api.get("/v1/agents", key=local_stack.demo_admin_key), 200)["agents"]
    assert len(agents) >= 3
    page = api.get("/_local/")
    assert page.status == 200
    assert local_stack.demo_company_id in page.text
    assert "/agents/directory" in page.text
    assert api.get("/v1/openapi.json").json["info"]["title"] == "Lead Router API"


def test_no_key_is_401_and_events_are_published(api: ApiClient, local_stack: LocalStack) -> None:
    answer = api.get("/v1/leads")
    assert answer.status == 401
    assert answer.error_code == "unauthorized"
    company = create_company(api, local_stack.operator_key, name="Evented Realty")
    lead_id = expect(company.submit(), 202)["lead_id"]
    events = expect(api.get("/_local/events.json"), 200)
    mine = [event for event in events if event["detail"].get("lead_id") == lead_id]
    assert [event["detail-type"] for event in mine][:1] == ["lead.received"]
