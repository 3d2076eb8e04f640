"""The office managers' and admins' screens: leads (their offices' for an office manager, starting with the
waiting ones; all for an admin), filtered by status; a lead's page with its history as a timeline, in the
API's own sentences; Assign to an agent, Send back to the pool. The same lead desk as /v1/leads, with the
user's Principal: a manager sees only their offices."""

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.resolver import new_router
from leadrouter.api.views import LeadDetail, LeadView
from leadrouter.console.web import Session, acted, checked_form, known_id, page, session_of
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.ids import LEAD_ID_PATTERN
from leadrouter.domain.leads import LeadStatus
from leadrouter.domain.principals import Role
from leadrouter.domain.queries import LeadQuery
from leadrouter.wiring import services

router = new_router()


def _manager() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN, Role.OFFICE_MANAGER)
    return session


@router.get("/app/leads")
def leads() -> Response[str]:
    session = _manager()
    wanted = router.current_event.get_query_string_value("status")
    if wanted is None and session.user.role is Role.OFFICE_MANAGER:
        wanted = LeadStatus.UNASSIGNED.value  # a manager starts with the leads waiting in their offices
    status = next((item for item in LeadStatus if item.value == wanted), None)
    found = services().lead_desk.list(session.principal, LeadQuery(status=status, limit=100))
    return page(
        router,
        "leads.html.j2",
        session=session,
        title="Leads",
        active="leads",
        leads=[LeadView.of(lead) for lead in found.items],
        statuses=[item.value for item in LeadStatus],
        chosen_status=wanted if status else "",
    )


def _lead_id(lead_id: str) -> str:
    return known_id(LEAD_ID_PATTERN, lead_id, "lead")


@router.get("/app/leads/<lead_id>")
def lead_page(lead_id: str) -> Response[str]:
    session = _manager()
    lead = services().lead_desk.get(session.principal, _lead_id(lead_id))
    config = services().configuration.load(session.principal.company)
    offices = set(session.principal.office_ids)
    agents = [
        agent
        for agent in sorted(config.agents.values(), key=lambda agent: agent.name)
        if agent.active and (session.user.role is Role.ADMIN or agent.office_id in offices)
    ]
    names = {agent.agent_id: agent.name for agent in config.agents.values()}
    return page(
        router,
        "lead.html.j2",
        session=session,
        title="Lead",
        active="leads",
        lead=LeadDetail.of(lead),
        agents=agents,
        names=names,
    )


@router.post("/app/leads/<lead_id>/assign")
def assign(lead_id: str) -> Response[str]:
    session = _manager()
    form = checked_form(router, session)
    location = f"{session.place.root}/leads/{_lead_id(lead_id)}"

    def assign_to_the_chosen_agent() -> None:
        agent = form.get("agent_id", "")
        if not agent.isdigit():
            raise InvalidInput("Choose an agent.")
        services().lead_desk.assign_to_agent(session.principal, lead_id, int(agent), None)

    return acted(session, assign_to_the_chosen_agent, "The lead is assigned.", location)


@router.post("/app/leads/<lead_id>/release")
def send_back(lead_id: str) -> Response[str]:
    session = _manager()
    checked_form(router, session)
    location = f"{session.place.root}/leads/{_lead_id(lead_id)}"
    return acted(
        session,
        lambda: services().pool_desk.release(session.principal, lead_id),
        "The lead is back in the pool.",
        location,
    )
