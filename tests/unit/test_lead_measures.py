"""What a stored change counts for (domain/lead_measures.py): the step that decided an intake (not the steps
its notes skipped), speed to lead once per lead, offers and failed deliveries by their entries."""

from datetime import timedelta

from leadrouter.domain.lead_measures import Measure, change_measures, entries_measures, is_late
from leadrouter.domain.leads import HistoryEntry, Lead, LeadSubmission
from leadrouter.domain.lifecycle import apply_decision, assign, new_lead
from tests.support.fakes import NOW, agent, company, lead, route


def received() -> Lead:
    submission = LeadSubmission.model_validate({"first_name": "Pat", "email": "pat@example.com"})
    return new_lead("ld_1", "co_test", submission, NOW)


def test_an_intake_counts_the_step_that_decided_and_the_time_to_its_holder() -> None:
    config = company(agent(3))
    lead_ = received()
    apply_decision(lead_, route(lead(agent_code="3"), config), {3: None}, NOW + timedelta(seconds=4))

    assert change_measures(lead_, 0) == [
        Measure("LeadsRouted", step="agent_code"),
        Measure("SpeedToLeadSeconds", 4.0, "Seconds"),
    ]


def test_a_pooled_intake_counts_the_pool_step_not_the_skipped_ones() -> None:
    config = company(agent(1, active=False, in_queue=True), auto_assign_enabled=True)
    lead_ = received()
    apply_decision(lead_, route(lead(), config), {}, NOW)

    assert [entry.event for entry in lead_.history] == ["lead.received", "routing.skipped", "routing.pooled"]
    assert change_measures(lead_, 0) == [Measure("LeadsRouted", step=lead_.history[2].step)]
    assert lead_.history[2].step != lead_.history[1].step


def test_speed_to_lead_counts_only_the_first_holder() -> None:
    lead_ = received()
    assign(lead_, 3, None, "Assigned.", NOW + timedelta(seconds=2), "manual", "admin")
    before = len(lead_.history)
    assign(lead_, 4, None, "Reassigned.", NOW + timedelta(seconds=9), "manual", "admin")

    assert change_measures(lead_, before) == []


def test_offers_and_failed_deliveries_are_counted_by_their_entries() -> None:
    entries = [
        HistoryEntry(at=NOW, event=event, detail="-")
        for event in ("lead.offered", "lead.passed", "lead.rejected", "delivery.failed", "timer.failed")
    ]
    assert [measure.name for measure in entries_measures(entries)] == [
        "OffersSent",
        "OffersPassed",
        "OffersPassed",
        "FailedDeliveries",
    ]


def test_a_timer_is_late_beyond_two_seconds() -> None:
    assert not is_late(NOW, NOW + timedelta(seconds=2))
    assert is_late(NOW, NOW + timedelta(seconds=2.5))
