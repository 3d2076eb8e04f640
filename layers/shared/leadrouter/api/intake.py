"""Public endpoints a brokerage website calls: the lead form and the agent dropdown."""

import json
from datetime import timedelta
from typing import Annotated

from aws_lambda_powertools.event_handler import Response, content_types
from aws_lambda_powertools.event_handler.openapi.params import Header, Path
from aws_lambda_powertools.metrics import MetricUnit

from leadrouter.api.bodies import parse_document, validated_by
from leadrouter.api.errors import domain_error_response
from leadrouter.api.links import link_base_url
from leadrouter.api.resolver import new_router, no_content
from leadrouter.api.views import Directory, DirectoryEntry, IntakeAnswer, documented
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import DomainError, Forbidden
from leadrouter.domain.leads import honeypot_filled
from leadrouter.domain.submissions import read_submission
from leadrouter.observability import metrics
from leadrouter.wiring import services

router = new_router()

MAX_LEAD_BODY_BYTES = 64 * 1024
CompanyId = Annotated[str, Path(pattern=r"^co_[0-9a-z]{26}$", description="The company's id.")]


def _cors(company_id: str, origin: str | None) -> tuple[dict[str, str], CompanyConfig | None]:
    """Cross-origin posts from the company's configured origins; none configured: plain form posts only.
    With the configuration it was checked against (None without an origin), which the intake then uses
    rather than read the configuration version a second time."""
    if not origin:
        return {}, None
    config = services().configuration.load(company_id)
    allowed = config.settings.allowed_origins
    if not allowed:
        return {}, config
    if origin.rstrip("/") not in allowed:
        raise Forbidden(f"Origin {origin} is not one of this company's allowed origins.")
    headers = {
        "Access-Control-Allow-Origin": origin.rstrip("/"),
        "Access-Control-Allow-Methods": "POST, OPTIONS",
        "Access-Control-Allow-Headers": "Content-Type, Idempotency-Key",
        "Access-Control-Max-Age": "600",
        "Vary": "Origin",
    }
    return headers, config


def _time_left() -> timedelta | None:
    """How long this invocation may still run (None: unknown): a repeat of its request meanwhile may find
    it delivering."""
    context = router.lambda_context
    return None if context is None else timedelta(milliseconds=context.get_remaining_time_in_millis())


@router.post(
    "/v1/companies/<company_id>/leads",
    summary="Submit a lead from a website form",
    description=(
        "JSON, form-encoded or multipart/form-data (nested fields as `listing.exclusive`; files are ignored). "
        "Runs the assignment cascade and answers "
        "202 with the lead's id and status. An `Idempotency-Key` header, or the same payload again within ten "
        "minutes, returns the first answer and creates nothing new. A filled honeypot field `website` answers "
        "202 and stores nothing."
    ),
    responses=documented(400, 403, 404, 409, 413, 415, 422, ok=202, model=IntakeAnswer, description="Accepted"),
    tags=["Public"],
)
def post_lead(
    company_id: CompanyId,
    idempotency_key: Annotated[str | None, Header(alias="Idempotency-Key", max_length=200)] = None,
) -> Response[str]:
    event = router.current_event
    headers, config = _cors(company_id, event.headers.get("origin") or event.headers.get("Origin"))
    try:
        document = parse_document(event, MAX_LEAD_BODY_BYTES)
        if honeypot_filled(document):
            answer = services().intake.drop_spam(company_id, config).as_dict()
        else:
            read = validated_by(read_submission, document)
            answer = (
                services()
                .intake.submit(
                    company_id,
                    read.submission,
                    idempotency_key,
                    link_base_url(event),
                    read.left_out,
                    _time_left(),
                    config,
                )
                .as_dict()
            )
    except DomainError as error:
        # The website's script may read why its lead was refused: the error carries the CORS headers too.
        return domain_error_response(error, headers)
    metrics.add_metric(name="LeadsAccepted", unit=MetricUnit.Count, value=1)
    return Response(202, content_types.APPLICATION_JSON, json.dumps(answer), headers=headers)


@router.route("/v1/companies/<company_id>/leads", method="OPTIONS", include_in_schema=False)
def preflight(company_id: CompanyId) -> Response[str]:
    event = router.current_event
    headers, _ = _cors(company_id, event.headers.get("origin") or event.headers.get("Origin"))
    return no_content(headers)


@router.get(
    "/v1/companies/<company_id>/agents/directory",
    summary="Agents a website may show in its 'are you working with an agent' dropdown",
    responses=documented(404, 422, ok=200, model=Directory, description="Active agents"),
    tags=["Public"],
)
def directory(company_id: CompanyId) -> Response[str]:
    config = services().configuration.load(company_id)
    listing = Directory(
        agents=[
            DirectoryEntry(agent_id=agent.agent_id, display_name=agent.display_name())
            for agent in sorted(config.agents.values(), key=lambda agent: agent.name.casefold())
            if agent.active
        ]
    )
    return Response(
        200,
        content_types.APPLICATION_JSON,
        listing.model_dump_json(),
        headers={"Cache-Control": "public, max-age=60", "Access-Control-Allow-Origin": "*"},
    )
