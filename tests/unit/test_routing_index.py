"""The routing index decides exactly as the straightforward cascade did: for random configurations (agents
active or not, away or back, with a status, working hours or out-of-office periods, in the queue, click to
claim, criteria of every kind in any case and spacing, MLS ids; routes with days, windows across midnight,
holidays, date ranges, sources, priorities that tie) and random leads at random moments in several time
zones, the indexed decision equals the reference one (tests/support/reference_cascade.py): the same step,
outcome and reports, the same agents named in the reports, and the same options offered to chance. The
index is built once per configuration and kept."""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from leadrouter.domain.agents import Agent, Criteria
from leadrouter.domain.cascade import LeadFacts, RoundRobinTurn, decide, round_robin_assignment
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.criteria import criteria_match
from leadrouter.domain.leads import Interest, Listing
from leadrouter.domain.presence import HoursBlock, OutOfOffice, WorkingHours
from leadrouter.domain.routes import DateRange, Route, RouteConditions, by_priority
from tests.support.fakes import ScriptedRandom
from tests.support.reference_cascade import reference_decide, round_robin_queue

BASE = datetime(2026, 3, 7, 0, 0, tzinfo=UTC)  # a Saturday; Chicago moves to summer time the day after
TIME_ZONES = ("UTC", "America/Chicago", "Asia/Kolkata", "Pacific/Chatham", "Europe/London")
ZIPS = ("60601", " 60601", "60602", "SW1A 1AA", "sw1a 1aa ")
CITIES = ("Chicago", "chicago ", "Evanston", "STRASSE", "straße")
SOURCES = ("website", "Zillow", "zillow ", "portal1", "portal2", "Realtor.com")
MLS_IDS = ("AB-1", "ab-1 ", "CD-2", "EF-3")
CLOCKS = ("00:00", "06:30", "09:00", "12:00", "17:00", "22:00", "23:59")
DAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")

moments = st.integers(min_value=-3 * 24 * 60, max_value=10 * 24 * 60).map(lambda m: BASE + timedelta(minutes=m))
seconds = st.integers(min_value=0, max_value=59)
days_around = st.integers(min_value=-4, max_value=12).map(lambda n: (BASE + timedelta(days=n)).date())


def _maybe(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.one_of(st.none(), strategy)


def _rarely(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Unset three times out of four: agents with a few criteria each match some leads."""
    return st.one_of(st.none(), st.none(), st.none(), strategy)


@st.composite
def criteria(draw: st.DrawFn) -> Criteria:
    price_min = draw(_rarely(st.sampled_from((0, 200_000, 400_000, 400_001))))
    price_max = draw(_rarely(st.sampled_from((400_000, 600_000, 10_000_000))))
    if price_min is not None and price_max is not None and price_min > price_max:
        price_min, price_max = price_max, price_min
    return Criteria(
        zips=draw(_rarely(st.lists(st.sampled_from(ZIPS), max_size=3))),
        cities=draw(_rarely(st.lists(st.sampled_from(CITIES), max_size=2))),
        types=draw(_rarely(st.lists(st.sampled_from(("buy", "sell", "rent")), max_size=2))),
        price_min=price_min,
        price_max=price_max,
        sources=draw(_rarely(st.lists(st.sampled_from(SOURCES), max_size=2))),
    )


def _hours(zone: str | None, days: dict[str, list[tuple[str, str]]]) -> WorkingHours:
    blocks = {day: [HoursBlock(start=start, end=end) for start, end in spans] for day, spans in days.items()}
    return WorkingHours.model_validate({"time_zone": zone, "days": blocks})


# Built once and drawn from: schedules across midnight and DST in several zones, cheap to draw per agent.
SCHEDULES = (
    _hours("America/Chicago", {"saturday": [("09:00", "17:00")], "sunday": [("22:00", "06:30")]}),
    _hours(None, {"monday": [("06:30", "12:00"), ("17:00", "23:59")], "tuesday": [("00:00", "09:00")]}),
    _hours("Pacific/Chatham", {"sunday": [("12:00", "00:00")], "saturday": [("23:59", "22:00")]}),
    _hours("Europe/London", {}),
)
PERIODS = tuple(
    [
        OutOfOffice(
            start=(BASE + timedelta(days=first)).date(),
            end=(BASE + timedelta(days=last)).date(),
            backup_agent_id=backup,
        )
    ]
    for first, last, backup in ((0, 0, None), (-1, 2, 3), (4, 9, 99), (1, 1, 7))
)


# Made once: a strategy built inside the per-agent loop costs hypothesis its validation every time.
STATUSES = st.sampled_from(("available", "available", "available", "away", "offline"))
SOME_HOURS = _rarely(st.sampled_from(SCHEDULES))
SOME_PERIODS = _rarely(st.sampled_from(PERIODS))


@st.composite
def agents(draw: st.DrawFn) -> dict[int, Agent]:
    # Hypothesis keeps lists short; a company of up to 50 agents needs the count drawn on its own.
    ids = draw(st.permutations(range(1, 81)))[: draw(st.integers(min_value=0, max_value=50))]
    found: dict[int, Agent] = {}
    for agent_id in ids:
        away = draw(_maybe(moments))
        found[agent_id] = Agent(
            agent_id=agent_id,
            name=f"Agent {agent_id}",
            email=f"agent{agent_id}@example.com",
            mls_id=draw(_maybe(st.sampled_from(MLS_IDS))),
            active=draw(st.booleans()),
            click_to_claim=draw(st.booleans()),
            in_auto_assign_queue=draw(st.booleans()),
            criteria=draw(st.one_of(st.just(Criteria()), criteria())),
            away_until=away,
            status=draw(STATUSES),
            working_hours=draw(SOME_HOURS),
            out_of_office=draw(SOME_PERIODS) or [],
        )
    return found


@st.composite
def conditions(draw: st.DrawFn) -> RouteConditions:
    window = draw(_maybe(st.tuples(st.sampled_from(CLOCKS), st.sampled_from(CLOCKS)).filter(lambda w: w[0] != w[1])))
    spans = draw(_maybe(st.lists(st.tuples(days_around, st.integers(0, 3)), min_size=1, max_size=2)))
    return RouteConditions(
        days=draw(_maybe(st.lists(st.sampled_from(DAYS), max_size=3))),
        start_time=window[0] if window else None,
        end_time=window[1] if window else None,
        dates=draw(_maybe(st.lists(days_around, max_size=3))),
        date_ranges=[DateRange(start=start, end=start + timedelta(days=n)) for start, n in spans] if spans else None,
        sources=draw(_maybe(st.lists(st.sampled_from(SOURCES), max_size=2))),
    )


@st.composite
def routes(draw: st.DrawFn, agent_ids: list[int], most: int = 6) -> dict[str, Route]:
    found: dict[str, Route] = {}
    for n in range(draw(st.integers(min_value=0, max_value=most))):
        members = draw(st.lists(st.sampled_from([*agent_ids, 99]), min_size=1, max_size=4, unique=True))
        route = Route(
            route_id=f"rt_{n:026d}",
            name=f"Route {n}",
            priority=draw(st.integers(min_value=0, max_value=3)),
            active=draw(st.booleans()),
            conditions=draw(conditions()),
            members=members,
        )
        found[route.route_id] = route
    return found


@st.composite
def configurations(draw: st.DrawFn, most_routes: int = 6) -> CompanyConfig:
    staff = draw(agents())
    ids = sorted(staff) or [1]
    chosen = st.sampled_from([*ids, 99])
    company_settings = CompanySettings(
        time_zone=draw(st.sampled_from(TIME_ZONES)),
        skip_exclusive_listing_assignment=draw(st.booleans()),
        default_agent_id=draw(_maybe(chosen)) if draw(st.integers(0, 4)) == 0 else None,
        default_broker_id=draw(_maybe(chosen)) if draw(st.integers(0, 4)) == 0 else None,
        click_to_claim_enabled=draw(st.booleans()),
        advanced_distribution_enabled=draw(st.booleans()),
        auto_assign_enabled=draw(st.booleans()),
    )
    company = Company(company_id="co_prop", name="Prop Realty", created_at=BASE, settings=company_settings)
    return CompanyConfig(company, staff, {}, draw(routes(ids, most_routes)))


interests = st.builds(
    Interest,
    type=_maybe(st.sampled_from(("buy", "sell", "rent"))),
    zip=_maybe(st.sampled_from(ZIPS)),
    city=_maybe(st.sampled_from(CITIES)),
    price=_maybe(st.sampled_from((0, 200_000, 400_000, 400_001, 600_000, 600_001))),
)
facts = st.builds(
    LeadFacts,
    source=st.sampled_from(SOURCES),
    agent_code=st.one_of(st.none(), st.none(), st.sampled_from(("3", "99", "x1", "0"))),
    chosen_agent_id=st.one_of(st.none(), st.none(), st.integers(min_value=1, max_value=80)),
    listing=_maybe(st.builds(Listing, listing_agent_mls_id=_maybe(st.sampled_from(MLS_IDS)), exclusive=st.booleans())),
    interest=_maybe(interests),
)
PROPERTY = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@PROPERTY
@given(configurations(), facts, moments, seconds, st.integers(min_value=0, max_value=2**16))
def test_the_indexed_decision_is_the_reference_decision(
    config: CompanyConfig, lead: LeadFacts, at: datetime, second: int, seed: int
) -> None:
    at = at.replace(second=second)
    chance, reference_chance = ScriptedRandom(seed=seed), ScriptedRandom(seed=seed)

    decision = decide(lead, config, at, chance)
    expected = reference_decide(lead, config, at, reference_chance)

    assert decision == expected
    assert [report.agent_id for report in decision.reports] == [report.agent_id for report in expected.reports]
    assert chance.choices_offered == reference_chance.choices_offered
    if isinstance(decision.outcome, RoundRobinTurn):
        turn = decision.outcome
        for declined in (frozenset(), frozenset(turn.queue[:1])):
            words = ", ".join(str(agent_id) for agent_id in turn.queue if agent_id not in declined)
            detail = round_robin_assignment(config, RoundRobinTurn(turn.queue, declined), turn.queue[-1]).detail
            assert detail.endswith(f"(ascending ids {words}).")


@PROPERTY
@given(configurations(most_routes=45), facts, moments)
def test_past_the_routes_it_names_the_decision_is_still_the_reference(
    config: CompanyConfig, lead: LeadFacts, at: datetime
) -> None:
    """Past the first 20 routes that fail, the index tries only the routes the lead's source admits and
    counts the others: the same route matches, and the history names and counts the same routes."""
    decision = decide(lead, config, at, ScriptedRandom(seed=1))

    assert decision == reference_decide(lead, config, at, ScriptedRandom(seed=1))
    named = [report for report in decision.reports if report.detail.startswith("Route '") and not report.applied]
    assert len(named) <= 20


@PROPERTY
@given(configurations(), moments, st.lists(moments, max_size=3))
def test_one_index_answers_for_every_moment_as_the_reference(
    config: CompanyConfig, at: datetime, later: list[datetime]
) -> None:
    index = config.routing_index
    for moment in (at, *later):
        assert config.round_robin_queue(moment) == round_robin_queue(config, moment)
    assert config.routing_index is index  # built once for the configuration, kept with it
    assert config.agents_by_id() == [config.agents[agent_id] for agent_id in sorted(config.agents)]
    assert config.routes_by_priority() == by_priority(config.routes.values())


@PROPERTY
@given(configurations(), st.sampled_from(SOURCES), _maybe(interests))
def test_the_agents_a_lead_matches_are_those_whose_criteria_match_it(
    config: CompanyConfig, source: str, interest: Interest | None
) -> None:
    index = config.routing_index
    expected = [
        agent.agent_id
        for agent in config.agents_by_id()
        if agent.active and criteria_match(agent.criteria, source, interest)
    ]
    assert index.ids(index.matching(source, interest)) == expected


@PROPERTY
@given(configurations(), st.sampled_from((*MLS_IDS, "zz-9", " AB-1")))
def test_the_listing_agent_is_the_lowest_active_agent_with_that_mls_id(config: CompanyConfig, mls_id: str) -> None:
    wanted = mls_id.strip().casefold()
    candidates = [
        agent
        for agent in config.agents_by_id()
        if agent.active and agent.mls_id is not None and agent.mls_id.strip().casefold() == wanted
    ]
    assert config.agent_with_mls_id(mls_id) == (candidates[0] if candidates else None)


def test_many_matching_agents_come_out_in_ascending_ids() -> None:
    """Past 32 members a mask is read in one pass rather than bit by bit: same agents, same order."""
    staff = {n: Agent(agent_id=n, name=f"A{n}", email=f"a{n}@example.com") for n in range(1, 400, 3)}
    config = CompanyConfig(
        Company(company_id="co", name="Big", created_at=BASE, settings=CompanySettings()), staff, {}, {}
    )
    index = config.routing_index
    everyone = index.matching("website", None)
    assert index.ids(everyone) == sorted(staff)
    assert index.ids(everyone & ~index.unavailable(BASE)) == sorted(staff)
    assert index.ids(0) == []


def test_a_date_range_ending_on_the_day_still_holds() -> None:
    """Both ends of a range are included (the reference reads `day in span`, the index compares the ends)."""
    holiday = DateRange(start=date(2026, 3, 6), end=date(2026, 3, 7))
    route = Route(
        route_id=f"rt_{0:026d}",
        name="Holiday",
        priority=1,
        conditions=RouteConditions(date_ranges=[holiday]),
        members=[1],
    )
    staff = {1: Agent(agent_id=1, name="Ada", email="ada@example.com")}
    config = CompanyConfig(
        Company(company_id="co", name="Co", created_at=BASE, settings=CompanySettings()),
        staff,
        {},
        {route.route_id: route},
    )
    lead = LeadFacts(source="website")
    for at in (BASE + timedelta(hours=23, minutes=59), BASE + timedelta(days=1)):
        assert decide(lead, config, at, ScriptedRandom()) == reference_decide(lead, config, at, ScriptedRandom())
    assert decide(lead, config, BASE, ScriptedRandom()).step == "routes"
