"""One Lambda execution environment: a process that loads one function's handler and runs one event at a time.

Lambda gives every execution environment a process of its own, and libraries rely on it: Powertools'
event handler keeps the current request in a class attribute (``BaseRouter.current_event``), the layer's
services are process-wide singletons, the logger's keys are process-wide. Threads sharing one process
would read each other's requests; processes cannot.

Started by ``devstack.lambdas`` as ``python -P worker.py ANSWER_FD`` (stdlib only, so it starts fast and
imports nothing the handler would not). It reads requests from stdin, one JSON document a line, and
writes each answer as one JSON line to ``ANSWER_FD``; the handler's own stdout and stderr (its logs) stay
where the parent pointed them. The first request names the handler; each later one is an invocation.
End of input ends the process.
"""

import importlib.util
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class LambdaContext:
    """The context object Lambda passes to a Python handler (the attributes handlers use)."""

    function_name: str
    invoked_function_arn: str
    memory_limit_in_mb: int
    aws_request_id: str
    log_group_name: str
    log_stream_name: str
    deadline: float = field(repr=False)
    function_version: str = "$LATEST"
    identity: Any = None
    client_context: Any = None

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


def context_fields(context: LambdaContext) -> dict[str, Any]:
    """A context as it crosses to a worker: the deadline as the time left, since clocks are per process."""
    return {
        "function_name": context.function_name,
        "invoked_function_arn": context.invoked_function_arn,
        "memory_limit_in_mb": context.memory_limit_in_mb,
        "aws_request_id": context.aws_request_id,
        "log_group_name": context.log_group_name,
        "log_stream_name": context.log_stream_name,
        "remaining_ms": context.get_remaining_time_in_millis(),
    }


def _context_from(fields: dict[str, Any]) -> LambdaContext:
    remaining = float(fields.pop("remaining_ms")) / 1000
    return LambdaContext(**fields, deadline=time.monotonic() + remaining)


def _load(setup: dict[str, Any]) -> Any:
    # As in Lambda: the function's own folder first (/var/task), then its layers (/opt/python).
    sys.path[:0] = [path for path in setup["sys_path"] if path not in sys.path]
    spec = importlib.util.spec_from_file_location(setup["module_name"], setup["handler_file"])
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {setup['handler_file']}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[setup["module_name"]] = module  # pydantic and dataclasses look their module up by name
    spec.loader.exec_module(module)
    handler = getattr(module, setup["handler_function"], None)
    if not callable(handler):
        raise AttributeError(f"{setup['handler_file']} has no function {setup['handler_function']}")
    return handler


def _failure(kind: str, error: BaseException) -> dict[str, Any]:
    trace = "".join(traceback.format_exception(error))
    print(trace, file=sys.stderr, flush=True)
    return {"error": {"kind": kind, "message": f"{type(error).__name__}: {error}", "traceback": trace}}


def _invoke(handler: Any, request: dict[str, Any]) -> dict[str, Any]:
    try:
        result = handler(request["event"], _context_from(request["context"]))
    except Exception as error:
        return _failure("Unhandled", error)
    try:
        return {"result": json.loads(json.dumps(result))}
    except (TypeError, ValueError) as error:
        return {"error": {"kind": "Runtime.MarshalError", "message": str(error), "traceback": ""}}


def serve(requests: TextIO, answers: TextIO) -> None:
    handler: Any = None
    for line in requests:
        request = json.loads(line)
        if handler is None:
            try:
                handler = _load(request)
                answer: dict[str, Any] = {"ready": True}
            except Exception as error:
                answer = _failure("Runtime.ImportModuleError", error)
                answers.write(json.dumps(answer) + "\n")
                answers.flush()
                return
        else:
            answer = _invoke(handler, request)
        answers.write(json.dumps(answer) + "\n")
        answers.flush()


def main() -> None:
    # Ctrl-C in `make run` reaches the whole process group; the parent stops its workers itself.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    answer_fd = int(sys.argv[1])
    with os.fdopen(answer_fd, "w", encoding="utf-8") as answers:
        serve(sys.stdin, answers)


if __name__ == "__main__":
    main()
