"""Settings, agents and offices: validated against each other (item by item: service/config_writes.py),
every write bumps the config version."""

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from pydantic import ValidationError

from leadrouter.domain.agents import Agent, Office, office_id_for
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import Conflict, InvalidInput, NotFound
from leadrouter.domain.leads import LeadStatus
from leadrouter.domain.model import problem_text
from leadrouter.domain.principals import Principal, Role
from leadrouter.domain.queries import LeadQuery
from leadrouter.service.config_writes import at_current_version
from leadrouter.service.ports import ConfigReads, ConfigRepository, LeadRepository


def validation_message(error: ValidationError) -> str:
    parts = []
    for problem in error.errors():
        where = ".".join(str(part) for part in problem["loc"]) or "body"
        parts.append(f"{where}: {problem_text(problem)}")
    return "; ".join(parts)


class ConfigurationService:
    def __init__(
        self, config: ConfigRepository, leads: LeadRepository, withdraw_offers: Callable[[str, int], int]
    ) -> None:
        self._config = config
        self._leads = leads
        # service/agent_deactivation.py, built only when an agent is stored inactive
        self._withdraw_offers = withdraw_offers

    def load(self, company_id: str) -> CompanyConfig:
        return self._config.load(company_id)

    # Settings --------------------------------------------------------------------------------------------

    def update_settings(self, company_id: str, changes: dict[str, Any], read_at: str | None = None) -> CompanySettings:
        """PUT takes any subset of the settings; the ones left out keep their values. `read_at`: the
        fingerprint of the settings the change was made on (a console form); when the stored ones differ,
        someone else changed them since, and the change is refused rather than overwrite theirs. Checked on
        the configuration the write is conditional on, so a change landing meanwhile is seen too."""

        def write(config: ConfigReads) -> CompanySettings:
            if read_at is not None and config.company.settings.fingerprint() != read_at:
                raise Conflict(
                    "Someone else changed the settings since this page was opened; nothing was saved. "
                    "The page now shows their values: make your change again."
                )
            merged = {**config.company.settings.model_dump(mode="json"), **changes}
            try:
                settings = CompanySettings.model_validate(merged)
            except ValidationError as error:
                raise InvalidInput(validation_message(error)) from error
            named = {field: getattr(settings, field) for field in ("default_agent_id", "default_broker_id")}
            missing = config.missing_agents(agent_id for agent_id in named.values() if agent_id is not None)
            for field, agent_id in named.items():
                if agent_id in missing:
                    raise InvalidInput(f"{field}: no agent {agent_id} in this company")
            self._config.save_settings(company_id, settings, config.version)
            return settings

        return at_current_version(self._config, company_id, write)

    # Agents ----------------------------------------------------------------------------------------------

    def agent(self, principal: Principal, agent_id: int) -> Agent:
        config = self._config.load(principal.company)
        agent = config.agents.get(agent_id)
        if agent is None or not _visible(principal, agent.office_id):
            raise NotFound(f"No agent {agent_id}.")
        return agent

    def agents(self, principal: Principal) -> list[Agent]:
        config = self._config.load(principal.company)
        return [agent for agent in config.agents_by_id() if _visible(principal, agent.office_id)]

    def create_agent(self, company_id: str, body: dict[str, Any]) -> Agent:
        def write(config: ConfigReads) -> Agent:
            given = body if body.get("agent_id") is not None else {**body, "agent_id": config.highest_agent_id() + 1}
            agent_id = given["agent_id"]
            current = config.agent(agent_id) if type(agent_id) is int else None  # a bad id: validation says so
            agent = self._validated_agent(company_id, config, given, body, current)
            if current is not None:
                raise Conflict(f"Agent {agent.agent_id} exists already; PUT /v1/agents/{agent.agent_id} changes it.")
            counts = _office_counts(config, None, agent)
            self._config.put_agent(company_id, agent, False, config.version, office_counts=counts)
            return agent

        return at_current_version(self._config, company_id, write)

    def replace_agent(self, company_id: str, agent_id: int, body: dict[str, Any]) -> Agent:
        def write(config: ConfigReads) -> Agent:
            current = config.agent(agent_id)
            if current is None:
                raise NotFound(f"No agent {agent_id}.")
            agent = self._validated_agent(company_id, config, {**body, "agent_id": agent_id}, body, current)
            counts = _office_counts(config, current, agent)
            self._config.put_agent(company_id, agent, True, config.version, office_counts=counts)
            return agent

        return self._after_write(company_id, at_current_version(self._config, company_id, write))

    def patch_agent(self, company_id: str, agent_id: int, changes: dict[str, Any]) -> Agent:
        if "status" in changes:  # a new status does not keep the old one's reason ("missed 3 offers in a row")
            changes = {"status_reason": None, **changes}

        def write(config: ConfigReads) -> Agent:
            current = config.agent(agent_id)
            if current is None:
                raise NotFound(f"No agent {agent_id}.")
            merged = {**current.model_dump(mode="json"), **changes, "agent_id": agent_id}
            agent = self._validated_agent(company_id, config, merged, changes, current)
            counts = _office_counts(config, current, agent)
            self._config.put_agent(company_id, agent, True, config.version, office_counts=counts)
            return agent

        return self._after_write(company_id, at_current_version(self._config, company_id, write))

    def deactivate_agent(self, company_id: str, agent_id: int) -> Agent:
        """Deleting keeps the agent (their leads' history names them) but takes them out of routing."""
        return self.patch_agent(company_id, agent_id, {"active": False})

    def _after_write(self, company_id: str, agent: Agent) -> Agent:
        """An agent stored inactive loses every power at once: their open offers close and move on. Run on
        every write that leaves them inactive, not only the one that switched them off, so that repeating
        it finishes what an interrupted one started (its keys and answers are refused from the write on)."""
        if not agent.active:
            self._withdraw_offers(company_id, agent.agent_id)
        return agent

    def _validated_agent(
        self, company_id: str, config: ConfigReads, body: dict[str, Any], given: dict[str, Any], current: Agent | None
    ) -> Agent:
        """`body`: the agent to store; `given`: the fields the admin sent (an agent as read may be sent back
        whole, with its read-only bounce mark as it was); `current`: the agent as stored, None for a new one."""
        if "email_bouncing" in given and given["email_bouncing"] != (current is not None and current.email_bouncing):
            raise InvalidInput("email_bouncing: set by the service when emails bounce; changing the email clears it")
        try:
            agent = Agent.model_validate(body, context=self._phone_context(company_id, body))
        except ValidationError as error:
            raise InvalidInput(validation_message(error)) from error
        agent = agent.keeping_bounce_mark(current)
        if agent.office_id is not None and config.office(agent.office_id) is None:
            raise InvalidInput(f"office_id: no office {agent.office_id!r} in this company")
        target = agent.rejected_lead_agent
        if isinstance(target, int):
            if target == agent.agent_id:
                raise InvalidInput("rejected_lead_agent: an agent cannot pass rejected leads to themselves")
            if config.missing_agents([target]):
                raise InvalidInput(f"rejected_lead_agent: no agent {target} in this company")
        backups = {period.backup_agent_id for period in agent.out_of_office if period.backup_agent_id is not None}
        if agent.agent_id in backups:
            raise InvalidInput("out_of_office: an agent cannot be their own backup")
        missing = config.missing_agents(sorted(backups)) if backups else []
        if missing:
            raise InvalidInput(f"out_of_office: backup agent {missing[0]} is not an agent of this company")
        return agent

    def _phone_context(self, company_id: str, body: dict[str, Any]) -> dict[str, str] | None:
        """A texting phone written without its country code is read in the company's `phone_region`, as
        leads' phones are; the company's settings are read only then (a stored texting phone is +<country>
        already, so a change of other fields costs nothing more)."""
        phone = body.get("phone")
        if body.get("sms_enabled") is not True or not isinstance(phone, str) or phone.strip().startswith("+"):
            return None
        return {"phone_region": self._config.company(company_id).settings.phone_region}

    # Offices ---------------------------------------------------------------------------------------------

    def office(self, principal: Principal, office_id: str) -> Office:
        office = self._config.load(principal.company).offices.get(office_id)
        if office is None or not _visible(principal, office_id):
            raise NotFound(f"No office {office_id}.")
        return office

    def offices(self, principal: Principal) -> list[Office]:
        config = self._config.load(principal.company)
        return [config.offices[key] for key in sorted(config.offices) if _visible(principal, key)]

    def create_office(self, company_id: str, body: dict[str, Any]) -> Office:
        if not body.get("office_id") and isinstance(body.get("name"), str):
            body = {**body, "office_id": office_id_for(body["name"])}
        office = _validated_office(body)

        def write(config: ConfigReads) -> Office:
            if config.office(office.office_id) is not None:
                raise Conflict(f"Office {office.office_id} exists already.")
            self._config.put_office(company_id, office, False, config.version, agent_count=0)
            return office

        return at_current_version(self._config, company_id, write)

    def replace_office(self, company_id: str, office_id: str, body: dict[str, Any]) -> Office:
        office = _validated_office({**body, "office_id": office_id})

        def write(config: ConfigReads) -> Office:
            if config.office(office_id) is None:
                raise NotFound(f"No office {office_id}.")
            count = config.office_agent_count(office_id)  # kept as it is: the office's agents stay
            self._config.put_office(company_id, office, True, config.version, agent_count=count)
            return office

        return at_current_version(self._config, company_id, write)

    def delete_office(self, company_id: str, office_id: str) -> None:
        """Checked against the configuration it reads, so an agent added to the office meanwhile stops it."""

        def write(config: ConfigReads) -> None:
            if config.office(office_id) is None:
                raise NotFound(f"No office {office_id}.")
            # An office that counts its agents and has none needs no look at the agents; otherwise they are
            # read (and named, for the admin to move).
            members = [] if config.office_agent_count(office_id) == 0 else config.office_members(office_id)
            if members:
                raise Conflict(f"Office {office_id} still has agents {members}; move them first.")
            if self._has_waiting_leads(company_id, office_id):
                # Its leads would be stranded: out of the pool, with no manager who may see them.
                raise Conflict(
                    f"Office {office_id} has leads waiting for an agent; assign them or send them back first."
                )
            self._config.delete_office(company_id, office_id, expected_version=config.version)

        at_current_version(self._config, company_id, write)

    def _has_waiting_leads(self, company_id: str, office_id: str) -> bool:
        query = LeadQuery(status=LeadStatus.UNASSIGNED, office_id=office_id, limit=50)
        while True:
            page = self._leads.list(company_id, query)
            if page.items:
                return True
            if page.next_cursor is None:
                return False
            query = replace(query, cursor=page.next_cursor)


def _office_counts(config: ConfigReads, previous: Agent | None, agent: Agent) -> dict[str, int]:
    """The change an agent's write makes to the agent counts of the offices that keep one: -1 for the office
    left, +1 for the one joined (nothing when the office stays the same)."""
    before = previous.office_id if previous is not None else None
    if before == agent.office_id:
        return {}
    changes = ((before, -1), (agent.office_id, 1))
    return {
        office_id: change
        for office_id, change in changes
        if office_id is not None and config.office_agent_count(office_id) is not None
    }


def _validated_office(body: dict[str, Any]) -> Office:
    try:
        return Office.model_validate(body)
    except ValidationError as error:
        raise InvalidInput(validation_message(error)) from error


def _visible(principal: Principal, office_id: str | None) -> bool:
    """Office managers see only their offices' agents and offices; admins see everything."""
    if principal.role is Role.OFFICE_MANAGER:
        return office_id is not None and office_id in principal.office_ids
    return True
