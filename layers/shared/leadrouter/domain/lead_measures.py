"""What a stored change of a lead counts for in the service's metrics, read from the history entries the
change added: every function that changes a lead (intake, the links, the timers, the sweeper, admins)
counts the same way, and a change counts once, when it is stored. Names and units are the metrics
contract's (docs/DECISIONS.md, "Metrics"); this module only decides, the observability adapter emits."""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:  # annotations only: the sweeper's and the timeout's measures load no lead model for them
    from leadrouter.domain.leads import HistoryEntry, Lead

Unit = Literal["Count", "Seconds"]

# A window end acted on later than this after its deadline counts as a late timer.
LATE_TIMER_SECONDS = 2.0


@dataclass(frozen=True)
class Measure:
    name: str
    value: float = 1.0
    unit: Unit = "Count"
    # LeadsRouted's extra dimension: the cascade step that decided.
    step: str | None = None


_COUNTED = {
    "lead.offered": "OffersSent",
    # An acceptance offer accepted is an offer taken, as a claim is; a reject is declined, as a pass is.
    "lead.claimed": "OffersClaimed",
    "lead.accepted": "OffersClaimed",
    "lead.passed": "OffersPassed",
    "lead.rejected": "OffersPassed",
    "lead.expired": "OffersExpired",
    "delivery.failed": "FailedDeliveries",
}
# The entries that carry the cascade step that decided an intake (the notes of skipped steps also carry one).
_DECISIONS = frozenset({"lead.assigned", "lead.offered", "route.matched", "routing.pooled"})


def first_hold(lead: "Lead", history_before: int) -> "HistoryEntry | None":
    """The entry of this change after which an agent held the lead for the first time, if the change did
    that: the moment speed to lead is measured to (the metric here, the reports in domain/reports.py)."""
    if any(entry.makes_holder for entry in lead.history[:history_before]):
        return None
    return next((entry for entry in lead.history[history_before:] if entry.makes_holder), None)


def change_measures(lead: "Lead", history_before: int) -> list[Measure]:
    """The measures of the entries the change added to the lead's history (those after `history_before`)."""
    added = lead.history[history_before:]
    measures = entries_measures(added)
    if any(entry.event == "lead.received" for entry in added):
        decided = next((entry for entry in added if entry.event in _DECISIONS and entry.step), None)
        measures.append(Measure("LeadsRouted", step=decided.step if decided is not None else "pool"))
    held = first_hold(lead, history_before)
    if held is not None:
        measures.append(Measure("SpeedToLeadSeconds", speed_to_lead(lead, held), "Seconds"))
    return measures


def speed_to_lead(lead: "Lead", held: "HistoryEntry") -> float:
    """The lead's stored speed to lead; for a lead stored before it was kept, from the entry that held it."""
    if lead.speed_to_lead_seconds is not None:
        return lead.speed_to_lead_seconds
    return max(0.0, (held.at - lead.created_at).total_seconds())


def entries_measures(entries: "Sequence[HistoryEntry]") -> list[Measure]:
    """The counts of offers and deliveries among `entries`."""
    return [Measure(_COUNTED[entry.event]) for entry in entries if entry.event in _COUNTED]


def is_late(deadline: datetime, acted_at: datetime) -> bool:
    return (acted_at - deadline).total_seconds() > LATE_TIMER_SECONDS
