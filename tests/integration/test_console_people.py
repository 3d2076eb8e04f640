"""The console's People page in-process: an admin invites a console user (the email goes out, the scope
rules are the API's), removes one (their session ends at once), creates an API key shown once that then
works on the API, and revokes it; nobody but an admin gets in."""

import html
import re

from devstack.template import Template
from tests.support.console import Browsers, ConsoleBrowser, add_login, signed_in
from tests.support.offers import emails_to
from tests.support.scenario import Company, expect


def notices(browser: ConsoleBrowser, location: str) -> list[str]:
    return [html.unescape(text) for text in re.findall(r'class="notice">([^<]*)', browser.get(location).text)]


def admin_of(company: Company, pool_id: str, browsers: Browsers) -> ConsoleBrowser:
    return signed_in(browsers, company, pool_id, "boss@b.test", role="admin")


def test_an_admin_invites_and_removes_console_users_and_removal_ends_their_session(
    company: Company, pool_id: str, browsers: Browsers, template: Template
) -> None:
    company.office("north", "North Side")
    company.agent(1)
    admin = admin_of(company, pool_id, browsers)
    assert admin.get("/app/people").status == 200

    invited = admin.post("/app/people/users", {"email": "OM@B.test", "role": "office_manager", "office:north": "on"})
    assert invited.status == 303
    assert notices(admin, invited.headers["Location"]) == [
        "Invited om@b.test: an email with a temporary password is on its way."
    ]
    assert "Temporary password" in emails_to(template, "om@b.test")[0].text
    listed = {user["email"]: user for user in expect(company.api.get("/v1/users", key=company.admin_key), 200)["users"]}
    assert (listed["om@b.test"]["role"], listed["om@b.test"]["office_ids"]) == ("office_manager", ["north"])
    assert "office manager: North Side" in admin.get("/app/people").text

    # The API's rules and words: an office manager needs an office; an address is taken once.
    refused = admin.post("/app/people/users", {"email": "x@b.test", "role": "office_manager"})
    assert notices(admin, refused.headers["Location"]) == [
        "office_ids: an office manager user needs at least one office"
    ]
    again = admin.post("/app/people/users", {"email": "om@b.test", "role": "admin"})
    assert len(notices(admin, again.headers["Location"])) == 1
    bad_address = admin.post("/app/people/users", {"email": "not-an-address", "role": "admin"})
    assert notices(admin, bad_address.headers["Location"]) == ["email: is not in the expected format"]
    assert emails_to(template, "x@b.test") == []

    # An agent signed in elsewhere is removed: their very next page is the sign-in.
    agent_user = add_login(company, pool_id, "agent@b.test", role="agent", agent_id=1)
    agent = browsers()
    agent.sign_in("agent@b.test")
    assert agent.get("/app/my-leads").status == 200
    admin.get("/app/people")
    removed = admin.post(f"/app/people/users/{agent_user['user_id']}/remove")
    assert notices(admin, removed.headers["Location"]) == ["The user is removed and signed out everywhere."]
    gone = agent.get("/app/my-leads")
    assert (gone.status, gone.headers["Location"]) == (303, "/app/sign-in")
    assert "agent@b.test" not in admin.get("/app/people").text
    assert admin.post("/app/people/users/not-a-user/remove").status == 404


def test_a_key_is_shown_once_works_on_the_api_and_is_revoked_and_only_admins_see_people(
    company: Company, pool_id: str, browsers: Browsers
) -> None:
    company.agent(1)
    company.office("north")
    admin = admin_of(company, pool_id, browsers)
    admin.get("/app/people")
    before = expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"]

    created = admin.post("/app/people/keys", {"role": "agent", "agent_id": "1", "label": "Phone app"})
    assert created.status == 201
    assert created.headers["Cache-Control"] == "no-store"
    (secret,) = re.findall(r'id="secret" name="secret" value="([^"]+)"', created.text)
    assert "it is shown only this once" in created.text
    assert expect(company.api.get("/v1/me/leads", key=secret), 200) is not None

    (key,) = [
        key for key in expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"] if key not in before
    ]
    assert (key["role"], key["agent_id"], key["label"]) == ("agent", 1, "Phone app")
    assert key["issued_by"].startswith("user_")  # the admin's session, never their email
    listed = admin.get("/app/people").text
    assert key["key_id"] in listed
    assert secret not in listed  # never again

    refused = admin.post("/app/people/keys", {"role": "agent", "agent_id": "99"})
    assert notices(admin, refused.headers["Location"]) == [
        "agent_id: an agent key needs the id of an agent of this company"
    ]

    revoked = admin.post(f"/app/people/keys/{key['key_id']}/revoke")
    assert notices(admin, revoked.headers["Location"]) == [f"Key {key['key_id']} is revoked: it no longer works."]
    assert company.api.get("/v1/me/leads", key=secret).status in (401, 403)
    assert key["key_id"] not in admin.get("/app/people").text

    # Only admins: an office manager's session is refused the page and every change.
    manager = signed_in(browsers, company, pool_id, "om@b.test", role="office_manager", office_ids=["north"])
    assert manager.get("/app/leads").status == 200  # with the page's CSRF token: refused for the role alone
    assert manager.get("/app/people").status == 403
    assert manager.post("/app/people/keys", {"role": "admin"}).status == 403
    assert manager.post(f"/app/people/users/{'0' * 36}/remove").status == 403
    assert expect(company.api.get("/v1/keys", key=company.admin_key), 200)["keys"] == before
