"""Agents (admins write; office managers read the agents of their offices)."""

from typing import Annotated, Any, ClassVar

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.agents import Agent
from leadrouter.domain.model import MAX_AGENT_ID, AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()
AgentId = Annotated[int, Path(ge=1, le=MAX_AGENT_ID, description="The agent's id within the company.")]


class AgentBody(Agent):
    """An agent as POST and PUT take it (the same fields and checks); POST without agent_id takes the next free
    id, and PUT takes the id from the path."""

    agent_id: AgentNumber | None = None  # type: ignore[assignment]
    checks_texting_phone: ClassVar[bool] = False  # the service reads it in the company's phone region


class AgentList(Model):
    agents: list[Agent]


@router.post(
    "/v1/agents",
    security=KEY_REQUIRED,
    summary="Add an agent",
    tags=["Admin"],
    responses=documented(400, 401, 403, 409, 422, ok=201, model=Agent, description="Created"),
)
def create_agent(body: Annotated[AgentBody, Body()]) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    agent = services().configuration.create_agent(principal.company, body.model_dump(exclude_unset=True))
    return Response(201, content_types.APPLICATION_JSON, agent.model_dump_json())


@router.get("/v1/agents", security=KEY_REQUIRED, summary="List agents", tags=["Admin"], responses=documented(401, 403))
def list_agents() -> AgentList:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    return AgentList(agents=services().configuration.agents(principal))


@router.get(
    "/v1/agents/<agent_id>",
    security=KEY_REQUIRED,
    summary="Read an agent",
    tags=["Admin"],
    responses=documented(401, 403, 404),
)
def get_agent(agent_id: AgentId) -> Agent:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    return services().configuration.agent(principal, agent_id)


@router.put(
    "/v1/agents/<agent_id>",
    security=KEY_REQUIRED,
    summary="Replace an agent",
    tags=["Admin"],
    responses=documented(400, 401, 403, 404, 422),
)
def put_agent(agent_id: AgentId, body: Annotated[AgentBody, Body()]) -> Agent:
    principal = caller(router, Role.ADMIN)
    fields = body.model_dump(exclude_unset=True, exclude={"agent_id"})
    return services().configuration.replace_agent(principal.company, agent_id, fields)


@router.patch(
    "/v1/agents/<agent_id>",
    security=KEY_REQUIRED,
    summary="Change some of an agent's fields",
    tags=["Admin"],
    responses=documented(400, 401, 403, 404, 422),
)
def patch_agent(agent_id: AgentId, body: Annotated[dict[str, Any], Body()]) -> Agent:
    principal = caller(router, Role.ADMIN)
    return services().configuration.patch_agent(principal.company, agent_id, body)


@router.delete(
    "/v1/agents/<agent_id>",
    security=KEY_REQUIRED,
    summary="Deactivate an agent (their history stays)",
    tags=["Admin"],
    responses=documented(401, 403, 404),
)
def delete_agent(agent_id: AgentId) -> Agent:
    principal = caller(router, Role.ADMIN)
    return services().configuration.deactivate_agent(principal.company, agent_id)
