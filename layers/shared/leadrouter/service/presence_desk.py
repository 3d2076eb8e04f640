"""An agent's presence as they set it and read it (PUT/GET /v1/me/status): one agent write, checked and
versioned like an admin's (service/configuration.py), so the agent's change and an admin's are the same kind
of change, published the same way (domain/presence_changes.py), and the next decision reads it."""

from dataclasses import dataclass
from datetime import datetime

from leadrouter.domain.agents import Agent
from leadrouter.domain.errors import NotFound
from leadrouter.domain.ports import Clock
from leadrouter.domain.principals import Principal, Role
from leadrouter.service.configuration import ConfigurationService


@dataclass(frozen=True)
class Presence:
    agent: Agent
    at: datetime
    unavailable_reason: str | None  # now, as routing would say it (None: available)


class PresenceDesk:
    def __init__(self, configuration: ConfigurationService, clock: Clock) -> None:
        self._configuration = configuration
        self._clock = clock

    def mine(self, principal: Principal) -> Presence:
        return self._presence(principal, self._agent_id(principal))

    def set_mine(self, principal: Principal, status: str, reason: str | None) -> Presence:
        agent_id = self._agent_id(principal)
        self._configuration.patch_agent(principal.company, agent_id, {"status": status, "status_reason": reason})
        return self._presence(principal, agent_id)

    @staticmethod
    def _agent_id(principal: Principal) -> int:
        principal.require(Role.AGENT)
        assert principal.agent_id is not None
        return principal.agent_id

    def _presence(self, principal: Principal, agent_id: int) -> Presence:
        # Through the company's configuration: hours without a zone are in the company's.
        agent = self._configuration.load(principal.company).agents.get(agent_id)
        if agent is None:
            raise NotFound(f"No agent {agent_id}.")
        now = self._clock.now()
        return Presence(agent, now, agent.unavailable_reason(now))
