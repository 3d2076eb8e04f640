"""``python -m devstack [--port N]``: the whole service on this machine, no Docker, no AWS account.

The console shows a banner and one line per request; the functions' own logs (Powertools writes
JSON to stdout) and every traceback go to <state dir>/stack.log.
"""

import argparse
import logging
import os
import shlex
import signal
import sys
import threading
from collections.abc import Mapping
from datetime import datetime
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from devstack.bootstrap import DemoState
from devstack.lambdas import DEFAULT_MAX_CONTAINERS
from devstack.stack import REPO_ROOT, RunningStack, start

DEMO_LEAD = (
    '{"first_name": "Jamie", "last_name": "Lee", "email": "jamie@example.com", "phone": "555-0100", '
    '"message": "Is the house on Elm Street still available?", "source": "website"}'
)


def main(argv: list[str] | None = None) -> int:
    arguments = _parser().parse_args(argv)
    root: Path = arguments.root.resolve()
    state_dir: Path = (arguments.state_dir or root / ".local").resolve()
    state_dir.mkdir(parents=True, exist_ok=True)
    # A stack.json from an earlier run must never be mistaken for this one's.
    (state_dir / "stack.json").unlink(missing_ok=True)
    console = sys.stdout
    log_file = (state_dir / "stack.log").open("w", encoding="utf-8", buffering=1)
    _configure_logging(console, log_file)
    # The functions print their logs: into the log file, not over the access log.
    sys.stdout = log_file

    stopping = threading.Event()

    def on_signal(number: int, frame: FrameType | None) -> None:
        stopping.set()

    signal.signal(signal.SIGINT, on_signal)
    signal.signal(signal.SIGTERM, on_signal)

    def say(line: str) -> None:
        console.write(line + "\n")
        console.flush()

    def warn(message: str) -> None:
        logging.getLogger("devstack").warning("%s", message)

    try:
        stack = start(
            arguments.port,
            root,
            template_path=arguments.template,
            parameters=dict(arguments.parameters),
            access_log=lambda line: say(f"{datetime.now():%H:%M:%S} {line}"),
            warn=warn,
            on_listening=lambda url: say(f"devstack: listening on {url}"),
            should_stop=stopping.is_set,
            max_containers=arguments.max_containers,
        )
    except Exception as error:
        logging.getLogger("devstack").exception("the local stack did not start")
        say(f"devstack: the local stack did not start: {type(error).__name__}: {error} (see {state_dir / 'stack.log'})")
        return 1
    try:
        demo = stack.demo or DemoState(api_url=stack.api_url)
        demo.write(state_dir)
        say(_banner(stack, demo, state_dir))
        stopping.wait()
        say("devstack: stopping")
    finally:
        stack.stop()
        sys.stdout = console
        log_file.close()
    return 0


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m devstack", description=__doc__)
    parser.add_argument(
        "--port",
        type=int,
        default=int(os.environ.get("PORT", "3000")),
        help="0 picks a free port (default: $PORT or 3000)",
    )
    parser.add_argument(
        "--root", type=Path, default=REPO_ROOT, help="the repository (template.yaml, functions/, layers/)"
    )
    parser.add_argument("--template", type=Path, default=None, help="default: <root>/template.yaml")
    parser.add_argument(
        "--state-dir", type=Path, default=None, help="where stack.json and stack.log go (default: <root>/.local)"
    )
    parser.add_argument(
        "--max-containers",
        type=int,
        default=DEFAULT_MAX_CONTAINERS,
        help=f"containers per function at most, as a reserved concurrency (default: {DEFAULT_MAX_CONTAINERS})",
    )
    parser.add_argument(
        "--parameter",
        dest="parameters",
        action="append",
        default=[],
        type=_parameter,
        metavar="NAME=VALUE",
        help="override a template parameter (repeatable)",
    )
    return parser


def _parameter(text: str) -> tuple[str, str]:
    name, equals, value = text.partition("=")
    if not equals or not name:
        raise argparse.ArgumentTypeError(f"expected NAME=VALUE, got {text!r}")
    return name, value


class _MessageOnly(logging.Formatter):
    """For the console: the message, never a traceback (that is in the log file)."""

    def format(self, record: logging.LogRecord) -> str:
        suffix = " (traceback in stack.log)" if record.exc_info else ""
        return f"devstack: {record.getMessage()}{suffix}"


def _configure_logging(console: TextIO, log_file: TextIO) -> None:
    to_file = logging.StreamHandler(log_file)
    to_file.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    to_console = logging.StreamHandler(console)
    to_console.setLevel(logging.WARNING)
    to_console.setFormatter(_MessageOnly())
    logging.basicConfig(level=logging.INFO, handlers=[to_file, to_console], force=True)
    # botocore and werkzeug at INFO would fill the log with every AWS call.
    for noisy in ("botocore", "boto3", "urllib3", "werkzeug", "devstack.moto"):
        logging.getLogger(noisy).setLevel(logging.WARNING)


def _scope(login: Mapping[str, Any]) -> str:
    if login.get("agent_id"):
        return f"agent {login['agent_id']}"
    if login.get("office_ids"):
        return f"office manager of {', '.join(login['office_ids'])}"
    return str(login["role"])


def _banner(stack: RunningStack, demo: DemoState, state_dir: Path) -> str:
    url = stack.api_url
    lines = [
        "",
        "Lead router is running locally (moto for AWS; nothing leaves this machine).",
        f"  API          {url}/v1/...",
        f"  OpenAPI      {url}/v1/openapi.json",
        f"  Demo form    {url}/_local/",
        f"  Mailbox      {url}/_local/mail",
        f"  Texts        {url}/_local/sms",
        f"  Events       {url}/_local/events.json",
        f"  State        {state_dir / 'stack.json'}",
        f"  Logs         {state_dir / 'stack.log'}",
    ]
    if demo.company_id and demo.admin_key:
        leads_url = f"{url}/v1/companies/{demo.company_id}/leads"
        lines += [
            f"  Demo company {demo.company_id}",
            f"  Admin key    {demo.admin_key}",
        ]
        if demo.logins:
            lines += ["", f"The console: {demo.console_url} (sign in as one of these)"]
            lines += [f"  {_scope(login):<28} {login['email']:<28} {login['password']}" for login in demo.logins]
        lines += [
            "",
            "Post a lead to the demo company:",
            f"  curl -sS -X POST {shlex.quote(leads_url)} -H 'Content-Type: application/json' \\",
            f"    -d {shlex.quote(DEMO_LEAD)}",
        ]
    else:
        lines += ["", "The demo company could not be created (see the warnings above)."]
    lines += ["", "Ctrl-C stops it.", ""]
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
