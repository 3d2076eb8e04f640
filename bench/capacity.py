"""The arithmetic behind docs/SCALE.md: one deployment serving 1,000 brokerages and 100,000 leads an hour at
peak, key by key against DynamoDB's per-partition limits, and the other services against their quotas.
`python -m bench.capacity` prints every figure SCALE.md quotes, so that a changed input changes the page.

Inputs are stated below with where each comes from: the access patterns of docs/DATA_MODEL.md (what each
operation reads and writes), the lead mix of bench/cost.py, item sizes measured on the local stack on
2026-12-02 (`ITEM_KB` below), and AWS's published quotas (cited in SCALE.md). Nothing here
talks to AWS; it is pure arithmetic, so the page's figures are computed, not guessed."""

import math
from dataclasses import dataclass

PEAK_LEADS_PER_HOUR = 100_000
BROKERAGES = 1_000
# Assumption (no measurement can give it): the largest brokerage takes a tenth of the deployment's leads,
# 10,000 an hour at peak; a brokerage of 20,000 agents at 0.5 leads per agent a hour.
LARGEST_SHARE = 0.10
LARGEST_AGENTS = 20_000

# DynamoDB limits: per partition (also per item), and the on-demand table's default quota.
PARTITION_WCU = 1_000
PARTITION_RCU = 3_000
TABLE_ON_DEMAND_UNITS = 40_000

# bench/cost.py's mix: 60 % round robin (the intake assigns), 20 % click to claim to 5 (the intake offers, a
# claim assigns), 20 % a route (the intake offers to a member, who passes; the next claims).
MIX = {"round robin": 0.6, "click to claim": 0.2, "route": 0.2}
LEAD_WRITES = {"round robin": 1, "click to claim": 2, "route": 3}  # the intake, then each answer that changes it
EMAILS = {"round robin": 0, "click to claim": 5, "route": 2}  # one per recipient asked (cost.py: 1.4 a lead)
OFFERS = {"round robin": 0, "click to claim": 1, "route": 2}  # offers opened (each: one timer)
EVENTS_PER_WRITE = 1  # the stream publishes each stored lead change in one PutEvents

# Sizes in KB (DynamoDB's: attribute names and values; measured 2026-12-02 as the JSON text of both, a slight
# over-estimate): an agent item of bench/scale.py's company 0.66 KB (0.95 KB with working hours), a route
# 0.37 KB, a lead item after a round-robin intake 2.3 KB, after an intake offering it to 5 agents 2.8 KB (the
# lead carries its history and offers, so later writes are larger still: 2.5 KB is the average taken).
ITEM_KB = {"agent": 0.8, "lead": 2.5, "counter": 0.3, "count": 0.1, "person": 0.2, "tally": 0.3, "log": 1.0}
# Indexes a lead write lands in: GSI1 (timeline), GSI2 (status), GSI3 (agent, while held), GSI6 (person); every
# one projects all attributes, so each costs the lead's size again (GSI4 only with offices, GSI5 keys only).
LEAD_INDEXES = 4
# The reports' aggregator: one transaction per lead change of its marker and 5 to 12 tally updates
# (DATA_MODEL.md); 8 on average, each in a transaction (2 units).
TALLIES_PER_CHANGE = 8


def per_second(per_hour: float) -> float:
    return per_hour / 3600


@dataclass(frozen=True)
class Load:
    """What one lead, on average over the mix, asks of each resource."""

    lead_writes: float
    assignments: float
    emails: float
    offers: float

    @staticmethod
    def of_mix() -> "Load":
        return Load(
            lead_writes=sum(share * LEAD_WRITES[kind] for kind, share in MIX.items()),
            assignments=1.0,  # every lead of the mix ends with one agent, whose counts it adds to
            emails=sum(share * EMAILS[kind] for kind, share in MIX.items()),
            offers=sum(share * OFFERS[kind] for kind, share in MIX.items()),
        )


def transaction_units(kb: float) -> int:
    """Write units of one item in a TransactWriteItems: twice its size rounded up to the KB."""
    return 2 * math.ceil(kb)


def write_units_per_lead(load: Load) -> dict[str, float]:
    """Table and index write units per lead, by what writes them."""
    intake = (
        transaction_units(ITEM_KB["lead"])
        + 2 * transaction_units(ITEM_KB["person"])  # the email's and the phone's index items
        + 3 * transaction_units(ITEM_KB["count"])  # day, week and month counts of the assigned agent
    )
    changes = (load.lead_writes - 1) * math.ceil(ITEM_KB["lead"])  # later conditional PutItems
    return {
        "intake transaction": intake,
        "round-robin turn": MIX["round robin"] * math.ceil(ITEM_KB["counter"]),
        "later lead writes": changes,
        "lead indexes": load.lead_writes * LEAD_INDEXES * math.ceil(ITEM_KB["lead"]),
        "report tallies": load.lead_writes * (TALLIES_PER_CHANGE + 1) * transaction_units(ITEM_KB["tally"]),
    }


@dataclass(frozen=True)
class HotKey:
    name: str
    key: str
    units_per_lead: float  # of this company's leads, on the one partition
    limit: int  # units a second the partition takes
    kind: str  # "write" or "read"

    def rate(self, leads_per_s: float) -> float:
        return self.units_per_lead * leads_per_s

    def leads_at_limit(self) -> float:
        """The company's leads a second at which this partition reaches its limit."""
        return self.limit / self.units_per_lead


def hot_keys(load: Load) -> list[HotKey]:
    """The partitions every lead of one company touches (per company: leads of other companies never meet
    them), with the units each lead costs there."""
    lead = math.ceil(ITEM_KB["lead"])
    return [
        HotKey("round-robin counter", "C#<co>#RR / RR", MIX["round robin"], PARTITION_WCU, "write"),
        HotKey(
            "day count (same for week, month)",
            "C#<co>#COUNT#day#<date>",
            load.assignments * transaction_units(ITEM_KB["count"]),
            PARTITION_WCU,
            "write",
        ),
        HotKey(
            "report tallies, one dimension",
            "C#<co>#REPORT#ALL#<dim>",
            load.lead_writes * transaction_units(ITEM_KB["tally"]),
            PARTITION_WCU,
            "write",
        ),
        HotKey("timeline index", "GSI1 C#<co>#LEADS", load.lead_writes * lead, PARTITION_WCU, "write"),
        HotKey("status index", "GSI2 C#<co>#STATUS#<s>", load.lead_writes * lead, PARTITION_WCU, "write"),
        # Every request of the company reads META's version (1 unit, strongly consistent): the intake, and
        # about two more requests a lead (answers, the agent's inbox, console pages).
        HotKey("configuration version", "C#<co> / META", 3.0, PARTITION_RCU, "read"),
    ]


def cold_load_units(agents: int) -> int:
    """Read units of one cold container's whole-configuration Query (strongly consistent: 4 KB a unit)."""
    return math.ceil(agents * ITEM_KB["agent"] / 4)


# bench/cost.py's total per million leads of this mix, run of 2026-12-02 (docs/PERFORMANCE.md, "Cost of one
# million leads"): Lambda, API Gateway, the DynamoDB requests of each operation, SES, EventBridge.
COST_PER_MILLION_LEADS = 155.20
DYNAMODB_PER_WRITE_UNIT = 0.625 / 1e6  # on demand, us-east-1 list price (as cost.py)
DYNAMODB_PER_READ_UNIT = 0.125 / 1e6
DYNAMODB_PER_GB_MONTH = 0.25
# Cold containers that load the whole configuration of the company, a day: about 30 containers across the
# functions serve a busy company, each recycled some 6 times a day (an estimate: Lambda does not publish it).
COLD_LOADS_PER_DAY = 180
DAYS_PER_MONTH = 30
CLOUDWATCH_FIXED_PER_MONTH = 27 * 0.10 + 3.00  # the template's alarms and dashboard (cost.py's note)


def monthly_cost(leads_per_month: int, agents: int) -> dict[str, float]:
    """Dollars a month of one brokerage: cost.py's measured per-lead cost, plus what cost.py leaves out
    (the index copies of each lead write, the reports' tallies), plus what grows with the agents (the cold
    loads of its configuration, its storage). The deployment's fixed CloudWatch costs are listed apart."""
    load = Load.of_mix()
    units = write_units_per_lead(load)
    leads = leads_per_month / 1e6
    return {
        "per-lead operations (cost.py)": leads * COST_PER_MILLION_LEADS,
        "lead index copies": leads * 1e6 * units["lead indexes"] * DYNAMODB_PER_WRITE_UNIT,
        "report tallies": leads * 1e6 * units["report tallies"] * DYNAMODB_PER_WRITE_UNIT,
        "cold configuration loads": DAYS_PER_MONTH
        * COLD_LOADS_PER_DAY
        * cold_load_units(agents)
        * DYNAMODB_PER_READ_UNIT,
        "configuration storage": agents * ITEM_KB["agent"] / 1024 / 1024 * DYNAMODB_PER_GB_MONTH,
        "lead storage, after a year": 12
        * leads_per_month
        * ITEM_KB["lead"]
        * (1 + LEAD_INDEXES)
        / 1024
        / 1024
        * DYNAMODB_PER_GB_MONTH,
    }


def report() -> list[str]:
    load = Load.of_mix()
    peak = per_second(PEAK_LEADS_PER_HOUR)
    average = peak / BROKERAGES
    largest = peak * LARGEST_SHARE
    lines = [
        f"peak {peak:.1f} leads/s; average brokerage {average * 3600:.0f} leads/h ({average:.3f}/s); "
        f"largest {largest * 3600:,.0f}/h ({largest:.2f}/s)",
        f"per lead: {load.lead_writes:.1f} lead writes, {load.emails:.1f} emails, {load.offers:.1f} offers",
        "hot keys (units/s at peak: average brokerage, largest; limit; largest's leads/s at the limit):",
    ]
    for key in hot_keys(load):
        lines.append(
            f"  {key.name:34s} {key.key:26s} {key.rate(average):7.3f} {key.rate(largest):7.2f}"
            f"  / {key.limit:,} {key.kind}  -> {key.leads_at_limit():,.0f} leads/s"
        )
    units = write_units_per_lead(load)
    total = sum(units.values())
    lines.append(f"write units per lead: {total:.1f} ({', '.join(f'{k} {v:.1f}' for k, v in units.items())})")
    lines.append(
        f"table at peak: {total * peak:,.0f} write units/s of {TABLE_ON_DEMAND_UNITS:,}"
        f" -> {TABLE_ON_DEMAND_UNITS / total * 3600:,.0f} leads/h at the default quota"
    )
    cold = cold_load_units(LARGEST_AGENTS)
    lines.append(
        f"cold configuration load at {LARGEST_AGENTS:,} agents: {LARGEST_AGENTS * ITEM_KB['agent'] / 1024:.1f} MB,"
        f" {cold:,} read units ({cold / PARTITION_RCU:.1f} s of one partition's {PARTITION_RCU:,}/s)"
    )
    lines.append(
        f"services at peak: {load.emails * peak:.0f} emails/s, {load.offers * peak:.1f} timers/s,"
        f" {load.lead_writes * EVENTS_PER_WRITE * peak:.0f} PutEvents/s"
    )
    leads_per_month = LARGEST_AGENTS * DAYS_PER_MONTH  # one lead per agent a day
    cost = monthly_cost(leads_per_month, LARGEST_AGENTS)
    lines.append(
        f"a brokerage of {LARGEST_AGENTS:,} agents at {leads_per_month:,} leads a month: ${sum(cost.values()):,.2f}"
        f" ({', '.join(f'{k} ${v:,.2f}' for k, v in cost.items())}); the deployment's CloudWatch"
        f" ${CLOUDWATCH_FIXED_PER_MONTH:.2f} a month besides"
    )
    return lines


if __name__ == "__main__":
    print("\n".join(report()))
