"""The console's pages in-process: signing in (an invited user's first password included), the agent's new
leads, my leads and the pool answered with forms, CSRF and origin checks, company isolation, and the
managers' leads with a lead's history. The browser journeys themselves: tests/e2e/test_console_browser.py."""

import re

from devstack.template import Template
from tests.support.console import Browsers, add_login, signed_in
from tests.support.offers import claim_company, emails_to, submit
from tests.support.scenario import Company, expect


def test_an_invited_agent_chooses_a_password_and_lands_on_new_leads_and_nobody_else_gets_in(
    company: Company, template: Template, browsers: Browsers
) -> None:
    company.agent(1)
    expect(
        company.api.post(
            "/v1/users", json_body={"email": "new@b.test", "role": "agent", "agent_id": 1}, key=company.admin_key
        ),
        201,
    )
    temporary = re.search(r"Temporary password:\s+(\S+)", emails_to(template, "new@b.test")[0].text)
    assert temporary
    browser = browsers()

    challenge = browser.post("/app/sign-in", {"email": "new@b.test", "password": temporary.group(1)}, csrf=False)
    assert challenge.status == 200
    assert "Choose your password" in challenge.text
    differ = browser.post("/app/new-password", {"password": "Chosen-Pass-123", "password_again": "other"}, csrf=False)
    assert differ.status == 422
    chosen = browser.post(
        "/app/new-password", {"password": "Chosen-Pass-123", "password_again": "Chosen-Pass-123"}, csrf=False
    )
    assert chosen.status == 303
    cookie = chosen.headers["Set-Cookie"]
    for attribute in ("lr_session=", "HttpOnly", "SameSite=Strict", "Path=/app"):
        assert attribute in cookie

    home = browser.get("/app/")
    assert (home.status, home.headers["Location"]) == (303, "/app/offers")
    page = browser.get("/app/offers")
    assert page.status == 200
    assert "New leads" in page.text
    policy = page.headers["Content-Security-Policy"]
    assert "script-src 'self'" in policy
    assert "unsafe-inline" not in policy
    assert "<script>" not in page.text

    # Without a session every page goes to sign-in; a wrong password says no more than an unknown address.
    browser = browsers()
    for path in ("/app", "/app/", "/app/offers", "/app/pool", "/app/leads", "/app/my-leads"):
        answer = browser.get(path)
        assert (answer.status, answer.headers["Location"]) == (303, "/app/sign-in"), path

    wrong = browser.post("/app/sign-in", {"email": "new@b.test", "password": "Not-The-One-1"}, csrf=False)
    nobody = browser.post("/app/sign-in", {"email": "nobody@b.test", "password": "Not-The-One-1"}, csrf=False)
    assert wrong.status == nobody.status == 401
    for answer in (wrong, nobody):
        assert "The email or the password is not right." in answer.text

    # A forgotten password: a new temporary one by email, and the same answer for an unknown address.
    for address in ("new@b.test", "nobody@b.test"):
        asked = browser.post("/app/reset", {"email": address}, csrf=False)
        assert "If this address has an account, a new temporary password is on its way." in asked.text
    assert emails_to(template, "nobody@b.test") == []
    renewed = re.search(r"Temporary password:\s+(\S+)", emails_to(template, "new@b.test")[0].text)
    assert renewed
    assert renewed.group(1) != temporary.group(1)
    again = browser.post("/app/sign-in", {"email": "new@b.test", "password": renewed.group(1)}, csrf=False)
    assert "Choose your password" in again.text


def test_an_agent_claims_an_offer_the_other_is_told_it_was_taken_and_an_acceptance_offer_is_accepted(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    claim_company(company)
    add_login(company, pool_id, "one@b.test", role="agent", agent_id=1)
    add_login(company, pool_id, "two@b.test", role="agent", agent_id=2)
    first, second = browsers(), browsers()
    first.sign_in("one@b.test")
    second.sign_in("two@b.test")
    lead_id = submit(company, 1)

    live = first.get("/app/offers/live")
    assert live.headers["X-Offer-Count"] == "1"
    [offer_id] = re.findall(r'data-offer-id="(of_[0-9a-z]+)"', first.get("/app/offers").text)
    second.get("/app/offers")

    won = first.post(f"/app/offers/{offer_id}/claim")
    lost = second.post(f"/app/offers/{offer_id}/claim")

    assert (won.status, won.headers["Location"]) == (303, "/app/my-leads")
    assert "Lead 1" in first.get("/app/my-leads").text  # the contact is theirs now
    assert lost.status == 303
    told = second.get(lost.headers["Location"])
    assert re.findall(r'class="notice">([^<]*)', told.text) == [
        "This offer is claimed: the lead is no longer open to it."
    ]
    assert company.lead(lead_id)["agent_id"] == 1

    # With acceptance on, an assignment is an offer to accept or reject; accepted, the contact shows.
    company.settings(acceptance_required=True)
    offered = submit(company, 2)
    expect(company.api.post(f"/v1/leads/{offered}/assign", json_body={"agent_id": 2}, key=company.admin_key), 200)
    page = second.get("/app/offers").text
    assert re.findall(r'/offers/of_[0-9a-z]+/(\w+)"', page) == ["accept", "reject"]
    [acceptance] = re.findall(r'data-offer-id="(of_[0-9a-z]+)"', page)
    assert "Lead 2" not in page  # not theirs yet
    accepted = second.post(f"/app/offers/{acceptance}/accept")
    assert accepted.headers["Location"] == "/app/my-leads"
    assert "Lead 2" in second.get("/app/my-leads").text
    assert company.lead(offered)["status"] == "assigned"


def test_a_change_without_the_csrf_token_or_from_another_site_or_company_is_refused_and_changes_nothing(
    company: Company, other_company: Company, pool_id: str, browsers: Browsers
) -> None:
    for each in (company, other_company):
        each.agent(1, lead_management=True)
        each.settings(agents_can_claim_unassigned=True)
    theirs = submit(other_company, 1)
    browser = signed_in(browsers, company, pool_id, "one@b.test", role="agent", agent_id=1)
    lead_id = submit(company, 1)
    assert lead_id in browser.get("/app/pool").text

    forged = browser.post(f"/app/pool/{lead_id}/claim", csrf=False)
    assert forged.status == 403
    other_site = browser.client.post(
        f"/app/pool/{lead_id}/claim",
        form={"csrf_token": browser.csrf},
        headers={"Origin": "https://evil.example", "Host": "localhost"},
    )
    assert other_site.status == 403
    assert company.lead(lead_id)["status"] == "unassigned"
    # Another company's lead is neither listed nor claimable, and an agent has no managers' pages.
    assert theirs not in browser.get("/app/pool").text
    browser.post(f"/app/pool/{theirs}/claim")
    assert other_company.lead(theirs)["status"] == "unassigned"
    assert browser.get(f"/app/leads/{theirs}").status == 403

    claimed = browser.post(f"/app/pool/{lead_id}/claim")
    assert claimed.headers["Location"] == "/app/my-leads"
    assert company.lead(lead_id)["agent_id"] == 1
    sent_back = browser.post(f"/app/my-leads/{lead_id}/release")
    assert sent_back.status == 303
    assert company.lead(lead_id)["status"] == "unassigned"


def test_managers_see_leads_with_their_history_assign_and_send_back_and_sign_out_ends_the_session(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    lead_id = submit(company, 1)
    add_login(company, pool_id, "admin@b.test", role="admin")
    browser = browsers()
    assert browser.sign_in("admin@b.test").headers["Location"] == "/app/leads"
    assert lead_id in browser.get("/app/leads").text
    detail = browser.get(f"/app/leads/{lead_id}")
    assert "lead.received" in detail.text

    browser.post(f"/app/leads/{lead_id}/assign", {"agent_id": "1"})
    assert company.lead(lead_id)["agent_id"] == 1
    assert "lead.assigned" in browser.get(f"/app/leads/{lead_id}").text
    browser.post(f"/app/leads/{lead_id}/release")
    assert company.lead(lead_id)["status"] == "unassigned"

    assert browser.post("/app/sign-out").status == 303
    assert browser.get("/app/leads").status == 303

    # An office manager starts with the leads waiting in their office, and assigns to its agents only.
    company.office("north")
    company.agent(2, office_id="north")
    waiting = submit(company, 2)
    expect(
        company.api.post(f"/v1/leads/{waiting}/assign", json_body={"office_id": "north"}, key=company.admin_key), 200
    )
    add_login(company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    manager = browsers()
    listed = manager.sign_in("om@b.test")
    assert listed.headers["Location"] == "/app/leads"
    waiting_page = manager.get("/app/leads").text
    assert waiting in waiting_page
    assert lead_id not in waiting_page
    assert manager.get(f"/app/leads/{lead_id}").status == 404
    offered = manager.get(f"/app/leads/{waiting}").text
    # Agent 2 has no lead management: not offered, and refused by the API's own rule when posted anyway.
    assert re.findall(r'<option value="(\d+)">', offered) == []
    refused = manager.post(f"/app/leads/{waiting}/assign", {"agent_id": "2"})
    assert "agent 2 has no lead management" in manager.get(refused.headers["Location"]).text
    company.api.patch("/v1/agents/2", json_body={"lead_management": True}, key=company.admin_key)
    assert re.findall(r'<option value="(\d+)">', manager.get(f"/app/leads/{waiting}").text) == ["2"]
    manager.post(f"/app/leads/{waiting}/assign", {"agent_id": "2"})
    assert company.lead(waiting)["agent_id"] == 2
