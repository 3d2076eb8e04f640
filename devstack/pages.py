"""The local-only pages under /_local/: a demo website form, the mailbox, the text messages, the captured
events, and the switch for the faults the emulated AWS injects (devstack/faults.py).

Everything these pages show may come from a lead, and leads are hostile text: the pages are
Jinja2 templates (devstack/templates/) that escape every value, emails are shown in a sandboxed
frame, and the pages forbid scripts they do not need with a Content-Security-Policy.
"""

import json
from collections.abc import Callable
from functools import cache
from pathlib import Path
from typing import Any, Final

from jinja2 import Environment, FileSystemLoader, StrictUndefined
from werkzeug.wrappers import Request, Response

from devstack.eventlog import EventLog
from devstack.faults import AwsFaults, FaultRequestError
from devstack.mailbox import Email, Mailbox
from devstack.sms import TextBox

TEMPLATES: Final = Path(__file__).resolve().parent / "templates"

_MAIL_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'"
)
_DEMO_POLICY: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)


@cache
def _templates() -> Environment:
    # Every template here is HTML (or CSS without values): all of them escape, whatever their name.
    return Environment(
        loader=FileSystemLoader(TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def render_page(name: str, **values: Any) -> str:
    return _templates().get_template(name).render(**values)


class LocalSite:
    """Answers /_local/... requests; None for a path it does not know (the gateway answers 404)."""

    def __init__(
        self,
        mailbox: Mailbox,
        event_log: EventLog | None,
        demo_company_id: Callable[[], str | None] = lambda: None,
        faults: AwsFaults | None = None,
        texts: TextBox | None = None,
    ) -> None:
        self.mailbox = mailbox
        self.texts = texts
        self.event_log = event_log
        self.demo_company_id = demo_company_id
        self.faults = faults

    def respond(self, request: Request) -> Response | None:
        if request.path == "/_local/faults" and self.faults is not None:
            return self._faults(request, self.faults)
        if request.method not in ("GET", "HEAD"):
            return None
        pages: dict[str, Callable[[], Response]] = {
            "/_local": self._redirect_to_demo,
            "/_local/": self.demo_page,
            "/_local/mail": self.mail_page,
            "/_local/mail.json": self.mail_json,
            "/_local/events.json": self.events_json,
            "/_local/sms": self.sms_page,
            "/_local/sms.json": self.sms_json,
        }
        page = pages.get(request.path)
        return page() if page else None

    @staticmethod
    def _faults(request: Request, faults: AwsFaults) -> Response:
        if request.method == "POST":
            try:
                body = json.loads(request.get_data() or b"{}")
                return _json(faults.arm(body if isinstance(body, dict) else {}), status=201)
            except (ValueError, FaultRequestError) as error:
                return _json({"error": {"code": "invalid_input", "message": str(error)}}, status=422)
        if request.method == "DELETE":
            faults.clear()
            return Response(status=204)
        return _json(faults.armed())

    @staticmethod
    def _redirect_to_demo() -> Response:
        return Response(status=308, headers={"Location": "/_local/"})

    def mail_json(self) -> Response:
        return _json([mail.as_json() for mail in self.mailbox.emails()])

    def sms_json(self) -> Response:
        return _json([text.as_json() for text in self.texts.texts()] if self.texts else [])

    def sms_page(self) -> Response:
        texts = self.texts.texts() if self.texts else []
        return _html(render_page("sms.html.j2", texts=texts), _MAIL_POLICY)

    def events_json(self) -> Response:
        return _json(self.event_log.events() if self.event_log else [])

    def demo_page(self) -> Response:
        return _html(render_page("demo.html.j2", company_id=self.demo_company_id() or ""), _DEMO_POLICY)

    def mail_page(self) -> Response:
        return _html(render_page("mail.html.j2", emails=self.mailbox.emails()), _MAIL_POLICY)


def render_email(mail: Email) -> str:
    """One email as the mailbox page shows it."""
    return render_page("_email.html.j2", mail=mail)


def _json(document: Any, status: int = 200) -> Response:
    response = Response(json.dumps(document, indent=2, default=str), status=status, content_type="application/json")
    response.headers["Cache-Control"] = "no-store"
    return response


def _html(page: str, policy: str) -> Response:
    response = Response(page, content_type="text/html; charset=utf-8")
    response.headers["Content-Security-Policy"] = policy
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
