"""Cold start: a fresh process that imports a function's handler and serves its first sample event, next to a
fresh process that imports boto3 and creates the clients that function uses. Both talk to the same moto
server; both are timed from the parent, interpreter start-up included, interleaved.

The target is judged on wall time. Each process's CPU time (user + system, from the parent's view of its
children) is given beside it: on a machine shared with other work the wall times swing with the load, the
CPU a cold start spends much less so (it leaves out the wait for the server's answers).

The handler imports the layer's code from a copy compiled as `sam build` compiles it (layers/shared/Makefile:
unchecked-hash bytecode), as Lambda runs it: from the source tree, a process that may not write bytecode
(PYTHONDONTWRITEBYTECODE, set on this project's machines) would compile every module on every start, a cost
no Lambda cold start pays.

The first events are a real company's (since 2026-12-03): five agents in a round robin, so the intake's first
event stores a lead and offers it (the email and the timer: the clients the baseline creates), and the other
functions' events name that company and the lead the intake process of the same round stored, as
bench/memory.py's do; the timeout's expires that lead's open offer (since a later run of 2026-12-03: it
named the sample's offer, an "unknown_offer" that moved nothing on). Before, they named a company the stack
never creates: the API functions answered 404 and the timeout "unknown lead", a first request that loaded no
configuration.

Both sides import only what Lambda's Python runtime has: its boto3 comes without awscrt and pyOpenSSL, which
this project's dev environment has installed (for the SAM CLI and moto) and botocore imports when it finds
them, 50-90 ms of CPU on both sides that no Lambda cold start pays (`RUNTIME` below)."""

import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING, Any

from bench.stats import summarize
from devstack.lambdas import function_environment
from devstack.template import Template

if TYPE_CHECKING:
    from bench.local import LocalStack

ROOT = Path(__file__).resolve().parent.parent
TARGET = 1.3

FIRST_EVENT = {
    "IntakeFunction": "events/intake/post_lead_json.json",
    "AdminApiFunction": "events/admin_api/list_agents.json",
    "AgentApiFunction": "events/agent_api/my_offers.json",
    "AuthorizerFunction": "events/authorizer/request.json",
    "TimeoutFunction": "events/timeout/offer_expired.json",
    "OpenApiFunction": "events/openapi/get_document.json",
    "SweeperFunction": "events/sweeper/every_minute.json",
    "EventPublisherFunction": "events/event_publisher/lead_assigned.json",
    "AggregatorFunction": "events/aggregator/lead_assigned.json",
    "EmailEventsFunction": "events/email_events/hard_bounce.json",
    "ConsoleFunction": "events/console/sign_in_page.json",
}
CLIENTS = {
    "IntakeFunction": ["dynamodb", "sesv2", "sqs", "scheduler"],
    "AdminApiFunction": ["dynamodb", "sesv2", "sqs", "scheduler"],
    "AgentApiFunction": ["dynamodb", "sesv2", "sqs", "scheduler"],
    "AuthorizerFunction": ["dynamodb"],
    "TimeoutFunction": ["dynamodb", "sesv2", "sqs", "scheduler"],
    "OpenApiFunction": [],
    "SweeperFunction": ["dynamodb", "sesv2", "sqs", "scheduler"],
    "EventPublisherFunction": ["events"],
    "AggregatorFunction": ["dynamodb"],
    "EmailEventsFunction": ["dynamodb"],
    # The sign-in page: no request yet; a signed-in page reads the user (Cognito) and the table.
    "ConsoleFunction": ["dynamodb", "cognito-idp"],
}

# The sample events' company and lead, replaced by the benchmark's (bench/memory.py does the same).
SAMPLE_COMPANY = "co_01m87bqwswwsxrm5tmvc86had8"
SAMPLE_TIMER_COMPANY = "co_01m87bqwwxt48wffkveswmhyfa"
SAMPLE_LEAD = "ld_01m87bqwwxt48wffkveswmhyfd"
SAMPLE_OFFER = "of_01m87bqwwxt48wffkveswmhyfe"
# The functions whose first sample event reads a company's whole configuration: their first event must succeed,
# or the figure would be an error path's (the sweeper and the console read one only with an overdue offer or a
# signed-in user, which their sample events have not).
LOADS_CONFIGURATION = (
    "IntakeFunction",
    "AdminApiFunction",
    "AgentApiFunction",
    "TimeoutFunction",
    "AggregatorFunction",
    "EmailEventsFunction",
)

# What Lambda's Python runtime does not have: botocore imports awscrt and urllib3's pyOpenSSL support when it
# finds them (the dev environment has both); a cold process here must not pay for them either. Formatted as
# part of the code below: no braces of its own.
RUNTIME = """
import sys as _sys
class _NotInTheRuntime:
    def find_spec(self, name, path=None, target=None):
        if name.partition(".")[0] in ("awscrt", "OpenSSL"):
            raise ModuleNotFoundError("No module named " + repr(name), name=name)
        return None
_sys.meta_path.insert(0, _NotInTheRuntime())
"""

# A fresh process's import of the handler (the layer's compiled copy first on the path), then the call: the
# memory benchmark (bench/memory.py) runs the same two parts with its own marks between them.
LOAD = (
    RUNTIME
    + """
import importlib.util, json, sys
sys.path.insert(0, {layer!r})
spec = importlib.util.spec_from_file_location("app", {path!r})
module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)
class Context:
    function_name = "bench"; function_version = "$LATEST"; memory_limit_in_mb = 512
    invoked_function_arn = "arn:aws:lambda:us-east-1:123456789012:function:bench"; aws_request_id = "bench"
    log_group_name = "bench"; log_stream_name = "bench"
    def get_remaining_time_in_millis(self): return 10000
"""
)
CALL = """
try:
    answer = module.{function}(json.loads({event!r}), Context())
except Exception as error:
    if str(error) != "Unauthorized": raise
    answer = None
"""
# The first answer, for the parent: which lead the intake stored, and whether the event succeeded.
ANSWERED = """
small = not isinstance(answer, dict) or len(str(answer)) < 4000
print("\\nANSWER " + json.dumps(answer if small else {{"statusCode": answer.get("statusCode")}}, default=str))
"""
HANDLER = LOAD + CALL + ANSWERED

BASELINE = (
    RUNTIME
    + """
import boto3
clients = [boto3.client(name) for name in {clients!r}]
"""
)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(code: str, env: dict[str, str]) -> tuple[float, float, Any]:
    """Wall and CPU seconds of one fresh process running `code`, and the answer it printed (None if none)."""
    cpu, started = _children_cpu(), time.perf_counter()
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"the cold-start process failed:\n{done.stderr[-2000:]}")
    printed = [line for line in done.stdout.splitlines() if line.startswith("ANSWER ")]
    answer = json.loads(printed[-1].removeprefix("ANSWER ")) if printed else None
    return wall, _children_cpu() - cpu, answer


def rewritten(text: str, company_id: str, lead_id: str | None, offer_id: str | None = None) -> str:
    """A sample event about the benchmark's company (and a lead its intake stored, and that lead's offer)."""
    text = text.replace(SAMPLE_COMPANY, company_id).replace(SAMPLE_TIMER_COMPANY, company_id)
    text = text.replace(SAMPLE_LEAD, lead_id) if lead_id else text
    return text.replace(SAMPLE_OFFER, offer_id) if offer_id else text


def failed(answer: Any, offered: bool = False) -> bool:
    """An API answer of 4xx/5xx, or a timer that found no lead (then it read no configuration); `offered`:
    the event names a lead's open offer, and a timer that found none did not do a timeout's work either."""
    if not isinstance(answer, dict):
        return False
    missed = ("unknown_lead", "unknown_offer") if offered else ("unknown_lead",)
    return int(answer.get("statusCode", 200)) >= 400 or answer.get("outcome") in missed


def open_offer_id(stack: "LocalStack", company_id: str, lead_id: str) -> str | None:
    """The offer the intake made of the lead it stored: what a timeout's first event expires."""
    import boto3

    from leadrouter.adapters.dynamo_leads import DynamoLeadRepository

    table = stack.stack.resources.table_names[0]
    offer = DynamoLeadRepository(boto3.client("dynamodb"), table).get(company_id, lead_id).open_offer()
    return offer.offer_id if offer is not None else None


def stored_lead_id(answer: Any) -> str:
    if not isinstance(answer, dict) or answer.get("statusCode") != 202:
        raise RuntimeError(f"the intake did not store a lead: {str(answer)[:300]}")
    return str(json.loads(answer["body"])["lead_id"])


def compiled(layer: Path, into: Path) -> str:
    """A copy of the layer's directory with the bytecode the layer's build ships."""
    target = into / layer.name
    if not target.exists():
        shutil.copytree(layer, target, ignore=shutil.ignore_patterns("__pycache__"))
        command = [sys.executable, "-m", "compileall", "-q", "--invalidation-mode", "unchecked-hash", str(target)]
        subprocess.run(command, check=True, capture_output=True)
    return str(target)


def environment(template: Template, aws_endpoint_url: str) -> dict[str, str]:
    """A cold process's environment: the functions' variables, the moto server's endpoint, no tracing or
    metrics, and log lines only for errors."""
    return {
        **{key: value for key, value in os.environ.items() if not key.startswith("AWS_")},
        **function_environment(template, {}),
        "AWS_ENDPOINT_URL": aws_endpoint_url,
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_DEFAULT_REGION": "us-east-1",
        "POWERTOOLS_TRACE_DISABLED": "true",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }


def run(stack: "LocalStack", repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cold-start-layers-") as layers:
        return _run(stack, repeats, Path(layers))


def _ordered(template: Template) -> list[str]:
    """The intake first: the other functions' events name the leads its processes store."""
    return sorted(template.functions, key=lambda logical_id: (logical_id != "IntakeFunction", logical_id))


def _run(stack: "LocalStack", repeats: int, layers: Path) -> dict[str, Any]:
    template = stack.stack.template
    env = environment(template, stack.stack.aws_endpoint_url)
    company = stack.company(agents=5, auto_assign_enabled=True)
    results: dict[str, Any] = {}
    print(
        "cold start: first event in a fresh process vs importing boto3 and creating the same clients "
        f"(target {TARGET}x; a company of 5 agents in a round robin, each round's events about its own lead)"
    )
    lead_ids: list[str] = []
    offer_ids: list[str | None] = []
    for logical_id in _ordered(template):
        function = template.functions[logical_id]
        sample = FIRST_EVENT.get(logical_id)
        text = (ROOT / sample).read_text() if sample else "{}"
        layer = compiled(function.layer_dirs[0] if function.layer_dirs else ROOT / "layers/shared", layers)
        baseline_code = BASELINE.format(clients=CLIENTS.get(logical_id, ["dynamodb"]))
        handler, baseline = [], []
        for n in range(repeats):
            if logical_id == "IntakeFunction":
                event = json.dumps(stack.intake_event(company.company_id, 50_000 + n))  # a new person each round
            else:
                event = rewritten(text, company.company_id, lead_ids[n], offer_ids[n])
            handler_code = HANDLER.format(
                layer=layer, path=str(function.handler_file), function=function.handler_function, event=event
            )
            handler.append(_time(handler_code, env))
            baseline.append(_time(baseline_code, env))
            answer = handler[-1][2]
            if logical_id == "IntakeFunction":
                lead_ids.append(stored_lead_id(answer))
                offer_ids.append(open_offer_id(stack, company.company_id, lead_ids[-1]))
            elif logical_id in LOADS_CONFIGURATION and failed(answer, offered=offer_ids[n] is not None):
                raise RuntimeError(f"{logical_id}'s first event failed, not a cold start's work: {str(answer)[:300]}")
        handler_s, baseline_s = summarize([w for w, _, _ in handler]), summarize([w for w, _, _ in baseline])
        handler_cpu, baseline_cpu = summarize([c for _, c, _ in handler]), summarize([c for _, c, _ in baseline])
        ratio = round(handler_s.median_ms / baseline_s.median_ms, 3)
        cpu_ratio = round(handler_cpu.median_ms / baseline_cpu.median_ms, 3)
        print(
            f"  {logical_id:22s} handler {handler_s.median_ms:6.0f} ms  boto3 {baseline_s.median_ms:6.0f} ms  "
            f"ratio {ratio:5.2f} {'met' if ratio <= TARGET else 'NOT met'}   "
            f"cpu {handler_cpu.median_ms:4.0f} / {baseline_cpu.median_ms:4.0f} ms  ratio {cpu_ratio:5.2f}"
        )
        results[logical_id] = {
            "handler": handler_s.__dict__,
            "baseline": baseline_s.__dict__,
            "ratio": ratio,
            "handler_cpu": handler_cpu.__dict__,
            "baseline_cpu": baseline_cpu.__dict__,
            "cpu_ratio": cpu_ratio,
        }
    return {"functions": results, "target": TARGET}
