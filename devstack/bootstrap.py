"""Seed the local stack the way a new user would: an operator key, then a demo company over HTTP.

Only the operator key is written directly (as the command line tool does against a deployed
stack); everything else goes through the public API, so a broken endpoint shows up here as a
clear warning while the stack still starts.
"""

import importlib
import json
import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Final

from devstack.demo_logins import create_demo_logins
from devstack.template import Template

DEMO_COMPANY: Final = {"name": "Demo Realty", "time_zone": "America/Chicago"}
DEMO_OFFICE: Final = {"office_id": "downtown", "name": "Downtown"}
DEMO_AGENTS: Final[tuple[dict[str, Any], ...]] = (
    {
        "agent_id": 101,
        "name": "Avery Stone",
        "email": "avery@demo-realty.test",
        "phone": "555-0101",
        "in_auto_assign_queue": True,
        "click_to_claim": True,
        "lead_management": True,
    },
    {
        "agent_id": 102,
        "name": "Blake Rivera",
        "email": "blake@demo-realty.test",
        "mls_id": "MLS-2002",
        "office_id": "downtown",
        "in_auto_assign_queue": True,
        "click_to_claim": False,
        "lead_management": True,
    },
    {
        "agent_id": 103,
        "name": "Casey Nguyen",
        "email": "casey@demo-realty.test",
        "in_auto_assign_queue": True,
        "click_to_claim": True,
        "lead_management": False,
    },
    {
        "agent_id": 104,
        "name": "Drew Patel",
        "email": "drew@demo-realty.test",
        "office_id": "downtown",
        "in_auto_assign_queue": False,
        "click_to_claim": False,
        "lead_management": True,
    },
)
_TIMEOUT_SECONDS: Final = 30


@dataclass
class DemoState:
    """What .local/stack.json holds."""

    api_url: str
    operator_key: str | None = None
    company_id: str | None = None
    admin_key: str | None = None
    # The console's demo users: [{"email", "password", "role", "agent_id" | "office_ids"}]
    logins: list[dict[str, Any]] = field(default_factory=list)
    console_url: str | None = None

    def write(self, state_dir: Path) -> Path:
        """Write stack.json atomically: a reader never sees half a file."""
        state_dir.mkdir(parents=True, exist_ok=True)
        path = state_dir / "stack.json"
        partial = state_dir / f".stack.json.{os.getpid()}.tmp"
        partial.write_text(json.dumps(asdict(self), indent=2) + "\n", encoding="utf-8")
        partial.replace(path)
        return path


def bootstrap_demo(
    api_url: str,
    template: Template,
    dynamodb: Any,
    warn: Callable[[str], None],
    should_stop: Callable[[], bool] = lambda: False,
    cognito: Any = None,
) -> DemoState:
    state = DemoState(api_url=api_url)
    state.operator_key = _operator_key(template, dynamodb, warn)
    if state.operator_key is None or should_stop():
        return state
    status, answer = call_api("POST", f"{api_url}/v1/companies", state.operator_key, DEMO_COMPANY)
    if status != 201 or not isinstance(answer, dict) or "company_id" not in answer:
        warn(f"creating the demo company failed: POST /v1/companies answered {status} {_short(answer)}")
        return state
    state.company_id, state.admin_key = str(answer["company_id"]), str(answer.get("admin_key"))
    steps: list[tuple[str, str, Any]] = [
        # Click to claim first (Avery and Casey race for each lead in the console), then round robin.
        (
            "PUT",
            "/v1/settings",
            {"auto_assign_enabled": True, "click_to_claim_enabled": True, "agents_can_claim_unassigned": True},
        ),
        ("POST", "/v1/offices", DEMO_OFFICE),
        *(("POST", "/v1/agents", agent) for agent in DEMO_AGENTS),
    ]
    for method, path, body in steps:
        if should_stop():
            break
        status, answer = call_api(method, f"{api_url}{path}", state.admin_key, body)
        if not 200 <= status < 300:
            warn(f"demo data: {method} {path} answered {status} {_short(answer)}")
    if cognito is not None and not should_stop():
        admin_key = state.admin_key
        state.logins = create_demo_logins(
            lambda method, path, body: call_api(method, f"{api_url}{path}", admin_key, body), template, cognito, warn
        )
        state.console_url = f"{api_url}/app/"
    return state


def _operator_key(template: Template, dynamodb: Any, warn: Callable[[str], None]) -> str | None:
    table = _service_table(template)
    if table is None:
        warn("the template has no DynamoDB table: no operator key")
        return None
    try:
        # Imported when used: the stack must start even while the command line tool is missing.
        create_operator_key = importlib.import_module("leadrouter_cli").create_operator_key
        return str(create_operator_key(dynamodb, table))
    except Exception as error:
        warn(f"no operator key (leadrouter_cli.create_operator_key failed: {type(error).__name__}: {error})")
        return None


def _service_table(template: Template) -> str | None:
    """The table the functions use (their TABLE_NAME), else the template's first table."""
    names = [table.name for table in template.tables]
    for function in template.functions.values():
        if function.environment.get("TABLE_NAME") in names:
            return function.environment["TABLE_NAME"]
    return names[0] if names else None


def call_api(method: str, url: str, key: str | None, body: Any = None) -> tuple[int, Any]:
    """One JSON call; answers (status, parsed body or text). Status 0 when nothing answered."""
    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(url, data=data, method=method)  # noqa: S310 - our own http URL
    request.add_header("Content-Type", "application/json")
    request.add_header("Accept", "application/json")
    if key:
        request.add_header("Authorization", f"Bearer {key}")
    try:
        with urllib.request.urlopen(request, timeout=_TIMEOUT_SECONDS) as answer:  # noqa: S310
            return int(answer.status), _parse(answer.read())
    except urllib.error.HTTPError as error:
        return int(error.code), _parse(error.read())
    except (urllib.error.URLError, TimeoutError, ConnectionError) as error:
        return 0, str(error)


def _parse(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


def _short(answer: Any) -> str:
    text = answer if isinstance(answer, str) else json.dumps(answer)
    return text if len(text) <= 200 else text[:197] + "..."
