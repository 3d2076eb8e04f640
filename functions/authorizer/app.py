"""API Gateway REQUEST authorizer: the bearer key's hash must name a stored key that still counts (an
agent key's agent active: service/callers.py); the caller's company, role and scope go to the API
functions in requestContext.authorizer."""

from typing import Any

from aws_lambda_powertools.utilities.data_classes import event_source
from aws_lambda_powertools.utilities.data_classes.api_gateway_authorizer_event import (
    APIGatewayAuthorizerRequestEvent,
)
from aws_lambda_powertools.utilities.typing import LambdaContext

from leadrouter.api.auth import authorizer_context
from leadrouter.domain.credentials import looks_like_key
from leadrouter.observability import logger
from leadrouter.wiring import services


def _bearer(event: APIGatewayAuthorizerRequestEvent) -> str | None:
    header = event.headers.get("authorization") or event.headers.get("Authorization") or ""
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
@event_source(data_class=APIGatewayAuthorizerRequestEvent)
def lambda_handler(event: APIGatewayAuthorizerRequestEvent, context: LambdaContext) -> dict[str, Any]:
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
                    "Resource": _allow_everything(event.method_arn),
                }
            ],
        },
        "context": authorizer_context(principal),
    }
