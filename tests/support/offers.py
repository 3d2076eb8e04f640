"""Reading offer emails and their links in tests, and answering them (the offers' timers: tests/support/timers.py)."""

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from devstack.mailbox import Email, Mailbox
from devstack.template import Template
from tests.support.client import Answer, ApiClient
from tests.support.scenario import Company, expect, unique_lead


@dataclass(frozen=True)
class Link:
    url: str

    @property
    def path(self) -> str:
        """The path of the link's page (without the `?action=` hint)."""
        return urlsplit(self.url).path

    @property
    def token(self) -> str:
        return self.path.rsplit("/", 1)[-1]


def offer_links(links: tuple[str, ...] | list[str]) -> list[Link]:
    """The one-time links of an email, one per distinct page (the action hints point at the same page)."""
    pages = dict.fromkeys(urlsplit(url)._replace(query="").geturl() for url in links if "/v1/offers/" in url)
    return [Link(url) for url in pages]


JSON = {"Accept": "application/json"}


def emails_to(template: Template, address: str) -> list[Email]:
    mailbox = Mailbox(template.context.account_id, template.context.region)
    return [email for email in mailbox.emails() if email.to == address]


def link_for(template: Template, agent_id: int, index: int = 0) -> Link:
    emails = emails_to(template, f"agent{agent_id}@brokerage.test")
    assert emails, f"no email to agent {agent_id}"
    return offer_links(emails[index].links)[0]


def submit(company: Company, n: int = 1, **extra: Any) -> str:
    return str(expect(company.submit(unique_lead(n, **extra)), 202)["lead_id"])


def post_action(api: ApiClient, link: Link, action: str, *, as_json: bool = False) -> Answer:
    return api.post(link.path, form={"action": action}, headers=JSON if as_json else None)


def claim_company(company: Company, agents: int = 2, **settings: Any) -> None:
    """A company whose agents 1..`agents` all take click-to-claim offers, with click to claim on."""
    company.agents(range(1, agents + 1), click_to_claim=True)
    company.settings(click_to_claim_enabled=True, **settings)
