"""The agents, for admins: the list (office, status, weight, caps, round-robin queue), and one form per agent
with every field the API's agent write takes (contact, office, flags, fair share and caps, presence, working
hours, away until, rejected-lead agent, criteria), out-of-office periods with their backups, and deactivate /
reactivate.

Guarantees: every change goes through the configuration service the /v1/agents routers call, with the
signed-in admin's company, so the API's rules and words decide; a refused form is shown again as it was
typed, with the API's message, and nothing is stored. An edit is a PATCH of the fields the admin changed on
the page, so what the form does not show (active, the bounce mark, the out-of-office periods) and what
someone else changed since the page was opened (the agent's own status) stay as they are."""

import json
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.errors import status_of
from leadrouter.api.resolver import new_router
from leadrouter.console.web import Session, acted, back_with_notice, checked_form, known_id, page, session_of
from leadrouter.domain.agents import Agent
from leadrouter.domain.errors import DomainError, InvalidInput
from leadrouter.domain.presence import DAYS, Weekday, WorkingHours
from leadrouter.domain.principals import Role
from leadrouter.domain.time_zones import zone
from leadrouter.wiring import services

router = new_router()

# Agent ids are positive whole numbers DynamoDB can hold (domain/model.py MAX_AGENT_ID has 38 digits).
AGENT_ID_PATTERN: Final = r"^[1-9][0-9]{0,37}$"
LEAD_TYPES: Final = ("buy", "sell", "rent")
FLAGS: Final = ("lead_management", "in_auto_assign_queue", "click_to_claim", "sms_enabled")
CAPS: Final = ("max_leads_per_day", "max_leads_per_week", "max_leads_per_month")
_LOCAL_MINUTE: Final = "%Y-%m-%dT%H:%M"  # what a datetime-local input sends and shows


def _admin() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN)
    return session


def _agent_id(agent_id: str) -> int:
    return int(known_id(AGENT_ID_PATTERN, agent_id, "agent"))


def _company_zone(session: Session) -> str:
    return services().configuration.load(session.principal.company).company.settings.time_zone


def _local_zone(hours_zone: str | None, company_zone: str) -> ZoneInfo:
    """The agent's zone (their hours' one, else the company's): the one `away_until` is typed in. A zone
    that does not exist falls back to the company's here; the hours' own validation refuses it."""
    try:
        return zone(hours_zone or company_zone)
    except ZoneInfoNotFoundError:
        return zone(company_zone)


# The form and the agent -----------------------------------------------------------------------------------


def _blocks_text(hours: WorkingHours | None, day: Weekday) -> str:
    blocks = hours.days.get(day, []) if hours is not None else []
    return ", ".join(f"{block.start}-{block.end}" for block in blocks)


def values_of(agent: Agent, company_zone: str) -> dict[str, str]:
    """The agent as the form's fields (text, as a browser would send them back; a ticked box is "on")."""
    hours = agent.working_hours
    local = _local_zone(hours.time_zone if hours else None, company_zone)
    criteria = agent.criteria
    values = {
        "name": agent.name,
        "email": agent.email,
        "phone": agent.phone or "",
        "mls_id": agent.mls_id or "",
        "office_id": agent.office_id or "",
        "weight": f"{agent.weight:g}",
        "status": agent.status,
        "status_reason": agent.status_reason or "",
        "has_hours": "on" if hours is not None else "",
        "hours_time_zone": (hours.time_zone or "") if hours is not None else "",
        "away_until": agent.away_until.astimezone(local).strftime(_LOCAL_MINUTE) if agent.away_until else "",
        "rejected_lead_agent": str(agent.rejected_lead_agent or ""),
        "zips": ", ".join(criteria.zips or []),
        "cities": ", ".join(criteria.cities or []),
        "sources": ", ".join(criteria.sources or []),
        "price_min": str(criteria.price_min) if criteria.price_min is not None else "",
        "price_max": str(criteria.price_max) if criteria.price_max is not None else "",
    }
    values.update({flag: "on" if getattr(agent, flag) else "" for flag in FLAGS})
    values.update({cap: str(getattr(agent, cap)) if getattr(agent, cap) is not None else "" for cap in CAPS})
    values.update({f"hours_{day}": _blocks_text(hours, day) for day in DAYS})
    values.update({f"type_{kind}": "on" if kind in (criteria.types or []) else "" for kind in LEAD_TYPES})
    return values


def _optional(form: dict[str, str], name: str) -> str | None:
    value = form.get(name, "").strip()
    return value or None


def _listed(form: dict[str, str], name: str) -> list[str] | None:
    items = [item.strip() for item in form.get(name, "").split(",") if item.strip()]
    return items or None


def _blocks(form: dict[str, str], day: str) -> list[dict[str, str]]:
    """`09:00-12:00, 22:00-02:00`: a day's blocks (an end before the start crosses midnight)."""
    blocks = []
    for piece in form.get(f"hours_{day}", "").split(","):
        if not piece.strip():
            continue
        start, dash, end = piece.strip().partition("-")
        if not dash:
            raise InvalidInput(f"working_hours.{day}: write each block as HH:MM-HH:MM, blocks separated by commas")
        blocks.append({"start": start.strip(), "end": end.strip()})
    return blocks


def _away_until(form: dict[str, str], company_zone: str) -> str | None:
    typed = _optional(form, "away_until")
    if typed is None:
        return None
    try:
        moment = datetime.fromisoformat(typed)
    except ValueError:
        raise InvalidInput("away_until: a date and time is expected (2026-12-24T18:00)") from None
    if moment.tzinfo is None:
        hours_zone = _optional(form, "hours_time_zone") if form.get("has_hours") else None
        moment = moment.replace(tzinfo=_local_zone(hours_zone, company_zone))
    return moment.isoformat()


def _rejected_lead_agent(form: dict[str, str]) -> int | str | None:
    chosen = _optional(form, "rejected_lead_agent")
    return int(chosen) if chosen is not None and chosen.isdigit() else chosen


def body_of(form: dict[str, str], company_zone: str) -> dict[str, Any]:
    """The form as the API's agent body: the same fields and names, so the same checks and the same words."""
    working_hours = None
    if form.get("has_hours"):
        days = {day: blocks for day in DAYS if (blocks := _blocks(form, day))}
        working_hours = {"time_zone": _optional(form, "hours_time_zone"), "days": days}
    body: dict[str, Any] = {
        "name": form.get("name", "").strip(),
        "email": form.get("email", "").strip(),
        "phone": _optional(form, "phone"),
        "mls_id": _optional(form, "mls_id"),
        "office_id": _optional(form, "office_id"),
        "weight": form.get("weight", "").strip(),  # blank: the API says a number is expected
        "status": form.get("status", "available"),
        "status_reason": _optional(form, "status_reason"),
        "working_hours": working_hours,
        "away_until": _away_until(form, company_zone),
        "rejected_lead_agent": _rejected_lead_agent(form),
        "criteria": {
            "zips": _listed(form, "zips"),
            "cities": _listed(form, "cities"),
            "types": [kind for kind in LEAD_TYPES if form.get(f"type_{kind}")] or None,
            "price_min": _optional(form, "price_min"),
            "price_max": _optional(form, "price_max"),
            "sources": _listed(form, "sources"),
        },
    }
    body.update({flag: bool(form.get(flag)) for flag in FLAGS})
    body.update({cap: _optional(form, cap) for cap in CAPS})
    return body


def _shown(form: dict[str, str]) -> dict[str, str] | None:
    """The fields as the form showed them (its hidden `shown` field), None when it has none or not that."""
    try:
        shown = json.loads(form.get("shown", ""))
    except ValueError:
        return None
    if not isinstance(shown, dict) or not all(isinstance(value, str) for value in shown.values()):
        return None
    return shown


def edits_of(form: dict[str, str], company_zone: str, current: Agent) -> dict[str, Any]:
    """Only the fields the admin changed on the page (all of them when the page's own values are missing): a
    field someone else changed meanwhile (the agent's own status, another admin) keeps that change."""
    typed = body_of(form, company_zone)
    shown = _shown(form)
    if shown is None:
        return typed
    before = body_of(shown, company_zone)
    changes = {name: value for name, value in typed.items() if name != "criteria" and before.get(name) != value}
    if "status" in changes or "status_reason" in changes:
        # Together: a new status alone would drop the reason the page still shows (patch_agent's rule).
        changes.update(status=typed["status"], status_reason=typed["status_reason"])
    criteria = {name: value for name, value in typed["criteria"].items() if before["criteria"].get(name) != value}
    if criteria:
        changes["criteria"] = {**current.criteria.model_dump(mode="json"), **criteria}
    return changes


# Pages -------------------------------------------------------------------------------------------------


@router.get("/app/routing/agents")
def agents() -> Response[str]:
    session = _admin()
    found = services().configuration.agents(session.principal)
    offices = {office.office_id: office.name for office in services().configuration.offices(session.principal)}
    return page(
        router,
        "routing_agents.html.j2",
        session=session,
        title="Agents",
        active="routing",
        section="agents",
        agents=found,
        offices=offices,
    )


def _form_page(
    session: Session,
    agent: Agent | None,
    values: dict[str, str],
    status: int = 200,
    error: str | None = None,
    shown: str = "",
) -> Response[str]:
    config = services().configuration
    others = [other for other in config.agents(session.principal) if agent is None or other.agent_id != agent.agent_id]
    company_zone = _company_zone(session)
    hours = agent.working_hours if agent is not None else None
    return page(
        router,
        "routing_agent.html.j2",
        status,
        session=session,
        title=agent.name if agent is not None else "Add an agent",
        active="routing",
        section="agents",
        agent=agent,
        values=values,
        shown=shown,
        error=error,
        offices=config.offices(session.principal),
        others=others,
        names={other.agent_id: other.name for other in others},
        days=DAYS,
        lead_types=LEAD_TYPES,
        local_zone=_local_zone(hours.time_zone if hours else None, company_zone).key,
    )


def _saved_or_shown_again(
    session: Session, agent: Agent | None, form: dict[str, str], save: Callable[[str], Agent], done: str
) -> Response[str]:
    """Runs `save` (given the company's zone); on a refusal, the form again as typed with the API's words."""
    try:
        saved = save(_company_zone(session))
    except DomainError as error:
        # The page's own values stay the ones it first showed, so that a second try still sends only edits.
        return _form_page(session, agent, form, status_of(error).value, error.message, form.get("shown", ""))
    return back_with_notice(session, f"{session.place.root}/routing/agents/{saved.agent_id}", done)


@router.get("/app/routing/agents/new")
def new_agent() -> Response[str]:
    session = _admin()
    return _form_page(session, None, {"weight": "1", "status": "available"})


@router.post("/app/routing/agents/new")
def add_agent() -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    company = session.principal.company
    chosen = _optional(form, "agent_id")  # an id the brokerage already uses; none: the next free one

    def create(company_zone: str) -> Agent:
        body = body_of(form, company_zone)
        if chosen is not None:
            body["agent_id"] = int(chosen) if chosen.isdigit() else chosen
        return services().configuration.create_agent(company, body)

    return _saved_or_shown_again(
        session,
        None,
        form,
        create,
        "The agent is added.",
    )


@router.get("/app/routing/agents/<agent_id>")
def agent_page(agent_id: str) -> Response[str]:
    session = _admin()
    agent = services().configuration.agent(session.principal, _agent_id(agent_id))
    values = values_of(agent, _company_zone(session))
    return _form_page(session, agent, values, shown=json.dumps(values, separators=(",", ":")))


@router.post("/app/routing/agents/<agent_id>")
def save_agent(agent_id: str) -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    agent = services().configuration.agent(session.principal, _agent_id(agent_id))
    company = session.principal.company
    return _saved_or_shown_again(
        session,
        agent,
        form,
        lambda company_zone: services().configuration.patch_agent(
            company, agent.agent_id, edits_of(form, company_zone, agent)
        ),
        "The agent is saved.",
    )


def _changed(session: Session, agent_id: str, changes: dict[str, Any], done: str) -> Response[str]:
    number = _agent_id(agent_id)
    company = session.principal.company
    return acted(
        session,
        lambda: services().configuration.patch_agent(company, number, changes),
        done,
        f"{session.place.root}/routing/agents/{number}",
    )


@router.post("/app/routing/agents/<agent_id>/deactivate")
def deactivate(agent_id: str) -> Response[str]:
    session = _admin()
    checked_form(router, session)
    number = _agent_id(agent_id)
    company = session.principal.company
    return acted(
        session,
        lambda: services().configuration.deactivate_agent(company, number),
        "The agent is deactivated: routing skips them and their open offers are withdrawn.",
        f"{session.place.root}/routing/agents/{number}",
    )


@router.post("/app/routing/agents/<agent_id>/reactivate")
def reactivate(agent_id: str) -> Response[str]:
    session = _admin()
    checked_form(router, session)
    return _changed(session, agent_id, {"active": True}, "The agent is active again.")


# Out of office: its own small forms, one period at a time (a whole list would not fit one form's fields).


def _period_of(form: dict[str, str]) -> dict[str, Any]:
    backup = _optional(form, "backup_agent_id")
    return {
        "start": form.get("start", ""),
        "end": form.get("end", ""),
        "backup_agent_id": int(backup) if backup is not None and backup.isdigit() else backup,
    }


def _periods(agent: Agent) -> list[dict[str, Any]]:
    return [period.model_dump(mode="json") for period in agent.out_of_office]


@router.post("/app/routing/agents/<agent_id>/out-of-office")
def add_period(agent_id: str) -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    agent = services().configuration.agent(session.principal, _agent_id(agent_id))
    periods = [*_periods(agent), _period_of(form)]
    return _changed(session, agent_id, {"out_of_office": periods}, "The out-of-office period is added.")


@router.post("/app/routing/agents/<agent_id>/out-of-office/remove")
def remove_period(agent_id: str) -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    agent = services().configuration.agent(session.principal, _agent_id(agent_id))
    # The period is named by its fields, not its place in the list: a list changed meanwhile loses no other.
    named = _period_of(form)
    periods = _periods(agent)
    kept = [period for period in periods if period != named]
    if len(kept) == len(periods):
        return back_with_notice(
            session, f"{session.place.root}/routing/agents/{agent.agent_id}", "That period is not there any more."
        )
    return _changed(session, agent_id, {"out_of_office": kept}, "The out-of-office period is removed.")
