"""Timers and links, the cases test_offers.py leaves out: a timer fired twice at once or a day late, a link
tampered with (one character changed, truncated, lengthened), a link page opened after expiry; each harmless.
And timer messages as the queue's event source delivers them: early (put back for the time left), late,
naming no offer, or failing on a busy table (only that record is reported failed, to be retried)."""

import dataclasses
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime

import pytest

from devstack.lambdas import LambdaRuntime
from devstack.resources import CreatedResources
from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.offers import JSON, claim_company, link_for, post_action, submit
from tests.support.scenario import Company, expect
from tests.support.timers import arrive, fire, live_timers, pending_timers


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
    (schedule,) = live_timers(aws, runtime)
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
    (schedule,) = live_timers(aws, runtime)
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
    (first_timer,) = live_timers(aws, runtime)
    assert post_action(api, link_for(template, 1), "pass").status == 200
    moved = company.lead(lead_id)

    assert fire(runtime, first_timer) == "already_closed"
    assert company.lead(lead_id) == moved


# Timer messages through the queue's event source ----------------------------------------------------------


def test_a_timer_message_that_arrives_early_waits_again_for_the_time_left_then_expires_the_offer_once(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    claim_company(company, 1, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    (timer,) = pending_timers(aws)
    assert timer.kind == "queue"
    assert timer.delay_seconds in (59, 60)  # the whole window, rounded to the nearest second

    clock.advance(seconds=20)
    assert arrive(runtime, timer) == {"batchItemFailures": []}
    assert company.lead(lead_id)["offers"][0]["state"] == "open"
    again = pending_timers(aws)[-1]
    assert (again.offer_id, again.message) == (timer.offer_id, timer.message)
    assert again.delay_seconds in (39, 40)

    clock.advance(seconds=41)
    assert arrive(runtime, again) == {"batchItemFailures": []}
    expired = company.lead(lead_id)
    assert expired["offers"][0]["state"] == "expired"
    assert arrive(runtime, timer) == {"batchItemFailures": []}  # the first message, late: nothing changes
    assert company.lead(lead_id) == expired


def test_a_timer_message_a_fraction_of_a_second_early_waits_it_out_and_the_window_never_ends_early(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    claim_company(company, 1, claim_link_ttl_seconds=60)
    lead_id = submit(company)
    (timer,) = pending_timers(aws)
    offer = company.lead(lead_id)["offers"][0]
    expires_at = datetime.fromisoformat(offer["expires_at"])
    clock.advance(seconds=(expires_at - clock.now()).total_seconds() - 0.6)  # as a rounded-down delay arrives
    assert arrive(runtime, timer) == {"batchItemFailures": []}
    closed = company.lead(lead_id)["offers"][0]
    assert closed["state"] == "expired"
    assert datetime.fromisoformat(closed["closed_at"]) >= expires_at
    assert [t for t in pending_timers(aws) if t.kind == "queue"] == [timer]  # not put back: waited out


def test_a_long_windows_schedule_message_arrives_early_and_waits_out_the_rest_in_the_queue(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    claim_company(company, 1)  # a day-long claim window
    lead_id = submit(company)
    (timer,) = pending_timers(aws)
    assert timer.kind == "schedule"

    clock.advance(days=1, seconds=-9 * 60 - 30)  # the schedule fired, late in its minute
    assert arrive(runtime, timer) == {"batchItemFailures": []}
    queued = [t for t in pending_timers(aws) if t.kind == "queue"]
    assert [(t.offer_id, t.delay_seconds) for t in queued] in ([(timer.offer_id, 569)], [(timer.offer_id, 570)])
    assert company.lead(lead_id)["offers"][0]["state"] == "open"


def test_a_timer_message_naming_no_offer_is_dropped_and_a_busy_table_fails_only_its_record(
    company: Company, aws: CreatedResources, runtime: LambdaRuntime, clock: MovableClock
) -> None:
    claim_company(company, 1, claim_link_ttl_seconds=60)
    submit(company)
    (timer,) = pending_timers(aws)
    clock.advance(seconds=61)
    broken = dataclasses.replace(timer, offer_id="of_broken", message={"offer_id": "of_broken"})
    assert arrive(runtime, broken) == {"batchItemFailures": []}  # retrying cannot help it

    import leadrouter.service.timer_arrivals as arrivals
    from leadrouter.domain.errors import Unavailable

    def busy(*_: object, **__: object) -> str:
        raise Unavailable("A backing service did not answer; retry shortly.")

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(arrivals.TimerArrivals, "arrived", busy)
        # The broken message is dropped; the other is reported failed, for SQS to deliver again.
        assert arrive(runtime, broken, timer) == {"batchItemFailures": [{"itemIdentifier": f"m-{timer.offer_id}"}]}
    assert arrive(runtime, timer) == {"batchItemFailures": []}
