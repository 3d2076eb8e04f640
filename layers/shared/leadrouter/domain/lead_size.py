"""A lead stays one DynamoDB item (at most 400 KB) whatever happens over its life: a change that would leave
it past `ITEM_BUDGET` folds the oldest history entries into one `history.folded` entry, and then, if that is
not enough, drops the oldest closed offers (docs/DECISIONS.md, "A lead stays one item").

What never folds, so that every reader of the history reads what it read before:
- the first entry (`lead.received`): the lead's start, which the timeline and the reports' intake count read;
- the first entry after which an agent held the lead: speed to lead and the reports' first hold
  (domain/lead_measures.py `first_hold`) look for it in the entries before a change;
- the entries of the change being written: the event publisher (adapters/stream_records.py) publishes the
  entries a change added, found by `Lead.added_since`, so they must all stand in the stored item. Entries
  from before the change were published by the stream record of their own change.
What never drops: the open offer, and the first route offer (the reports' route of a lead). Declined agent
ids are kept whole: at most one int per agent (5,000 agents: about 30 KB), and a declined agent must never
be offered the lead again.

The size is that of the lead's JSON, in bytes: at least DynamoDB's own count for the same attributes (names
and text alike; a number or a null takes fewer bytes there), at the cost of one serialisation per change
(about 2 ms at the budget, microseconds for an everyday lead)."""

from collections import Counter
from typing import Final

from pydantic_core import to_json

from leadrouter.domain.leads import FoldedHistory, HistoryEntry, Lead
from leadrouter.domain.offers import OfferOrigin

# DynamoDB refuses items over 400 KB. 100 KB under it: the index keys `lead_item` adds (under 1 KB), and a
# margin for the estimate, so that the item is refused only by a change that adds 100 KB at once, which none
# can (a step names at most NAMED_SKIPS skipped agents, domain/skips.py).
ITEM_BUDGET: Final = 300_000
# A fold brings the lead down to this, not just under the budget: the next fold is ~100 KB of entries away
# (hundreds of changes), so folding is rare and a lead near the budget is not rewritten on every change.
FOLD_TO: Final = 200_000
EVENT: Final = "history.folded"


def encoded_size(lead: Lead) -> int:
    """The lead's size as stored, near enough: its JSON in UTF-8 bytes."""
    return len(to_json(lead))


def _size(entry: HistoryEntry) -> int:
    # A list's comma: entries are measured one by one.
    return len(to_json(entry)) + 1


def keep_within_size(lead: Lead, recorded_before: int) -> bool:
    """Fold what it takes to bring a lead past ITEM_BUDGET down to FOLD_TO; `recorded_before`: the lead's
    `entries_recorded` before the change being written (its entries stay). Answers whether it folded."""
    size = encoded_size(lead)
    if size <= ITEM_BUDGET:
        return False
    size = _fold_history(lead, recorded_before, size)
    if size > FOLD_TO:
        _drop_closed_offers(lead, size)
    return True


def _kept(lead: Lead, recorded_before: int) -> set[int]:
    kept = {0}
    first_hold = next((index for index, entry in enumerate(lead.history) if entry.makes_holder), None)
    if first_hold is not None:
        kept.add(first_hold)
    kept.update(range(lead.added_since(recorded_before), len(lead.history)))
    return kept


def _fold_history(lead: Lead, recorded_before: int, size: int) -> int:
    kept = _kept(lead, recorded_before)
    chosen: list[int] = []
    for index, entry in enumerate(lead.history):
        if size <= FOLD_TO:
            break
        if index in kept:
            continue
        chosen.append(index)
        size -= _size(entry)
    if not chosen or (len(chosen) == 1 and lead.history[chosen[0]].event == EVENT):
        return size + sum(_size(lead.history[index]) for index in chosen)  # nothing to fold
    folded = [lead.history[index] for index in chosen]
    lead.folded = _merged(lead.folded, folded)
    entry = fold_entry(lead.folded, holder_after(folded))
    last = chosen[-1]
    chosen_set = set(chosen)
    lead.history = [
        entry if index == last else old
        for index, old in enumerate(lead.history)
        if index not in chosen_set or index == last
    ]
    return size + _size(entry)


def _merged(before: FoldedHistory | None, entries: list[HistoryEntry]) -> FoldedHistory:
    """The fold of `entries`, which start with the earlier fold entry when there is one."""
    events: Counter[str] = Counter(before.events if before is not None else {})
    count = before.entries if before is not None else 0
    for entry in entries:
        if entry.event == EVENT:
            continue  # the earlier fold: counted in `before`
        events[entry.event] += 1
        count += 1
    return FoldedHistory(
        entries=count,
        events=dict(events),
        first_at=before.first_at if before is not None else entries[0].at,
        last_at=entries[-1].at,
        offers=before.offers if before is not None else 0,
    )


def holder_after(entries: list[HistoryEntry]) -> int | None:
    """The agent holding the lead after these entries, as far as they tell (the escalation's `held_since`
    reads it from a fold entry's agent_id: domain/escalation.py)."""
    holder: int | None = None
    for entry in entries:
        if entry.makes_holder or entry.event == EVENT:
            holder = entry.agent_id
        elif entry.event in LETTING_GO:
            holder = None
    return holder


# After these an agent no longer holds the lead: sent back to the pool, reassigned to an office alone (an
# assignment naming no agent), offered to an agent for acceptance, or put in the pool by routing.
LETTING_GO: Final = frozenset({"lead.returned_to_pool", "lead.assigned", "lead.offered", "routing.pooled"})


def _when(folded: FoldedHistory) -> str:
    first, last = (moment.strftime("%Y-%m-%d %H:%M UTC") for moment in (folded.first_at, folded.last_at))
    return f"on {first}" if first == last else f"from {first} to {last}"


def fold_entry(folded: FoldedHistory, holder: int | None) -> HistoryEntry:
    """ "1,204 older entries, from 2026-11-02 09:00 UTC to 2026-12-01 17:40 UTC, folded into this one to keep
    the lead within its size: 600 lead.claimed, 600 lead.returned_to_pool, 4 routing.skipped." """
    counts = ", ".join(f"{count:,} {event}" for event, count in Counter(folded.events).most_common())
    detail = (
        f"{folded.entries:,} older entr{'ies' if folded.entries != 1 else 'y'}, {_when(folded)}, folded into this "
        f"one to keep the lead within its size: {counts}."
    )
    if folded.offers:
        detail += f" {folded.offers:,} closed offer{'s' if folded.offers != 1 else ''} dropped with them."
    if holder is not None:
        detail += f" Agent {holder} held the lead after them."
    return HistoryEntry(at=folded.last_at, event=EVENT, agent_id=holder, detail=detail, by="routing")


def _drop_closed_offers(lead: Lead, size: int) -> None:
    """The oldest closed offers go until the lead is down to FOLD_TO (a route chain makes one offer per
    member; a click-to-claim offer lists every recipient)."""
    first_route = next((offer for offer in lead.offers if offer.origin == OfferOrigin.ROUTE and offer.route), None)
    kept = []
    dropped = 0
    for offer in lead.offers:
        if size > FOLD_TO and not offer.is_open and offer is not first_route:
            size -= len(to_json(offer)) + 1
            dropped += 1
            continue
        kept.append(offer)
    if not dropped:
        return
    lead.offers = kept
    if lead.folded is None:
        return  # no history to fold (the entries of this change alone): the offers go without words
    lead.folded = lead.folded.model_copy(update={"offers": lead.folded.offers + dropped})
    at = next(index for index, entry in enumerate(lead.history) if entry.event == EVENT)
    lead.history[at] = fold_entry(lead.folded, lead.history[at].agent_id)
