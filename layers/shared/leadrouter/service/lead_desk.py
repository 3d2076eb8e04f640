"""Admins' and office managers' view of leads: listing, reading, assigning."""

from dataclasses import replace

from leadrouter.domain.errors import InvalidInput, NotFound
from leadrouter.domain.leads import Lead
from leadrouter.domain.lifecycle import assign, to_office
from leadrouter.domain.ports import Clock
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery, Page
from leadrouter.service.ports import ConfigRepository, EventPublisher, LeadRepository
from leadrouter.service.publishing import publish_new_entries


class LeadDesk:
    def __init__(
        self, config: ConfigRepository, leads: LeadRepository, publisher: EventPublisher, clock: Clock
    ) -> None:
        self._config = config
        self._leads = leads
        self._publisher = publisher
        self._clock = clock

    def list(self, principal: Principal, query: LeadQuery) -> Page[Lead]:
        if principal.role is Role.OFFICE_MANAGER:
            if query.office_id is not None and query.office_id not in principal.office_ids:
                return Page()
            query = replace(query, office_ids=principal.office_ids)
        return self._leads.list(principal.company, query)

    def get(self, principal: Principal, lead_id: str) -> Lead:
        lead = self._leads.get(principal.company, lead_id)
        if principal.role is Role.OFFICE_MANAGER and lead.office_id not in principal.office_ids:
            raise NotFound(f"No lead {lead_id}.")
        return lead

    def assign_to_agent(self, principal: Principal, lead_id: str, agent_id: int) -> Lead:
        lead = self.get(principal, lead_id)
        config = self._config.load(principal.company)
        agent = config.agents.get(agent_id)
        if agent is None:
            raise InvalidInput(f"agent_id: no agent {agent_id} in this company")
        if not agent.active:
            raise InvalidInput(f"agent_id: agent {agent_id} is inactive")
        if principal.role is Role.OFFICE_MANAGER:
            if agent.office_id not in principal.office_ids:
                raise InvalidInput(f"agent_id: agent {agent_id} is not in your offices")
            if not agent.lead_management:
                raise InvalidInput(f"agent_id: agent {agent_id} has no lead management")
        before = len(lead.history)
        who = "an office manager" if principal.role is Role.OFFICE_MANAGER else "an admin"
        assign(
            lead,
            agent_id,
            agent.office_id,
            f"Assigned to agent {agent_id} ({agent.display_name()}) by {who} (key {principal.key_id}).",
            self._clock.now(),
            step="manual",
            by=principal.key_id,
        )
        self._leads.save(lead)
        publish_new_entries(self._publisher, lead, before)
        return lead

    def assign_to_office(self, principal: Principal, lead_id: str, office_id: str) -> Lead:
        principal.require(Role.ADMIN)
        lead = self.get(principal, lead_id)
        office = self._config.load(principal.company).offices.get(office_id)
        if office is None:
            raise InvalidInput(f"office_id: no office {office_id!r} in this company")
        before = len(lead.history)
        to_office(
            lead,
            office.office_id,
            f"Sent to office {office.office_id} ({office.name}) by an admin (key {principal.key_id}); "
            "its office managers assign it to an agent.",
            self._clock.now(),
            by=principal.key_id,
        )
        self._leads.save(lead)
        publish_new_entries(self._publisher, lead, before)
        return lead
