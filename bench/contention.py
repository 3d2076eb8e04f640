"""50 agents claiming one lead at once through the local stack over HTTP: a click-to-claim lead offered to
50 agents, each answering Claim (`POST /v1/me/offers/{offer_id}/claim`, the same action as the emailed
link) from its own thread, released together by a barrier. Exactly one winner per lead; the p50 and p99
of every answer's latency, next to a lone claim on the same stack."""

import threading
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from bench.local import LocalStack
from bench.operations import Client
from bench.stats import summarize

AGENTS = 50


def run(stack: LocalStack, rounds: int) -> dict[str, Any]:
    client = Client(stack, stack.company(agents=AGENTS, click_to_claim_enabled=True))
    keys = [client.agent_key(agent_id) for agent_id in range(1, AGENTS + 1)]
    contended: list[float] = []
    winners: list[int] = []
    statuses: Counter[int] = Counter()
    # Round 0 starts the containers (up to ten per function, each a process): cold starts are not contention.
    for n in range(rounds + 1):
        lead_id = stack.intake(stack.intake_event(client.company.company_id, 8000 + n))["lead_id"]
        offer = client.open_offer(lead_id)
        barrier = threading.Barrier(AGENTS)

        def claim(key: str, offer: str = offer, barrier: threading.Barrier = barrier) -> tuple[int, float]:
            barrier.wait()
            started = time.perf_counter()
            answer = client.post(f"/v1/me/offers/{offer}/claim", key)
            return answer.status_code, time.perf_counter() - started

        with ThreadPoolExecutor(max_workers=AGENTS) as pool:
            answers = list(pool.map(claim, keys))
        round_statuses = Counter(status for status, _ in answers)
        assert round_statuses[200] == 1, round_statuses
        assert client.lead(lead_id)["agent_id"] is not None
        if n == 0:
            continue
        statuses.update(round_statuses)
        winners.append(round_statuses[200])
        contended.extend(elapsed for _, elapsed in answers)
    alone: list[float] = []
    for n in range(rounds):
        lead_id = stack.intake(stack.intake_event(client.company.company_id, 8500 + n))["lead_id"]
        offer = client.open_offer(lead_id)
        started = time.perf_counter()
        answer = client.post(f"/v1/me/offers/{offer}/claim", keys[n % AGENTS])
        alone.append(time.perf_counter() - started)
        assert answer.status_code == 200, answer.text
    contended_s, alone_s = summarize(contended), summarize(alone)
    ratio = round(contended_s.median_ms / alone_s.median_ms, 2)
    print(f"contention: {AGENTS} agents claim one lead at once, {rounds} leads")
    print(f"  winners per lead {sorted(set(winners))}  answers {dict(sorted(statuses.items()))}")
    print(f"  contended answers {contended_s.line()}")
    print(f"  a lone claim      {alone_s.line()}")
    print(f"  ratio of medians  {ratio}")
    return {
        "agents": AGENTS,
        "rounds": rounds,
        "winners_per_lead": winners,
        "statuses": dict(statuses),
        "contended": contended_s.__dict__,
        "alone": alone_s.__dict__,
        "ratio": ratio,
    }
