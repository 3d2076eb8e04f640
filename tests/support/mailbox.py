"""Reading the local stack's mailbox the way a person would: the emails sent to one agent, their links."""

import time
from typing import Any

from tests.support.client import ApiClient
from tests.support.scenario import expect


def emails_to(api: ApiClient, address: str) -> list[dict[str, Any]]:
    return [mail for mail in expect(api.get("/_local/mail.json"), 200) if address in mail["to"]]


def wait_for_emails(api: ApiClient, address: str, count: int = 1, timeout: float = 15.0) -> list[dict[str, Any]]:
    deadline = time.monotonic() + timeout
    while True:
        found = emails_to(api, address)
        if len(found) >= count or time.monotonic() > deadline:
            assert len(found) >= count, f"{address} got {len(found)} email(s), expected {count}"
            return found
        time.sleep(0.2)


def offer_link(email: dict[str, Any], action: str = "claim") -> str:
    """The email's link for one action (each opens the offer page with that button chosen)."""
    links = [link for link in email["links"] if "/v1/offers/" in link and link.endswith(f"action={action}")]
    assert len(links) == 1, email["links"]
    return str(links[0])


def path_of(link: str) -> str:
    return "/" + link.split("/", 3)[3]
