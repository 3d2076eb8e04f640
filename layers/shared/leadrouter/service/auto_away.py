"""Auto-away (ROUTING.md "Presence", company setting `auto_away_after_misses`): an agent who lets that many
offers in a row run out is set away, with the reason "missed N offers in a row", recorded in the history of
the lead whose offer ran out.

What counts: an offer to that one agent whose time ran out (a route member's claim window, an acceptance
time); a claim offer to several agents at once (click to claim) is nobody's miss. What ends a run: any
answer of the agent to an offer (claim, pass, accept, reject: each says they are there), and auto-away
itself. Counting is one conditional update per miss (adapters/dynamo_missed_offers.py), made after the
lead's expiry is stored; the agent is set away by one agent write, the same as an admin's, so the change is
published as `agent.status_changed` like any other (domain/presence_changes.py).

Guarantees: the run reaches N exactly once (it is counted once per offer and reset when it fires), so one run
sets the agent away once; an agent already not available is not counted (they are not being offered leads
by the automatic steps anyway, and their status is not overwritten)."""

from collections.abc import Callable

from aws_lambda_powertools import Logger

from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import HistoryEntry
from leadrouter.domain.ports import Clock
from leadrouter.service.back_links import BackLinks
from leadrouter.service.configuration import ConfigurationService
from leadrouter.service.lead_changes import LeadChanges
from leadrouter.service.ports import MissedOffers

logger = Logger(child=True)

STEP = "presence"
EVENT = "agent.auto_away"


def auto_away_reason(misses: int) -> str:
    return f"missed {misses} offer{'s' if misses != 1 else ''} in a row"


class AutoAway:
    def __init__(
        self,
        configuration: ConfigurationService,
        misses: MissedOffers,
        changes: LeadChanges,
        clock: Clock,
        back_links: Callable[[], BackLinks],
    ) -> None:
        self._configuration = configuration
        self._misses = misses
        self._changes = changes
        self._clock = clock
        self._back_links = back_links

    def ran_out(self, config: CompanyConfig, lead_id: str, agent_id: int, offer_id: str) -> bool:
        """An offer to `agent_id` alone ran out (its expiry is stored, read with `config`); answers whether
        the agent was set away. Costs no request when auto-away is off."""
        company_id = config.company.company_id
        limit = config.settings.auto_away_after_misses
        agent = config.agents.get(agent_id)
        if limit is None or agent is None or not agent.active or agent.status != "available":
            return False
        if self._misses.missed(company_id, agent_id, offer_id) != limit:
            return False
        reason = auto_away_reason(limit)
        self._configuration.patch_agent(company_id, agent_id, {"status": "away", "status_reason": reason})
        self._misses.reset(company_id, agent_id)
        unsent = self._back_links().send(config, agent, lead_id, offer_id, reason)
        link = 'emailed an "I\'m back" link' if unsent is None else f'the "I\'m back" email was not sent ({unsent})'
        detail = f"Agent {agent_id} ({agent.display_name()}) set away: {reason}; {link}."
        entry = HistoryEntry(at=self._clock.now(), event=EVENT, agent_id=agent_id, detail=detail, step=STEP)
        self._changes.record(company_id, lead_id, [entry])
        logger.info("agent set away", extra={"agent_id": agent_id, "misses": limit, "lead_id": lead_id})
        return True

    def answered(self, config: CompanyConfig, agent_id: int) -> None:
        """The agent answered an offer: their run of misses ends (no request when auto-away is off)."""
        if config.settings.auto_away_after_misses is not None:
            self._misses.reset(config.company.company_id, agent_id)
