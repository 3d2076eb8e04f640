"""The office managers' and admins' lead page: its history as a timeline, in the API's own sentences; Assign
to an agent, Send back to the pool. The same lead desk as /v1/leads/{id}, with the user's Principal: a
manager sees only their offices' leads. (The list of leads and its search: console/pool_screens.py.)"""

from aws_lambda_powertools.event_handler import Response

from leadrouter.api.resolver import new_router
from leadrouter.api.views import LeadDetail
from leadrouter.console.pool_screens import assignable_agents
from leadrouter.console.web import Session, acted, checked_form, known_id, page, session_of
from leadrouter.domain.errors import InvalidInput
from leadrouter.domain.ids import LEAD_ID_PATTERN
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


def _manager() -> Session:
    session = session_of(router)
    session.principal.require(Role.ADMIN, Role.OFFICE_MANAGER)
    return session


def _lead_id(lead_id: str) -> str:
    return known_id(LEAD_ID_PATTERN, lead_id, "lead")


@router.get("/app/leads/<lead_id>")
def lead_page(lead_id: str) -> Response[str]:
    session = _manager()
    lead = services().lead_desk.get(session.principal, _lead_id(lead_id))
    config = services().configuration.load(session.principal.company)
    agents = assignable_agents(session, config)
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
