"""Admins' and office managers' view of leads."""

from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Body, Path, Query
from pydantic import ConfigDict, model_validator

from leadrouter.api.caller import caller
from leadrouter.api.preconditions import etag, expected_version
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, LeadDetail, LeadPage, LeadView, documented
from leadrouter.domain.agents import OfficeId
from leadrouter.domain.ids import LEAD_ID_PATTERN
from leadrouter.domain.leads import LeadStatus
from leadrouter.domain.model import AgentNumber, IsoDatetime, Model
from leadrouter.domain.people import PERSON_ID_PATTERN
from leadrouter.domain.principals import Role
from leadrouter.domain.queries import LeadQuery
from leadrouter.wiring import services

router = new_router()
LeadId = Annotated[str, Path(pattern=LEAD_ID_PATTERN)]


class Assignment(Model):
    model_config = ConfigDict(extra="forbid")

    agent_id: AgentNumber | None = None
    office_id: OfficeId | None = None

    @model_validator(mode="after")
    def _exactly_one(self) -> "Assignment":
        if (self.agent_id is None) == (self.office_id is None):
            raise ValueError("give exactly one of agent_id or office_id")
        return self


@router.get(
    "/v1/leads",
    security=KEY_REQUIRED,
    summary="List leads, newest first",
    tags=["Admin"],
    responses=documented(400, 401, 403, 422),
)
def list_leads(
    status: Annotated[LeadStatus | None, Query()] = None,
    agent_id: Annotated[int | None, Query(ge=1)] = None,
    office_id: Annotated[str | None, Query(max_length=63)] = None,
    source: Annotated[str | None, Query(max_length=64)] = None,
    person_id: Annotated[str | None, Query(pattern=PERSON_ID_PATTERN, description="A person's leads")] = None,
    created_from: Annotated[IsoDatetime | None, Query(description="ISO 8601, inclusive")] = None,
    created_to: Annotated[IsoDatetime | None, Query(description="ISO 8601, inclusive")] = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> LeadPage:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    query = LeadQuery(
        status=status,
        agent_id=agent_id,
        office_id=office_id,
        source=source,
        person_id=person_id,
        created_from=created_from,
        created_to=created_to,
        limit=limit,
        cursor=cursor,
    )
    page = services().lead_desk.list(principal, query)
    return LeadPage(leads=[LeadView.of(lead) for lead in page.items], next_cursor=page.next_cursor)


@router.get(
    "/v1/leads/<lead_id>",
    security=KEY_REQUIRED,
    summary="A lead with its full history",
    tags=["Admin"],
    description="The `ETag` header is the lead's version: send it back as `If-Match` to assign or release it "
    "only if nobody changed it since.",
    responses=documented(401, 403, 404),
)
def get_lead(lead_id: LeadId) -> Response[LeadDetail]:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    lead = services().lead_desk.get(principal, lead_id)
    return Response(200, content_types.APPLICATION_JSON, LeadDetail.of(lead), headers={"ETag": etag(lead.version)})


@router.post(
    "/v1/leads/<lead_id>/assign",
    security=KEY_REQUIRED,
    summary="Assign a lead to an agent or an office",
    tags=["Admin"],
    description="Closes any open offer on the lead; with acceptance required, an assignment to an agent is an "
    "acceptance offer. Two assignments at the same moment: one wins, the other gets 409. With `If-Match` (the "
    "lead's version), the assignment happens only if nobody changed the lead since it was read (409 otherwise).",
    responses=documented(400, 401, 403, 404, 409, 422),
)
def assign_lead(lead_id: LeadId, body: Annotated[Assignment, Body()]) -> LeadDetail:
    principal = caller(router, Role.ADMIN, Role.OFFICE_MANAGER)
    desk = services().lead_desk
    version = expected_version(router)
    if body.agent_id is not None:
        lead = desk.assign_to_agent(principal, lead_id, body.agent_id, version)
    else:
        assert body.office_id is not None
        lead = desk.assign_to_office(principal, lead_id, body.office_id, version)
    return LeadDetail.of(lead)
