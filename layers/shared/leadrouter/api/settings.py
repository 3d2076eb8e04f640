"""Company settings (admins)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict
from pydantic.json_schema import SkipJsonSchema

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.company import CompanySettings, Origins, Seconds, SenderEmail, TimeZoneName
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


class SettingsChange(Model):
    """Any subset of the settings; those left out keep their values. Checked in full by CompanySettings."""

    model_config = ConfigDict(extra="forbid")

    # Left out keeps a setting; null is no value of these (CompanySettings refuses it with a 422), so the
    # document does not offer it: only the default agent and broker, and the sender, are cleared by null.
    time_zone: TimeZoneName | SkipJsonSchema[None] = None
    skip_exclusive_listing_assignment: bool | SkipJsonSchema[None] = None
    default_agent_id: AgentNumber | None = None
    default_broker_id: AgentNumber | None = None
    click_to_claim_enabled: bool | SkipJsonSchema[None] = None
    advanced_distribution_enabled: bool | SkipJsonSchema[None] = None
    auto_assign_enabled: bool | SkipJsonSchema[None] = None
    acceptance_required: bool | SkipJsonSchema[None] = None
    acceptance_timeout_seconds: Seconds | SkipJsonSchema[None] = None
    agents_can_claim_unassigned: bool | SkipJsonSchema[None] = None
    claim_link_ttl_seconds: Seconds | SkipJsonSchema[None] = None
    sender_email: SenderEmail | None = None
    allowed_origins: Origins | SkipJsonSchema[None] = None


@router.get(
    "/v1/settings",
    security=KEY_REQUIRED,
    summary="Read the company's settings",
    tags=["Admin"],
    responses=documented(401, 403),
)
def get_settings() -> CompanySettings:
    principal = caller(router, Role.ADMIN)
    return services().configuration.load(principal.company).settings


@router.put(
    "/v1/settings",
    security=KEY_REQUIRED,
    summary="Change settings (any subset; null clears a default agent or broker)",
    tags=["Admin"],
    responses=documented(400, 401, 403, 422),
)
def put_settings(body: Annotated[SettingsChange, Body()]) -> CompanySettings:
    principal = caller(router, Role.ADMIN)
    return services().configuration.update_settings(principal.company, body.model_dump(exclude_unset=True))
