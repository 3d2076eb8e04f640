"""The console's resolver: its routers, its static files, and how a refusal looks in a browser (a page with
the API's message and status, api/errors.status_of; a missing or ended session: the sign-in page, its
cookies cleared), and the renewed access token's cookie on every answer of a request that renewed it."""

from pathlib import Path
from typing import Final

from aws_lambda_powertools.event_handler import APIGatewayRestResolver, Response
from aws_lambda_powertools.event_handler.middlewares import NextMiddleware

from leadrouter.api.errors import status_of
from leadrouter.api.resolver import build_resolver, new_router
from leadrouter.console import (
    agent_screens,
    agent_setup_screens,
    office_screens,
    people_screens,
    pool_screens,
    queue_screens,
    report_screens,
    route_screens,
    settings_screens,
    sign_in,
    status_screens,
)
from leadrouter.console.web import Place, SignInRequired, page, redirect, renewal_cookies
from leadrouter.domain.errors import DomainError, NotFound

STATIC: Final = Path(__file__).resolve().parent / "static"
_TYPES: Final = {".js": "text/javascript; charset=utf-8", ".css": "text/css; charset=utf-8"}

static_files = new_router()


@static_files.get("/app/static/<name>")
def static_file(name: str) -> Response[str]:
    path = STATIC / name
    # Only the folder's own files, by their plain names.
    if "/" in name or path.suffix not in _TYPES or not path.is_file():
        raise NotFound("No such file.")
    headers = {"Cache-Control": "public, max-age=300", "X-Content-Type-Options": "nosniff"}
    return Response(200, _TYPES[path.suffix], path.read_text(encoding="utf-8"), headers=headers)


def build_console() -> APIGatewayRestResolver:
    app = build_resolver(
        sign_in.router,
        agent_screens.router,
        status_screens.router,
        office_screens.router,
        pool_screens.router,
        settings_screens.router,
        agent_setup_screens.router,
        route_screens.router,
        queue_screens.router,
        report_screens.router,
        people_screens.router,
        static_files,
    )

    def _renewed(app: APIGatewayRestResolver, next_middleware: NextMiddleware) -> Response[str]:
        response: Response[str] = next_middleware(app)
        response.cookies.extend(renewal_cookies(app))
        return response

    app.use(middlewares=[_renewed])

    @app.exception_handler(SignInRequired)  # type: ignore[untyped-decorator]
    def _sign_in(_: SignInRequired) -> Response[str]:
        # A refresh token that no longer works is not sent again.
        place = Place.of(app)
        return redirect(f"{place.root}/sign-in", cookies=place.forget_session())

    @app.exception_handler(DomainError)  # type: ignore[untyped-decorator]
    def _refused(error: DomainError) -> Response[str]:
        status = status_of(error).value
        answer = page(app, "error.html.j2", status, title="Not possible", message=error.message)
        answer.cookies.extend(renewal_cookies(app))
        return answer

    return app
