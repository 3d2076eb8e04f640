"""The pool: agents list and claim unassigned leads (when the company lets them); the assignee, an admin or
an office manager of the lead's office sends a lead back to the pool."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Query

from leadrouter.api.caller import caller
from leadrouter.api.leads_admin import LeadId
from leadrouter.api.preconditions import expected_version
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, AgentLeadView, LeadDetail, PoolLeadView, PoolPage, documented
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


@router.get(
    "/v1/pool",
    security=KEY_REQUIRED,
    summary="The pool, newest first: unassigned leads an agent may claim (no contact details before the claim)",
    description=(
        "For agent keys of agents with lead management, when the company lets agents claim unassigned leads "
        "(`agents_can_claim_unassigned`); 403 otherwise. Leads sent to an office are its managers' and are "
        "not listed."
    ),
    tags=["Agent"],
    responses=documented(400, 401, 403),
)
def pool(
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: Annotated[str | None, Query(max_length=2000)] = None,
) -> PoolPage:
    principal = caller(router, Role.AGENT)
    page = services().pool_desk.pool(principal, limit, cursor)
    return PoolPage(leads=[PoolLeadView.of(lead) for lead in page.items], next_cursor=page.next_cursor)


@router.post(
    "/v1/leads/<lead_id>/claim",
    security=KEY_REQUIRED,
    summary="Claim a lead from the pool: it is mine at once (no acceptance); 409 when it is no longer unassigned",
    tags=["Agent"],
    responses=documented(401, 403, 404, 409),
)
def claim(lead_id: LeadId) -> AgentLeadView:
    principal = caller(router, Role.AGENT)
    assert principal.agent_id is not None
    lead = services().pool_desk.claim(principal, lead_id)
    return AgentLeadView.for_agent(lead, principal.agent_id)


@router.post(
    "/v1/leads/<lead_id>/release",
    security=KEY_REQUIRED,
    summary="Send a lead back to the pool: the agent who holds it, an admin, or an office manager of its office",
    description=(
        "An agent answers with the lead as agents see it (no contact details: it is no longer theirs); "
        "admins and office managers get the lead with its history. Send `If-Match` with the lead's version "
        "to send it back only if nobody changed it since you read it (409 otherwise)."
    ),
    tags=["Agent"],
    responses=documented(400, 401, 403, 404, 409),
)
def release(lead_id: LeadId) -> LeadDetail | AgentLeadView:
    principal = caller(router, Role.AGENT, Role.ADMIN, Role.OFFICE_MANAGER)
    lead = services().pool_desk.release(principal, lead_id, expected_version(router))
    if principal.role is Role.AGENT:
        assert principal.agent_id is not None
        return AgentLeadView.for_agent(lead, principal.agent_id)
    return LeadDetail.of(lead)
