"""A route's `order` (ROUTING.md "Fair share and caps"): `sequential` starts every lead with the first
member; `round_robin` starts each with the member after the one who started the previous lead, wrapping,
and the simulation says who the next one starts with."""

from typing import Any

from tests.support.scenario import Company, expect, unique_lead


def route(company: Company, **fields: Any) -> dict[str, Any]:
    body = {"name": "Everyone", "priority": 1, "members": [3, 1, 2], **fields}
    return expect(company.api.post("/v1/routes", json_body=body, key=company.admin_key), 201)  # type: ignore[no-any-return]


def first_offered(company: Company, n: int) -> int:
    lead_id = expect(company.submit(unique_lead(n)), 202)["lead_id"]
    return int(company.lead(lead_id)["offers"][0]["recipients"][0])


def test_a_round_robin_route_starts_each_lead_with_the_next_member(company: Company) -> None:
    company.agents([1, 2, 3])
    created = route(company, order="round_robin")
    assert created["order"] == "round_robin"

    body = {"lead": {"source": "website"}}
    simulated = expect(company.api.post("/v1/routing/simulate", json_body=body, key=company.admin_key), 200)
    assert simulated["agent_id"] == 3

    assert [first_offered(company, n) for n in range(4)] == [3, 1, 2, 3]
    simulated = expect(company.api.post("/v1/routing/simulate", json_body=body, key=company.admin_key), 200)
    assert simulated["agent_id"] == 1


def test_a_sequential_route_starts_every_lead_with_its_first_member(company: Company) -> None:
    company.agents([1, 2, 3])
    assert route(company)["order"] == "sequential"

    assert [first_offered(company, n) for n in range(3)] == [3, 3, 3]
