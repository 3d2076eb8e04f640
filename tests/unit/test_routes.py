"""Routes (ROUTING.md step 5, seed 000): matching days, time windows (across midnight), holidays, date ranges
and sources in the company's time zone, across daylight-saving changes; priorities; RoutesStep in the
cascade; the sequential chain of claim offers (claim, pass, the window running out, skips, the pool)."""

import itertools
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from pydantic import ValidationError

from leadrouter.domain.cascade import AssignTo, Decision, OfferTo, RouteOffer
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, answer_offer, apply_decision, continue_route, expire_offer, new_lead
from leadrouter.domain.offers import Offer, OfferAction, OfferClosed, OfferOrigin, OfferState
from leadrouter.domain.route_checks import evaluate
from leadrouter.domain.routes import Route, RouteConditions, for_people
from tests.support.fakes import agent, company, lead, note_details, route

CHICAGO = "America/Chicago"
_ids = itertools.count(1)


def a_route(name: str = "Everything", priority: int = 1, members: tuple[int, ...] = (1, 2, 3), **kw: Any) -> Route:
    active = kw.pop("active", True)
    window = kw.pop("claim_window_seconds", 120)
    return Route(
        route_id=f"rt_{next(_ids):026d}",
        name=name,
        priority=priority,
        active=active,
        members=list(members),
        claim_window_seconds=window,
        conditions=RouteConditions.model_validate(kw),
    )


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def matches(r: Route, at: str, *, source: str = "website", tz: str = CHICAGO) -> bool:
    return evaluate(r, source, utc(at), tz).matched


def with_routes(config: CompanyConfig, *routes: Route) -> CompanyConfig:
    return CompanyConfig(config.company, config.agents, config.offices, {r.route_id: r for r in routes})


# Chicago is UTC-6 in winter (CST) and UTC-5 in summer (CDT, from 2025-03-09); 2025-03-15 is a Saturday.
SATURDAY_10_12 = utc("2025-03-15T15:12:00")


# Matching ---------------------------------------------------------------------------------------------------


def test_a_route_without_conditions_is_the_one_big_route() -> None:
    big = a_route()
    assert big.conditions.is_empty()
    for moment in ("2025-01-01T00:00:00", "2025-07-04T12:34:00", "2025-12-25T23:59:59"):
        assert matches(big, moment, source="anything")


def test_days_of_the_week_in_the_company_time_zone() -> None:
    weekend = a_route("Weekend", days=["Saturday", "sunday"])

    verdict = evaluate(weekend, "website", SATURDAY_10_12, CHICAGO)
    assert verdict.matched
    assert verdict.sentence() == "Route 'Weekend' matched: Saturday 10:12 America/Chicago."
    # Monday 03:00 UTC is still Sunday evening in Chicago.
    assert matches(weekend, "2025-03-17T03:00:00")
    tuesday = evaluate(weekend, "website", utc("2025-03-18T15:00:00"), CHICAGO)
    assert not tuesday.matched
    assert tuesday.sentence() == (
        "Route 'Weekend' did not match at Tuesday 10:00 America/Chicago: "
        "Tuesday, not one of its days (Saturday, Sunday)."
    )


def test_a_window_within_a_day_includes_its_start_and_excludes_its_end() -> None:
    office_hours = a_route(start_time="09:00", end_time="17:00")
    # 15:00 UTC = 09:00 CDT (2025-06-02).
    assert not matches(office_hours, "2025-06-02T13:59:59")
    assert matches(office_hours, "2025-06-02T14:00:00")
    assert matches(office_hours, "2025-06-02T21:59:59")
    assert not matches(office_hours, "2025-06-02T22:00:00")
    verdict = evaluate(office_hours, "website", utc("2025-06-02T23:30:00"), CHICAGO)
    assert verdict.reasons == ("18:30 is outside its window 09:00-17:00",)


def test_a_window_across_midnight_holds_on_both_sides_of_it() -> None:
    nights = a_route("Nights", start_time="22:00", end_time="06:00")
    assert matches(nights, "2025-06-03T03:00:00")  # 22:00 CDT
    assert matches(nights, "2025-06-03T08:30:00")  # 03:30 CDT
    assert not matches(nights, "2025-06-03T11:00:00")  # 06:00 CDT: the end is excluded
    assert not matches(nights, "2025-06-03T02:59:00")  # 21:59 CDT


def test_after_midnight_a_crossing_window_belongs_to_the_day_it_opened() -> None:
    friday_night = a_route("Friday night", days=["friday"], start_time="22:00", end_time="06:00")

    saturday_4am = evaluate(friday_night, "website", utc("2025-03-15T09:00:00"), CHICAGO)
    friday_4am = evaluate(friday_night, "website", utc("2025-03-14T09:00:00"), CHICAGO)

    assert saturday_4am.matched
    assert saturday_4am.sentence() == (
        "Route 'Friday night' matched: Saturday 04:00 America/Chicago (its 22:00-06:00 window opened on Friday)."
    )
    assert not friday_4am.matched  # that night began on Thursday
    assert friday_4am.reasons == ("the window opened on Thursday, not one of its days (Friday)",)
    assert matches(friday_night, "2025-03-15T04:30:00")  # Friday 23:30 CDT


def test_a_window_ending_at_midnight() -> None:
    evenings = a_route(start_time="18:00", end_time="00:00")
    assert matches(evenings, "2025-06-02T23:00:00")  # 18:00 CDT
    assert matches(evenings, "2025-06-03T04:59:00")  # 23:59 CDT
    assert not matches(evenings, "2025-06-03T05:00:00")  # 00:00 CDT


def test_holidays_are_dates_in_the_company_time_zone() -> None:
    christmas = a_route("Christmas", dates=["2025-12-25", "2026-01-01"])
    assert matches(christmas, "2025-12-25T06:00:00")  # 00:00 CST
    assert matches(christmas, "2025-12-26T05:59:00")  # still the 25th in Chicago
    assert not matches(christmas, "2025-12-26T06:00:00")
    assert not matches(christmas, "2025-12-25T05:59:00")  # still the 24th in Chicago
    assert evaluate(christmas, "x", utc("2025-12-27T18:00:00"), CHICAGO).reasons == (
        "2025-12-27 is not one of its dates or date ranges",
    )


def test_date_ranges_include_both_ends_and_combine_with_dates() -> None:
    season = a_route(date_ranges=[{"start": "2025-12-22", "end": "2025-12-31"}], dates=["2026-01-06"])
    assert not matches(season, "2025-12-22T05:59:00")  # 21st local
    assert matches(season, "2025-12-22T06:00:00")
    assert matches(season, "2026-01-01T05:59:00")  # 31st local
    assert not matches(season, "2026-01-01T06:00:00")
    assert matches(season, "2026-01-06T18:00:00")


def test_sources_are_matched_case_insensitively() -> None:
    zillow = a_route(sources=[" Zillow ", "open-house"])
    assert zillow.conditions.sources == ["zillow", "open-house"]
    assert matches(zillow, "2025-06-02T15:00:00", source="zillow")
    assert matches(zillow, "2025-06-02T15:00:00", source="Open-House")
    verdict = evaluate(zillow, "website", utc("2025-06-02T15:00:00"), CHICAGO)
    assert verdict.reasons == ("the lead's source 'website' is not one of zillow, open-house",)


def test_every_condition_must_hold_and_every_failure_is_told() -> None:
    strict = a_route("Strict", days=["monday"], start_time="09:00", end_time="10:00", sources=["zillow"])
    verdict = evaluate(strict, "website", SATURDAY_10_12, CHICAGO)
    assert verdict.reasons == (
        "10:12 is outside its window 09:00-10:00",
        "Saturday, not one of its days (Monday)",
        "the lead's source 'website' is not one of zillow",
    )
    assert matches(strict, "2025-03-17T14:30:00", source="zillow")  # Monday 09:30 CDT


def test_the_same_moment_in_different_time_zones() -> None:
    mornings = a_route(start_time="09:00", end_time="12:00")
    at = "2025-06-02T14:30:00"  # 09:30 in Chicago, 23:30 in Tokyo, 15:30 in London
    assert matches(mornings, at, tz=CHICAGO)
    assert not matches(mornings, at, tz="Asia/Tokyo")
    assert not matches(mornings, at, tz="Europe/London")
    assert matches(mornings, "2025-06-02T08:30:00", tz="Europe/London")


def test_daylight_saving_spring_forward_keeps_the_wall_clock_window() -> None:
    # Chicago moved from CST (UTC-6) to CDT (UTC-5) at 02:00 local on Sunday 2025-03-09.
    office_hours = a_route(start_time="09:00", end_time="17:00")
    assert not matches(office_hours, "2025-03-08T14:30:00")  # Saturday 08:30 CST
    assert matches(office_hours, "2025-03-08T15:00:00")  # Saturday 09:00 CST
    assert matches(office_hours, "2025-03-10T14:30:00")  # Monday 09:30 CDT
    assert not matches(office_hours, "2025-03-10T13:30:00")  # Monday 08:30 CDT
    assert matches(office_hours, "2025-03-10T21:59:00")  # 16:59 CDT
    assert not matches(office_hours, "2025-03-10T22:00:00")  # 17:00 CDT


def test_daylight_saving_spring_forward_night_across_midnight() -> None:
    nights = a_route("Saturday night", days=["saturday"], start_time="22:00", end_time="06:00")
    assert matches(nights, "2025-03-09T04:00:00")  # Saturday 22:00 CST
    assert matches(nights, "2025-03-09T07:59:00")  # Sunday 01:59 CST
    assert matches(nights, "2025-03-09T08:00:00")  # Sunday 03:00 CDT: the hour 02:00-03:00 never happened
    assert matches(nights, "2025-03-09T10:59:00")  # Sunday 05:59 CDT
    assert not matches(nights, "2025-03-09T11:00:00")  # Sunday 06:00 CDT (12:00 UTC a day before it was 06:00 CST)


def test_daylight_saving_fall_back_repeats_the_hour_and_both_count() -> None:
    # Chicago went back from CDT to CST at 02:00 local on Sunday 2025-11-02: 01:00-02:00 happened twice.
    small_hours = a_route(days=["sunday"], start_time="01:00", end_time="02:00")
    assert matches(small_hours, "2025-11-02T06:30:00")  # 01:30 CDT
    assert matches(small_hours, "2025-11-02T07:30:00")  # 01:30 CST, an hour later
    assert not matches(small_hours, "2025-11-02T08:00:00")  # 02:00 CST
    office_hours = a_route(start_time="09:00", end_time="17:00")
    assert matches(office_hours, "2025-10-31T14:00:00")  # Friday 09:00 CDT
    assert not matches(office_hours, "2025-11-03T14:30:00")  # Monday 08:30 CST
    assert matches(office_hours, "2025-11-03T15:00:00")  # Monday 09:00 CST


# Validation -------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("conditions", "message"),
    [
        ({"start_time": "09:00", "end_time": "09:00"}, "has no length"),
        ({"start_time": "09:00"}, "go together"),
        ({"end_time": "09:00"}, "go together"),
        ({"start_time": "24:00", "end_time": "09:00"}, "pattern"),
        ({"start_time": "9:00", "end_time": "10:00"}, "pattern"),
        ({"days": ["someday"]}, "monday"),
        ({"dates": ["2025-02-30"]}, "date"),
        ({"date_ranges": [{"start": "2025-12-31", "end": "2025-12-01"}]}, "after it ends"),
        ({"sources": [""]}, "at least 1 character"),
        ({"hours": "all"}, "Extra inputs"),
    ],
)
def test_bad_conditions_are_refused_with_a_reason(conditions: dict[str, Any], message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        RouteConditions.model_validate(conditions)


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"members": []}, "at least 1 item"),
        ({"members": [1, 2, 1]}, "repeated: 1"),
        ({"members": [0]}, "greater than 0"),
        ({"claim_window_seconds": 0}, "greater than or equal to 1"),
        ({"priority": -1}, "greater than or equal to 0"),
        ({"name": "  "}, "at least 1 character"),
    ],
)
def test_bad_routes_are_refused_with_a_reason(fields: dict[str, Any], message: str) -> None:
    body = {"route_id": f"rt_{0:026d}", "name": "R", "priority": 1, "members": [1], **fields}
    with pytest.raises(ValidationError, match=message):
        Route.model_validate(body)


def test_empty_condition_lists_mean_any() -> None:
    assert RouteConditions.model_validate({"days": [], "sources": [], "dates": []}).is_empty()


# RoutesStep in the cascade ----------------------------------------------------------------------------------


def test_no_routes_and_no_active_routes_are_quiet_skips() -> None:
    plain = company(agent(1), time_zone=CHICAGO)
    assert route(lead(), plain).reports[5].detail == "no routes set up"
    asleep = with_routes(plain, a_route(active=False))
    assert route(lead(), asleep).reports[5].detail == "no active route"
    assert note_details(route(lead(), asleep)) == []


def test_the_first_matching_route_by_priority_offers_the_lead_to_its_first_member() -> None:
    config = with_routes(
        company(agent(1), agent(2), agent(3), time_zone=CHICAGO),
        a_route("Big", priority=50, members=(3,)),
        a_route("Weekdays", priority=5, members=(1,), days=["monday", "tuesday"]),
        a_route("Weekend", priority=10, members=(2, 1)),
        a_route("Paused", priority=1, members=(1,), active=False),
    )

    decision = route(lead(), config, at=SATURDAY_10_12)

    assert decision.step == "routes"
    outcome = decision.outcome
    assert isinstance(outcome, RouteOffer)
    assert outcome.matched == "Route 'Weekend' matched: Saturday 10:12 America/Chicago."
    assert outcome.next.turn is not None
    assert (outcome.next.turn.agent_id, outcome.next.turn.position) == (2, 0)
    assert outcome.next.turn.members == [2, 1]
    assert note_details(decision) == [
        "Route 'Weekdays' did not match at Saturday 10:12 America/Chicago: "
        "Saturday, not one of its days (Monday, Tuesday)."
    ]
    assert decision.reports[-1].detail == (
        "Route 'Weekend' matched: Saturday 10:12 America/Chicago. "
        "Offered to agent 2 (Bea), member 1 of 2 of route 'Weekend', with a 120-second claim window."
    )


def test_past_twenty_failed_routes_the_history_counts_the_rest() -> None:
    """A company with 200 routes keeps 20 reasons in a lead's history, not 199: the first failures by
    priority, then one line counting the others, then the route that matched."""
    failing = [a_route(f"Portal {n}", priority=n, members=(1,), sources=[f"portal{n}"]) for n in range(1, 31)]
    last = a_route("Website", priority=40, members=(2,), sources=["website"])
    config = with_routes(company(agent(1), agent(2), time_zone=CHICAGO), *failing, last)

    decision = route(lead(source="website"), config, at=SATURDAY_10_12)

    notes = note_details(decision)
    assert len(notes) == 21
    assert notes[0].startswith("Route 'Portal 1' did not match at Saturday 10:12 America/Chicago")
    assert notes[19].startswith("Route 'Portal 20' did not match")
    assert notes[20] == "10 more routes did not match at Saturday 10:12 America/Chicago."
    outcome = decision.outcome
    assert isinstance(outcome, RouteOffer)
    assert outcome.matched == "Route 'Website' matched: Saturday 10:12 America/Chicago."

    nowhere = route(lead(source="zillow"), config, at=SATURDAY_10_12)
    assert note_details(nowhere)[20] == "11 more routes did not match at Saturday 10:12 America/Chicago."
    assert "no active route matched at Saturday 10:12 America/Chicago" in [r.detail for r in nowhere.reports]


def test_no_matching_route_goes_on_to_click_to_claim() -> None:
    config = with_routes(
        company(agent(1, click_to_claim=True), click_to_claim_enabled=True, time_zone=CHICAGO),
        a_route("Zillow", members=(1,), sources=["zillow"]),
    )
    decision = route(lead(source="website"), config, at=SATURDAY_10_12)
    assert decision.step == "click_to_claim"
    assert isinstance(decision.outcome, OfferTo)
    assert "no active route matched at Saturday 10:12 America/Chicago" in [r.detail for r in decision.reports]


def test_a_default_agent_comes_before_routes() -> None:
    config = with_routes(company(agent(1), agent(2), default_agent_id=2), a_route(members=(1,)))
    assert route(lead(), config).outcome == AssignTo(2, "Assigned to agent 2 (Bea): the company's default agent.")


def test_inactive_and_away_members_are_skipped_and_said_why() -> None:
    later = SATURDAY_10_12 + timedelta(days=3)
    config = with_routes(
        company(agent(1, active=False), agent(2, away_until=later), agent(3), time_zone=CHICAGO),
        a_route("Weekend", members=(1, 2, 9, 3)),
    )
    decision = route(lead(), config, at=SATURDAY_10_12)
    assert isinstance(decision.outcome, RouteOffer)
    skipped = decision.outcome.next.skipped
    assert [(s.agent_id, s.reason) for s in skipped] == [
        (1, "inactive"),
        (2, "away until 2025-03-18T15:12:00+00:00"),
        (9, "no longer an agent of the company"),
    ]
    assert skipped[0].sentence == "Agent 1 (Ada), member 1 of 4 of route 'Weekend', skipped: inactive."
    assert decision.outcome.next.turn is not None
    assert decision.outcome.next.turn.agent_id == 3
    assert [r.agent_id for r in decision.reports if r.agent_id is not None] == [1, 2, 9]


# The chain: one member at a time ---------------------------------------------------------------------------

_offer_ids = itertools.count(1)


def offer_id() -> str:
    return f"of_{next(_offer_ids):026d}"


def start(config: CompanyConfig, at: datetime = SATURDAY_10_12) -> tuple[Lead, Decision]:
    decision = route(lead(), config, at=at)
    sub = LeadSubmission.model_validate({"first_name": "Pat", "email": "pat@example.com"})
    new = new_lead("ld_01jpbx0000000000000000000", "co_test", sub, at)
    office_of = {agent_id: a.office_id for agent_id, a in config.agents.items()}
    apply_decision(new, decision, office_of, at, OfferTerms(offer_id(), config.settings), config.agents)
    return new, decision


def open_offer(lead_: Lead) -> Offer:
    offer = lead_.open_offer()
    assert offer is not None
    return offer


def events(lead_: Lead) -> list[str]:
    return [entry.event for entry in lead_.history]


def weekend_company(*members: int, **agents_kw: Any) -> CompanyConfig:
    return with_routes(
        company(*(agent(n, **agents_kw.get(str(n), {})) for n in (1, 2, 3, 4)), time_zone=CHICAGO),
        a_route("Weekend", members=members or (1, 2, 3), claim_window_seconds=60),
    )


def test_the_route_offer_is_a_claim_offer_to_one_member_with_the_route_window() -> None:
    lead_, _ = start(weekend_company())

    offer = open_offer(lead_)
    assert (lead_.status, lead_.agent_id) == (LeadStatus.OFFERED, None)
    assert (offer.kind.value, offer.origin, offer.recipients) == ("claim", OfferOrigin.ROUTE, [1])
    assert offer.expires_at - offer.created_at == timedelta(seconds=60)
    assert offer.route is not None
    assert offer.route.name == "Weekend"
    assert events(lead_) == ["lead.received", "route.matched", "lead.offered"]
    assert lead_.history[1].detail == "Route 'Weekend' matched: Saturday 10:12 America/Chicago."
    assert lead_.history[2].detail == (
        "Offered to agent 1 (Ada), member 1 of 3 of route 'Weekend': claim or pass within 60 seconds "
        "(until 2025-03-15 15:13:00 UTC)."
    )


def test_pass_then_expiry_then_claim_walks_the_members_in_order() -> None:
    config = weekend_company()
    lead_, _ = start(config)
    at = SATURDAY_10_12 + timedelta(seconds=5)

    first = open_offer(lead_)
    answered = answer_offer(lead_, first.offer_id, 1, OfferAction.PASS, at, "Ada", "key")
    assert answered.offer.state is OfferState.PASSED
    continue_route(lead_, first, config.agents, offer_id(), at)
    second = open_offer(lead_)
    assert second.recipients == [2]
    assert second.route is not None
    assert second.route.position == 1

    later = second.expires_at
    assert expire_offer(lead_, second, later, {2: "Bea"}) is True
    continue_route(lead_, second, config.agents, offer_id(), later)
    third = open_offer(lead_)
    assert third.recipients == [3]
    assert lead_.status is LeadStatus.OFFERED

    answer_offer(lead_, third.offer_id, 3, OfferAction.CLAIM, later + timedelta(seconds=1), "Cy", "link")
    assert (lead_.status, lead_.agent_id) == (LeadStatus.ASSIGNED, 3)
    assert lead_.open_offer() is None
    assert lead_.declined_agent_ids == [1]  # a pass declines; silence does not
    assert events(lead_)[1:] == [
        "route.matched",
        "lead.offered",
        "lead.passed",
        "lead.offered",
        "lead.expired",
        "lead.offered",
        "lead.claimed",
    ]
    details = [entry.detail for entry in lead_.history]
    assert details[3] == "Passed by agent 1 (Ada), member 1 of 3 of route 'Weekend'."
    assert details[5] == (
        "Agent 2 (Bea), member 2 of 3 of route 'Weekend', did not claim or pass within the 60-second claim window."
    )
    assert details[7] == "Claimed by agent 3 (Cy): member 3 of 3 of route 'Weekend', within its claim window."


def test_after_the_last_member_the_lead_goes_to_the_pool() -> None:
    config = weekend_company(1, 2)
    lead_, _ = start(config)
    for member in (1, 2):
        offer = open_offer(lead_)
        answer_offer(lead_, offer.offer_id, member, OfferAction.PASS, SATURDAY_10_12, "x", "key")
        continue_route(lead_, offer, config.agents, offer_id(), SATURDAY_10_12)

    assert (lead_.status, lead_.agent_id) == (LeadStatus.UNASSIGNED, None)
    assert lead_.open_offer() is None
    assert lead_.history[-1].event == "lead.returned_to_pool"
    assert lead_.history[-1].detail == (
        "Route 'Weekend' has no member left to offer the lead to: the lead goes to the pool."
    )


def test_a_member_who_became_unavailable_meanwhile_is_skipped_at_their_turn() -> None:
    config = weekend_company()
    lead_, _ = start(config)
    gone = CompanyConfig(config.company, {**config.agents, 2: agent(2, active=False)}, {}, config.routes)
    first = open_offer(lead_)
    answer_offer(lead_, first.offer_id, 1, OfferAction.PASS, SATURDAY_10_12, "Ada", "key")

    continue_route(lead_, first, gone.agents, offer_id(), SATURDAY_10_12)

    assert open_offer(lead_).recipients == [3]
    skip = lead_.history[-2]
    assert (skip.event, skip.agent_id, skip.step) == ("routing.skipped", 2, "routes")
    assert skip.detail == "Agent 2 (Bea), member 2 of 3 of route 'Weekend', skipped: inactive."


def test_a_route_whose_members_are_all_unavailable_leaves_the_lead_in_the_pool_at_intake() -> None:
    config = weekend_company(1, 2, **{"1": {"active": False}, "2": {"active": False}})
    lead_, decision = start(config)
    assert decision.step == "routes"
    assert lead_.status is LeadStatus.UNASSIGNED
    assert events(lead_) == ["lead.received", "route.matched", "routing.skipped", "routing.skipped", "routing.pooled"]
    assert lead_.history[-1].detail == "None of route 'Weekend''s members is available: the lead goes to the pool."


def test_a_route_offer_takes_claim_or_pass_only_and_once() -> None:
    lead_, _ = start(weekend_company())
    offer = open_offer(lead_)
    with pytest.raises(OfferClosed):
        answer_offer(lead_, offer.offer_id, 1, OfferAction.CLAIM, offer.expires_at, "Ada", "key")
    answer_offer(lead_, offer.offer_id, 1, OfferAction.CLAIM, SATURDAY_10_12, "Ada", "key")
    with pytest.raises(OfferClosed):
        answer_offer(lead_, offer.offer_id, 1, OfferAction.PASS, SATURDAY_10_12, "Ada", "key")


def test_acceptance_does_not_apply_to_a_route_claim() -> None:
    config = with_routes(
        company(agent(1), time_zone=CHICAGO, acceptance_required=True), a_route(members=(1,), claim_window_seconds=60)
    )
    lead_, _ = start(config)
    offer = open_offer(lead_)
    answer_offer(lead_, offer.offer_id, 1, OfferAction.CLAIM, SATURDAY_10_12, "Ada", "key")
    assert (lead_.status, lead_.agent_id) == (LeadStatus.ASSIGNED, 1)
    assert len(lead_.offers) == 1


@pytest.mark.parametrize(
    ("at", "zone", "shown"),
    [
        (datetime(2027, 3, 14, 7, 59, tzinfo=UTC), CHICAGO, "Sunday, March 14, 2027, 1:59 AM CST"),
        (datetime(2027, 3, 14, 8, 0, tzinfo=UTC), CHICAGO, "Sunday, March 14, 2027, 3:00 AM CDT"),  # DST begins
        (datetime(2027, 6, 1, 5, 0, tzinfo=UTC), CHICAGO, "Tuesday, June 1, 2027, 12:00 AM CDT"),
        (datetime(2027, 6, 1, 17, 5, tzinfo=UTC), CHICAGO, "Tuesday, June 1, 2027, 12:05 PM CDT"),
        (datetime(2027, 6, 1, 17, 5, tzinfo=UTC), "UTC", "Tuesday, June 1, 2027, 5:05 PM UTC"),
    ],
)
def test_moments_for_people_read_like_the_companys_clock(at: datetime, zone: str, shown: str) -> None:
    assert for_people(at, zone) == shown
