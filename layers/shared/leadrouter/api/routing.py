"""Routes (cascade step 5) and the routing simulator (admins)."""

from datetime import datetime
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path
from pydantic import ConfigDict, Field, model_validator

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.leads import LeadSubmission
from leadrouter.domain.model import AgentNumber, Model, Moment
from leadrouter.domain.principals import Role
from leadrouter.domain.routes import (
    MAX_MEMBERS,
    MAX_PRIORITY,
    ROUTE_ID_PATTERN,
    Route,
    RouteConditions,
    RouteOrder,
    WindowSeconds,
)
from leadrouter.domain.simulation import Simulation
from leadrouter.wiring import services

router = new_router()
RouteIdPath = Annotated[str, Path(pattern=ROUTE_ID_PATTERN, description="The route's id.")]


class RouteBody(Model):
    """A route as POST and PUT take it (PUT replaces the whole route)."""

    model_config = ConfigDict(extra="forbid")

    name: Annotated[str, Field(min_length=1, max_length=100)]
    priority: Annotated[
        int,
        Field(ge=0, le=MAX_PRIORITY, description="Lower numbers are tried first; unique among active routes"),
    ]
    active: bool = True
    conditions: RouteConditions = Field(
        default_factory=RouteConditions,
        description="All that are set must hold, in the company's time zone; none set: the one big route",
    )
    members: Annotated[
        list[AgentNumber],
        Field(min_length=1, max_length=MAX_MEMBERS, description="Agent ids, offered the lead in this order"),
    ]
    claim_window_seconds: WindowSeconds = Field(
        default=300, description="How long each member has to claim or pass before the next one gets the offer"
    )
    order: RouteOrder = Field(
        default="sequential",
        description="`sequential`: every lead starts with the first member; `round_robin`: with the member after "
        "the one who started the previous lead of this route, then in the listed order, wrapping",
    )


class RouteList(Model):
    routes: list[Route]


class SimulatedLead(LeadSubmission):
    """The intake body; contact details are optional here (routing never looks at them)."""

    @model_validator(mode="after")
    def _reachable(self) -> "SimulatedLead":
        return self


class SimulationRequest(Model):
    model_config = ConfigDict(extra="forbid")

    lead: SimulatedLead
    at: Moment | None = Field(
        default=None, description="The moment to simulate, ISO 8601 with offset; now when left out"
    )


@router.post(
    "/v1/routes",
    security=KEY_REQUIRED,
    summary="Add a route",
    tags=["Admin"],
    responses=documented(400, 401, 403, 409, 422, ok=201, model=Route, description="Created"),
)
def create_route(body: Annotated[RouteBody, Body()]) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    route = services().routes.create(principal.company, body.model_dump(mode="json", exclude_unset=True))
    return Response(201, content_types.APPLICATION_JSON, route.model_dump_json())


@router.get(
    "/v1/routes",
    security=KEY_REQUIRED,
    summary="List routes in the order the cascade tries them",
    tags=["Admin"],
    responses=documented(401, 403),
)
def list_routes() -> RouteList:
    principal = caller(router, Role.ADMIN)
    return RouteList(routes=services().routes.routes(principal.company))


@router.get(
    "/v1/routes/<route_id>",
    security=KEY_REQUIRED,
    summary="Read a route",
    tags=["Admin"],
    responses=documented(401, 403, 404),
)
def get_route(route_id: RouteIdPath) -> Route:
    principal = caller(router, Role.ADMIN)
    return services().routes.route(principal.company, route_id)


@router.put(
    "/v1/routes/<route_id>",
    security=KEY_REQUIRED,
    summary="Replace a route",
    tags=["Admin"],
    responses=documented(400, 401, 403, 404, 409, 422),
)
def put_route(route_id: RouteIdPath, body: Annotated[RouteBody, Body()]) -> Route:
    principal = caller(router, Role.ADMIN)
    return services().routes.replace(principal.company, route_id, body.model_dump(mode="json", exclude_unset=True))


@router.delete(
    "/v1/routes/<route_id>",
    security=KEY_REQUIRED,
    summary="Delete a route (leads already in its chain finish it)",
    tags=["Admin"],
    responses=documented(401, 403, 404, 409, ok=204, description="Deleted"),
)
def delete_route(route_id: RouteIdPath) -> Response[str]:
    principal = caller(router, Role.ADMIN)
    services().routes.delete(principal.company, route_id)
    return no_content()


@router.post(
    "/v1/routing/simulate",
    security=KEY_REQUIRED,
    summary="What the cascade would do with a lead at a moment, step by step; changes nothing",
    description=(
        "Takes `lead` (the intake body) and an optional `at`. Answers the deciding step and its outcome, every "
        "step of the cascade (applied or not, and why, in the sentences a real lead's history gets), every route "
        "(tried, matched, and why), the matched route's members, and the agents skipped. Creates no lead, sends "
        "no email, starts no timer and takes no round-robin turn: `agent_id` is who the next turn would give."
    ),
    tags=["Admin"],
    responses=documented(400, 401, 403),
)
def simulate(body: Annotated[SimulationRequest, Body()]) -> Simulation:
    # Imported here: the intake service (and what it loads) serves this one route of the admin function.
    from leadrouter.service.intake import facts_of

    principal = caller(router, Role.ADMIN)
    at: datetime | None = body.at
    return services().simulator.simulate(principal.company, facts_of(body.lead), at, body.lead.contact())
