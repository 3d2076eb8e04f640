"""Admins' and office managers' view of leads: listing, reading, assigning (which closes any open offer, and
becomes an acceptance offer when the company requires acceptance)."""

from dataclasses import replace

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import InvalidInput, NotFound
from leadrouter.domain.ids import new_offer_id
from leadrouter.domain.leads import Lead
from leadrouter.domain.lifecycle import OfferTerms, check_version, close_open_offer, place, to_office
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery, Page
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.ports import LeadRepository


class LeadDesk:
    def __init__(self, leads: LeadRepository, changes: LeadChanges, clock: Clock, rng: RandomSource) -> None:
        self._leads = leads
        self._changes = changes
        self._clock = clock
        self._rng = rng

    def list(self, principal: Principal, query: LeadQuery) -> Page[Lead]:
        if principal.role is Role.OFFICE_MANAGER:
            if query.office_id is not None and query.office_id not in principal.office_ids:
                return Page()
            query = replace(query, office_ids=principal.office_ids)
        return self._leads.list(principal.company, query)

    def get(self, principal: Principal, lead_id: str) -> Lead:
        lead = self._leads.get(principal.company, lead_id)
        _check_scope(principal, lead)
        return lead

    def assign_to_agent(
        self, principal: Principal, lead_id: str, agent_id: int, expected_version: int | None = None
    ) -> Lead:
        self.get(principal, lead_id)
        who = "an office manager" if principal.role is Role.OFFICE_MANAGER else "an admin"

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            _check_scope(principal, lead)
            check_version(lead, expected_version)
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
            if agent_id in lead.declined_agent_ids:
                raise InvalidInput(f"agent_id: agent {agent_id} already passed on or rejected this lead")
            now = self._clock.now()
            close_open_offer(lead, now, f"{who} assigned the lead.", principal.key_id)
            place(
                lead,
                agent_id,
                agent.office_id,
                f"Assigned to agent {agent_id} ({agent.display_name()}) by {who} (key {principal.key_id}).",
                now,
                step="manual",
                by=principal.key_id,
                terms=OfferTerms(new_offer_id(now, self._rng), config.settings),
            )

        # One attempt: when another change won the race, the admin sees 409 and decides again.
        return self._changes.apply(principal.company, lead_id, change, retry_conflicts=False)

    def assign_to_office(
        self, principal: Principal, lead_id: str, office_id: str, expected_version: int | None = None
    ) -> Lead:
        principal.require(Role.ADMIN)
        self.get(principal, lead_id)

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            check_version(lead, expected_version)
            office = config.offices.get(office_id)
            if office is None:
                raise InvalidInput(f"office_id: no office {office_id!r} in this company")
            now = self._clock.now()
            close_open_offer(lead, now, "an admin sent the lead to an office.", principal.key_id)
            to_office(
                lead,
                office.office_id,
                f"Sent to office {office.office_id} ({office.name}) by an admin (key {principal.key_id}); "
                "its office managers assign it to an agent.",
                now,
                by=principal.key_id,
            )

        return self._changes.apply(principal.company, lead_id, change, retry_conflicts=False)


def _check_scope(principal: Principal, lead: Lead) -> None:
    if principal.role is Role.OFFICE_MANAGER and lead.office_id not in principal.office_ids:
        raise NotFound(f"No lead {lead.lead_id}.")
