"""Lambda's execution model, in threads: containers that each handle one invocation at a time.

A container is the function's handler module loaded under a name of its own. Lambda runs one
invocation per execution environment, and handler code relies on it: Powertools' resolvers keep
the current request on a module-level object, so two threads must never share one container.
Idle containers are reused (a warm start); a new one is loaded when all are busy, up to a cap,
after which callers wait, as they would wait on a function's concurrency limit.
"""

import importlib.util
import json
import logging
import sys
import threading
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path
from types import ModuleType
from typing import Any, Final

from devstack.template import Function, Template

LOGGER = logging.getLogger("devstack.lambda")

DEFAULT_MAX_CONTAINERS: Final = 10
# Lambda's limit on a synchronous invocation's response.
MAX_RESPONSE_BYTES: Final = 6 * 1024 * 1024


class InvocationError(Exception):
    """An invocation failed the way Lambda reports it: ``kind`` is Lambda's errorType-ish word."""

    def __init__(self, function: Function, request_id: str, kind: str, message: str) -> None:
        super().__init__(f"{function.logical_id} ({request_id}): {kind}: {message}")
        self.function = function
        self.request_id = request_id
        self.kind = kind
        self.message = message


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


@dataclass
class Container:
    name: str
    handler: Callable[[Any, LambdaContext], Any]
    log_stream_name: str
    invocations: int = 0


class FunctionPool:
    """The containers of one function."""

    _module_numbers = count(1)

    def __init__(self, function: Function, *, max_containers: int = DEFAULT_MAX_CONTAINERS) -> None:
        self.function = function
        self.max_containers = max_containers
        self._idle: list[Container] = []
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
        timed_out = False
        try:
            started = time.monotonic()
            context = LambdaContext(
                function_name=self.function.name,
                invoked_function_arn=self.function.arn,
                memory_limit_in_mb=self.function.memory_size,
                aws_request_id=request_id,
                log_group_name=f"/aws/lambda/{self.function.name}",
                log_stream_name=container.log_stream_name,
                deadline=started + self.function.timeout,
            )
            container.invocations += 1
            # The event and the result cross a JSON boundary in Lambda; so they do here, which
            # also catches a handler that returns something Lambda could not serialize.
            payload = json.loads(json.dumps(event))
            try:
                result = container.handler(payload, context)
            except Exception as error:
                LOGGER.exception("%s %s: unhandled %s", self.function.logical_id, request_id, type(error).__name__)
                raise InvocationError(
                    self.function, request_id, "Unhandled", f"{type(error).__name__}: {error}"
                ) from error
            elapsed = time.monotonic() - started
            if elapsed > self.function.timeout:
                # Lambda would have stopped the handler and thrown its environment away.
                timed_out = True
                message = f"Task timed out after {self.function.timeout:.2f} seconds (took {elapsed:.2f})"
                LOGGER.error("%s %s: %s", self.function.logical_id, request_id, message)
                raise InvocationError(self.function, request_id, "Sandbox.Timedout", message)
            return self._marshal(result, request_id)
        finally:
            self._release(container, discard=timed_out)

    def _marshal(self, result: Any, request_id: str) -> Any:
        try:
            text = json.dumps(result)
        except (TypeError, ValueError) as error:
            LOGGER.error("%s %s: the result is not JSON: %s", self.function.logical_id, request_id, error)
            raise InvocationError(self.function, request_id, "Runtime.MarshalError", str(error)) from error
        if len(text.encode()) > MAX_RESPONSE_BYTES:
            raise InvocationError(self.function, request_id, "ResponseSizeTooLarge", "the response is over 6 MB")
        return json.loads(text)

    def _acquire(self, request_id: str) -> Container:
        with self._changed:
            while not self._idle and self._loaded >= self.max_containers:
                self._changed.wait()
            if self._idle:
                return self._idle.pop()  # the most recently used: the warmest
            self._loaded += 1
        try:
            return self._load()  # outside the lock: a cold start may take a while
        except BaseException as error:
            with self._changed:
                self._loaded -= 1
                self._changed.notify()
            if isinstance(error, Exception):
                LOGGER.exception("%s %s: the handler module failed to load", self.function.logical_id, request_id)
                raise InvocationError(self.function, request_id, "Runtime.ImportModuleError", str(error)) from error
            raise

    def _release(self, container: Container, *, discard: bool) -> None:
        with self._changed:
            if discard:
                self._loaded -= 1
            else:
                self._idle.append(container)
            self._changed.notify()

    def _load(self) -> Container:
        number = next(self._module_numbers)
        module_name = f"_devstack_{self.function.logical_id}_{number}"
        module = load_module(module_name, self.function.handler_file)
        handler = getattr(module, self.function.handler_function, None)
        if not callable(handler):
            sys.modules.pop(module_name, None)
            raise AttributeError(f"{self.function.handler_file} has no function {self.function.handler_function}")
        LOGGER.debug("%s: new container %s", self.function.logical_id, module_name)
        stream = f"{time.strftime('%Y/%m/%d')}/[$LATEST]{uuid.uuid4().hex}"
        return Container(name=module_name, handler=handler, log_stream_name=stream)


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

    def __init__(self, template: Template, *, max_containers: int = DEFAULT_MAX_CONTAINERS) -> None:
        self.template = template
        self.pools = {
            logical_id: FunctionPool(function, max_containers=max_containers)
            for logical_id, function in template.functions.items()
        }
        add_code_paths(template)

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
