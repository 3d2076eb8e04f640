"""Console users at /v1/users: invited by email (the temporary password lands in the mailbox), listed per
company, removed with their sessions; the scope rules are the API keys' own."""

import re

from devstack.template import Template
from leadrouter.wiring import services
from tests.support.offers import emails_to
from tests.support.scenario import Company, expect


def invite(company: Company, **body: object) -> dict[str, object]:
    return expect(company.api.post("/v1/users", json_body=body, key=company.admin_key), 201)  # type: ignore[no-any-return]


def temporary_password(template: Template, email: str) -> str:
    [invitation] = emails_to(template, email)
    found = re.search(r"Temporary password:\s+(\S+)", invitation.text)
    assert found, invitation.text
    assert "/app/" in " ".join(invitation.links)
    return found.group(1)


def test_an_invited_agent_gets_an_email_chooses_a_password_signs_in_as_their_agent_and_removal_ends_it(
    company: Company, template: Template
) -> None:
    company.agent(7)
    user = invite(company, email="Sam@Brokerage.test", role="agent", agent_id=7)
    assert (user["email"], user["role"], user["agent_id"]) == ("sam@brokerage.test", "agent", 7)

    desk = services().user_desk
    challenge = desk.sign_in("sam@brokerage.test", temporary_password(template, "sam@brokerage.test"))
    tokens = desk.choose_password("sam@brokerage.test", challenge.session, "Chosen-Password-1")  # type: ignore[union-attr]
    session = desk.session_user(tokens.access_token)  # type: ignore[union-attr]

    assert session is not None
    principal = session.principal()
    assert (principal.role.value, principal.company_id, principal.agent_id) == ("agent", company.company_id, 7)

    # Removing them ends the session at once.
    expect(company.api.delete(f"/v1/users/{user['user_id']}", key=company.admin_key), 204)
    assert desk.session_user(tokens.access_token) is None  # type: ignore[union-attr]


def test_scopes_follow_the_key_rules_an_address_is_taken_once_and_only_admins_manage_users(
    company: Company, template: Template
) -> None:
    company.office("north")
    refused = [
        {"email": "a@b.test", "role": "agent", "agent_id": 99},
        {"email": "a@b.test", "role": "office_manager"},
        {"email": "a@b.test", "role": "office_manager", "office_ids": ["south"]},
        {"email": "a@b.test", "role": "admin", "agent_id": 1},
        {"email": "a@b.test", "role": "operator"},
        {"email": "not-an-address", "role": "admin"},
    ]
    for body in refused:
        answer = company.api.post("/v1/users", json_body=body, key=company.admin_key)
        assert answer.status == 422, (body, answer.text)
    assert expect(company.api.get("/v1/users", key=company.admin_key), 200) == {"users": []}
    assert emails_to(template, "a@b.test") == []

    invite(company, email="lee@brokerage.test", role="admin")
    body = {"email": "lee@brokerage.test", "role": "admin"}
    again = company.api.post("/v1/users", json_body=body, key=company.admin_key)
    assert (again.status, again.error_code) == (409, "conflict")

    company.agent(1)
    agent_key = company.key("agent", agent_id=1)
    answer = company.api.post("/v1/users", json_body={"email": "x@b.test", "role": "admin"}, key=agent_key)
    assert answer.status == 403
    assert company.api.get("/v1/users", key=agent_key).status == 403


def test_each_company_lists_and_removes_only_its_own_users(company: Company, other_company: Company) -> None:
    company.office("north")
    mine = invite(company, email="om@brokerage.test", role="office_manager", office_ids=["north"])
    theirs = invite(other_company, email="admin@other.test", role="admin")

    listed = expect(company.api.get("/v1/users", key=company.admin_key), 200)["users"]
    assert [user["email"] for user in listed] == ["om@brokerage.test"]
    assert listed[0]["office_ids"] == ["north"]
    gone = company.api.delete(f"/v1/users/{theirs['user_id']}", key=company.admin_key)
    assert (gone.status, gone.error_code) == (404, "not_found")
    assert len(expect(other_company.api.get("/v1/users", key=other_company.admin_key), 200)["users"]) == 1

    expect(company.api.delete(f"/v1/users/{mine['user_id']}", key=company.admin_key), 204)
    assert expect(company.api.get("/v1/users", key=company.admin_key), 200) == {"users": []}
