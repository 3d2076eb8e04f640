"""Routing reports from tallies (domain/reports.py), checked against figures worked out by hand: what each
stored change adds, how rows merge days and scopes, speed to lead's buckets and nearest-rank quantiles,
shares and target shares, and the days a range covers in the company's time zone."""

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.leads import HistoryEntry, Lead, LeadSubmission
from leadrouter.domain.lifecycle import assign, claim_from_pool, new_lead, send_back
from leadrouter.domain.offers import Offer, OfferKind, OfferOrigin
from leadrouter.domain.reports import (
    Dimension,
    ReportRow,
    Tally,
    TallyKey,
    change_tallies,
    pool_age_ranges,
    quantile,
    report_days,
    report_rows,
    speed_bucket,
)
from leadrouter.domain.time_zones import zone

UTC_ZONE = zone("UTC")
# Ten in the morning in Chicago, 16:00 UTC.
T0 = datetime(2026, 3, 10, 16, 0, tzinfo=UTC)


def received(n: int, at: datetime = T0, source: str = "website") -> Lead:
    submission = LeadSubmission.model_validate({"email": f"buyer{n}@example.com", "source": source})
    return new_lead(f"ld_{n}", "co_test", submission, at)


class Ledger:
    """The tallies of every change a test makes, added up as the aggregator would add them."""

    def __init__(self, time_zone: str = "UTC") -> None:
        self.zone = zone(time_zone)
        self.tallies: dict[TallyKey, Tally] = {}

    def change(self, lead: Lead, history_before: int) -> dict[TallyKey, Tally]:
        added = change_tallies(lead, history_before, self.zone)
        for key, tally in added.items():
            self.tallies.setdefault(key, Tally()).add(tally)
        return added

    def intake(self, lead: Lead) -> None:
        self.change(lead, 0)

    def then(self, lead: Lead, step: object) -> None:
        before = len(lead.history)
        assert callable(step)
        step()
        self.change(lead, before)

    def rows(
        self, group_by: Dimension, scope: str | None = None, weights: dict[int, float] | None = None
    ) -> list[ReportRow]:
        chosen: Iterable[tuple[TallyKey, Tally]] = (
            (key, tally) for key, tally in self.tallies.items() if key.dimension == group_by and key.scope == scope
        )
        return report_rows(chosen, group_by, weights or {})


def by_key(rows: list[ReportRow]) -> dict[object, ReportRow]:
    return {row.key: row for row in rows}


def three_quick_one_slow(ledger: Ledger) -> list[Lead]:
    """Agent 1 claims two leads in 2.4 s and 5 s; agent 2 is assigned one in 3 s and claims one in 400 s."""
    leads = [received(1), received(2), received(3, source="zillow"), received(4, source="zillow")]
    for lead in leads:
        ledger.intake(lead)
    a, b, c, d = leads
    ledger.then(a, lambda: claim_from_pool(a, 1, None, "Avery", T0 + timedelta(seconds=2.4), "key_1"))
    ledger.then(b, lambda: assign(b, 2, None, "Assigned.", T0 + timedelta(seconds=3), "manual", "key_a"))
    ledger.then(c, lambda: claim_from_pool(c, 1, None, "Avery", T0 + timedelta(seconds=5), "key_1"))
    ledger.then(d, lambda: claim_from_pool(d, 2, None, "Blake", T0 + timedelta(seconds=400), "key_2"))
    return leads


def test_agent_rows_count_holds_and_measure_speed_to_lead_by_hand() -> None:
    ledger = Ledger()
    three_quick_one_slow(ledger)

    rows = by_key(ledger.rows("agent", weights={1: 1.0, 2: 3.0}))

    assert list(rows) == [1, 2, None]
    one, two, nobody = rows[1], rows[2], rows[None]
    assert (one.counts["claimed"], one.counts["assigned"], one.counts["received"]) == (2, 0, 0)
    assert (two.counts["claimed"], two.counts["assigned"]) == (1, 1)
    # The leads' arrivals name no agent: they are the "none" row's, so the columns add up to the totals.
    assert nobody.counts["received"] == 4
    # Agent 1: 2 s (2.4 s in the 2 s bucket) and 5 s; the nearest-rank median of two is the first.
    assert (one.median, one.p90) == (2, 5)
    assert (two.median, two.p90) == (3, 400)
    assert one.within == {"within_5_minutes": 1.0, "within_15_minutes": 1.0, "within_1_hour": 1.0}
    assert two.within == {"within_5_minutes": 0.5, "within_15_minutes": 1.0, "within_1_hour": 1.0}
    assert (one.share, two.share, nobody.share) == (0.5, 0.5, 0.0)
    assert (one.target_share, two.target_share, nobody.target_share) == (0.25, 0.75, None)
    assert nobody.median is None
    assert nobody.within["within_5_minutes"] is None


def test_day_and_source_rows_merge_the_same_changes() -> None:
    ledger = Ledger()
    three_quick_one_slow(ledger)

    (day,) = ledger.rows("day")
    assert day.key == "2026-03-10"
    assert (day.counts["received"], day.counts["claimed"], day.counts["assigned"]) == (4, 3, 1)
    # Speeds 2, 3, 5, 400: the 2nd of 4 is the median, the 4th (⌈3.6⌉) the p90.
    assert (day.median, day.p90) == (3, 400)
    assert day.within["within_5_minutes"] == 0.75
    assert day.share == 1.0
    assert day.target_share is None

    sources = by_key(ledger.rows("source"))
    assert list(sources) == ["website", "zillow"]
    assert (sources["website"].median, sources["zillow"].median) == (2, 5)
    assert sources["zillow"].share == 0.5


def test_speed_to_lead_is_stored_once_on_the_lead_and_a_second_holder_is_not_timed() -> None:
    ledger = Ledger()
    lead = received(1)
    ledger.intake(lead)
    ledger.then(lead, lambda: assign(lead, 3, None, "Assigned.", T0 + timedelta(seconds=7.5), "manual", "key_a"))
    assert lead.speed_to_lead_seconds == 7.5
    ledger.then(lead, lambda: send_back(lead, "agent 3", T0 + timedelta(seconds=20), "key_3"))
    ledger.then(lead, lambda: claim_from_pool(lead, 4, None, "Dana", T0 + timedelta(seconds=90), "key_4"))

    assert lead.speed_to_lead_seconds == 7.5
    rows = by_key(ledger.rows("agent"))
    assert (rows[3].median, rows[3].counts["assigned"]) == (7, 1)
    # Agent 4 came to hold it (a share of the holds) but was not its first holder (no speed).
    assert (rows[4].median, rows[4].counts["claimed"], rows[4].share) == (None, 1, 0.5)
    # The send-back names the agent who had it.
    assert rows[3].counts["to_pool"] == 1


def test_a_change_adds_only_what_it_added_to_the_history() -> None:
    lead = received(1)
    claim_from_pool(lead, 1, None, "Avery", T0 + timedelta(seconds=2), "key_1")
    before = len(lead.history)
    lead.record(HistoryEntry(at=T0 + timedelta(seconds=3), event="delivery.failed", detail="-"))

    assert change_tallies(lead, before, UTC_ZONE) == {}
    first = change_tallies(lead, 0, UTC_ZONE)
    day = first[TallyKey(None, "day", date(2026, 3, 10), None)]
    assert (day.counts["received"], day.counts["claimed"], day.counts["held"], day.counts["timed"]) == (1, 1, 1, 1)


def test_click_to_claim_counts_an_offer_for_each_agent_it_went_to() -> None:
    lead = received(1)
    offer = Offer(
        offer_id="of_1",
        kind=OfferKind.CLAIM,
        origin=OfferOrigin.CLICK_TO_CLAIM,
        recipients=[4, 5, 6],
        created_at=T0,
        expires_at=T0 + timedelta(minutes=5),
    )
    lead.offers.append(offer)
    lead.record(HistoryEntry(at=T0, event="lead.offered", detail="Claim emails sent.", offer_id="of_1"))

    tallies = change_tallies(lead, 0, UTC_ZONE)
    agents = {key.key: tally.counts["offered"] for key, tally in tallies.items() if key.dimension == "agent"}
    assert agents == {None: 0, 4: 1, 5: 1, 6: 1}
    (day,) = [tally for key, tally in tallies.items() if key.dimension == "day"]
    assert day.counts["offered"] == 1


def test_entries_count_on_their_day_in_the_company_time_zone_and_in_their_office() -> None:
    ledger = Ledger("America/Chicago")
    late = datetime(2026, 3, 11, 4, 30, tzinfo=UTC)  # 23:30 on the 10th in Chicago
    lead = received(1, at=late)
    ledger.intake(lead)
    ledger.then(lead, lambda: claim_from_pool(lead, 1, "north", "Avery", late + timedelta(hours=1), "key_1"))

    days = by_key(ledger.rows("day"))
    assert list(days) == ["2026-03-10", "2026-03-11"]
    assert (days["2026-03-10"].counts["received"], days["2026-03-11"].counts["claimed"]) == (1, 1)
    # The hour-long wait is in the one-minute buckets (exact) and not within 15 minutes.
    assert days["2026-03-11"].median == 3600
    assert days["2026-03-11"].within["within_15_minutes"] == 0.0
    # The claim happened once the lead was the north office's: the office's own tallies have it.
    (north,) = ledger.rows("day", scope="north")
    assert (north.key, north.counts["claimed"], north.counts["received"]) == ("2026-03-11", 1, 0)
    assert [row.key for row in ledger.rows("office")] == ["north", None]


@pytest.mark.parametrize(
    ("seconds", "bucket"),
    [
        (0.0, 0),
        (2.4, 2),
        (599.99, 599),
        (600, 600),
        (609.9, 600),
        (3599, 3590),
        (3600, 3600),
        (3661, 3660),
        (86_399, 86_340),
        (86_400, 86_400),
        (90_061, 90_000),
        (40 * 86_400 + 5, 40 * 86_400),
        (-3, 0),
    ],
)
def test_speed_buckets_are_seconds_then_wider_with_the_wait(seconds: float, bucket: int) -> None:
    assert speed_bucket(seconds) == bucket


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(min_value=0, max_value=599), min_size=1, max_size=40))
def test_under_ten_minutes_quantiles_are_the_exact_nearest_rank_values(speeds: list[int]) -> None:
    histogram: dict[int, int] = {}
    for value in speeds:
        histogram[speed_bucket(value)] = histogram.get(speed_bucket(value), 0) + 1
    ordered = sorted(speeds)
    assert quantile(histogram, 0.5) == ordered[-(-len(ordered) // 2) - 1]
    assert quantile(histogram, 0.9) == ordered[max(1, -(-9 * len(ordered) // 10)) - 1]


def test_a_range_covers_whole_days_of_the_company_and_at_most_a_year() -> None:
    chicago = zone("America/Chicago")
    days = report_days(datetime(2026, 3, 1, 3, 0, tzinfo=UTC), datetime(2026, 3, 31, 12, 0, tzinfo=UTC), chicago)
    assert (days.first, days.last) == (date(2026, 2, 28), date(2026, 3, 31))
    leap_year = report_days(datetime(2024, 1, 1, tzinfo=UTC), datetime(2024, 12, 31, tzinfo=UTC), UTC_ZONE)
    assert (leap_year.last - leap_year.first).days == 365
    with pytest.raises(InvalidInput, match="366 days"):
        report_days(datetime(2025, 1, 1, tzinfo=UTC), datetime(2026, 1, 2, tzinfo=UTC), UTC_ZONE)
    with pytest.raises(InvalidInput, match="before"):
        report_days(T0, T0 - timedelta(seconds=1), UTC_ZONE)


def test_pool_ages_are_adjacent_ranges_youngest_first() -> None:
    ranges = pool_age_ranges(T0)
    assert [r.name for r in ranges] == ["under_5_minutes", "under_1_hour", "under_1_day", "older"]
    assert ranges[0].created_until is None
    assert ranges[-1].created_after is None
    assert ranges[0].created_after == T0 - timedelta(minutes=5) == ranges[1].created_until
    assert ranges[2].created_after == T0 - timedelta(days=1) == ranges[3].created_until
