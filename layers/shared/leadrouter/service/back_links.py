"""The one-time "I'm back" link auto-away emails (ROUTING.md "Presence"): its page (GET) shows whose link it
is and a button, and changes nothing (mail scanners open links); the button (POST) sets the agent available,
once. The token is made and checked as offer links' are (domain/offers.py: random, stored only as a hash);
the link is a sibling of an offer ticket rather than one, since it answers no offer and holds no lead.

Guarantees: a link works once, for the agent it was sent to, until it expires; it sets `available` only
(it never changes another field); a used, expired or unknown link changes nothing."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from leadrouter.domain.agents import Agent
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.model import Model
from leadrouter.domain.offers import hash_token, looks_like_token, new_token, token_matches
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.service.configuration import ConfigurationService
from leadrouter.service.delivery import feedback_tags
from leadrouter.service.ports import Email, Mailer, Renderer, SendFailed

# Long enough for a weekend away; the link is useless once the agent is back anyway.
LINK_DAYS = 14


class LinkUsed(Conflict):
    code = "link_used"


class BackTicket(Model):
    token_hash: str
    company_id: str
    agent_id: int
    lead_id: str  # the lead whose offer ran out (a bounce of the email is recorded there)
    offer_id: str
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


class BackLinkStore(Protocol):
    def put(self, ticket: BackTicket) -> None: ...

    def find(self, token_hash: str) -> BackTicket | None: ...

    def use(self, token_hash: str, at: datetime) -> None: ...


@dataclass(frozen=True)
class BackLinkView:
    ticket: BackTicket
    agent: Agent
    company_name: str
    usable: bool  # not used, not expired, the agent still active


def back_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/v1/presence/back/{token}"


class BackLinks:
    def __init__(
        self,
        store: BackLinkStore,
        configuration: ConfigurationService,
        mailer: Mailer,
        renderer: Renderer,
        clock: Clock,
        rng: RandomSource,
        default_sender: str,
        base_url: str,
    ) -> None:
        self._store = store
        self._configuration = configuration
        self._mailer = mailer
        self._renderer = renderer
        self._clock = clock
        self._rng = rng
        self._default_sender = default_sender
        self._base_url = base_url

    def send(self, config: CompanyConfig, agent: Agent, lead_id: str, offer_id: str, reason: str) -> str | None:
        """Store a new link and email it; answers why it was not sent, None when it was."""
        if agent.email_bouncing:
            return "their address bounced before"
        token, now = new_token(self._rng), self._clock.now()
        ticket = BackTicket(
            token_hash=hash_token(token),
            company_id=config.company.company_id,
            agent_id=agent.agent_id,
            lead_id=lead_id,
            offer_id=offer_id,
            created_at=now,
            expires_at=now + timedelta(days=LINK_DAYS),
        )
        self._store.put(ticket)
        context = {
            "agent_name": agent.display_name(),
            "company_name": config.company.name,
            "reason": reason,
            "url": back_link(self._base_url, token),
        }
        email = Email(
            to=agent.email,
            sender=config.settings.sender_email or self._default_sender,
            subject=f"You are set away: {reason}",
            text=self._renderer.render("presence_back.txt.j2", **context),
            html=self._renderer.render("presence_back.html.j2", **context),
            tags=feedback_tags(ticket.company_id, lead_id, offer_id, agent.agent_id),
        )
        try:
            self._mailer.send(email)
        except SendFailed as error:
            return error.reason
        return None

    def view(self, token: str) -> BackLinkView:
        """What the link's page shows. Reads only."""
        ticket = self._store.find(hash_token(token)) if looks_like_token(token) else None
        if ticket is None or not token_matches(token, ticket.token_hash):
            raise NotFound("This link is not one we sent.")
        config = self._configuration.load(ticket.company_id)
        agent = config.agents.get(ticket.agent_id)
        if agent is None:
            raise NotFound("This link is not one we sent.")
        usable = ticket.used_at is None and self._clock.now() < ticket.expires_at and agent.active
        return BackLinkView(ticket, agent, config.company.name, usable)

    def come_back(self, token: str) -> BackLinkView:
        """The page's button: the agent is available again (once per link)."""
        shown = self.view(token)
        if not shown.usable:
            raise LinkUsed("This link was used already or has expired.")
        self._store.use(shown.ticket.token_hash, self._clock.now())
        agent = self._configuration.patch_agent(shown.ticket.company_id, shown.agent.agent_id, {"status": "available"})
        return BackLinkView(shown.ticket, agent, shown.company_name, usable=False)
