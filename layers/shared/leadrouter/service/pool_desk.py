"""The pool from the agents' side (seed 004 §11, seed 000's lead pool), and sending leads back to it.

- With `agents_can_claim_unassigned`, an active agent with lead management lists the pool (unassigned
  leads not sent to an office) and claims a lead from it: theirs at once, never an acceptance offer. The
  claim is one conditional write of the lead; a claim that loses the race is re-run on the fresh lead and
  then finds it taken (409), so the first claim wins.
- The agent who holds a lead, an admin, or an office manager of the lead's office sends it back to the pool.
"""

from aws_lambda_powertools import Logger

from leadrouter.domain.agents import Agent
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import Conflict, Forbidden, NotFound
from leadrouter.domain.leads import Lead, LeadStatus
from leadrouter.domain.lifecycle import check_version, claim_from_pool, in_pool, send_back
from leadrouter.domain.ports import Clock
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery, Page
from leadrouter.service.lead_changes import LeadChanges, Turns
from leadrouter.service.ports import ConfigRepository, LeadRepository

logger = Logger(child=True)


class NotInPool(Conflict):
    """The lead is no longer unassigned (or was sent to an office): another claim or change won (409)."""

    code = "not_in_pool"


class AlreadyInPool(Conflict):
    """Sending back a lead that is in the pool already (409)."""

    code = "already_in_pool"


def claimer(principal: Principal, config: CompanyConfig) -> Agent:
    """The agent behind an agent key, if they may see and claim the pool; Forbidden (403) otherwise."""
    principal.require(Role.AGENT)
    if not config.settings.agents_can_claim_unassigned:
        raise Forbidden("This company does not let agents claim unassigned leads.")
    agent = config.agents.get(principal.agent_id) if principal.agent_id is not None else None
    if agent is None or not agent.active:
        raise Forbidden("Only an active agent may claim leads from the pool.")
    if not agent.lead_management:
        raise Forbidden("Claiming leads from the pool needs lead management; ask an admin to turn it on.")
    return agent


class PoolDesk:
    def __init__(self, config: ConfigRepository, leads: LeadRepository, changes: LeadChanges, clock: Clock) -> None:
        self._config = config
        self._leads = leads
        self._changes = changes
        self._clock = clock

    def pool(self, principal: Principal, limit: int = 50, cursor: str | None = None) -> Page[Lead]:
        """The pool as an agent sees it, newest first; leads sent to an office are not in it."""
        claimer(principal, self._config.load(principal.company))
        query = LeadQuery(status=LeadStatus.UNASSIGNED, without_office=True, limit=limit, cursor=cursor)
        return self._leads.list(principal.company, query)

    def claim(self, principal: Principal, lead_id: str) -> Lead:
        claimer(principal, self._config.load(principal.company))

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            agent = claimer(principal, config)  # the configuration as it is now, not as it was
            if not in_pool(lead):
                raise NotInPool(_why_not_in_pool(lead, agent.agent_id))
            claim_from_pool(
                lead, agent.agent_id, agent.office_id, agent.display_name(), self._clock.now(), principal.key_id
            )

        lead = self._changes.apply(principal.company, lead_id, change)
        logger.info("lead claimed from the pool", extra={"lead_id": lead_id, "agent_id": lead.agent_id})
        return lead

    def release(self, principal: Principal, lead_id: str, expected_version: int | None = None) -> Lead:
        """Back to the pool: by the agent who holds it, an admin, or an office manager of its office."""
        principal.require(Role.ADMIN, Role.OFFICE_MANAGER, Role.AGENT)
        self._leads.get(principal.company, lead_id)  # 404 before anything else for a lead that is not there

        def change(lead: Lead, config: CompanyConfig, _turns: Turns) -> None:
            check_version(lead, expected_version)
            who, held_by = _releaser(principal, lead, config)
            if in_pool(lead):
                raise AlreadyInPool("The lead is in the pool already.")
            send_back(lead, who, self._clock.now(), principal.key_id, held_by)

        lead = self._changes.apply(principal.company, lead_id, change)
        logger.info("lead sent back to the pool", extra={"lead_id": lead_id, "role": principal.role.value})
        return lead


def _releaser(principal: Principal, lead: Lead, config: CompanyConfig) -> tuple[str, str | None]:
    """Who is sending the lead back, in words, and who had it (when that is someone else); NotFound for a
    lead outside the caller's reach, as if it did not exist."""
    holder = _holder_words(lead, config)
    if principal.role is Role.AGENT:
        if lead.agent_id is None or lead.agent_id != principal.agent_id:
            raise NotFound(f"No lead {lead.lead_id} of yours.")
        if lead.status is LeadStatus.PENDING_ACCEPTANCE:
            raise Conflict("This lead waits for your acceptance: reject it instead of sending it back.")
        return holder or f"agent {lead.agent_id}", None
    if principal.role is Role.OFFICE_MANAGER:
        if lead.office_id not in principal.office_ids:
            raise NotFound(f"No lead {lead.lead_id}.")
        return f"an office manager (key {principal.key_id})", holder
    return f"an admin (key {principal.key_id})", holder


def _holder_words(lead: Lead, config: CompanyConfig) -> str | None:
    if lead.agent_id is not None:
        agent = config.agents.get(lead.agent_id)
        return f"agent {lead.agent_id} ({agent.display_name() if agent else 'unknown'})"
    if lead.office_id is not None:
        office = config.offices.get(lead.office_id)
        return f"office {lead.office_id} ({office.name if office else 'unknown'})"
    return None


def _why_not_in_pool(lead: Lead, claimer_id: int) -> str:
    if lead.agent_id == claimer_id and lead.status is LeadStatus.ASSIGNED:
        return "The lead is yours already."
    if lead.status is LeadStatus.UNASSIGNED:
        return "The lead was sent to an office; its office managers assign it."
    if lead.status is LeadStatus.OFFERED:
        return "The lead is being offered to a route's agents; it is not in the pool."
    return "The lead is no longer unassigned: another agent or an admin took it first."
