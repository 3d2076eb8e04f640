"""Cold start: a fresh process that imports a function's handler and serves its first sample event, next to a
fresh process that imports boto3 and creates the clients that function uses. Both talk to the same moto
server; both are timed from the parent, interpreter start-up included, interleaved.

The target is judged on wall time. Each process's CPU time (user + system, from the parent's view of its
children) is given beside it: on a machine shared with other work the wall times swing with the load, the
CPU a cold start spends much less so (it leaves out the wait for the server's answers).

The handler imports the layer's code from a copy compiled as `sam build` compiles it (layers/shared/Makefile:
unchecked-hash bytecode), as Lambda runs it: from the source tree, a process that may not write bytecode
(PYTHONDONTWRITEBYTECODE, set on this project's machines) would compile every module on every start, a cost
no Lambda cold start pays."""

import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.stats import summarize
from devstack.lambdas import function_environment
from devstack.template import Template

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

# A fresh process's import of the handler (the layer's compiled copy first on the path), then the call: the
# memory benchmark (bench/memory.py) runs the same two parts with its own marks between them.
LOAD = """
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
CALL = """
try:
    answer = module.{function}(json.loads({event!r}), Context())
except Exception as error:
    if str(error) != "Unauthorized": raise
    answer = None
"""
HANDLER = LOAD + CALL

BASELINE = """
import boto3
clients = [boto3.client(name) for name in {clients!r}]
"""


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _time(code: str, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of one fresh process running `code`."""
    cpu, started = _children_cpu(), time.perf_counter()
    command = [sys.executable, "-c", code]
    done = subprocess.run(command, check=False, env=env, capture_output=True, text=True, cwd=ROOT)
    wall = time.perf_counter() - started
    if done.returncode:
        raise RuntimeError(f"the cold-start process failed:\n{done.stderr[-2000:]}")
    return wall, _children_cpu() - cpu


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


def run(template: Template, aws_endpoint_url: str, repeats: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="cold-start-layers-") as layers:
        return _run(template, aws_endpoint_url, repeats, Path(layers))


def _run(template: Template, aws_endpoint_url: str, repeats: int, layers: Path) -> dict[str, Any]:
    env = environment(template, aws_endpoint_url)
    results: dict[str, Any] = {}
    print(
        "cold start: first event in a fresh process vs importing boto3 and creating the same clients "
        f"(target {TARGET}x)"
    )
    for logical_id, function in sorted(template.functions.items()):
        sample = FIRST_EVENT.get(logical_id)
        event = (ROOT / sample).read_text() if sample else "{}"
        layer = compiled(function.layer_dirs[0] if function.layer_dirs else ROOT / "layers/shared", layers)
        handler_code = HANDLER.format(
            layer=layer, path=str(function.handler_file), function=function.handler_function, event=event
        )
        baseline_code = BASELINE.format(clients=CLIENTS.get(logical_id, ["dynamodb"]))
        handler, baseline = [], []
        for _ in range(repeats):
            handler.append(_time(handler_code, env))
            baseline.append(_time(baseline_code, env))
        handler_s, baseline_s = summarize([w for w, _ in handler]), summarize([w for w, _ in baseline])
        handler_cpu, baseline_cpu = summarize([c for _, c in handler]), summarize([c for _, c in baseline])
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
