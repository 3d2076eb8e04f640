from tests.support.scenario import Company, expect


def test_a_lead_reaches_the_round_robin_agent(company: Company) -> None:
    company.agents([1, 2], in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)
    answer = expect(company.submit(), 202)
    assert answer["status"] == "assigned"
    assert company.lead(answer["lead_id"])["agent_id"] == 1
