"""Company settings (admins)."""

from typing import Annotated

from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict, Field

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


class SettingsChange(Model):
    """Any subset of the settings; those left out keep their values. Checked in full by CompanySettings."""

    model_config = ConfigDict(extra="forbid")

    time_zone: str | None = None
    skip_exclusive_listing_assignment: bool | None = None
    default_agent_id: AgentNumber | None = None
    default_broker_id: AgentNumber | None = None
    click_to_claim_enabled: bool | None = None
    advanced_distribution_enabled: bool | None = None
    auto_assign_enabled: bool | None = None
    acceptance_required: bool | None = None
    acceptance_timeout_seconds: Annotated[int, Field(ge=1)] | None = None
    agents_can_claim_unassigned: bool | None = None
    claim_link_ttl_seconds: Annotated[int, Field(ge=1)] | None = None
    sender_email: str | None = None
    allowed_origins: list[str] | None = None


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
