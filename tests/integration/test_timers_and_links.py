"""Timers and links, the cases test_offers.py leaves out: a timer fired twice at once or a day late, a link
tampered with (one character changed, truncated, lengthened), a link page opened after expiry; each harmless."""

from concurrent.futures import ThreadPoolExecutor

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.integration.conftest import MovableClock
from tests.integration.test_offers import claim_company
from tests.support.client import ApiClient
from tests.support.offers import JSON, fire, link_for, post_action, schedules, submit
from tests.support.scenario import Company, expect


def _flip(char: str) -> str:
    return "B" if char == "A" else "A"


@pytest.mark.parametrize(
    "tamper",
    [
        lambda token: token[:-1] + _flip(token[-1]),  # last character changed
        lambda token: _flip(token[0]) + token[1:],  # first character changed
        lambda token: token[:20] + _flip(token[20]) + token[21:],  # one in the middle
        lambda token: token[:-1],  # truncated by one
        lambda token: token[:16],  # truncated by half
        lambda token: token + "A",  # lengthened
        lambda token: token.upper(),  # case folded by a mail client
        lambda token: token + "x" * 100,  # a mail client's tracking appended, far past any token's length
    ],
    ids=["last", "first", "middle", "truncated", "half", "longer", "upper", "much_longer"],
)
def test_a_tampered_link_is_unknown_and_changes_nothing(
    company: Company, api: ApiClient, template: Template, tamper: object
) -> None:
    claim_company(company, 1)
    lead_id = submit(company)
    before = company.lead(lead_id)
    token = link_for(template, 1).token
    forged = tamper(token)  # type: ignore[operator]
    assert forged != token

    shown = api.get(f"/v1/offers/{forged}", headers=JSON)
    claimed = api.post(f"/v1/offers/{forged}", json_body={"action": "claim"}, headers=JSON)

    assert (shown.status, shown.error_code) == (404, "not_found")
    assert (claimed.status, claimed.error_code) == (404, "not_found")
    assert company.lead(lead_id) == before
    assert post_action(api, link_for(template, 1), "claim").status == 200  # the real link still works


def test_a_link_opened_after_expiry_shows_it_closed_and_changes_nothing(
    company: Company, api: ApiClient, template: Template, clock: MovableClock
) -> None:
    claim_company(company, 1, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    before = company.lead(lead_id)
    clock.advance(seconds=61)

    page = api.get(link_for(template, 1).path)
    as_json = expect(api.get(link_for(template, 1).path, headers=JSON), 200)

    assert page.status == 200
    assert as_json["open_to_you"] is False
    assert company.lead(lead_id) == before  # a scanner opening it late expires nothing by itself
    late = post_action(api, link_for(template, 1), "claim", as_json=True)
    assert late.status == 409
    assert company.lead(lead_id)["status"] == "unassigned"


def test_a_timer_fired_four_times_from_threads_expires_the_offer_once(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    # In this process the invocations take turns (devstack/lambdas.py); each one after the first must find the
    # offer closed. Racing writes on one lead are exercised end to end, against the serialized moto server.
    claim_company(company, 2, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    (schedule,) = schedules(aws)
    clock.advance(seconds=61)

    with ThreadPoolExecutor(max_workers=4) as pool:
        outcomes = sorted(pool.map(lambda _: fire(runtime, schedule), range(4)))

    assert outcomes == ["already_closed"] * 3 + ["expired"]
    events = [entry["event"] for entry in company.lead(lead_id)["history"]]
    assert events.count("lead.expired") == 1


def test_a_timer_a_day_late_expires_once_and_the_sweeper_finds_nothing_after(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    claim_company(company, 1, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    (schedule,) = schedules(aws)
    clock.advance(days=1)

    assert fire(runtime, schedule) == "expired"
    expired = company.lead(lead_id)
    assert runtime.invoke("SweeperFunction", {}) == {"leads": 0, "outcomes": {}}
    assert fire(runtime, schedule) == "already_closed"
    assert company.lead(lead_id) == expired


def test_a_timer_for_a_passed_route_offer_changes_nothing(
    company: Company, api: ApiClient, template: Template, aws: CreatedResources, runtime: LambdaRuntime
) -> None:
    company.agents([1, 2])
    expect(
        api.post(
            "/v1/routes",
            json_body={"name": "All", "priority": 1, "members": [1, 2], "claim_window_seconds": 60},
            key=company.admin_key,
        ),
        201,
    )
    lead_id = submit(company)
    (first_timer,) = schedules(aws)
    assert post_action(api, link_for(template, 1), "pass").status == 200
    moved = company.lead(lead_id)

    assert fire(runtime, first_timer) == "already_closed"
    assert company.lead(lead_id) == moved
