"""A company's whole routing configuration, as the cascade reads it: one object, cached by version."""

from dataclasses import dataclass, field
from datetime import datetime

from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.errors import Conflict
from leadrouter.domain.routes import Route, by_priority


@dataclass(frozen=True)
class CompanyConfig:
    company: Company
    agents: dict[int, Agent] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)

    @property
    def version(self) -> int:
        return self.company.config_version

    @property
    def settings(self) -> CompanySettings:
        return self.company.settings

    def agents_by_id(self) -> list[Agent]:
        return [self.agents[agent_id] for agent_id in sorted(self.agents)]

    def routes_by_priority(self) -> list[Route]:
        """Every route, active or not, in the order the cascade tries them."""
        return by_priority(self.routes.values())

    def agent_with_mls_id(self, mls_id: str) -> Agent | None:
        wanted = mls_id.strip().casefold()
        for agent in self.agents_by_id():
            if agent.mls_id is not None and agent.mls_id.strip().casefold() == wanted and agent.active:
                return agent
        return None

    def round_robin_queue(self, at: datetime) -> tuple[list[int], list[tuple[int, str]]]:
        """Eligible ids in ascending order, and the skips worth telling (away agents), by agent id."""
        queue: list[int] = []
        skipped: list[tuple[int, str]] = []
        for agent in self.agents_by_id():
            if not (agent.active and agent.in_auto_assign_queue):
                continue
            if agent.is_away(at):
                skipped.append((agent.agent_id, f"agent {agent.agent_id} skipped: {agent.unavailable_reason(at)}"))
                continue
            queue.append(agent.agent_id)
        return queue, skipped


class StaleConfiguration(Conflict):
    """A write checked against one configuration found another one stored (or its item gone): check again."""

    code = "stale_configuration"
