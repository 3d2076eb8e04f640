"""AWS requests per operation, counted by a botocore hook: a warm intake for each cascade step, and the
intake's count as the company grows (it must not grow with the number of agents). Targets: at most 3 for an
intake the cascade decides without a round-robin turn and without emails, at most 4 for round robin. In the
first ten minutes of an hour an intake also looks up the previous hour's lead id (domain/intake_requests.py):
the run says whether it was in them."""

from datetime import UTC, datetime
from typing import Any

from bench.aws_calls import recording
from bench.local import LocalStack

# (name, settings, lead fields, target: at most this many requests; None: emails, no target)
STEPS: list[tuple[str, dict[str, Any], dict[str, Any], int | None]] = [
    ("agent code", {}, {"agent_code": "2"}, 3),
    ("dropdown", {}, {"chosen_agent_id": 3}, 3),
    ("default agent", {"default_agent_id": 1}, {}, 3),
    ("click to claim (5 emails)", {"click_to_claim_enabled": True}, {}, None),
    ("advanced distribution", {"advanced_distribution_enabled": True}, {"interest": {"zip": "60003"}}, 3),
    ("round robin", {"auto_assign_enabled": True}, {}, 4),
    ("pool", {}, {}, 3),
]


def _count(stack: LocalStack, company_id: str, n: int, **fields: Any) -> list[str]:
    stack.intake(stack.intake_event(company_id, n, **fields))  # warm
    with recording() as recorded:
        stack.intake(stack.intake_event(company_id, n + 1, **fields))
    return recorded.names()


def run(stack: LocalStack, scale: tuple[int, ...]) -> dict[str, Any]:
    edge = datetime.now(UTC).minute < 10
    print(f"AWS requests of one warm intake, per cascade step{' (first ten minutes of an hour)' if edge else ''}")
    per_step: dict[str, list[str]] = {}
    met: dict[str, bool] = {}
    for n, (name, settings, fields, target) in enumerate(STEPS):
        company = stack.company(agents=5, **settings)
        names = _count(stack, company.company_id, 10 * n, **fields)
        per_step[name] = names
        verdict = ""
        if target is not None:
            met[name] = len(names) <= target
            verdict = f"(target <= {target}: {'met' if met[name] else 'NOT met'})"
        print(f"  {name:28s} {len(names):3d} {verdict:22s} {', '.join(names)}")
    print("AWS requests of one warm round-robin intake, by company size")
    by_size: dict[int, int] = {}
    for agents in scale:
        company = stack.company(agents=agents, auto_assign_enabled=True)
        by_size[agents] = len(_count(stack, company.company_id, 1000 + agents))
        print(f"  {agents:5d} agents: {by_size[agents]} requests")
    return {"per_step": per_step, "targets_met": met, "by_company_size": by_size, "window_edge": edge}
