"""AWS requests per operation, counted by a botocore hook: a warm intake for each cascade step, the intake's
count as the company grows (it must not grow with the number of agents), and a returning lead's as its
person has more leads (it must not grow with them: at most 2 more than before people were matched, the
person index read and the read of the person's few latest leads). Targets: at most 3 for an intake the
cascade decides without a round-robin turn, at most 5 for round robin (each one more than
before the person index: its read); the counts the caps read are written with the lead, in its transaction,
so they cost no request, and weights and caps add nothing more (issue 11 allows 2). The emails and texts
that tell agents afterwards (offers, the notice of an assignment) are counted apart, beside each count. In
the first ten minutes of an hour an intake also checks the previous hour's lead id
(domain/intake_requests.py), inside its write or in the read round robin makes anyway, so the counts do not
depend on the minute: the run says whether it was in them."""

from datetime import UTC, datetime
from typing import Any

from bench.aws_calls import recording
from bench.local import LocalStack

# (name, settings, lead fields, target: at most this many routing requests; None: no target)
STEPS: list[tuple[str, dict[str, Any], dict[str, Any], int | None]] = [
    ("agent code", {}, {"agent_code": "2"}, 3),
    ("dropdown", {}, {"chosen_agent_id": 3}, 3),
    ("default agent", {"default_agent_id": 1}, {}, 3),
    ("click to claim", {"click_to_claim_enabled": True}, {}, None),
    ("advanced distribution", {"advanced_distribution_enabled": True}, {"interest": {"zip": "60003"}}, 3),
    ("round robin", {"auto_assign_enabled": True}, {}, 5),
    ("pool", {}, {}, 3),
]
# Before the person index, an intake to the default agent made 2 requests; a returning one may add 2.
BEFORE_PEOPLE = 2
RETURNING_TARGET = BEFORE_PEOPLE + 2
# Round robin with weights and a cap of every kind on every agent: the same count as round robin.
WEIGHTS_AND_CAPS_TARGET = 5
CAPS = {"max_leads_per_day": 1000, "max_leads_per_week": 5000, "max_leads_per_month": 10000}


def _count(stack: LocalStack, company_id: str, n: int, **fields: Any) -> list[str]:
    """The routing requests of one warm intake, printed with the emails and texts sent after it."""
    return _recorded(stack, company_id, n, **fields)[0]


def _recorded(stack: LocalStack, company_id: str, n: int, **fields: Any) -> tuple[list[str], list[str]]:
    stack.intake(stack.intake_event(company_id, n, **fields))  # warm
    with recording() as recorded:
        stack.intake(stack.intake_event(company_id, n + 1, **fields))
    return recorded.routing(), recorded.telling()


def run(stack: LocalStack, scale: tuple[int, ...]) -> dict[str, Any]:
    edge = datetime.now(UTC).minute < 10
    print(f"AWS requests of one warm intake, per cascade step{' (first ten minutes of an hour)' if edge else ''}")
    per_step: dict[str, list[str]] = {}
    met: dict[str, bool] = {}
    for n, (name, settings, fields, target) in enumerate(STEPS):
        company = stack.company(agents=5, **settings)
        names, telling = _recorded(stack, company.company_id, 10 * n, **fields)
        per_step[name] = names
        verdict = ""
        if target is not None:
            met[name] = len(names) <= target
            verdict = f"(target <= {target}: {'met' if met[name] else 'NOT met'})"
        print(f"  {name:28s} {len(names):3d} {verdict:22s} {', '.join(names)}; then {len(telling)} email(s)/text(s)")
    company = stack.company(agents=5, auto_assign_enabled=True)
    for agent_id in range(1, 6):
        stack.call("PATCH", f"/v1/agents/{agent_id}", company.admin_key, {"weight": agent_id / 2, **CAPS})
    names = _count(stack, company.company_id, 900)
    per_step["round robin, weights and caps"] = names
    met["round robin, weights and caps"] = len(names) <= WEIGHTS_AND_CAPS_TARGET
    verdict = f"(target <= {WEIGHTS_AND_CAPS_TARGET}: {'met' if met['round robin, weights and caps'] else 'NOT met'})"
    print(f"  {'round robin, weights and caps':28s} {len(names):3d} {verdict:22s} {', '.join(names)}")
    print("AWS requests of one warm round-robin intake, by company size")
    by_size: dict[int, int] = {}
    for agents in scale:
        company = stack.company(agents=agents, auto_assign_enabled=True)
        by_size[agents] = len(_count(stack, company.company_id, 1000 + agents))
        print(f"  {agents:5d} agents: {by_size[agents]} requests")
    returning = _returning(stack, (1, 5, 20))
    return {
        "per_step": per_step,
        "targets_met": met,
        "by_company_size": by_size,
        "returning_lead": returning,
        "window_edge": edge,
    }


def _returning(stack: LocalStack, earlier: tuple[int, ...]) -> dict[str, Any]:
    """One warm returning lead's requests after its person sent `k` leads (each held by the default agent)."""
    print(
        f"AWS requests of one warm returning-lead intake, by the person's earlier leads (target <= {RETURNING_TARGET})"
    )
    by_leads: dict[int, list[str]] = {}
    for k in earlier:
        company = stack.company(agents=5, default_agent_id=1)
        person = {"email": f"returning{k}@example.net"}
        for n in range(k):
            stack.intake(stack.intake_event(company.company_id, n, **person, message=f"inquiry {n}"))
        with recording() as recorded:
            stack.intake(stack.intake_event(company.company_id, k, **person, message="once more"))
        by_leads[k] = recorded.routing()
        verdict = "met" if len(by_leads[k]) <= RETURNING_TARGET else "NOT met"
        print(f"  {k:3d} earlier leads: {len(by_leads[k])} requests ({verdict}) {', '.join(by_leads[k])}")
    return {"by_earlier_leads": by_leads, "target": RETURNING_TARGET}
