"""Claims of the automatic steps' offers are counted on the condition of the agent's caps, in the claim's own
write (issue 11): 20 intakes and then 20 claims at once, on real threads straight into the services (the
in-process gateway takes invocations one at a time), never take a cap past its number."""

from concurrent.futures import ThreadPoolExecutor
from typing import Any

from leadrouter import wiring
from leadrouter.domain.errors import DomainError
from leadrouter.domain.leads import LeadSubmission
from leadrouter.domain.offers import ClaimAtCap, OfferAction
from leadrouter.domain.principals import Principal, Role
from tests.support.scenario import Company, expect, leads_today, unique_lead

LEADS = 20
CAP = 3


def intakes_at_once(company: Company) -> list[str]:
    intake = wiring.services().intake

    def submit(n: int) -> str:
        submission = LeadSubmission.model_validate(unique_lead(100 + n))
        return intake.submit(company.company_id, submission).lead_id

    with ThreadPoolExecutor(max_workers=LEADS) as pool:
        return list(pool.map(submit, range(LEADS)))


def claims_at_once(company: Company, agent_id: int) -> list[str]:
    """Agent `agent_id` claims every offer open to them at once: what each claim answered."""
    desk = wiring.services().offer_desk
    me = Principal(Role.AGENT, company.company_id, "key_test", agent_id=agent_id)
    offers = desk.my_offers(me)
    assert len(offers) == LEADS

    def claim(offer_id: str) -> str:
        try:
            desk.answer_mine(me, offer_id, OfferAction.CLAIM)
        except ClaimAtCap:
            return "at cap"
        except DomainError as error:
            return type(error).__name__
        return "claimed"

    with ThreadPoolExecutor(max_workers=LEADS) as pool:
        return list(pool.map(claim, [view.offer.offer_id for view in offers]))


def held_by(company: Company, lead_ids: list[str]) -> list[Any]:
    return [company.lead(lead_id)["agent_id"] for lead_id in lead_ids]


def test_twenty_claim_emails_at_once_let_a_capped_agent_claim_no_more_than_the_cap(company: Company) -> None:
    company.agent(1, click_to_claim=True, in_auto_assign_queue=True, max_leads_per_day=CAP)
    company.agent(2, click_to_claim=True, in_auto_assign_queue=True)
    company.settings(click_to_claim_enabled=True)
    lead_ids = intakes_at_once(company)

    answers = claims_at_once(company, 1)

    assert sorted(answers) == ["at cap"] * (LEADS - CAP) + ["claimed"] * CAP
    assert held_by(company, lead_ids).count(1) == CAP
    assert leads_today(company) == {1: CAP, 2: 0}
    me = Principal(Role.AGENT, company.company_id, "key_test", agent_id=2)
    assert len(wiring.services().offer_desk.my_offers(me)) == LEADS - CAP  # still open to the others


def test_twenty_route_offers_at_once_pass_a_capped_member_on_to_the_next(company: Company) -> None:
    company.agent(1, in_auto_assign_queue=True, max_leads_per_day=CAP)
    company.agent(2, in_auto_assign_queue=True)
    route = {"name": "All", "priority": 1, "members": [1, 2], "claim_window_seconds": 300}
    expect(company.api.post("/v1/routes", json_body=route, key=company.admin_key), 201)
    lead_ids = intakes_at_once(company)

    answers = claims_at_once(company, 1)

    assert sorted(answers) == ["at cap"] * (LEADS - CAP) + ["claimed"] * CAP
    assert sorted(held_by(company, lead_ids), key=str) == [1] * CAP + [None] * (LEADS - CAP)
    assert leads_today(company) == {1: CAP, 2: 0}
    moved_on = company.lead(next(lead_id for lead_id in lead_ids if company.lead(lead_id)["agent_id"] is None))
    assert [offer["recipients"] for offer in moved_on["offers"]] == [[1], [2]]
    skip = f"Agent 1 (Agent 1), member 1 of 2 of route 'All', could not claim: daily cap {CAP} of {CAP} reached."
    assert skip in [entry["detail"] for entry in moved_on["history"]]
