"""API Gateway REQUEST authorizer: the bearer key's hash must name a stored key that still counts (an
agent key's agent active: service/callers.py); the caller's company, role and scope go to the API
functions in requestContext.authorizer.

It reads the two fields it needs from the event itself rather than through Powertools' event classes, and
no pydantic model is on its path for a key that is not an agent's: it runs before every request, and each
of those imports was a part of its cold start (docs/PERFORMANCE.md, Cold starts)."""

from typing import Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api.auth import authorizer_context
from leadrouter.domain.key_secrets import looks_like_key
from leadrouter.observability import logger
from leadrouter.wiring import services


def _bearer(event: dict[str, Any]) -> str | None:
    # Header names are case-insensitive (HTTP), as Powertools' event class read them.
    headers = event.get("headers") or {}
    header = next((value for name, value in headers.items() if name.lower() == "authorization" and value), "")
    scheme, _, secret = header.partition(" ")
    secret = secret.strip()
    return secret if scheme.lower() == "bearer" and looks_like_key(secret) else None


def _allow_everything(method_arn: str) -> str:
    # arn:aws:execute-api:region:account:api-id/stage/METHOD/path -> every method and path of this stage,
    # so one decision holds for the whole API; the functions check roles themselves.
    api, _, _ = method_arn.partition("/")
    stage = method_arn.split("/")[1] if method_arn.count("/") >= 1 else "*"
    return f"{api}/{stage}/*"


@logger.inject_lambda_context
def lambda_handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    secret = _bearer(event)
    principal = services().callers.principal(secret) if secret else None
    if principal is None:
        logger.info("rejected an API key")
        # API Gateway answers 401 for exactly this message.
        raise Exception("Unauthorized")
    logger.info("authorized", extra={"key_id": principal.key_id, "role": principal.role.value})
    return {
        "principalId": principal.key_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [
                {
                    "Action": "execute-api:Invoke",
                    "Effect": "Allow",
                    "Resource": _allow_everything(event["methodArn"]),
                }
            ],
        },
        "context": authorizer_context(principal),
    }
