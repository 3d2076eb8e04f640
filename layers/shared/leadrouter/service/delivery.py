"""Getting an offer to its recipients once the lead that holds it is safely stored: its timer, a one-time
link per recipient (stored only as a hash), one email per recipient, and a text with the same link to those
who turned texts on (service/offer_texts.py). Nothing here can lose a lead: a failure is retried where that
can help, then handed back as a history entry the caller records on the lead, where admins see it."""

import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools import Logger

from leadrouter.domain.agents import Agent
from leadrouter.domain.cascade import ReturningLeadStep
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.offers import Offer, OfferKind, OfferTicket, duration_words, hash_token, new_token
from leadrouter.domain.ports import Clock, RandomSource
from leadrouter.domain.routes import for_people, local_day
from leadrouter.domain.summaries import summary_of
from leadrouter.service.ports import Email, Mailer, Renderer, SendFailed, TicketRepository, Timers

if TYPE_CHECKING:
    from leadrouter.service.offer_texts import OfferTexts

logger = Logger(child=True)

SEND_ATTEMPTS = 3
_BACKOFF_SECONDS = 0.2
_MAX_PARALLEL_SENDS = 8


def offer_link(base_url: str, token: str) -> str:
    return f"{base_url.rstrip('/')}/v1/offers/{token}"


def send_with_retries(send: Callable[[], object], sleep: Callable[[float], None]) -> str | None:
    """Run `send` (an email's or a text's): None when it went; else why not, after retrying what may pass."""
    reason = "not tried"
    for attempt in range(1, SEND_ATTEMPTS + 1):
        try:
            send()
            return None
        except SendFailed as error:
            reason = error.reason
            if not error.transient:
                return f"{reason}, not retried"
        except Exception as error:  # an unexpected failure must not lose the other messages
            reason = _name(error)
        if attempt < SEND_ATTEMPTS:
            sleep(_BACKOFF_SECONDS * 2 ** (attempt - 1))
    return f"{reason}, after {SEND_ATTEMPTS} attempts"


class OfferDelivery:
    def __init__(
        self,
        tickets: TicketRepository,
        mailer: Mailer,
        timers: Timers,
        renderer: Renderer,
        clock: Clock,
        rng: RandomSource,
        default_sender: str,
        default_base_url: str,
        sleep: Callable[[float], None] = time.sleep,
        texts: "OfferTexts | None" = None,
    ) -> None:
        """`texts`: offers also by text message to agents who turned texts on (None: emails only)."""
        self._tickets = tickets
        self._mailer = mailer
        self._timers = timers
        self._renderer = renderer
        self._clock = clock
        self._rng = rng
        self._default_sender = default_sender
        self._default_base_url = default_base_url
        self._sleep = sleep
        self._texts = texts

    # Timers ----------------------------------------------------------------------------------------------

    def cancel(self, offer: Offer) -> None:
        """The offer was answered or closed before its timer fired; a timer that fires anyway is harmless."""
        try:
            self._timers.cancel(offer.offer_id)
        except Exception as error:
            logger.warning("offer timer not deleted", extra={"offer_id": offer.offer_id, "error": type(error).__name__})

    # A new offer ---------------------------------------------------------------------------------------

    def started(self, lead: Lead, offer: Offer) -> bool:
        """Whether `deliver` reached the offer's emails: the links are stored before any email is sent, the
        first recipient's in the first batch."""
        if not offer.recipients:
            return False
        return self._tickets.in_inbox(lead.company_id, offer.recipients[0], offer.offer_id) is not None

    def deliver(self, lead: Lead, offer: Offer, config: CompanyConfig) -> list[HistoryEntry]:
        """Start the offer's timer and email its recipients; answers what failed, as history entries."""
        failures: list[HistoryEntry] = []
        now = self._clock.now()
        try:
            self._timers.start(lead.company_id, lead.lead_id, offer.offer_id, offer.expires_at)
        except Exception as error:
            logger.error("offer timer not created", extra={"offer_id": offer.offer_id, "error": _name(error)})
            failures.append(
                HistoryEntry(
                    at=now,
                    event="timer.failed",
                    detail=f"The timer of this {offer.kind.value} offer could not be created ({_name(error)}): "
                    "the sweeper expires it within a few minutes of its expiry.",
                    offer_id=offer.offer_id,
                )
            )
        recipients = [config.agents[agent_id] for agent_id in offer.recipients if agent_id in config.agents]
        tokens = {agent.agent_id: new_token(self._rng) for agent in recipients}
        tickets = [
            OfferTicket(
                token_hash=hash_token(tokens[agent.agent_id]),
                company_id=lead.company_id,
                lead_id=lead.lead_id,
                offer_id=offer.offer_id,
                agent_id=agent.agent_id,
                kind=offer.kind,
                created_at=offer.created_at,
                expires_at=offer.expires_at,
            )
            for agent in recipients
        ]
        try:
            self._tickets.put_many(tickets)
        except Exception as error:
            logger.error("offer links not stored", extra={"offer_id": offer.offer_id, "error": _name(error)})
            return [
                *failures,
                *(
                    self._failed(offer, agent, f"its link could not be stored ({_name(error)})", now, listed=False)
                    for agent in recipients
                ),
            ]
        with ThreadPoolExecutor(max_workers=max(1, min(_MAX_PARALLEL_SENDS, len(recipients)))) as pool:
            outcomes = list(
                pool.map(lambda agent: self._reach(lead, offer, config, agent, tokens[agent.agent_id]), recipients)
            )
        for agent, reasons in zip(recipients, outcomes, strict=True):
            for channel, reason in reasons:
                failures.append(self._failed(offer, agent, reason, self._clock.now(), channel=channel))
        return failures

    def _reach(
        self, lead: Lead, offer: Offer, config: CompanyConfig, agent: Agent, token: str
    ) -> list[tuple[str, str]]:
        """The email, and the text when the agent turned texts on (the same one-time link: one ticket per
        recipient, docs/DECISIONS.md); answers (channel, why not) for each that failed."""
        failed: list[tuple[str, str]] = []
        reason = self._compose_and_send(lead, offer, config, agent, token)
        if reason is not None:
            failed.append(("email", reason))
        if self._texts is not None and agent.sms_enabled:
            link = offer_link(lead.link_base_url or self._default_base_url, token)
            try:
                reason = self._texts.send(lead, offer, config, agent, link)
            except Exception as error:  # a text must not lose the lead or the other recipients' messages
                logger.exception("offer text not sent", extra={"offer_id": offer.offer_id})
                reason = f"the text could not be composed ({type(error).__name__})"
            if reason is not None:
                failed.append(("text", reason))
        return failed

    def _compose_and_send(
        self, lead: Lead, offer: Offer, config: CompanyConfig, agent: Agent, token: str
    ) -> str | None:
        if agent.email_bouncing:
            # An address that hard-bounced: sending again would only hurt the sender's reputation.
            return "their address bounced before, no email is sent until an admin corrects it"
        try:
            email = self._compose(lead, offer, config, agent, token)
        except Exception as error:  # a broken template must not lose the lead or the other emails
            logger.exception("offer email not composed", extra={"offer_id": offer.offer_id})
            return f"the email could not be composed ({type(error).__name__})"
        return send_with_retries(lambda: self._mailer.send(email), self._sleep)

    @staticmethod
    def _failed(
        offer: Offer, agent: Agent, reason: str, at: datetime, *, listed: bool = True, channel: str = "email"
    ) -> HistoryEntry:
        """`listed`: whether the offer is in the agent's `/v1/me/offers` (its ticket was stored); `channel`:
        `email` or `text`."""
        in_pool = offer.kind is OfferKind.CLAIM and offer.route is None
        where = "the lead stays in the pool" if in_pool else "the offer stays open"
        seen = (
            "the agent still sees it in their offers"
            if listed
            else "the agent cannot see it either, so it ends when it expires, unless an admin assigns the lead"
        )
        return HistoryEntry(
            at=at,
            event="delivery.failed",
            agent_id=agent.agent_id,
            detail=f"The {offer.kind.value} {channel} to agent {agent.agent_id} ({agent.display_name()}) could not be "
            f"sent ({reason}); {where} and {seen}.",
            offer_id=offer.offer_id,
        )

    def _compose(self, lead: Lead, offer: Offer, config: CompanyConfig, agent: Agent, token: str) -> Email:
        base = lead.link_base_url or self._default_base_url
        link = offer_link(base, token)
        context = email_context(
            lead, offer, agent.display_name(), config.company.name, config.settings.time_zone, self._clock.now()
        )
        context["links"] = [
            {"action": action.value, "url": f"{link}?action={action.value}"} for action in offer.actions()
        ]
        context["page_url"] = link
        return Email(
            to=agent.email,
            sender=config.settings.sender_email or self._default_sender,
            subject=self._renderer.render(f"offer_{offer.kind.value}_subject.txt.j2", **context).strip(),
            text=self._renderer.render(f"offer_{offer.kind.value}.txt.j2", **context),
            html=self._renderer.render(f"offer_{offer.kind.value}.html.j2", **context),
            tags=feedback_tags(lead.company_id, lead.lead_id, offer.offer_id, agent.agent_id),
        )


def feedback_tags(company_id: str, lead_id: str, offer_id: str, agent_id: int) -> dict[str, str]:
    """The email's tags, which SES hands back with its bounce and complaint events (service/email_bounces.py)."""
    return {"company_id": company_id, "lead_id": lead_id, "offer_id": offer_id, "agent_id": str(agent_id)}


def email_context(
    lead: Lead, offer: Offer, agent_name: str, company_name: str, time_zone: str, now: datetime
) -> dict[str, Any]:
    """What emails and the link page may show: the summary, never the contact details; moments in the
    company's time zone."""
    summary = summary_of(lead)
    seconds = offer.seconds_left(now)
    return {
        "company_name": company_name,
        "agent_name": agent_name,
        "kind": offer.kind.value,
        # Route offers go to one member at a time: the email says so, and that a pass moves the lead on.
        "route_name": offer.route.name if offer.route is not None else None,
        "summary": summary,
        "seconds_left": seconds,
        "time_left": duration_words(seconds),
        "expires_at": for_people(offer.expires_at, time_zone),
        "expires_at_iso": offer.expires_at.isoformat(),
        "returning": returning_words(lead, offer.step, time_zone),  # only on the returning-lead offer
    }


def returning_words(lead: Lead, step: str | None, time_zone: str) -> dict[str, str] | None:
    """For the owner of the person's earlier lead (ROUTING.md, "Returning leads"): when and where that
    earlier inquiry came in, for what the returning-lead step (`step`) made: its offer or its assignment."""
    earlier = lead.returning_of
    if earlier is None or step != ReturningLeadStep.name:
        return None
    return {"date": local_day(earlier.created_at, time_zone), "source": earlier.source}


def _name(error: Exception) -> str:
    return getattr(error, "reason", None) or type(error).__name__
