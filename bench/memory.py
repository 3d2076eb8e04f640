"""Peak memory of every function in template.yaml, each in a fresh process as a Lambda container starts
(bench/cold_start.py's way: the handler imported from the layer's compiled copy, against the local stack's
moto server), beside its MemorySize, and the size bench/sizing.py chooses from it.

What is measured: the process's peak resident set size (VmHWM, the kernel's high-water mark of resident
memory, the figure getrusage's ru_maxrss reports), read by the process itself after its imports and after
each invocation, with the CPU time it has spent. Lambda limits and reports ("Max Memory Used") the memory
of the execution environment, which is this process's resident memory: the interpreter, every module
imported, pydantic-core's and botocore's native allocations, the configuration cache. tracemalloc would see
only Python's own allocations, and not the memory freed objects leave in the heap, which still counts.

Two companies, a fresh process per function for each:
- a typical one (5 agents made through the API): the function's first sample event cold (the one
  cold_start.py times), every other sample event of its folder in events/ warm, then the first again;
- for the functions whose first sample event reads a company's whole configuration (intake, admin API,
  agent API, timeout, aggregator, email events), bench/scale.py's company of 5,000 agents with criteria and
  200 routes: the worst case, a cold container's first invocation, then the same again warm.
The events are rewritten to name the benchmark's company, and the lead its intake process stored (the
timeout, the email-events and the agent API's events find that lead, and so load the configuration as a real
expiry, bounce or claim does).

Tracing is on in the processes, as template.yaml deploys them (Tracing: Active): the X-Ray SDK is imported
and patches botocore; its segments go to a UDP port nobody reads."""

import json
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bench import sizing
from bench.cold_start import (
    CALL,
    FIRST_EVENT,
    LOAD,
    LOADS_CONFIGURATION,
    ROOT,
    compiled,
    environment,
    failed,
    rewritten,
    stored_lead_id,
)
from bench.local import LocalStack
from devstack.template import Function, Template

# The sweeper expires overdue offers through the timeout's path (offer_desk.expire: the lead, then its
# company's configuration); its sample event finds none, so it is sized with the timeout's large-company run.
STAND_INS = {"SweeperFunction": "TimeoutFunction"}
# The console reads a configuration only for a signed-in user: its worst case is not measured here, so its
# size is never lowered from these figures.
UNMEASURED_WORST = ("ConsoleFunction",)
KIB = 1024  # /proc/self/status counts in KiB

# The marks a probe process leaves: VmHWM is the peak resident set of this process image (getrusage's
# ru_maxrss would carry over the parent's from before exec: the benchmark's own 190 MB).
START = """
import json as _json, resource as _resource
_marks, _answers = [], []
def _mark(after):
    usage = _resource.getrusage(_resource.RUSAGE_SELF)
    with open("/proc/self/status") as status:
        kib = {line.split(":")[0]: int(line.split()[1]) for line in status if line.startswith(("VmHWM", "VmRSS"))}
    cpu_s = usage.ru_utime + usage.ru_stime
    _marks.append({"after": after, "peak_kib": kib["VmHWM"], "rss_kib": kib["VmRSS"], "cpu_s": cpu_s})
_mark("interpreter")
"""
IMPORTED = """
_mark("import")
"""
INVOKED = """
small = not isinstance(answer, dict) or len(str(answer)) < 4000
_answers.append(answer if small else {{"statusCode": answer.get("statusCode")}})
_mark({name!r})
"""
END = """
import sys as _sys
_traced = "aws_xray_sdk.core" in _sys.modules
print("\\nMEMORY " + _json.dumps({"marks": _marks, "answers": _answers, "traced": _traced}))
"""


@dataclass(frozen=True)
class Probe:
    """One fresh process: after its imports and after each invocation, its peak resident memory so far and
    the CPU it had spent; the invocations' answers; whether the X-Ray SDK was loaded (tracing was on)."""

    marks: list[dict[str, Any]]
    answers: list[Any]
    traced: bool
    log: str

    def peak_mb(self, after: str | None = None) -> float:
        """The peak after step `after` (the interpreter, the import, an event's name), or at the end."""
        mark = self.marks[-1] if after is None else next(m for m in self.marks if m["after"] == after)
        return float(mark["peak_kib"]) / KIB

    @property
    def cold_cpu_s(self) -> float:
        """CPU seconds of a cold container's first invocation: start-up, imports and the first event."""
        return float(self.marks[2]["cpu_s"])

    @property
    def worst_step(self) -> str:
        """The step after which the peak was first within 1 MB of its final height."""
        top = self.marks[-1]["peak_kib"]
        return str(next(mark["after"] for mark in self.marks if mark["peak_kib"] >= top - KIB))

    def figures(self) -> dict[str, Any]:
        return {
            "after_import_mb": round(self.peak_mb("import"), 1),
            "after_first_mb": round(self.peak_mb(self.marks[2]["after"]), 1),
            "peak_mb": round(self.peak_mb(), 1),
            "peak_reached_after": self.worst_step,
            "rss_at_end_mb": round(self.marks[-1]["rss_kib"] / KIB, 1),
            "cold_cpu_s": round(self.cold_cpu_s, 3),
            "traced": self.traced,
            "peak_after_mb": {mark["after"]: round(mark["peak_kib"] / KIB, 1) for mark in self.marks},
        }


def _code(function: Function, layer: str, events: list[tuple[str, str]]) -> str:
    parts = [START, LOAD.format(layer=layer, path=str(function.handler_file)), IMPORTED]
    for name, event in events:
        parts += [CALL.format(function=function.handler_function, event=event), INVOKED.format(name=name)]
    return "".join([*parts, END])


def _probe(function: Function, layer: str, events: list[tuple[str, str]], env: dict[str, str]) -> Probe:
    command = [sys.executable, "-c", _code(function, layer, events)]
    done = subprocess.run(command, check=False, env=_traced(env, function), capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(f"{function.logical_id}'s process failed:\n{done.stderr[-3000:]}")
    line = next(line for line in reversed(done.stdout.splitlines()) if line.startswith("MEMORY "))
    figures = json.loads(line.removeprefix("MEMORY "))
    return Probe(figures["marks"], figures["answers"], figures["traced"], done.stdout[: -len(line)])


def _traced(env: dict[str, str], function: Function) -> dict[str, str]:
    """Tracing on, as in Lambda with Tracing: Active (observability.tracing_enabled's rule: in Lambda, not
    disabled); a sampled trace header, and the daemon's address a port nobody reads."""
    return {
        **env,
        "POWERTOOLS_TRACE_DISABLED": "false",
        "LAMBDA_TASK_ROOT": str(function.code_dir),
        "_X_AMZN_TRACE_ID": "Root=1-67000000-0123456789abcdef01234567;Parent=0123456789abcdef;Sampled=1",
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:9",
        "AWS_XRAY_CONTEXT_MISSING": "IGNORE_ERROR",
    }


def _sample_events(logical_id: str) -> list[tuple[str, str]]:
    """The first sample event (cold_start's), then the others of its folder, by name."""
    first = FIRST_EVENT.get(logical_id)
    if first is None:
        return [("{}", "{}")]
    others = sorted(path for path in (ROOT / first).parent.glob("*.json") if path != ROOT / first)
    return [(path.name, path.read_text()) for path in [ROOT / first, *others]]


def _ordered(functions: list[Function]) -> list[Function]:
    """The intake first: the other functions' events name the lead it stores."""
    return sorted(functions, key=lambda f: (f.logical_id != "IntakeFunction", f.logical_id))


def _layer(function: Function, layers: Path) -> str:
    return compiled(function.layer_dirs[0] if function.layer_dirs else ROOT / "layers/shared", layers)


def _typical(stack: LocalStack, layers: Path, env: dict[str, str], repeats: int) -> dict[str, list[Probe]]:
    """Every function on every sample event of its folder, at a 5-agent company: the first cold, the others
    warm, then the first again."""
    company = stack.company(agents=5)
    probes: dict[str, list[Probe]] = {}
    lead_id: str | None = None
    for function in _ordered(list(stack.stack.template.functions.values())):
        samples = _sample_events(function.logical_id)
        events = [(name, rewritten(text, company.company_id, lead_id)) for name, text in samples]
        events.append((f"{events[0][0]} again", events[0][1]))
        layer = _layer(function, layers)
        probes[function.logical_id] = [_probe(function, layer, events, env) for _ in range(repeats)]
        if function.logical_id == "IntakeFunction":
            lead_id = stored_lead_id(probes[function.logical_id][0].answers[0])
    return probes


def _large(stack: LocalStack, layers: Path, env: dict[str, str]) -> dict[str, Probe]:
    """The functions that load a configuration, at scale.py's 5,000-agent company: the first sample event
    cold, then again warm; every answer must be a success, or the figure would be an error path's."""
    from bench.scale import AGENTS, ROUTES, agents, routes
    from tests.support.seeding import seed_configuration

    company = stack.company(advanced_distribution_enabled=True, auto_assign_enabled=True)
    seed_configuration(stack.stack.resources.table_names[0], company.company_id, agents(), routes())
    print(f"  large company: {AGENTS:,} agents with criteria, {ROUTES} routes (bench/scale.py's)")
    probes: dict[str, Probe] = {}
    lead_id: str | None = None
    functions = stack.stack.template.functions
    for function in _ordered([functions[logical_id] for logical_id in LOADS_CONFIGURATION]):
        name, text = _sample_events(function.logical_id)[0]
        if function.logical_id == "IntakeFunction":
            text = json.dumps(stack.intake_event(company.company_id, 1))  # a lead of its own, not a sample's
        event = rewritten(text, company.company_id, lead_id)
        probe = _probe(function, _layer(function, layers), [(name, event), (f"{name} again", event)], env)
        if any(failed(answer) for answer in probe.answers):
            raise RuntimeError(f"{function.logical_id} at the large company: {probe.answers}\n{probe.log[-3000:]}")
        probes[function.logical_id] = probe
        if function.logical_id == "IntakeFunction":
            lead_id = stored_lead_id(probe.answers[0])
    return probes


def waited_on(template: Template) -> set[str]:
    """The functions a person waits on: behind an API route, or an API's authorizer."""
    behind_routes = {route.function_logical_id for route in template.routes}
    authorizers = {a.function_logical_id for api in template.apis.values() for a in api.authorizers.values()}
    return behind_routes | authorizers


def _worst(probes: list[Probe]) -> Probe:
    return max(probes, key=lambda probe: (probe.peak_mb(), probe.cold_cpu_s))


def size(function: Function, typical: list[Probe], large: Probe | None, waited: bool) -> dict[str, Any]:
    """One function's figures, its chosen size and what to deploy (lowered only for a function nobody waits
    on, whose worst case was measured)."""
    worst_typical = _worst(typical)
    worst = _worst([worst_typical, *([large] if large else [])])
    cold_cpu_s = max(probe.cold_cpu_s for probe in [*typical, *([large] if large else [])])
    peak = worst.peak_mb()
    chosen = sizing.chosen_size(peak, cold_cpu_s, function.timeout)
    may_lower = not waited and function.logical_id not in UNMEASURED_WORST
    applied = sizing.applied_size(function.memory_size, chosen, may_lower=may_lower)
    return {
        "typical": worst_typical.figures(),
        "typical_peaks_mb": [round(probe.peak_mb(), 1) for probe in typical],
        "large": large.figures() if large else None,
        "large_from": STAND_INS.get(function.logical_id, function.logical_id) if large else None,
        "peak_mb": round(peak, 1),
        "cold_cpu_s": round(cold_cpu_s, 3),
        "timeout_s": function.timeout,
        "waited_on": waited,
        "memory_bound_mb": sizing.memory_bound_size(peak),
        "cpu_bound_mb": sizing.cpu_bound_size(cold_cpu_s, function.timeout * sizing.CPU_SHARE_OF_TIMEOUT),
        "chosen_mb": chosen,
        "template_mb": function.memory_size,
        "met": sizing.is_met(function.memory_size, chosen),
        "far_too_large": sizing.is_far_too_large(function.memory_size, chosen),
        "apply_mb": applied,
        "cold_wall_s_at_template": round(sizing.cpu_seconds_at(function.memory_size, cold_cpu_s), 2),
    }


def _line(logical_id: str, figures: dict[str, Any]) -> str:
    scale = f"{figures['large']['peak_mb']:5.1f}" if figures["large"] else "    -"
    change = "" if figures["apply_mb"] == figures["template_mb"] else f"  -> deploy {figures['apply_mb']} MB"
    far = "  (far too large)" if figures["far_too_large"] else ""
    verdict = "met" if figures["met"] else "NOT met"
    return (
        f"  {logical_id:24s} {figures['typical']['peak_mb']:6.1f} MB {scale} MB {figures['cold_cpu_s']:6.2f} s"
        f" {figures['cold_wall_s_at_template']:12.1f} s  {figures['template_mb']:6d} MB  {figures['chosen_mb']:4d} "
        f"({figures['memory_bound_mb']}/{figures['cpu_bound_mb']}) MB  {verdict}{far}{change}"
    )


def run(stack: LocalStack) -> dict[str, Any]:
    template = stack.stack.template
    env = environment(template, stack.stack.aws_endpoint_url)
    print(
        f"memory: peak resident memory of a fresh process per function, tracing on; chosen size = "
        f"max({sizing.HEADROOM:g}x the worst peak, the size whose CPU share runs a cold first invocation in "
        f"{sizing.CPU_SHARE_OF_TIMEOUT:.0%} of the Timeout), {sizing.STEP_MB} MB steps; met = MemorySize >= chosen"
    )
    with tempfile.TemporaryDirectory(prefix="memory-layers-") as folder:
        # One process each: a function's peak repeats to within 2 MB from run to run.
        typical = _typical(stack, Path(folder), env, 1)
        large = _large(stack, Path(folder), env)
    request_path = waited_on(template)
    functions: dict[str, Any] = {}
    print(
        f"  {'function':24s} {'5 agents':>9s} {'5,000':>8s} {'cold CPU':>8s} {'(wall at size)':>14s}"
        "  MemorySize  chosen (mem/cpu)  verdict"
    )
    for logical_id, function in sorted(template.functions.items()):
        at_scale = large.get(STAND_INS.get(logical_id, logical_id))
        figures = size(function, typical[logical_id], at_scale, logical_id in request_path)
        functions[logical_id] = figures
        print(_line(logical_id, figures))
    return {
        "headroom": sizing.HEADROOM,
        "cpu_share_of_timeout": sizing.CPU_SHARE_OF_TIMEOUT,
        "one_vcpu_mb": sizing.ONE_VCPU_MB,
        "functions": functions,
    }
