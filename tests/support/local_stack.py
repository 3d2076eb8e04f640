"""`make run`'s local stack started in a subprocess for the end-to-end tests, and what it tells them (its
address, the operator's and demo admin's keys, the demo logins)."""

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.support.client import ApiClient, HttpTransport

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT_SECONDS = 90


@dataclass(frozen=True)
class LocalStack:
    api_url: str
    operator_key: str
    demo_company_id: str
    demo_admin_key: str
    log: Path
    # The demo company's console users, with their passwords (`make run` prints them).
    logins: tuple[dict[str, Any], ...] = ()

    def client(self, timeout: float = 30) -> ApiClient:
        """`timeout`: seconds an answer may take (the load test's requests queue for the stack's containers)."""
        return ApiClient(HttpTransport(self.api_url, timeout))


@contextmanager
def started_stack(state: Path, *arguments: str) -> Iterator[LocalStack]:
    """`make run`'s local stack in a subprocess, its state in `state`, with `arguments` of
    `python -m devstack`; stopped on exit."""
    log = state / "console.log"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AWS_")}
    with log.open("w") as console:
        process = subprocess.Popen(
            [sys.executable, "-m", "devstack", "--port", "0", "--state-dir", str(state), *arguments],
            cwd=ROOT,
            env=env,
            stdout=console,
            stderr=subprocess.STDOUT,
        )
    try:
        stack_json = state / "stack.json"
        deadline = time.monotonic() + START_TIMEOUT_SECONDS
        while not stack_json.exists():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the local stack did not start:\n{log.read_text()[-3000:]}")
            time.sleep(0.2)
        info = json.loads(stack_json.read_text())
        yield LocalStack(
            info["api_url"], info["operator_key"], info["company_id"], info["admin_key"], log, tuple(info["logins"])
        )
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
