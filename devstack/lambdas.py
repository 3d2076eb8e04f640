"""Lambda's execution model: containers that each handle one invocation at a time.

A function's containers are worker processes (``devstack.worker``), as Lambda's execution
environments are: handler code relies on having its process to itself (Powertools keeps the current
request in a class attribute, the layer's services are process-wide singletons), so two concurrent
invocations must never share one. Idle containers are reused (a warm start); a new one is started when
all are busy, up to a cap, after which callers wait, as they would on a function's concurrency limit.
An invocation that runs past the function's Timeout is stopped and its container thrown away.

``isolation="thread"`` loads each container as a module of this process instead, for tests and
benchmarks that patch or count AWS calls in-process (moto's ``mock_aws``, botocore hooks). Those
containers share the process's packages, so invocations run one at a time across all of them.
"""

import importlib.util
import json
import logging
import os
import select
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from itertools import count
from pathlib import Path
from types import ModuleType
from typing import IO, Any, Final, Literal, Protocol

from devstack.template import Function, Template
from devstack.worker import LambdaContext, context_fields

__all__ = ["InvocationError", "LambdaContext", "LambdaRuntime", "function_environment"]

LOGGER = logging.getLogger("devstack.lambda")

DEFAULT_MAX_CONTAINERS: Final = 10
# Lambda's limit on a synchronous invocation's response.
MAX_RESPONSE_BYTES: Final = 6 * 1024 * 1024
# Starting a worker and importing a handler: generous, since a cold start on a busy 2-core box is slow.
_START_TIMEOUT_SECONDS: Final = 60.0
_WORKER: Final = Path(__file__).with_name("worker.py")
# In-process containers share Powertools' process-wide state: one invocation at a time among them.
_IN_PROCESS = threading.RLock()

Isolation = Literal["process", "thread"]


class InvocationError(Exception):
    """An invocation failed the way Lambda reports it: ``kind`` is Lambda's errorType-ish word."""

    def __init__(self, function: Function, request_id: str, kind: str, message: str) -> None:
        super().__init__(f"{function.logical_id} ({request_id}): {kind}: {message}")
        self.function = function
        self.request_id = request_id
        self.kind = kind
        self.message = message


class _Failed(Exception):
    """What a container reports when its handler did not answer: Lambda's error kind and a message."""

    def __init__(self, kind: str, message: str, detail: str = "") -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message
        self.detail = detail


class Container(Protocol):
    name: str
    log_stream_name: str
    invocations: int

    def run(self, event: Any, context: LambdaContext, timeout: float) -> Any:
        """The handler's JSON answer; raises _Failed."""
        ...

    def close(self, *, force: bool = False) -> None: ...


def _new_log_stream() -> str:
    return f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"


class ModuleContainer:
    """A container as a module of this process (``isolation="thread"``)."""

    def __init__(self, function: Function, module_name: str) -> None:
        module = load_module(module_name, function.handler_file)
        handler = getattr(module, function.handler_function, None)
        if not callable(handler):
            sys.modules.pop(module_name, None)
            raise AttributeError(f"{function.handler_file} has no function {function.handler_function}")
        self.name = module_name
        self.log_stream_name = _new_log_stream()
        self.invocations = 0
        self._handler: Callable[[Any, LambdaContext], Any] = handler

    def run(self, event: Any, context: LambdaContext, timeout: float) -> Any:
        # The event and the result cross a JSON boundary in Lambda; so they do here, which also catches a
        # handler that returns something Lambda could not serialize.
        payload = json.loads(json.dumps(event))
        with _IN_PROCESS:
            # The time waited for the other containers is not the handler's.
            started = time.monotonic()
            context.deadline = started + timeout
            try:
                result = self._handler(payload, context)
            except Exception as error:
                raise _Failed("Unhandled", f"{type(error).__name__}: {error}") from error
            elapsed = time.monotonic() - started
        if elapsed > timeout:
            # Lambda would have stopped the handler; here it can only be judged after it returns.
            raise _Failed("Sandbox.Timedout", f"Task timed out after {timeout:.2f} seconds (took {elapsed:.2f})")
        try:
            return json.loads(json.dumps(result))
        except (TypeError, ValueError) as error:
            raise _Failed("Runtime.MarshalError", str(error)) from error

    def close(self, *, force: bool = False) -> None:
        sys.modules.pop(self.name, None)


def _output_fd(stream: IO[str]) -> int | None:
    """Where a worker's logs go: the file behind ``stream`` (the stack's log), else this process's own."""
    try:
        stream.flush()
        return stream.fileno()
    except (AttributeError, OSError, ValueError):
        return None


class WorkerContainer:
    """A container as a process of its own (``isolation="process"``), as Lambda runs one."""

    def __init__(self, function: Function, module_name: str, layer_dirs: list[str]) -> None:
        self.name = module_name
        self.log_stream_name = _new_log_stream()
        self.invocations = 0
        answers_read, answers_write = os.pipe()
        output = _output_fd(sys.stdout)
        try:
            # -P: the worker's folder (devstack/, with modules named like the standard library's) is not
            # put on its path.
            self._process = subprocess.Popen(
                [sys.executable, "-P", str(_WORKER), str(answers_write)],
                stdin=subprocess.PIPE,
                stdout=output,
                stderr=output,
                pass_fds=(answers_write,),
                env=dict(os.environ),
                text=True,
                encoding="utf-8",
            )
        finally:
            os.close(answers_write)
        self._answers = os.fdopen(answers_read, "r", encoding="utf-8")
        sys_path = [str(function.code_dir), *layer_dirs]
        setup = {
            "module_name": module_name,
            "handler_file": str(function.handler_file),
            "handler_function": function.handler_function,
            "sys_path": sys_path,
        }
        try:
            answer = self._exchange(setup, _START_TIMEOUT_SECONDS)
        except _Failed:
            self.close()
            raise
        if "error" in answer:
            self.close()
            raise _Failed("Runtime.ImportModuleError", answer["error"]["message"], answer["error"]["traceback"])

    def _exchange(self, request: dict[str, Any], timeout: float) -> dict[str, Any]:
        stdin = self._process.stdin
        assert stdin is not None
        try:
            stdin.write(json.dumps(request) + "\n")
            stdin.flush()
        except (BrokenPipeError, OSError) as error:
            raise _Failed("Runtime.ExitError", f"the container's process has exited ({error})") from error
        ready, _, _ = select.select([self._answers], [], [], timeout)
        if not ready:
            raise _Failed("Sandbox.Timedout", f"Task timed out after {timeout:.2f} seconds")
        line = self._answers.readline()
        if not line:
            code = self._process.wait()
            raise _Failed("Runtime.ExitError", f"the container's process exited with status {code}")
        answer: dict[str, Any] = json.loads(line)
        return answer

    def run(self, event: Any, context: LambdaContext, timeout: float) -> Any:
        answer = self._exchange({"event": event, "context": context_fields(context)}, timeout)
        if "error" in answer:
            error = answer["error"]
            raise _Failed(error["kind"], error["message"], error.get("traceback", ""))
        return answer["result"]

    def close(self, *, force: bool = False) -> None:
        """Stop the process: end of input asks it to leave; one that does not, or that ``force`` names (its
        invocation timed out), is killed."""
        if self._process.poll() is None and not force:
            try:
                if self._process.stdin is not None:
                    self._process.stdin.close()
                self._process.wait(timeout=2)
            except (OSError, subprocess.TimeoutExpired):
                force = True
        if self._process.poll() is None and force:
            self._process.kill()
            self._process.wait()
        self._answers.close()


class FunctionPool:
    """The containers of one function."""

    _module_numbers = count(1)

    def __init__(
        self,
        function: Function,
        *,
        max_containers: int = DEFAULT_MAX_CONTAINERS,
        isolation: Isolation = "process",
        layer_dirs: list[str] | None = None,
    ) -> None:
        self.function = function
        self.max_containers = max_containers
        self.isolation = isolation
        self._layer_dirs = layer_dirs if layer_dirs is not None else [str(path) for path in function.layer_dirs]
        self._idle: list[Container] = []
        self._all: set[Container] = set()
        self._loaded = 0
        self._changed = threading.Condition()

    @property
    def container_count(self) -> int:
        with self._changed:
            return self._loaded

    def invoke(self, event: Any, *, request_id: str | None = None) -> Any:
        """Run the handler on a copy of ``event``; answers its result as Lambda would return it.

        Raises InvocationError when the handler raises, runs past its Timeout, returns something
        that is not JSON, or its module cannot be loaded.
        """
        request_id = request_id or str(uuid.uuid4())
        container = self._acquire(request_id)
        discard = False
        try:
            context = LambdaContext(
                function_name=self.function.name,
                invoked_function_arn=self.function.arn,
                memory_limit_in_mb=self.function.memory_size,
                aws_request_id=request_id,
                log_group_name=f"/aws/lambda/{self.function.name}",
                log_stream_name=container.log_stream_name,
                deadline=time.monotonic() + self.function.timeout,
            )
            container.invocations += 1
            try:
                result = container.run(event, context, self.function.timeout)
            except _Failed as failure:
                # Lambda throws away an environment whose invocation timed out or whose process died.
                discard = failure.kind in ("Sandbox.Timedout", "Runtime.ExitError")
                self._log_failure(request_id, failure)
                raise InvocationError(self.function, request_id, failure.kind, failure.message) from failure
            return self._within_limit(result, request_id)
        finally:
            self._release(container, discard=discard)

    def _log_failure(self, request_id: str, failure: _Failed) -> None:
        where = f"{self.function.logical_id} {request_id}"
        if failure.kind != "Unhandled":
            LOGGER.error("%s: %s: %s", where, failure.kind, failure.message)
            return
        # The traceback: the exception itself from a container in this process, its text from a worker.
        detail = f"\n{failure.detail}" if failure.detail else ""
        LOGGER.error("%s: unhandled %s%s", where, failure.message, detail, exc_info=failure.__cause__)

    def _within_limit(self, result: Any, request_id: str) -> Any:
        if len(json.dumps(result).encode()) > MAX_RESPONSE_BYTES:
            raise InvocationError(self.function, request_id, "ResponseSizeTooLarge", "the response is over 6 MB")
        return result

    def _acquire(self, request_id: str) -> Container:
        with self._changed:
            while not self._idle and self._loaded >= self.max_containers:
                self._changed.wait()
            if self._idle:
                return self._idle.pop()  # the most recently used: the warmest
            self._loaded += 1
        try:
            container = self._load()  # outside the lock: a cold start may take a while
        except BaseException as error:
            with self._changed:
                self._loaded -= 1
                self._changed.notify()
            if isinstance(error, Exception):
                LOGGER.error("%s %s: the handler failed to load: %s", self.function.logical_id, request_id, error)
                raise InvocationError(self.function, request_id, "Runtime.ImportModuleError", str(error)) from error
            raise
        with self._changed:
            self._all.add(container)
        return container

    def _release(self, container: Container, *, discard: bool) -> None:
        with self._changed:
            if discard:
                self._loaded -= 1
                self._all.discard(container)
            else:
                self._idle.append(container)
            self._changed.notify()
        if discard:
            container.close(force=True)

    def _load(self) -> Container:
        number = next(self._module_numbers)
        module_name = f"_devstack_{self.function.logical_id}_{number}"
        if self.isolation == "process":
            container: Container = WorkerContainer(self.function, module_name, self._layer_dirs)
        else:
            container = ModuleContainer(self.function, module_name)
        LOGGER.debug("%s: new container %s", self.function.logical_id, module_name)
        return container

    def close(self) -> None:
        """Stop every container (idle or busy: a busy one's invocation then fails)."""
        with self._changed:
            containers, self._all, self._idle = list(self._all), set(), []
            self._loaded = 0
        for container in containers:
            container.close()


def load_module(module_name: str, path: Path) -> ModuleType:
    """Execute a source file as a new module named ``module_name``."""
    spec = importlib.util.spec_from_file_location(module_name, path)
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    # Registered before it runs: pydantic and dataclasses look their module up by name.
    sys.modules[module_name] = module
    try:
        spec.loader.exec_module(module)
    except BaseException:
        sys.modules.pop(module_name, None)
        raise
    return module


class LambdaRuntime:
    """Every function of a template, invocable by logical id or ARN."""

    def __init__(
        self, template: Template, *, max_containers: int = DEFAULT_MAX_CONTAINERS, isolation: Isolation = "process"
    ) -> None:
        self.template = template
        self.isolation = isolation
        self.pools = {
            logical_id: FunctionPool(function, max_containers=max_containers, isolation=isolation)
            for logical_id, function in template.functions.items()
        }
        add_code_paths(template)

    def close(self) -> None:
        """Stop every container's process (process isolation) or forget its module."""
        for pool in self.pools.values():
            pool.close()

    def invoke(self, logical_id: str, event: Any, *, request_id: str | None = None) -> Any:
        return self.pools[logical_id].invoke(event, request_id=request_id)

    def function_for_arn(self, arn: str) -> Function | None:
        return self.template.function_for_arn(arn)


def add_code_paths(template: Template) -> None:
    """Make layers importable first (as /opt/python is in Lambda), then the functions' folders.

    Function folders go last: a helper module next to one app.py becomes importable by every
    function here, where Lambda would keep it to its own function. Two functions with helper
    modules of the same name would clash; the template's functions have none today.
    """
    layer_dirs: list[str] = []
    code_dirs: list[str] = []
    for function in template.functions.values():
        layer_dirs.extend(str(path) for path in function.layer_dirs)
        code_dirs.append(str(function.code_dir))
    for path in reversed(list(dict.fromkeys(layer_dirs))):
        if path not in sys.path:
            sys.path.insert(0, path)
    for path in dict.fromkeys(code_dirs):
        if path not in sys.path:
            sys.path.append(path)


def function_environment(template: Template, overrides: Mapping[str, str]) -> dict[str, str]:
    """One process-wide environment for every function: Globals and each function's own variables.

    The functions share os.environ here, so a variable that two functions set differently can
    only have one value; that is logged, and the template today has none.
    """
    environment: dict[str, str] = {}
    for function in template.functions.values():
        for name, value in function.environment.items():
            if name in environment and environment[name] != value:
                LOGGER.warning("%s=%r differs between functions; using %r", name, value, environment[name])
                continue
            environment[name] = value
    environment.update(
        {
            "AWS_REGION": template.context.region,
            "AWS_DEFAULT_REGION": template.context.region,
            # X-Ray and CloudWatch metrics are not emulated: Powertools would only complain.
            "POWERTOOLS_TRACE_DISABLED": "true",
            "POWERTOOLS_METRICS_DISABLED": "true",
        }
    )
    environment.update(overrides)
    return environment
