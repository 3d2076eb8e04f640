"""Company settings (admins)."""

from typing import Annotated, Any

from aws_lambda_powertools.event_handler.openapi.params import Body
from pydantic import ConfigDict

from leadrouter.api.caller import caller
from leadrouter.api.resolver import new_router
from leadrouter.api.views import KEY_REQUIRED, documented
from leadrouter.domain.company import (
    CompanySettings,
    EscalationEmails,
    FairShareOnReturn,
    MissesInARow,
    Origins,
    OwnershipDays,
    PhoneRegion,
    ReturningLeads,
    Seconds,
    SenderEmail,
    TimeZoneName,
)
from leadrouter.domain.model import AgentNumber, Model
from leadrouter.domain.principals import Role
from leadrouter.wiring import services

router = new_router()


# What null means in a change: no default agent or broker, no sender of one's own, no escalation, no limit to
# ownership, no auto-away. Null is no value of any other setting (CompanySettings refuses it), so the document
# does not offer it there.
CLEARED_BY_NULL = frozenset(
    {
        "default_agent_id",
        "default_broker_id",
        "sender_email",
        "escalate_unclaimed_after_seconds",
        "ownership_days",
        "auto_away_after_misses",
    }
)


def _null_only_where_it_clears(schema: dict[str, Any]) -> None:
    for name, field in schema["properties"].items():
        branches = [branch for branch in field.get("anyOf", ()) if branch != {"type": "null"}]
        if name not in CLEARED_BY_NULL and len(branches) == 1:
            del field["anyOf"]
            field.update(branches[0])
            field.pop("default", None)


class SettingsChange(Model):
    """Any subset of the settings; those left out keep their values. Checked in full by CompanySettings."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_null_only_where_it_clears)

    time_zone: TimeZoneName | None = None
    skip_exclusive_listing_assignment: bool | None = None
    default_agent_id: AgentNumber | None = None
    default_broker_id: AgentNumber | None = None
    click_to_claim_enabled: bool | None = None
    advanced_distribution_enabled: bool | None = None
    auto_assign_enabled: bool | None = None
    acceptance_required: bool | None = None
    acceptance_timeout_seconds: Seconds | None = None
    agents_can_claim_unassigned: bool | None = None
    claim_link_ttl_seconds: Seconds | None = None
    sender_email: SenderEmail | None = None
    allowed_origins: Origins | None = None
    escalate_unclaimed_after_seconds: Seconds | None = None
    escalation_emails: EscalationEmails | None = None
    returning_leads: ReturningLeads | None = None
    owner_window_seconds: Seconds | None = None
    ownership_days: OwnershipDays | None = None
    phone_region: PhoneRegion | None = None
    auto_away_after_misses: MissesInARow | None = None
    fair_share_on_return: FairShareOnReturn | None = None


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
    summary="Change settings (any subset; null clears a default agent or broker, or turns escalation off)",
    tags=["Admin"],
    responses=documented(400, 401, 403, 422),
)
def put_settings(body: Annotated[SettingsChange, Body()]) -> CompanySettings:
    principal = caller(router, Role.ADMIN)
    return services().configuration.update_settings(principal.company, body.model_dump(exclude_unset=True))
