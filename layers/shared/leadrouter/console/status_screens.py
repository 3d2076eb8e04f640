"""My status (CONSOLE.md): the agent's own presence: their status with a reason, set with the same
PresenceDesk as PUT /v1/me/status (so the change is the same agent write, published as agent.status_changed,
and refused with the same words), what routing makes of it now, and their working hours and out-of-office
dates, read-only: the API lets only an admin change those (the agent endpoints), so the page says so.

Guarantees: agents only (anyone else gets the API's 403); an empty reason is no reason; a refused change
changes nothing and comes back as the API's message."""

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.presence import PresenceView
from leadrouter.api.resolver import new_router
from leadrouter.console.web import acted, checked_form, page, session_of
from leadrouter.domain.presence import DAYS
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()

STATUSES = (
    ("available", "Available", "New leads are offered to you (within your working hours)."),
    ("away", "Away", "For a while: no new leads are offered to you until you are back."),
    ("offline", "Offline", "Done for now: no new leads are offered to you."),
)


@router.get("/app/status")
def my_status() -> Response[str]:
    session = session_of(router, Role.AGENT)
    presence = PresenceView.of(services().presence_desk.mine(session.principal))
    config = services().configuration.load(session.principal.company)
    hours = presence.working_hours
    names = {agent.agent_id: agent.name for agent in config.agents.values()}
    return page(
        router,
        "status.html.j2",
        session=session,
        title="My status",
        active="status",
        presence=presence,
        statuses=STATUSES,
        days=[(day.capitalize(), hours.days.get(day, [])) for day in DAYS] if hours is not None else [],
        hours_zone=(hours.time_zone if hours is not None else None) or config.company.settings.time_zone,
        names=names,
    )


@router.post("/app/status")
def set_my_status() -> Response[str]:
    session = session_of(router, Role.AGENT)
    form = checked_form(router, session)
    status = form.get("status", "")
    reason = form.get("reason", "").strip() or None
    words = f"{status} ({reason})" if reason else status
    return acted(
        session,
        lambda: services().presence_desk.set_mine(session.principal, status, reason),
        f"Your status is {words}.",
        f"{session.place.root}/status",
    )
