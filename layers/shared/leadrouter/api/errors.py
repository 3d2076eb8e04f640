"""The one place that maps errors to HTTP answers, in the contract's shape:
{"error": {"code": "...", "message": "..."}}. A 5xx never carries a stack trace."""

import json
from http import HTTPStatus
from typing import Any

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response, content_types
from aws_lambda_powertools.event_handler.openapi.exceptions import RequestUnsupportedContentType, RequestValidationError

from leadrouter.domain import errors
from leadrouter.domain.model import problem_text
from leadrouter.observability import logger

STATUS: dict[type[errors.DomainError], HTTPStatus] = {
    errors.BadRequest: HTTPStatus.BAD_REQUEST,
    errors.InvalidInput: HTTPStatus.UNPROCESSABLE_ENTITY,
    errors.PayloadTooLarge: HTTPStatus.REQUEST_ENTITY_TOO_LARGE,
    errors.UnsupportedMediaType: HTTPStatus.UNSUPPORTED_MEDIA_TYPE,
    errors.Unauthorized: HTTPStatus.UNAUTHORIZED,
    errors.Forbidden: HTTPStatus.FORBIDDEN,
    errors.NotFound: HTTPStatus.NOT_FOUND,
    errors.Conflict: HTTPStatus.CONFLICT,
    errors.Unavailable: HTTPStatus.SERVICE_UNAVAILABLE,
}


def error_response(
    status: HTTPStatus, code: str, message: str, headers: dict[str, str] | None = None, **extra: Any
) -> Response[str]:
    body: dict[str, Any] = {"code": code, "message": message, **extra}
    headers = dict(headers or {})
    if status is HTTPStatus.SERVICE_UNAVAILABLE:
        headers["Retry-After"] = str(extra.pop("retry_after", 2))
        body.pop("retry_after", None)
    return Response(
        status_code=status.value,
        content_type=content_types.APPLICATION_JSON,
        body=json.dumps({"error": body}),
        headers=headers,
    )


def status_of(error: errors.DomainError) -> HTTPStatus:
    for cls in type(error).__mro__:
        if cls in STATUS:
            return STATUS[cls]
    return HTTPStatus.INTERNAL_SERVER_ERROR


def _describe_validation(error: RequestValidationError) -> tuple[str, list[dict[str, Any]]]:
    details = []
    parts = []
    for problem in error.errors():
        location = [str(part) for part in problem.get("loc", ())]
        # Powertools puts ("body", ...), ("query", ...), ("path", ...) first.
        where = ".".join(location[1:]) if len(location) > 1 else ".".join(location) or "body"
        message = problem_text(problem)
        parts.append(f"{where}: {message}")
        details.append({"field": where, "in": location[0] if location else "body", "message": message})
    return "; ".join(parts) or "The request is not valid.", details


def domain_error_response(error: errors.DomainError, headers: dict[str, str] | None = None) -> Response[str]:
    status = status_of(error)
    if isinstance(error, errors.Unavailable):
        return error_response(status, error.code, error.message, headers, retry_after=error.retry_after_seconds)
    return error_response(status, error.code, error.message, headers)


def register_error_handlers(app: APIGatewayRestResolver) -> None:
    @app.exception_handler(errors.DomainError)  # type: ignore[untyped-decorator]
    def _domain(error: errors.DomainError) -> Response[str]:
        return domain_error_response(error)

    @app.exception_handler(RequestUnsupportedContentType)  # type: ignore[untyped-decorator]
    def _unsupported(error: RequestUnsupportedContentType) -> Response[str]:
        # A NotImplementedError to Powertools, so no other handler here would catch it: it is the sender's.
        return domain_error_response(errors.UnsupportedMediaType("Send application/json."))

    @app.exception_handler(RequestValidationError)  # type: ignore[untyped-decorator]
    def _invalid(error: RequestValidationError) -> Response[str]:
        unreadable = next((problem for problem in error.errors() if problem.get("type") == "json_invalid"), None)
        if unreadable is not None:
            # Not JSON at all: the request cannot be read (400), as the intake answers it, not a field's fault.
            reason = (unreadable.get("ctx") or {}).get("error", "invalid")
            position = unreadable.get("loc", ("body", "?"))[-1]
            message = f"The body is not valid JSON: {reason} at position {position}."
            return error_response(HTTPStatus.BAD_REQUEST, "bad_request", message)
        message, details = _describe_validation(error)
        return error_response(HTTPStatus.UNPROCESSABLE_ENTITY, "invalid_input", message, details=details)

    @app.not_found
    def _no_route(_: Exception) -> Response[str]:
        return error_response(HTTPStatus.NOT_FOUND, "not_found", "No such endpoint.")

    @app.exception_handler(Exception)  # type: ignore[untyped-decorator]
    def _unexpected(error: Exception) -> Response[str]:
        logger.exception("unhandled error")
        return error_response(HTTPStatus.INTERNAL_SERVER_ERROR, "internal", "Internal error; retry later.")
