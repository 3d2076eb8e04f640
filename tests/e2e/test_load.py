"""Load: intakes from 20 threads against the local stack with round robin on: none lost, none answered
5xx, the distribution exact, the history of every lead complete (docs/RELIABILITY.md). `make test` runs
300 of them (about 40 s); `make load` runs 2,000 (`LOAD_INTAKES` changes the count). The test has a local
stack of its own: moto answers queries by reading every item, so 2,000 more leads would slow every test
after it on the shared one."""

import os
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor

import pytest

from tests.support.client import Answer
from tests.support.local_stack import LocalStack, started_stack
from tests.support.scenario import Company, create_company, expect, unique_lead

INTAKES = int(os.environ.get("LOAD_INTAKES", "300"))
THREADS = 20
AGENTS = [11, 12, 13, 14, 15]
LOAD_ANSWER_SECONDS = 180
LOAD_CONTAINERS = 4


@pytest.fixture(scope="module")
def load_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    # Four containers a function (a reserved concurrency): 20 at a time of the intake's and the authorizer's
    # on two cores shared with the other pytest process ran handlers past their 10 s Timeout (502s, and a
    # 500 from the authorizer on a fresh clone); the rest of the requests wait at the gateway, outside it.
    with started_stack(tmp_path_factory.mktemp("load-stack"), "--max-containers", str(LOAD_CONTAINERS)) as stack:
        yield stack


@pytest.fixture
def company(load_stack: LocalStack) -> Company:
    # 20 requests at a time wait for the local stack's containers (cold starts included) while the other
    # pytest process has the second core: on a fresh clone one intake once took over 30 s to be answered.
    # The test is about none lost and none 5xx, not about latency (bench/ measures that).
    return create_company(load_stack.client(timeout=LOAD_ANSWER_SECONDS), load_stack.operator_key, name="Load Realty")


# 2,000 intakes take about four minutes on the one-request-at-a-time local stack, the checks and the stack's
# stop about one more: past the suite's five-minute limit per test, which stays for every other test.
@pytest.mark.timeout(900)
def test_intakes_from_twenty_threads_are_all_routed_evenly_with_complete_histories(company: Company) -> None:
    company.agents(AGENTS, in_auto_assign_queue=True)
    company.settings(auto_assign_enabled=True)

    retried: Counter[str] = Counter()

    def submit(n: int) -> Answer:
        # As the contract asks of a website: a 409 `in_progress` (an earlier attempt of the same request may
        # still be delivering its lead's offer) is retried, and so is a 502 (the gateway's answer when the
        # function ran past its Timeout: here, 20 cold starts at once sharing two cores with the other pytest
        # process). The same payload again answers the first lead: the checks below find none doubled.
        for _ in range(5):
            answer = company.submit(unique_lead(n, message=f"load {n}"))
            if answer.status == 502:
                retried["502"] += 1
            elif answer.status != 409 or answer.error_code != "in_progress":
                return answer
            else:
                retried["in_progress"] += 1
            time.sleep(2)
        return answer

    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        answers = list(pool.map(submit, range(INTAKES)))
    elapsed = time.monotonic() - started

    statuses = Counter(answer.status for answer in answers)
    assert statuses == {202: INTAKES}, (statuses, [answer.text for answer in answers if answer.status != 202][:5])
    lead_ids = [str(answer.json["lead_id"]) for answer in answers]
    assert len(set(lead_ids)) == INTAKES

    listed: list[dict[str, object]] = []
    cursor: str | None = None
    while True:
        params: dict[str, object] = {"limit": 200, **({"cursor": cursor} if cursor else {})}
        page = expect(company.api.get("/v1/leads", key=company.admin_key, params=params), 200)
        listed.extend(page["leads"])
        cursor = page.get("next_cursor")
        if not cursor:
            break
    assert sorted(str(lead["lead_id"]) for lead in listed) == sorted(lead_ids)  # none lost, none doubled
    per_agent = Counter(lead["agent_id"] for lead in listed)
    assert set(per_agent) == set(AGENTS)
    assert max(per_agent.values()) - min(per_agent.values()) <= 1  # exact: every turn handed out once

    with ThreadPoolExecutor(max_workers=THREADS) as pool:
        leads = list(pool.map(company.lead, lead_ids))
    for lead in leads:
        events = [entry["event"] for entry in lead["history"]]
        assert events == ["lead.received", "lead.assigned"], events
        assert lead["history"][-1]["step"] == "round_robin"
        assert lead["history"][-1]["agent_id"] == lead["agent_id"]
    rate = INTAKES / elapsed
    print(
        f"\nload: {INTAKES} intakes, {THREADS} threads, {elapsed:.1f} s ({rate:.0f}/s); {dict(per_agent)}; "
        f"retried after 409 in_progress: {retried['in_progress']}, after 502: {retried['502']}"
    )
