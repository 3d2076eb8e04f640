"""Starting and stopping the whole local stack in this process.

One stack per process: moto keeps its backends in module globals, and the functions share
os.environ. (That is also why end-to-end tests run ``python -m devstack`` as a subprocess:
``moto.mock_aws()`` in other tests resets the same globals.)
"""

import contextlib
import logging
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import TracebackType
from typing import Final, Self

import boto3

from devstack.bootstrap import DemoState, bootstrap_demo
from devstack.eventlog import EventLog
from devstack.gateway import Gateway
from devstack.lambdas import DEFAULT_MAX_CONTAINERS, Isolation, LambdaRuntime, function_environment
from devstack.mailbox import Mailbox
from devstack.moto_server import MotoServer, apply_environment, point_process_at
from devstack.pages import LocalSite
from devstack.queues import QueuePoller
from devstack.resources import CreatedResources, create_resources
from devstack.scheduler import ScheduleRunner
from devstack.ses_events import simulated_feedback
from devstack.sms import TextBox
from devstack.streams import StreamPoller
from devstack.template import Template, load_template

LOGGER = logging.getLogger("devstack")
REPO_ROOT: Final = Path(__file__).resolve().parent.parent
# Held while a stack runs: a second one in the same process would share moto's backends.
_ONE_STACK = threading.Lock()


@dataclass
class RunningStack:
    template: Template
    api_url: str
    port: int
    aws_endpoint_url: str
    resources: CreatedResources
    runtime: LambdaRuntime
    mailbox: Mailbox
    event_log: EventLog | None
    demo: DemoState | None = None
    _stoppers: list[Callable[[], None]] = field(default_factory=list, repr=False)

    def stop(self) -> None:
        """Stop the gateway, the scheduler and moto, and restore os.environ. Safe to call twice."""
        while self._stoppers:
            stopper = self._stoppers.pop()
            try:
                stopper()
            except Exception:
                LOGGER.exception("stopping part of the local stack failed")

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, traceback: TracebackType | None
    ) -> None:
        self.stop()


def _sent_messages(template: Template, region: str, moto: MotoServer) -> tuple[Mailbox, TextBox]:
    """The emails and texts moto took, each stamped when first seen: right after the request that sent it."""
    mailbox = Mailbox(template.context.account_id, region, lock=moto.backends_locked)
    texts = TextBox(template.context.account_id, region, lock=moto.backends_locked)
    moto.add_after_request_hook(mailbox.note_new_messages)
    moto.add_after_request_hook(texts.note_new_messages)
    return mailbox, texts


def start(
    port: int = 0,
    root: Path | None = None,
    *,
    template_path: Path | None = None,
    parameters: Mapping[str, str] | None = None,
    bootstrap: bool = True,
    access_log: Callable[[str], None] | None = None,
    warn: Callable[[str], None] | None = None,
    on_listening: Callable[[str], None] | None = None,
    should_stop: Callable[[], bool] = lambda: False,
    max_containers: int = DEFAULT_MAX_CONTAINERS,
    scheduler_interval: float = 0.5,
    isolation: Isolation = "process",
) -> RunningStack:
    """Start moto, create the template's resources, and serve the API on 127.0.0.1:``port``.

    ``port=0`` picks a free port (see ``RunningStack.port``). With ``bootstrap``, an operator
    key and the demo company are created (``RunningStack.demo``). ``on_listening`` gets the API
    URL as soon as the port is bound, before the bootstrap. ``isolation="thread"`` runs the functions in
    this process (one invocation at a time), for benchmarks that count AWS requests with a botocore hook.
    """
    root = (root or REPO_ROOT).resolve()
    template = load_template(template_path or root / "template.yaml", parameters=parameters)
    region = template.context.region
    warn = warn or (lambda message: LOGGER.warning("%s", message))
    if not _ONE_STACK.acquire(blocking=False):
        raise RuntimeError("a local stack is already running in this process; stop it first")
    stoppers: list[Callable[[], None]] = [_ONE_STACK.release]
    try:
        moto = MotoServer()
        moto.start()
        stoppers.append(moto.stop)
        moto.reset()
        previous = point_process_at(moto.endpoint_url, region)
        stoppers.append(lambda: _restore(previous))
        session = boto3.session.Session(region_name=region)
        resources = create_resources(template, session)

        mailbox, texts = _sent_messages(template, region, moto)
        # SES's mailbox simulator: bounce@ and complaint@simulator.amazonses.com produce SES's events.
        feedback = contextlib.ExitStack()
        feedback.enter_context(simulated_feedback(template))
        stoppers.append(feedback.close)
        queue_url = resources.event_queue_url
        runtime = LambdaRuntime(template, max_containers=max_containers, isolation=isolation)
        stoppers.append(runtime.close)
        streams = _stream_poller(template, runtime, session, scheduler_interval, stoppers)
        event_log = EventLog(queue_url, template.context.account_id, region, streams.drain) if queue_url else None
        if event_log is not None:
            moto.add_after_request_hook(event_log.take_captured)
        demo_holder: list[DemoState] = []
        site = LocalSite(
            mailbox,
            event_log,
            lambda: demo_holder[0].company_id if demo_holder else None,
            faults=moto.faults,
            texts=texts,
        )
        gateway = Gateway(template, runtime, port=port, local_pages=site, access_log=access_log)
        stoppers.append(gateway.stop)  # the socket is bound: close it on failure too
        environment = function_environment(template, {"PUBLIC_BASE_URL": gateway.url})
        previous_function_env = apply_environment(dict(environment))
        stoppers.append(lambda: _restore(previous_function_env))

        stoppers.extend(_start_timers(template, runtime, session, scheduler_interval))
        gateway.start()
        if on_listening is not None:
            on_listening(gateway.url)
        stack = RunningStack(
            template=template,
            api_url=gateway.url,
            port=gateway.port,
            aws_endpoint_url=moto.endpoint_url,
            resources=resources,
            runtime=runtime,
            mailbox=mailbox,
            event_log=event_log,
            _stoppers=stoppers,
        )
        if bootstrap:
            clients = (
                session.client("dynamodb", region_name=region),
                session.client("cognito-idp", region_name=region),
            )
            stack.demo = bootstrap_demo(gateway.url, template, clients[0], warn, should_stop, clients[1])
            demo_holder.append(stack.demo)
        return stack
    except BaseException:
        for stopper in reversed(stoppers):
            try:
                stopper()
            except Exception:
                LOGGER.exception("cleaning up after a failed start failed")
        raise


def _start_timers(
    template: Template, runtime: LambdaRuntime, session: boto3.session.Session, scheduler_interval: float
) -> list[Callable[[], None]]:
    """The scheduler and the SQS event sources; answers how to stop them."""
    region = template.context.region
    sqs = session.client("sqs", region_name=region)
    scheduler = ScheduleRunner(
        template, runtime, session.client("scheduler", region_name=region), interval=scheduler_interval, sqs=sqs
    )
    scheduler.start()
    stoppers: list[Callable[[], None]] = [scheduler.stop]
    queues = QueuePoller(template, runtime, session.client("sqs", region_name=region))
    queues.start()
    stoppers.append(queues.stop)
    return stoppers


def _stream_poller(
    template: Template,
    runtime: LambdaRuntime,
    session: boto3.session.Session,
    interval: float,
    stoppers: list[Callable[[], None]],
) -> StreamPoller:
    """Lambda's poller of the table streams the template's functions read (devstack.streams), started."""
    streams = StreamPoller(template, runtime, session, interval=interval)
    streams.start()
    stoppers.append(streams.stop)
    return streams


def _restore(previous: Mapping[str, str | None]) -> None:
    apply_environment(previous)
