"""How late the end of an offer window is acted on: `python -m bench.timer_lateness [--quick]`.

On the local stack (each function a process, the SQS event source and the scheduler as devstack runs them):
acceptance windows of 1 to 10 seconds, five leads each, served by delayed SQS messages; the lateness of each
is the offer's `closed_at` (when the timeout function expired it) minus its `expires_at`. The timeout
function is warmed first by one window's end, measured on its own line: on this shared 2-core machine the
first timers of a run wait for containers that start while the intakes still run (several at once, seconds
each), which says how fast this machine starts processes, not how on time a timer is. Windows beyond SQS's
15 minutes cannot be waited for here, so their path is simulated on a clock: the schedule fires at a uniformly
random second of its minute (Scheduler's precision), its message arrives early and is put back with the delay
left, rounded to the nearest second, and a fraction of a second early is waited out on arrival
(domain/timers.py); the figure is that timer part only (add the handling measured above)."""

import argparse
import json
import random
import time
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from bench.stats import Summary, summarize

if TYPE_CHECKING:
    from bench.local import LocalStack

LEADS_PER_WINDOW = 5
TARGET_MS = 2000  # issue: the end of a window is acted on within 2 seconds of its deadline, in AWS too


def measure_local(windows: range, leads_per_window: int) -> tuple[Summary, Summary]:
    """The first window's end of a run (a cold timeout function), then the measured windows' (warm)."""
    from bench.local import LocalStack

    stack = LocalStack(isolation="process")
    try:
        first = _offered(stack, 1, [0])
        cold = summarize(_lateness(stack, first, 1))
        pending: list[tuple[str, str]] = []
        for window in windows:
            pending += _offered(stack, window, [window * 100 + n for n in range(leads_per_window)])
        return cold, summarize(_lateness(stack, pending, max(windows)))
    finally:
        stack.stop()


def _offered(stack: "LocalStack", window: int, people: list[int]) -> list[tuple[str, str]]:
    """A lead per person offered to a company's one agent with a `window`-second acceptance window: each
    with the company's admin key."""
    company = stack.company(
        agents=1, auto_assign_enabled=True, acceptance_required=True, acceptance_timeout_seconds=window
    )
    return [(company.admin_key, stack.intake(stack.intake_event(company.company_id, n))["lead_id"]) for n in people]


def _lateness(stack: "LocalStack", pending: list[tuple[str, str]], longest: int) -> list[float]:
    """Each offer's lateness, polled until every window ended (up to a minute after the longest)."""
    lateness: list[float] = []
    deadline = time.monotonic() + longest + 60
    while pending and time.monotonic() < deadline:
        still: list[tuple[str, str]] = []
        for key, lead_id in pending:
            offer = stack.call("GET", f"/v1/leads/{lead_id}", key)["offers"][0]
            if offer["state"] == "open":
                still.append((key, lead_id))
            else:
                closed = datetime.fromisoformat(offer["closed_at"])
                lateness.append((closed - datetime.fromisoformat(offer["expires_at"])).total_seconds())
        pending = still
        time.sleep(0.2)
    if pending:
        raise RuntimeError(f"{len(pending)} windows never ended")
    return lateness


def simulate_long(count: int, seed: int = 1) -> Summary:
    """The timer part of a long window's lateness, on a simulated clock."""
    # The layer is importable once a local stack has started (it puts the layer on sys.path, as Lambda's /opt).
    from leadrouter.domain.timers import QueueTimer, ScheduleTimer, delay_seconds, is_early, timer_for, wait_before

    rng = random.Random(seed)  # a simulation, not a secret
    start = datetime(2026, 1, 1, tzinfo=UTC)
    lateness: list[float] = []
    for _ in range(count):
        deadline = start + timedelta(seconds=rng.uniform(901, 7 * 86400))
        timer = timer_for(deadline, start)
        assert isinstance(timer, ScheduleTimer)
        fired = timer.fire_at.replace(microsecond=0) + timedelta(seconds=rng.uniform(0, 60))
        assert is_early(deadline, fired, timedelta(seconds=1))
        rearmed = timer_for(deadline, fired)
        assert isinstance(rearmed, QueueTimer)
        delivered = fired + timedelta(seconds=delay_seconds(deadline - fired))
        assert not is_early(deadline, delivered, timedelta(seconds=1))
        acted = delivered + timedelta(seconds=wait_before(deadline, delivered))
        lateness.append((acted - deadline).total_seconds())
    return summarize(lateness)


def run(quick: bool = False) -> dict[str, Any]:
    cold, local = measure_local(range(1, 4) if quick else range(1, 11), 2 if quick else LEADS_PER_WINDOW)
    long = simulate_long(100 if quick else 10_000)
    print("timer lateness (a window's end acted on after its deadline), target: within 2,000 ms")
    first = "local stack, a run's first window (cold)"
    print(f"  {first:42s} {cold.line()}  (for reference: how fast this machine starts a container)")
    for name, summary in (("local stack, 1-10 s windows (SQS delays)", local), ("over 15 min, timer part", long)):
        verdict = "met" if summary.p99_ms <= TARGET_MS else "NOT met"
        print(f"  {name:42s} {summary.line()}  p99 {summary.p99_ms / TARGET_MS:.2f}x of target: {verdict}")
    return {
        "local_first_window_cold": cold.__dict__,
        "local_1_to_10_s": local.__dict__,
        "simulated_over_15_min_timer_part": long.__dict__,
    }


def main() -> None:
    parser = argparse.ArgumentParser(prog="bench.timer_lateness", description=__doc__)
    parser.add_argument("--quick", action="store_true")
    print(json.dumps(run(parser.parse_args().quick), indent=2))


if __name__ == "__main__":
    main()
