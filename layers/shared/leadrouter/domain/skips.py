"""The agents a routing step passed over, named one by one only up to a bound: the rest are counted by
reason in one sentence ("4,970 more agents skipped: 4,960 at their daily cap, 10 away.").

Why: a lead is one DynamoDB item (400 KB at most), and a step may pass over thousands of agents (a 5,000-agent
company whose agents are at their caps wrote ~934 KB of skips, and the intake's write failed: the lead was
lost). A real lead's history and a simulation's answer bound them alike, in the same words
(docs/DECISIONS.md, "A lead stays one item").

Guarantees: per step, the first `NAMED_SKIPS` agent skips are kept as they were, in pick order (the agents a
person reading the history asks about: the next in line); every later one is counted, none dropped silently.
Entries that name no agent (a step's own notes) are never counted away."""

import re
from collections import Counter
from collections.abc import Callable, Sequence
from typing import Final

from leadrouter.domain.cascade import StepReport

# About one screen of the console's timeline, and 20 x ~0.19 KB, about 4 KB, of a lead: enough to see who was next
# in line and why, never enough for a step's skips to threaten the item's size (5,000 agents or 50).
NAMED_SKIPS: Final = 20

_CAP = re.compile(r"^(daily|weekly|monthly) cap \d+ of \d+ reached")
# The words before the reason, in every skip sentence the steps write ("agent 7 skipped: ...", "..., could not
# claim: ...", "... matches but is skipped: ...").
_REASON_AFTER: Final = ("skipped: ", "could not claim: ")


def reason_group(sentence: str) -> str:
    """What a skip sentence's reason counts as: "at their daily cap", "away", "inactive"... (its details, a
    count or a date, differ from agent to agent and are left to the named skips)."""
    reason = sentence
    for marker in _REASON_AFTER:
        at = sentence.rfind(marker)
        if at >= 0:
            reason = sentence[at + len(marker) :]
            break
    reason = reason.strip().rstrip(".")
    cap = _CAP.match(reason)
    if cap is not None:
        return f"at their {cap.group(1)} cap"
    if reason.startswith("out of office"):
        return "out of office"
    if reason.startswith("outside working hours"):
        return "outside their working hours"
    if reason.startswith(("away", "offline")):
        return reason.split(" ", 1)[0].split("(", 1)[0]  # "away until ...", "away (at a showing)": away
    return reason or "no reason given"


def more_skipped_sentence(reasons: Sequence[str]) -> str:
    """ "4,970 more agents skipped: 4,960 at their daily cap, 10 away." — the most common reason first."""
    counts = Counter(reasons)
    total = sum(counts.values())
    parts = ", ".join(f"{count:,} {reason}" for reason, count in counts.most_common())
    return f"{total:,} more agent{'s' if total != 1 else ''} skipped: {parts}."


def bounded[Item](
    items: Sequence[Item],
    *,
    agent_of: Callable[[Item], int | None],
    step_of: Callable[[Item], str | None],
    sentence_of: Callable[[Item], str],
    summary: Callable[[Item, str], Item],
    limit: int = NAMED_SKIPS,
) -> list[Item]:
    """`items` in order with, per step, the agent skips past the first `limit` replaced by one summary item
    where the first of them stood (`summary(first_left_out, sentence)` makes it, of that item's step)."""
    named: Counter[str | None] = Counter()
    left_out: dict[str | None, list[str]] = {}
    first: dict[str | None, tuple[int, Item]] = {}
    kept: list[Item] = []
    for item in items:
        if agent_of(item) is None:
            kept.append(item)
            continue
        step = step_of(item)
        if named[step] < limit:
            named[step] += 1
            kept.append(item)
            continue
        if step not in first:
            first[step] = (len(kept), item)
            kept.append(item)  # replaced by the summary below, once every reason is counted
        left_out.setdefault(step, []).append(reason_group(sentence_of(item)))
    for step, (position, item) in first.items():
        kept[position] = summary(item, more_skipped_sentence(left_out[step]))
    return kept


def bounded_reports(reports: Sequence[StepReport]) -> list[StepReport]:
    """A decision's reports bounded as `bounded` does (a history's notes, a simulation's steps): the summary
    is a noteworthy report of the step, naming no agent."""
    return bounded(
        reports,
        agent_of=lambda report: report.agent_id if not report.applied else None,
        step_of=lambda report: report.step,
        sentence_of=lambda report: report.detail,
        summary=lambda report, sentence: report._replace(detail=sentence, noteworthy=True, agent_id=None),
    )
