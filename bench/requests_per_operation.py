"""AWS requests per operation, counted by a botocore hook: a warm intake for each cascade step, and the
intake's count as the company grows (it must not grow with the number of agents)."""

from typing import Any

from bench.aws_calls import recording
from bench.local import LocalStack

STEPS: list[tuple[str, dict[str, Any], dict[str, Any]]] = [
    ("agent code", {}, {"agent_code": "2"}),
    ("dropdown", {}, {"chosen_agent_id": 3}),
    ("default agent", {"default_agent_id": 1}, {}),
    ("click to claim (5 emails)", {"click_to_claim_enabled": True}, {}),
    ("advanced distribution", {"advanced_distribution_enabled": True}, {"interest": {"zip": "60003"}}),
    ("round robin", {"auto_assign_enabled": True}, {}),
    ("pool", {}, {}),
]


def _count(stack: LocalStack, company_id: str, n: int, **fields: Any) -> list[str]:
    stack.intake(stack.intake_event(company_id, n, **fields))  # warm
    with recording() as recorded:
        stack.intake(stack.intake_event(company_id, n + 1, **fields))
    return recorded.names()


def run(stack: LocalStack, scale: tuple[int, ...]) -> dict[str, Any]:
    print("AWS requests of one warm intake, per cascade step")
    per_step: dict[str, list[str]] = {}
    for n, (name, settings, fields) in enumerate(STEPS):
        company = stack.company(agents=5, **settings)
        names = _count(stack, company.company_id, 10 * n, **fields)
        per_step[name] = names
        print(f"  {name:28s} {len(names):3d}  {', '.join(names)}")
    print("AWS requests of one warm round-robin intake, by company size")
    by_size: dict[int, int] = {}
    for agents in scale:
        company = stack.company(agents=agents, auto_assign_enabled=True)
        by_size[agents] = len(_count(stack, company.company_id, 1000 + agents))
        print(f"  {agents:5d} agents: {by_size[agents]} requests")
    return {"per_step": per_step, "by_company_size": by_size}
