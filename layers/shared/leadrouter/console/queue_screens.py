"""The admins' fair-share queue (who is next in round robin and why, each agent's standing, adjustments of an
agent's credits with a reason) and Try a lead (what the cascade would do with a lead now or at a chosen
local moment, step by step).

Why it exists: CONSOLE.md's Routing section and its "Try a lead" form. Guarantees: the queue page is the
answer of GET /v1/routing/queue (the same QueueDesk, the same pick order, the same `next_agent_id`); an
adjustment is POST /v1/routing/queue/adjust's (its body is validated by the API's own model, and the desk
records it with the signed-in user); Try a lead reads the form into the API's simulate body and calls the
same simulator, so its outcome, steps, routes and reasons are the API's sentences. Nothing here decides
routing: the only arithmetic is the shares shown beside the credits."""

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any, Final, get_args

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.bodies import validated
from leadrouter.api.queue import AdjustmentBody
from leadrouter.api.resolver import new_router
from leadrouter.api.routing import SimulatedLead
from leadrouter.console.web import Session, acted, checked_form, page, session_of
from leadrouter.domain.agents import Agent, LeadType
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.fair_share import Adjustment, number
from leadrouter.domain.principals import Role
from leadrouter.domain.simulation import Simulation
from leadrouter.domain.time_zones import zone
from leadrouter.service.intake import facts_of
from leadrouter.service.queue_desk import QueueEntry
from leadrouter.wiring import services

router = new_router()

LEAD_TYPES: Final = get_args(LeadType)
# The Try a lead form's one-line fields, by the names the intake body nests them under.
_TOP: Final = ("source", "agent_code", "chosen_agent_id", "first_name", "last_name", "email", "phone")
_NESTED: Final = {
    "interest": ("type", "zip", "city", "price"),
    "listing": ("mls_number", "listing_agent_mls_id"),
}


def _admin() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN)
    return session


def _percent(part: float, whole: float) -> str:
    return f"{part / whole:.0%}" if whole > 0 else "—"


@dataclass(frozen=True)
class QueueRow:
    """One agent of the queue as the page shows it: the API's entry, with the agent's name, caps and status."""

    entry: QueueEntry
    name: str
    status: str
    share: str  # the agent's part of the eligible agents' credits
    target_share: str  # the agent's part of the eligible agents' weights: what fair share keeps `share` near
    caps: list[tuple[str, int, int | None]]  # (period, leads counted, cap or None)

    @property
    def credits(self) -> str:
        return number(self.entry.credits)

    @property
    def weight(self) -> str:
        return number(self.entry.weight)


def queue_rows(entries: list[QueueEntry], agents: Mapping[int, Agent]) -> list[QueueRow]:
    """The entries in the API's order. Shares are over the eligible agents: fair share keeps each one's
    credits within one of total x weight / Σweights (domain/fair_share.py), so the two percentages side by
    side show who is behind and who is ahead."""
    eligible = [entry for entry in entries if entry.eligible]
    credits = sum(entry.credits for entry in eligible)
    weights = sum(entry.weight for entry in eligible)
    rows = []
    for entry in entries:
        agent = agents.get(entry.agent_id)
        rows.append(
            QueueRow(
                entry=entry,
                name=agent.name if agent else f"Agent {entry.agent_id}",
                status=(agent.status_words() or "available") if agent else "no longer an agent",
                share=_percent(entry.credits, credits) if entry.eligible else "—",
                target_share=_percent(entry.weight, weights) if entry.eligible else "—",
                caps=[
                    ("today", entry.leads_today, agent.max_leads_per_day if agent else None),
                    ("this week", entry.leads_this_week, agent.max_leads_per_week if agent else None),
                    ("this month", entry.leads_this_month, agent.max_leads_per_month if agent else None),
                ],
            )
        )
    return rows


def next_words(next_agent_id: int | None, rows: list[QueueRow]) -> str:
    """Who is next, in words, from the API's `next_agent_id` and the row it names."""
    if next_agent_id is None:
        return "Nobody: no agent of the round-robin queue is eligible now, so no round-robin lead can be given."
    row = next(row for row in rows if row.entry.agent_id == next_agent_id)
    return (
        f"The next round-robin lead goes to {row.name} (agent {next_agent_id}): the first eligible agent in pick "
        f"order, with {row.credits} credits at weight {row.weight}."
    )


def makers(session: Session, adjustments: list[Adjustment]) -> dict[str, str]:
    """The console users' emails by the key ids their adjustments are recorded with (`user_<id>`); an API
    key's id stays as it is. Asked of the user pool only when a console user made one of them."""
    if not any(adjustment.by.startswith("user_") for adjustment in adjustments):
        return {}
    return {user.principal().key_id: user.email for user in services().user_desk.users(session.principal)}


@router.get("/app/routing/queue")
def queue_page() -> Response[str]:
    session = _admin()
    company = session.principal.company
    view = services().queue_desk.queue(company)
    config = services().configuration.load(company)
    rows = queue_rows(view.agents, config.agents)
    return page(
        router,
        "queue.html.j2",
        session=session,
        title="Round-robin queue",
        active="routing",
        section="queue",
        next_agent_id=view.next_agent_id,
        next_words=next_words(view.next_agent_id, rows),
        rows=rows,
        adjustments=view.adjustments,
        makers=makers(session, view.adjustments),
        names={agent_id: agent.name for agent_id, agent in config.agents.items()},
    )


@router.post("/app/routing/queue/adjust")
def adjust() -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    principal = session.principal

    def adjust_the_chosen_agent() -> None:
        fields = {name: form.get(name, "").strip() for name in ("agent_id", "credits_delta", "reason")}
        body = validated(AdjustmentBody, fields)
        services().queue_desk.adjust(
            principal.company, principal.key_id, body.agent_id, body.credits_delta, body.reason
        )

    return acted(session, adjust_the_chosen_agent, "The adjustment is recorded.", f"{session.place.root}/routing/queue")


def lead_document(form: Mapping[str, str]) -> dict[str, Any]:
    """The form's fields as the simulate endpoint's `lead` body: nested as the intake nests them, blank
    groups left out (a lead with no interest given has none, as a website's would)."""
    document: dict[str, Any] = {name: form[name] for name in _TOP if form.get(name, "").strip()}
    for group, names in _NESTED.items():
        values: dict[str, str | bool] = {
            name: form[f"{group}.{name}"] for name in names if form.get(f"{group}.{name}", "").strip()
        }
        if group == "listing" and form.get("listing.exclusive"):
            values["exclusive"] = True
        if values:
            document[group] = values
    return document


def chosen_moment(form: Mapping[str, str], time_zone: str) -> datetime | None:
    """The form's local date and time in the company's time zone; None (now) when both are blank."""
    day, clock = form.get("date", "").strip(), form.get("time", "").strip()
    if not day and not clock:
        return None
    if not day or not clock:
        raise InvalidInput("Give both a date and a time for the moment, or leave both empty for now.")
    try:
        return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), zone(time_zone))
    except ValueError as error:
        raise InvalidInput("The moment is not a date (YYYY-MM-DD) and a time (HH:MM).") from error


def _try_page(session: Session, config: CompanyConfig, form: Mapping[str, str], **context: Any) -> Response[str]:
    agents = sorted((agent for agent in config.agents.values() if agent.active), key=lambda agent: agent.name)
    return page(
        router,
        "try.html.j2",
        context.pop("status", 200),
        session=session,
        title="Try a lead",
        active="try",
        agents=agents,
        names={agent_id: agent.name for agent_id, agent in config.agents.items()},
        lead_types=LEAD_TYPES,
        time_zone=config.settings.time_zone,
        form=form,
        **context,
    )


@router.get("/app/try")
def try_form() -> Response[str]:
    session = _admin()
    config = services().configuration.load(session.principal.company)
    return _try_page(session, config, {}, result=None)


@router.post("/app/try")
def try_lead() -> Response[str]:
    session = _admin()
    form = checked_form(router, session)
    company = session.principal.company
    config = services().configuration.load(company)
    try:
        lead = validated(SimulatedLead, lead_document(form))
        at = chosen_moment(form, config.settings.time_zone)
    except InvalidInput as error:
        return _try_page(session, config, form, status=422, error=error.message, result=None)
    result: Simulation = services().simulator.simulate(company, facts_of(lead), at, lead.contact())
    return _try_page(session, config, form, result=result)
