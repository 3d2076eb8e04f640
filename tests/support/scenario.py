"""Building a brokerage through the API, the way a back office would."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.client import Answer, ApiClient


class UnexpectedAnswer(AssertionError):
    pass


def expect(answer: Answer, status: int) -> Any:
    if answer.status != status:
        raise UnexpectedAnswer(f"expected {status}, got {answer.status}: {answer.text[:500]}")
    return answer.json


@dataclass
class Company:
    api: ApiClient
    company_id: str
    admin_key: str
    time_zone: str = "UTC"

    def local_day(self, moment: str) -> str:
        """The day of an ISO `moment` (a lead's created_at) in the company's calendar, as its emails and
        history name it."""
        return datetime.fromisoformat(moment).astimezone(ZoneInfo(self.time_zone)).date().isoformat()

    def leads_path(self) -> str:
        return f"/v1/companies/{self.company_id}/leads"

    def settings(self, **changes: Any) -> dict[str, Any]:
        return expect(self.api.put("/v1/settings", json_body=changes, key=self.admin_key), 200)  # type: ignore[no-any-return]

    def agent(self, agent_id: int | None = None, **fields: Any) -> dict[str, Any]:
        body: dict[str, Any] = {"name": f"Agent {agent_id}", "email": f"agent{agent_id}@brokerage.test", **fields}
        if agent_id is not None:
            body["agent_id"] = agent_id
        return expect(self.api.post("/v1/agents", json_body=body, key=self.admin_key), 201)  # type: ignore[no-any-return]

    def agents(self, ids: Iterable[int], **fields: Any) -> None:
        for agent_id in ids:
            self.agent(agent_id, **fields)

    def office(self, office_id: str, name: str | None = None) -> dict[str, Any]:
        body = {"office_id": office_id, "name": name or office_id.title()}
        return expect(self.api.post("/v1/offices", json_body=body, key=self.admin_key), 201)  # type: ignore[no-any-return]

    def key(self, role: str, **scope: Any) -> str:
        issued = expect(self.api.post("/v1/keys", json_body={"role": role, **scope}, key=self.admin_key), 201)
        return str(issued["key"])

    def submit(self, lead: Mapping[str, Any] | None = None, **kwargs: Any) -> Answer:
        body = dict(lead or {"first_name": "Pat", "last_name": "Doe", "email": "pat@example.net"})
        return self.api.post(self.leads_path(), json_body=body, **kwargs)

    def lead(self, lead_id: str) -> dict[str, Any]:
        return expect(self.api.get(f"/v1/leads/{lead_id}", key=self.admin_key), 200)  # type: ignore[no-any-return]


def create_company(api: ApiClient, operator_key: str, name: str = "Test Realty", time_zone: str = "UTC") -> Company:
    created = expect(api.post("/v1/companies", json_body={"name": name, "time_zone": time_zone}, key=operator_key), 201)
    return Company(api, created["company_id"], created["admin_key"], time_zone)


def unique_lead(n: int, **extra: Any) -> dict[str, Any]:
    """Distinct bodies: the same body twice within the window is, on purpose, the same lead."""
    return {"first_name": "Lead", "last_name": str(n), "email": f"lead{n}@example.net", **extra}


def leads_today(company: Company) -> dict[int, int]:
    """Each round-robin queue agent's leads counted today against their daily cap (the queue endpoint)."""
    queue = expect(company.api.get("/v1/routing/queue", key=company.admin_key), 200)
    return {agent["agent_id"]: agent["leads_today"] for agent in queue["agents"]}
