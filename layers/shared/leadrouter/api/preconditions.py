"""`If-Match`: change a lead only if it is still the version the caller read (its `version`, or the
`ETag` of `GET /v1/leads/{lead_id}`). Without the header, a change still never overwrites a concurrent
one: the write is conditional on the version the service read just before."""

from aws_lambda_powertools.event_handler.api_gateway import Router

from leadrouter.domain.errors import BadRequest


def etag(version: int) -> str:
    return f'"{version}"'


def expected_version(router: Router) -> int | None:
    value = router.current_event.headers.get("if-match") or router.current_event.headers.get("If-Match")
    if value is None or value.strip() == "*":
        return None
    text = value.strip().removeprefix("W/").strip('"')
    if not text.isdigit() or len(text) > 12:
        raise BadRequest('If-Match must be the lead\'s version, as its ETag gives it (for example "3").')
    return int(text)
