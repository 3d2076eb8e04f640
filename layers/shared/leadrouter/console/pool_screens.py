"""The pool for every role, and the managers' lead search.

- An agent's Lead pool (GET /app/pool, Claim): the pool desk of GET /v1/pool and POST /v1/leads/{id}/claim,
  with the agent's Principal; a company that does not let agents claim says so (403).
- An admin's or office manager's Pool: every unassigned lead they may see (a manager only their offices',
  through the same lead desk as GET /v1/leads), filtered by source, office and age, newest or oldest first,
  each with Assign (to an agent, or for an admin to an office; the desk of POST /v1/leads/{id}/assign) and,
  for a lead waiting in an office, Send back to the company's pool.
- Leads (GET /app/leads): search by status, agent, office, source and time, as GET /v1/leads allows.

Filters are read here only to build the desk's LeadQuery: a value that cannot be one (a word for a number,
a date that is not ISO 8601) is a 422 page naming the filter and keeping the form, never a 500. What the
user may see and do is the desks' rule, never this module's: a refusal shows in the API's words."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final
from urllib.parse import urlencode

from aws_lambda_powertools.event_handler import Response
from pydantic import TypeAdapter, ValidationError

from leadrouter.api.errors import status_of
from leadrouter.api.resolver import new_router
from leadrouter.api.views import LeadView, PoolLeadView
from leadrouter.console.web import Session, acted, checked_form, known_id, page, session_of
from leadrouter.domain.agents import Agent, Office
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import DomainError, Forbidden, InvalidInput
from leadrouter.domain.ids import LEAD_ID_PATTERN
from leadrouter.domain.leads import LeadStatus
from leadrouter.domain.model import AgentNumber, IsoDatetime
from leadrouter.domain.offers import duration_words
from leadrouter.domain.principals import Role
from leadrouter.domain.queries import LeadQuery
from leadrouter.wiring import services

router = new_router()

PAGE_SIZE: Final = 50
# The office filter's choice for leads in the company's pool itself (not sent to an office).
NO_OFFICE: Final = "none"
# The API's own bounds on the same filters (api/leads_admin.py's Query parameters).
_MAX_SOURCE: Final = 64
_MAX_OFFICE: Final = 63
_MAX_CURSOR: Final = 2000
_MAX_MINUTES: Final = 60 * 24 * 366 * 10
_AGENT: Final = TypeAdapter(AgentNumber)
_MOMENT: Final = TypeAdapter(IsoDatetime)


def _session() -> Session:
    return session_of(router)


def _manager() -> Session:
    session = _session()
    session.principal.require(Role.ADMIN, Role.OFFICE_MANAGER)
    return session


def _query_value(name: str) -> str:
    return (router.current_event.get_query_string_value(name) or "").strip()


def assignable_agents(session: Session, config: CompanyConfig, *, searching: bool = False) -> list[Agent]:
    """The agents a user is offered in an Assign list, by name: active ones; a manager's only those of their
    offices with lead management (the lead desk refuses a manager any other). With `searching`, for the
    leads' search, every agent the user may look up: inactive ones and, for a manager, those without lead
    management too (they may still hold leads). The lead desk still decides; this list only spares a choice
    it would certainly refuse."""
    offices = set(session.principal.office_ids)

    def offered(agent: Agent) -> bool:
        if session.user.role is Role.ADMIN:
            return agent.active or searching
        return agent.office_id in offices and (searching or (agent.active and agent.lead_management))

    return [agent for agent in sorted(config.agents.values(), key=lambda agent: agent.name) if offered(agent)]


def visible_offices(session: Session, config: CompanyConfig) -> list[Office]:
    """The offices a user may filter by (a manager: theirs), by name."""
    offices = sorted(config.offices.values(), key=lambda office: office.name)
    if session.user.role is Role.ADMIN:
        return offices
    return [office for office in offices if office.office_id in session.principal.office_ids]


def _bounded(name: str, value: str, most: int) -> str:
    if len(value) > most:
        raise InvalidInput(f"{name}: at most {most} characters.")
    return value


@dataclass(frozen=True)
class PoolFilters:
    """The Pool's filters as typed (kept in the form, the links and the way back after Assign)."""

    source: str = ""
    office: str = ""
    older_than: str = ""
    order: str = "newest"

    @classmethod
    def read(cls, values: dict[str, str]) -> "PoolFilters":
        return cls(
            source=values.get("source", "").strip(),
            office=values.get("office", "").strip(),
            older_than=values.get("older_than", "").strip(),
            order="oldest" if values.get("order") == "oldest" else "newest",
        )

    def params(self) -> dict[str, str]:
        """The filters that are set, for a link or a redirect (urlencoded by the caller)."""
        chosen = {"source": self.source, "office": self.office, "older_than": self.older_than}
        if self.order != "newest":
            chosen["order"] = self.order
        return {name: value for name, value in chosen.items() if value}

    def query(self, now: datetime, cursor: str | None) -> LeadQuery:
        """The lead desk's query for these filters; InvalidInput naming the filter that cannot be one."""
        created_to = None
        if self.older_than:
            if not self.older_than.isdigit() or int(self.older_than) > _MAX_MINUTES:
                raise InvalidInput("Waiting longer than: a whole number of minutes, 0 or more.")
            created_to = now - timedelta(minutes=int(self.older_than))
        office = _bounded("Office", self.office, _MAX_OFFICE) or None
        return LeadQuery(
            status=LeadStatus.UNASSIGNED,
            office_id=None if office == NO_OFFICE else office,
            without_office=office == NO_OFFICE,
            source=_bounded("Source", self.source, _MAX_SOURCE) or None,
            created_to=created_to,
            oldest_first=self.order == "oldest",
            limit=PAGE_SIZE,
            cursor=_bounded("Page", cursor, _MAX_CURSOR) if cursor else None,
        )


@dataclass(frozen=True)
class PoolRow:
    lead: LeadView
    waiting: str


@router.get("/app/pool")
def pool() -> Response[str]:
    session = _session()
    if session.user.role is Role.AGENT:
        return _agents_pool(session)
    session.principal.require(Role.ADMIN, Role.OFFICE_MANAGER)
    filters = PoolFilters.read({name: _query_value(name) for name in ("source", "office", "older_than", "order")})
    config = services().configuration.load(session.principal.company)
    now = services().clock.now()
    context: dict[str, Any] = {
        "filters": filters,
        "offices": visible_offices(session, config),
        "office_names": {office.office_id: office.name for office in config.offices.values()},
        "agents": assignable_agents(session, config),
        "can_send_to_office": session.user.role is Role.ADMIN,
        "no_office": NO_OFFICE,
        "back": filters.params(),
    }
    try:
        found = services().lead_desk.list(session.principal, filters.query(now, _query_value("cursor") or None))
    except DomainError as error:
        return page(
            router, "manager_pool.html.j2", status_of(error).value, session=session, title="Pool",
            active="pool", error=error.message, rows=[], **context,
        )  # fmt: skip
    rows = [
        PoolRow(LeadView.of(lead), duration_words(int((now - lead.created_at).total_seconds()))) for lead in found.items
    ]
    more = urlencode({**filters.params(), "cursor": found.next_cursor}) if found.next_cursor else None
    return page(
        router, "manager_pool.html.j2", session=session, title="Pool", active="pool", rows=rows, more=more, **context
    )


def _agents_pool(session: Session) -> Response[str]:
    try:
        leads = [PoolLeadView.of(lead) for lead in services().pool_desk.pool(session.principal, 100).items]
    except Forbidden as error:
        return page(router, "pool.html.j2", 403, session=session, title="Lead pool", active="pool", error=error.message)
    return page(router, "pool.html.j2", session=session, title="Lead pool", active="pool", leads=leads)


@router.post("/app/pool/<lead_id>/claim")
def claim(lead_id: str) -> Response[str]:
    session = _session()
    session.principal.require(Role.AGENT)
    checked_form(router, session)
    known_id(LEAD_ID_PATTERN, lead_id, "lead")
    root = session.place.root
    return acted(
        session,
        lambda: services().pool_desk.claim(session.principal, lead_id),
        "You claimed the lead: it is yours.",
        f"{root}/my-leads",
        refused_to=f"{root}/pool",
    )


def _back_to_pool(session: Session, form: dict[str, str]) -> str:
    """The Pool with the filters the user was looking at (only the filters' own names travel)."""
    params = PoolFilters.read(form).params()
    return f"{session.place.root}/pool" + (f"?{urlencode(params)}" if params else "")


@router.post("/app/pool/<lead_id>/assign")
def assign(lead_id: str) -> Response[str]:
    session = _manager()
    form = checked_form(router, session)
    known_id(LEAD_ID_PATTERN, lead_id, "lead")
    desk = services().lead_desk

    def assign_to_the_choice() -> None:
        # One list holds both kinds of choice: "agent:<id>" or "office:<id>".
        kind, _, value = form.get("to", "").partition(":")
        if kind == "agent":
            try:
                agent_id = _AGENT.validate_python(value)
            except ValidationError:
                raise InvalidInput("Choose an agent or an office to assign the lead to.") from None
            desk.assign_to_agent(session.principal, lead_id, agent_id, None)
        elif kind == "office" and value:
            desk.assign_to_office(session.principal, lead_id, value, None)
        else:
            raise InvalidInput("Choose an agent or an office to assign the lead to.")

    return acted(session, assign_to_the_choice, "The lead is assigned.", _back_to_pool(session, form))


@router.post("/app/pool/<lead_id>/release")
def send_back(lead_id: str) -> Response[str]:
    """A lead waiting in an office goes to the company's pool (the pool desk's Send back)."""
    session = _manager()
    form = checked_form(router, session)
    known_id(LEAD_ID_PATTERN, lead_id, "lead")
    return acted(
        session,
        lambda: services().pool_desk.release(session.principal, lead_id),
        "The lead is back in the company's pool.",
        _back_to_pool(session, form),
    )


@dataclass(frozen=True)
class LeadSearch:
    """Leads' search as typed: status, agent, office, source, and the time range it came in (UTC)."""

    status: str = ""
    agent: str = ""
    office: str = ""
    source: str = ""
    created_from: str = ""
    created_to: str = ""

    def query(self, cursor: str | None) -> LeadQuery:
        status = None
        if self.status:
            status = next((item for item in LeadStatus if item.value == self.status), None)
            if status is None:
                raise InvalidInput(f"Status: one of {', '.join(item.value for item in LeadStatus)}.")
        agent_id = None
        if self.agent:
            try:
                agent_id = _AGENT.validate_python(self.agent)
            except ValidationError:
                raise InvalidInput("Agent: choose an agent from the list.") from None
        low = _moment("From", self.created_from)
        high = _moment("To", self.created_to)
        if high is not None and len(self.created_to) == len("2026-12-02T09:30"):
            high += timedelta(seconds=59, microseconds=999_999)  # "to 09:30" takes in the whole minute
        if low is not None and high is not None and _naive(low) > _naive(high):
            raise InvalidInput("From: a moment before To.")
        return LeadQuery(
            status=status,
            agent_id=agent_id,
            office_id=_bounded("Office", self.office, _MAX_OFFICE) or None,
            source=_bounded("Source", self.source, _MAX_SOURCE) or None,
            created_from=low,
            created_to=high,
            limit=PAGE_SIZE,
            cursor=_bounded("Page", cursor, _MAX_CURSOR) if cursor else None,
        )

    def params(self) -> dict[str, str]:
        chosen = {
            "status": self.status,
            "agent": self.agent,
            "office": self.office,
            "source": self.source,
            "from": self.created_from,
            "to": self.created_to,
        }
        return {name: value for name, value in chosen.items() if value}


def _moment(name: str, text: str) -> datetime | None:
    """A moment as GET /v1/leads reads it (ISO 8601; without an offset: UTC, as the console shows times)."""
    if not text:
        return None
    try:
        return _MOMENT.validate_python(text)
    except ValidationError:
        raise InvalidInput(f"{name}: a date and time such as 2026-12-02T09:30 (UTC).") from None


def _naive(moment: datetime) -> datetime:
    """For comparing a moment typed with an offset with one typed without (UTC)."""
    return moment.replace(tzinfo=None) - (moment.utcoffset() or timedelta())


@router.get("/app/leads")
def leads() -> Response[str]:
    session = _manager()
    status = _query_value("status")
    if router.current_event.get_query_string_value("status") is None and session.user.role is Role.OFFICE_MANAGER:
        status = LeadStatus.UNASSIGNED.value  # a manager starts with the leads waiting in their offices
    search = LeadSearch(
        status=status,
        agent=_query_value("agent"),
        office=_query_value("office"),
        source=_query_value("source"),
        created_from=_query_value("from"),
        created_to=_query_value("to"),
    )
    config = services().configuration.load(session.principal.company)
    context: dict[str, Any] = {
        "search": search,
        "statuses": [item.value for item in LeadStatus],
        "agents": assignable_agents(session, config, searching=True),
        "offices": visible_offices(session, config),
        "names": {agent.agent_id: agent.name for agent in config.agents.values()},
    }
    try:
        found = services().lead_desk.list(session.principal, search.query(_query_value("cursor") or None))
    except DomainError as error:
        return page(
            router, "leads.html.j2", status_of(error).value, session=session, title="Leads", active="leads",
            error=error.message, leads=[], **context,
        )  # fmt: skip
    more = urlencode({**search.params(), "cursor": found.next_cursor}) if found.next_cursor else None
    return page(
        router,
        "leads.html.j2",
        session=session,
        title="Leads",
        active="leads",
        leads=[LeadView.of(lead) for lead in found.items],
        more=more,
        **context,
    )
