"""A company's whole routing configuration, as the cascade reads it: one object, cached by version.

Immutable by contract: a change of configuration is a new CompanyConfig. Its routing index (what the
cascade looks up: agents and routes in order, criteria, queues) is built once, when the first decision
needs it, and lives exactly as long as this configuration version does (a warm container's cache)."""

from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property

from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.company import Company, CompanySettings
from leadrouter.domain.errors import Conflict
from leadrouter.domain.routes import Route
from leadrouter.domain.routing_index import RoutingIndex


@dataclass(frozen=True)
class CompanyConfig:
    company: Company
    agents: dict[int, Agent] = field(default_factory=dict)
    offices: dict[str, Office] = field(default_factory=dict)
    routes: dict[str, Route] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Hours and out-of-office dates without a zone of their own are in the company's: the agents learn
        # it here, where they meet their company (an agent with neither never looks at it).
        time_zone = self.company.settings.time_zone
        for agent in self.agents.values():
            if agent.working_hours is not None or agent.out_of_office:
                agent.in_company_zone(time_zone)

    @property
    def version(self) -> int:
        return self.company.config_version

    @property
    def settings(self) -> CompanySettings:
        return self.company.settings

    @cached_property
    def routing_index(self) -> RoutingIndex:
        return RoutingIndex(self.agents, self.routes)

    def agents_by_id(self) -> list[Agent]:
        return list(self.routing_index.agents_by_id)

    def routes_by_priority(self) -> list[Route]:
        """Every route, active or not, in the order the cascade tries them."""
        return list(self.routing_index.routes_by_priority)

    def agent_with_mls_id(self, mls_id: str) -> Agent | None:
        return self.routing_index.agent_with_mls_id(mls_id)

    def round_robin_queue(self, at: datetime) -> tuple[list[int], list[tuple[int, str]]]:
        """Eligible ids in ascending order, and the skips worth telling (away agents), by agent id."""
        queue, away = self.routing_index.round_robin_queue(at)
        return list(queue), [(agent.agent_id, away_skip(agent, at)) for agent in away]

    def backup_for(self, agent: Agent, at: datetime) -> tuple[Agent | None, str | None]:
        """For a lead that names `agent`: the backup of their current out-of-office period when one is set and
        available, else None, with why that backup is passed over (None when there is nothing to tell)."""
        period = agent.out_of_office_at(at)
        if period is None or period.backup_agent_id is None:
            return None, None
        backup = self.agents.get(period.backup_agent_id)
        if backup is None:
            return None, f"backup agent {period.backup_agent_id} is no longer an agent of the company"
        reason = backup.unavailable_reason(at)
        if reason is not None:
            return None, f"backup agent {backup.agent_id} ({backup.display_name()}) is {reason}"
        return backup, None


def away_skip(agent: Agent, at: datetime) -> str:
    """Why round robin passes over an agent of its queue."""
    return f"agent {agent.agent_id} skipped: {agent.unavailable_reason(at)}"


class StaleConfiguration(Conflict):
    """A write checked against one configuration found another one stored (or its item gone): check again."""

    code = "stale_configuration"
