"""The emails the service sent, read from moto's in-process SES backend.

Moto keeps every accepted message in ``ses_backends[account][region].sent_messages`` (SESv2
sends land there too): a ``Message`` for SES v1 SendEmail and SESv2 Simple content (moto keeps
only one body, the HTML one when there is HTML), a ``RawMessage`` with the MIME text for raw
sends, and a ``TemplateMessage`` for templated sends. Moto records no time, so the stack stamps
each message when it first sees it, right after the request that sent it (devstack/sent_messages.py).
"""

import email
import email.policy
import html
import re
from dataclasses import asdict, dataclass
from datetime import datetime
from email.message import EmailMessage
from html.parser import HTMLParser
from typing import Any

from devstack.sent_messages import SentMessages

_URL = re.compile(r"https?://[^\s<>\"'`]+")
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""
_LOOKS_LIKE_HTML = re.compile(r"<(?:html|body|p|a|div|br|table|span|h[1-6]|ul|ol|li|strong|em)\b", re.IGNORECASE)


@dataclass(frozen=True)
class Email:
    to: str
    sender: str
    subject: str
    text: str
    html: str
    links: tuple[str, ...]
    sent_at: datetime
    message_id: str

    def as_json(self) -> dict[str, Any]:
        document = asdict(self)
        document["links"] = list(self.links)
        document["sent_at"] = self.sent_at.isoformat()
        return document


class Mailbox(SentMessages):
    """Reads the sent emails of one account and region, newest first."""

    def _messages(self) -> list[Any]:
        from moto.ses.models import ses_backends

        return list(ses_backends[self.account_id][self.region].sent_messages)

    def _key(self, message: Any) -> str:
        # moto's message id; the object's identity only for a kind that has none.
        return str(getattr(message, "id", None) or id(message))

    def emails(self) -> list[Email]:
        return [read_message(message, sent_at) for sent_at, message in self.newest_first()]


def read_message(message: Any, sent_at: datetime) -> Email:
    """An Email from any of moto's SES message kinds."""
    message_id = str(getattr(message, "id", "") or ",".join(getattr(message, "ids", [])))
    if hasattr(message, "raw_data"):
        return _from_raw(message, sent_at, message_id)
    if hasattr(message, "template"):
        destinations = message.destinations
        return _build(
            to=_addresses(destinations),
            sender=str(message.source),
            subject=f"(SES template {message.template})",
            body=str(message.template_data),
            sent_at=sent_at,
            message_id=message_id,
        )
    return _build(
        to=_addresses(message.destinations),
        sender=str(message.source),
        subject=str(message.subject),
        body=str(message.body),
        sent_at=sent_at,
        message_id=message_id,
    )


def _addresses(destinations: Any) -> str:
    if isinstance(destinations, dict):
        keys = ("ToAddresses", "CcAddresses", "BccAddresses")
        return ", ".join(address for key in keys for address in destinations.get(key, []))
    if isinstance(destinations, list):
        return ", ".join(_addresses(item) if isinstance(item, dict) else str(item) for item in destinations)
    return str(destinations)


def _build(*, to: str, sender: str, subject: str, body: str, sent_at: datetime, message_id: str) -> Email:
    if _LOOKS_LIKE_HTML.search(body):
        html_body, text = body, html_to_text(body)
    else:
        html_body, text = "", body
    return Email(to, sender, subject, text, html_body, extract_links(text, html_body), sent_at, message_id)


def _from_raw(message: Any, sent_at: datetime, message_id: str) -> Email:
    parsed = email.message_from_string(str(message.raw_data), policy=email.policy.default)
    assert isinstance(parsed, EmailMessage)
    text_part = parsed.get_body(preferencelist=("plain",))
    html_part = parsed.get_body(preferencelist=("html",))
    text = text_part.get_content() if isinstance(text_part, EmailMessage) else ""
    html_body = html_part.get_content() if isinstance(html_part, EmailMessage) else ""
    if not text and html_body:
        text = html_to_text(html_body)
    to = str(parsed.get("To") or "") or ", ".join(str(item) for item in message.destinations)
    return Email(
        to=to,
        sender=str(parsed.get("From") or message.source or ""),
        subject=str(parsed.get("Subject") or ""),
        text=text,
        html=html_body,
        links=extract_links(text, html_body),
        sent_at=sent_at,
        message_id=message_id,
    )


class _LinkAndTextParser(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.chunks: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style", "head"):
            self._skip += 1
        if tag == "a":
            self.hrefs.extend(value for name, value in attrs if name == "href" and value)
        if tag in ("br", "p", "div", "tr", "li", "h1", "h2", "h3", "h4"):
            self.chunks.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style", "head") and self._skip:
            self._skip -= 1
        # A table's cells stay apart ("Name: J.", not "NameJ."): the emails show the lead's summary as one.
        if tag == "th":
            self.chunks.append(": ")
        elif tag == "td":
            self.chunks.append(" ")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.chunks.append(data)


def html_to_text(body: str) -> str:
    parser = _LinkAndTextParser()
    parser.feed(body)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.chunks).splitlines())
    return "\n".join(line for line in lines if line)


def extract_links(text: str, html_body: str) -> tuple[str, ...]:
    """The absolute http(s) URLs of an email: its anchors first, then any others in its text."""
    links: list[str] = []
    if html_body:
        parser = _LinkAndTextParser()
        parser.feed(html_body)
        parser.close()
        links.extend(html.unescape(href).strip() for href in parser.hrefs)
        links.extend(_urls(html_to_text(html_body)))
    links.extend(_urls(text))
    return tuple(link for link in dict.fromkeys(links) if link.startswith(("http://", "https://")))


def _urls(text: str) -> list[str]:
    return [match.group(0).rstrip(_TRAILING_PUNCTUATION) for match in _URL.finditer(text)]
