"""The local stack, in this process, with companies made through its API like a back office would."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
import requests

import devstack
from devstack.lambdas import Isolation
from devstack.stack import RunningStack

ROOT = Path(__file__).resolve().parent.parent
SEED_ABOVE = 20


@dataclass
class BenchCompany:
    company_id: str
    admin_key: str


class LocalStack:
    def __init__(self, isolation: Isolation = "thread") -> None:
        """``thread``: the functions run in this process, so a botocore hook counts their AWS requests (one
        invocation at a time). ``process``: each container a process, as in Lambda, for concurrency."""
        self.stack: RunningStack = devstack.start(
            port=0,
            bootstrap=False,
            access_log=lambda line: None,
            parameters={"LogLevel": "ERROR"},
            isolation=isolation,
        )
        from leadrouter_cli import create_operator_key

        table = self.stack.resources.table_names[0]
        self.operator_key = create_operator_key(boto3.client("dynamodb"), table)
        self.session = requests.Session()

    def call(self, method: str, path: str, key: str | None = None, body: Any = None) -> Any:
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        answer = self.session.request(method, self.stack.api_url + path, json=body, headers=headers, timeout=60)
        if answer.status_code >= 400:
            raise RuntimeError(f"{method} {path}: {answer.status_code} {answer.text[:300]}")
        return answer.json() if answer.text else None

    def company(self, agents: int = 0, **settings: Any) -> BenchCompany:
        created = self.call("POST", "/v1/companies", self.operator_key, {"name": "Bench Realty", "time_zone": "UTC"})
        company = BenchCompany(created["company_id"], created["admin_key"])
        if agents > SEED_ABOVE:
            # Thousands of agents through the API would take minutes: write them straight into the table.
            from tests.support.seeding import seed_agents

            seed_agents(
                self.stack.resources.table_names[0],
                company.company_id,
                range(1, agents + 1),
                in_auto_assign_queue=True,
                click_to_claim=True,
                lead_management=True,
            )
            agents = 0
        for agent_id in range(1, agents + 1):
            body = {
                "agent_id": agent_id,
                "name": f"Agent {agent_id}",
                "email": f"agent{agent_id}@bench.test",
                "in_auto_assign_queue": True,
                "click_to_claim": True,
                "lead_management": True,
                "criteria": {"zips": [f"6{agent_id % 1000:04d}"]},
            }
            self.call("POST", "/v1/agents", company.admin_key, body)
        if settings:
            self.call("PUT", "/v1/settings", company.admin_key, settings)
        return company

    def intake_event(self, company_id: str, n: int, **fields: Any) -> dict[str, Any]:
        sample = (ROOT / "events/intake/post_lead_json.json").read_text()
        event: dict[str, Any] = json.loads(sample.replace("co_01m87bqwswwsxrm5tmvc86had8", company_id))
        # One person per n (its own email, and its own last name beside the sample's phone): a returning lead
        # only where a benchmark means one.
        body = {**json.loads(event["body"]), "email": f"bench{n}@example.net", "last_name": f"Bench {n}", **fields}
        event["body"] = json.dumps(body)
        return event

    def intake(self, event: dict[str, Any]) -> dict[str, Any]:
        answer: dict[str, Any] = self.stack.runtime.invoke("IntakeFunction", event)
        if answer["statusCode"] != 202:
            raise RuntimeError(f"intake answered {answer['statusCode']}: {answer['body'][:300]}")
        return dict(json.loads(answer["body"]))

    def stop(self) -> None:
        self.stack.stop()
