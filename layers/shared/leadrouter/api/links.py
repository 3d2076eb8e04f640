"""Where the links in emails point: PUBLIC_BASE_URL when set (a custom domain), else the host and stage the
request came in on, as API Gateway tells it."""

from aws_lambda_powertools.utilities.data_classes.common import BaseProxyEvent

from leadrouter.environment import environment


def link_base_url(event: BaseProxyEvent) -> str | None:
    configured = environment().PUBLIC_BASE_URL.strip()
    if configured:
        return configured.rstrip("/")
    context = event.raw_event.get("requestContext") or {}
    domain = str(context.get("domainName") or "")
    if not domain:
        return None
    stage = str(context.get("stage") or "")
    local = domain.startswith(("127.0.0.1", "localhost"))
    base = f"{'http' if local else 'https'}://{domain}"
    # A custom domain's base path mapping hides the stage; the execute-api host needs it in the path.
    return f"{base}/{stage}" if stage and ".execute-api." in domain else base
