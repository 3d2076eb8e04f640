"""A lead stays one DynamoDB item: a step names at most NAMED_SKIPS skipped agents and counts the rest, in a
real lead's history and in a simulation alike; a lead whose history grows without end folds its oldest
entries, and the event publisher still finds every change's own entries, each once."""

import functools
import json
from collections.abc import Callable
from datetime import timedelta

import pytest

from leadrouter.adapters.dynamo_codec import to_item
from leadrouter.adapters.dynamo_leads import lead_item
from leadrouter.adapters.stream_leads import stored_lead
from leadrouter.adapters.stream_records import lead_change
from leadrouter.domain import lead_size
from leadrouter.domain.caps import CapReached
from leadrouter.domain.cascade import Decision, RoundRobinTurn, StepReport, decide, round_robin_assignment
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.escalation import held_since
from leadrouter.domain.lead_events import published
from leadrouter.domain.lead_size import FOLD_TO, ITEM_BUDGET, encoded_size, keep_within_size
from leadrouter.domain.leads import Lead, LeadSubmission
from leadrouter.domain.lifecycle import OfferTerms, apply_decision, claim_from_pool, new_lead, send_back
from leadrouter.domain.routes import Route
from leadrouter.domain.simulation import explain
from leadrouter.domain.skips import NAMED_SKIPS, reason_group
from tests.support.fakes import COMPANY_ID, NOW, NoRandom, agent, company, lead
from tests.support.lead_records import item_size, lead_stream_record

AGENTS = 5_000
AWAY = 10
AT_CAP = 4_980


def _big_company_decision() -> tuple[CompanyConfig, Decision, Decision]:
    """A 5,000-agent round robin where 10 agents are away and 4,980 are turned away by their daily cap on
    the way to the agent of the turn (as service/intake.py writes it), and the same as a simulation's."""
    away_until = NOW + timedelta(days=1)
    agents = [
        agent(n, in_queue=True, away_until=away_until if n > AGENTS - AWAY else None) for n in range(1, AGENTS + 1)
    ]
    config = company(*agents, auto_assign_enabled=True)
    decision = decide(lead(), config, NOW, NoRandom())
    assert isinstance(decision.outcome, RoundRobinTurn)
    *before, applied = decision.reports
    refused = [
        StepReport(decision.step, False, CapReached(n, "day", 10, 10).words(), True, n) for n in range(1, AT_CAP + 1)
    ]
    assigned = round_robin_assignment(config, decision.outcome, AT_CAP + 1)
    return (
        config,
        Decision(decision.step, assigned, (*before, *refused, applied)),
        Decision(decision.step, decision.outcome, (*before, *refused, applied)),
    )


def _intake(decision: Decision) -> Lead:
    made = new_lead("ld_big", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    apply_decision(made, decision, {}, NOW)
    return made


def test_a_round_robin_past_4990_skipped_agents_names_20_and_counts_the_rest_under_the_budget() -> None:
    _, decision, _ = _big_company_decision()

    made = _intake(decision)

    assert _json_size(made) < ITEM_BUDGET  # it was ~934 KB, past DynamoDB's 400 KB: the write failed
    assert item_size(to_item(lead_item(made))) < ITEM_BUDGET
    skips = [entry for entry in made.history if entry.event == "routing.skipped"]
    assert len(skips) == NAMED_SKIPS + 1
    # Pick order: the away agents are passed over before any turn is taken, then the capped ones.
    assert skips[0].detail == f"Agent {AGENTS - AWAY + 1} skipped: away until {(NOW + timedelta(days=1)).isoformat()}."
    assert skips[AWAY].detail == "Agent 1 skipped: daily cap 10 of 10 reached."
    assert skips[-1].detail == "4,970 more agents skipped: 4,970 at their daily cap."
    assert made.agent_id == AT_CAP + 1


def test_a_simulation_bounds_its_skipped_agents_the_same_way_and_says_the_count() -> None:
    config, intake, decision = _big_company_decision()

    simulation = explain(decision, lead(), config, NOW, AT_CAP + 1, [])

    assert len(simulation.skipped_agents) == NAMED_SKIPS
    assert simulation.more_skipped_agents == AWAY + AT_CAP - NAMED_SKIPS
    step = next(step for step in simulation.steps if step.step == "round_robin")
    assert "4,970 more agents skipped: 4,970 at their daily cap." in step.details
    # The same lines as the lead's history, in the same order.
    history = [entry.detail for entry in _intake(intake).history if entry.event == "routing.skipped"]
    assert history == [
        detail[:1].upper() + detail[1:].rstrip(".") + "." for detail in step.details if "skipped" in detail
    ]


@pytest.mark.parametrize(
    ("sentence", "group"),
    [
        ("Agent 7 skipped: daily cap 10 of 10 reached.", "at their daily cap"),
        ("agent 7 skipped: away until 2026-12-03T09:00:00+00:00", "away"),
        ("agent 7 (Ada) matches but is skipped: away (at a showing)", "away"),
        ("Agent 7 (Ada), member 3 of 9, skipped: out of office 2026-12-01 to 2026-12-05.", "out of office"),
        ("agent 7 skipped: outside working hours, Mon 07:10 America/Chicago", "outside their working hours"),
        ("Agent 7 (Ada), member 2 of 9, could not claim: weekly cap 5 of 5 reached.", "at their weekly cap"),
        ("agent 7 skipped: inactive", "inactive"),
    ],
)
def test_skips_are_counted_by_their_reason_in_words(sentence: str, group: str) -> None:
    assert reason_group(sentence) == group


def _json_size(made: Lead) -> int:
    """The stored item's JSON, compact, in bytes."""
    return len(json.dumps(lead_item(made), separators=(",", ":"), ensure_ascii=False).encode())


def _change(made: Lead, change: Callable[[Lead], None]) -> None:
    """One change as service/lead_changes.py makes it: then the size check, before the write."""
    recorded = made.entries_recorded
    change(made)
    keep_within_size(made, recorded)


def _cycle(made: Lead, n: int) -> None:
    at = NOW + timedelta(minutes=n + 1)
    _change(made, lambda lead_: claim_from_pool(lead_, 7 + n % 3, None, "Gus", at, "agent:7"))
    _change(made, lambda lead_: send_back(lead_, "agent 7 (Gus)", at + timedelta(seconds=30), "agent:7"))


def test_a_lead_released_and_reclaimed_thousands_of_times_stays_under_the_budget() -> None:
    made = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    largest = 0
    for n in range(1_500):
        _cycle(made, n)
        largest = max(largest, encoded_size(made)) if n % 25 == 0 else largest
    assert largest <= ITEM_BUDGET
    # As stored: the index keys add under 1 KB; DynamoDB counts fewer bytes than the JSON.
    assert _json_size(made) <= ITEM_BUDGET + 1_000
    assert item_size(to_item(lead_item(made))) <= encoded_size(made)
    assert made.folded is not None
    assert made.entries_recorded == 1 + 2 * 1_500
    assert made.history[0].event == "lead.received"
    first_claim = made.history[1]
    assert (first_claim.event, first_claim.at) == ("lead.claimed", NOW + timedelta(minutes=1))  # speed to lead
    assert made.speed_to_lead_seconds == 60.0
    fold = made.history[2]
    assert fold.event == "history.folded"
    assert fold.detail.startswith(f"{made.folded.entries:,} older entries, from 2025-03-14 15:10 UTC to ")
    assert "folded into this one to keep the lead within its size: " in fold.detail
    assert f"{made.folded.events['lead.returned_to_pool']:,} lead.returned_to_pool" in fold.detail
    assert [entry.event for entry in made.history].count("history.folded") == 1
    # The latest entries stand as they were.
    assert [entry.event for entry in made.history[-2:]] == ["lead.claimed", "lead.returned_to_pool"]


@pytest.mark.parametrize(("last_claimed_by", "sent_back"), [(8, False), (8, True)])
def test_the_fold_names_the_agent_holding_the_lead_after_it_and_escalation_reads_it(
    monkeypatch: pytest.MonkeyPatch, last_claimed_by: int, sent_back: bool
) -> None:
    made = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    for n in range(30):
        _cycle(made, n)
    at = NOW + timedelta(days=1)
    claim_from_pool(made, last_claimed_by, None, "Hal", at, "agent:8")
    if sent_back:
        send_back(made, "agent 8 (Hal)", at, "agent:8")
    # A budget that folds everything but the first entry and the first hold.
    monkeypatch.setattr(lead_size, "ITEM_BUDGET", 1_000)
    monkeypatch.setattr(lead_size, "FOLD_TO", 1_000)

    assert keep_within_size(made, made.entries_recorded)

    assert [entry.event for entry in made.history] == ["lead.received", "lead.claimed", "history.folded"]
    fold = made.history[-1]
    assert fold.agent_id == (None if sent_back else last_claimed_by)
    assert fold.detail.endswith("" if sent_back else "Agent 8 held the lead after them.")
    assert held_since(made, at + timedelta(hours=1)) is not sent_back  # what escalation asks


def test_the_publisher_and_the_reports_find_each_change_s_own_entries_once_across_folds(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A small budget: the same folds as at 300 KB, a hundred times sooner.
    monkeypatch.setattr(lead_size, "ITEM_BUDGET", 6_000)
    monkeypatch.setattr(lead_size, "FOLD_TO", 4_000)
    made = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    events = [entry.event for entry in published(lead_change(lead_stream_record(None, made)).added)]  # type: ignore[union-attr]
    for n in range(200):
        at = NOW + timedelta(minutes=n + 1)
        claim = functools.partial(claim_from_pool, agent_id=7, office_id=None, agent_name="Gus", at=at, by="agent:7")
        release = functools.partial(send_back, who="agent 7 (Gus)", at=at, by="agent:7")
        for change in (claim, release):
            before = made.model_copy(deep=True)
            _change(made, change)
            stored = lead_change(lead_stream_record(before, made))
            assert stored is not None
            assert [entry.at for entry in stored.added] == [at]  # this change's entry, nothing older
            events += [entry.event for entry in published(stored.added)]
            whole = stored_lead(lead_stream_record(before, made))
            assert whole is not None
            assert whole.lead.history[whole.history_before :] == made.history[-1:]
            assert made.entries_recorded == before.entries_recorded + 1
    assert made.folded is not None
    assert made.folded.entries > 300  # folded many times over
    assert events == ["lead.received", *["lead.claimed", "lead.returned_to_pool"] * 200]
    assert encoded_size(made) <= 6_000


def test_closed_offers_go_when_history_alone_cannot_bring_the_lead_down(monkeypatch: pytest.MonkeyPatch) -> None:
    from leadrouter.domain.offers import Offer, OfferKind, OfferOrigin

    made = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)
    for n in range(400):
        at = NOW + timedelta(minutes=n)
        offer = Offer(
            offer_id=f"of_{n}",
            kind=OfferKind.CLAIM,
            origin=OfferOrigin.CLICK_TO_CLAIM,
            recipients=list(range(1, 200)),
            created_at=at,
            expires_at=at + timedelta(hours=1),
            step="click_to_claim",
        )
        offer.close(at)
        made.offers.append(offer)
    made.declined_agent_ids = list(range(1, AGENTS + 1))

    assert keep_within_size(made, made.entries_recorded)

    assert encoded_size(made) <= FOLD_TO
    assert made.offers[-1].offer_id == "of_399"  # the newest kept, the oldest dropped
    assert made.declined_agent_ids == list(range(1, AGENTS + 1))  # never offered again: kept whole


def test_a_route_chain_names_its_first_20_skipped_members_and_counts_the_rest_by_reason() -> None:
    members = list(range(1, 100))
    route = Route(route_id=f"rt_{1:026d}", name="Everyone", priority=1, members=members)
    away_until = NOW + timedelta(hours=3)
    agents = [agent(n, active=n > 50, away_until=away_until if n < 99 else None) for n in members]
    base = company(*agents)
    config = CompanyConfig(base.company, base.agents, {}, {route.route_id: route})
    decision = decide(lead(), config, NOW, NoRandom())
    made = new_lead("ld_1", COMPANY_ID, LeadSubmission.model_validate({"email": "j@example.net"}), NOW)

    apply_decision(made, decision, {}, NOW, OfferTerms("of_1", config.settings), dict(config.agents))

    skips = [entry for entry in made.history if entry.event == "routing.skipped"]
    assert [entry.agent_id for entry in skips] == [*range(1, NAMED_SKIPS + 1), None]
    assert skips[0].detail == "Agent 1 (Ada), member 1 of 99 of route 'Everyone', skipped: inactive."
    assert skips[-1].detail == "78 more agents skipped: 48 away, 30 inactive."
    assert made.offers[-1].recipients == [99]
    simulated = explain(decision, lead(), config, NOW, None, [])
    assert len(simulated.skipped_agents) == NAMED_SKIPS
    assert simulated.more_skipped_agents == 78
    assert "78 more agents skipped: 48 away, 30 inactive." in simulated.steps[5].details
