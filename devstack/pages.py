"""The local-only pages under /_local/: a demo website form, the mailbox, the captured events, and the switch
for the faults the emulated AWS injects (devstack/faults.py).

Everything these pages show may come from a lead, and leads are hostile text: every value is
HTML-escaped, emails are shown in a sandboxed frame, and the pages forbid scripts they do not
need with a Content-Security-Policy.
"""

import json
from collections.abc import Callable
from html import escape
from typing import Any, Final

from werkzeug.wrappers import Request, Response

from devstack.eventlog import EventLog
from devstack.faults import AwsFaults, FaultRequestError
from devstack.mailbox import Email, Mailbox
from devstack.page_templates import DEMO_PAGE, MAIL_PAGE_END, MAIL_PAGE_START, PAGE_STYLE

_MAIL_POLICY: Final = (
    "default-src 'none'; style-src 'unsafe-inline'; img-src http: https: data:; "
    "frame-src 'self'; base-uri 'none'; form-action 'none'"
)
_DEMO_POLICY: Final = (
    "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; "
    "connect-src 'self'; base-uri 'none'; form-action 'self'"
)

_SANDBOX: Final = "allow-popups allow-popups-to-escape-sandbox"


class LocalSite:
    """Answers /_local/... requests; None for a path it does not know (the gateway answers 404)."""

    def __init__(
        self,
        mailbox: Mailbox,
        event_log: EventLog | None,
        demo_company_id: Callable[[], str | None] = lambda: None,
        faults: AwsFaults | None = None,
    ) -> None:
        self.mailbox = mailbox
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

    def events_json(self) -> Response:
        return _json(self.event_log.events() if self.event_log else [])

    def demo_page(self) -> Response:
        company_id = self.demo_company_id() or ""
        page = DEMO_PAGE.replace("{style}", PAGE_STYLE).replace("{company_id}", escape(company_id, quote=True))
        return _html(page, _DEMO_POLICY)

    def mail_page(self) -> Response:
        emails = self.mailbox.emails()
        parts = [MAIL_PAGE_START.replace("{style}", PAGE_STYLE).replace("{count}", str(len(emails)))]
        if not emails:
            parts.append(
                '<p class="empty">No email sent yet. Post a lead from the <a href="/_local/">demo form</a>.</p>'
            )
        parts.extend(render_email(mail) for mail in emails)
        parts.append(MAIL_PAGE_END)
        return _html("".join(parts), _MAIL_POLICY)


def render_email(mail: Email) -> str:
    links = "".join(
        f'<li><a href="{escape(link, quote=True)}" target="_blank" rel="noopener noreferrer">{escape(link)}</a></li>'
        for link in mail.links
    )
    if mail.html:
        # A sandbox without scripts; links inside open a new tab, where the offer page loads.
        document = '<base target="_blank">' + mail.html
        body = f'<iframe sandbox="{_SANDBOX}" srcdoc="{escape(document, quote=True)}"></iframe>'
    else:
        body = f"<pre>{escape(mail.text)}</pre>"
    return (
        '<article class="mail">'
        f"<h2>{escape(mail.subject) or '(no subject)'}</h2>"
        '<dl class="meta">'
        f"<dt>To</dt><dd>{escape(mail.to)}</dd>"
        f"<dt>From</dt><dd>{escape(mail.sender)}</dd>"
        f'<dt>Sent</dt><dd><time datetime="{escape(mail.sent_at.isoformat(), quote=True)}">'
        f"{escape(mail.sent_at.strftime('%Y-%m-%d %H:%M:%S %Z'))}</time></dd>"
        "</dl>"
        f'<ul class="links">{links}</ul>'
        f"{body}"
        "</article>"
    )


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
