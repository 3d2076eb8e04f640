"""Offers by text message: the agent's phone (E.164), the opt-out list, the short text with the offer's
one-time link, sent with the same retries as an email. Answers why a text was not sent, for the offer
delivery to record on the lead exactly as a failed email is (a `delivery.failed` entry): a number that
opted out is not texted, and that is recorded too. A text never holds up or undoes the offer."""

import time
from collections.abc import Callable

from leadrouter.domain.agents import Agent
from leadrouter.domain.config import CompanyConfig
from leadrouter.domain.leads import Lead
from leadrouter.domain.offers import Offer, duration_words
from leadrouter.domain.phones import e164
from leadrouter.domain.ports import Clock
from leadrouter.domain.summaries import summary_of
from leadrouter.domain.texts import offer_text
from leadrouter.service.delivery import send_with_retries
from leadrouter.service.ports import SendFailed, Texter, TextMessage


class OfferTexts:
    def __init__(self, texter: Texter, clock: Clock, sleep: Callable[[float], None] = time.sleep) -> None:
        self._texter = texter
        self._clock = clock
        self._sleep = sleep

    def send(self, lead: Lead, offer: Offer, config: CompanyConfig, agent: Agent, link: str) -> str | None:
        """None when the text went; else why not, in words safe to record (never the number)."""
        time_left = duration_words(offer.seconds_left(self._clock.now()))
        return self.send_words(agent, offer_text(config.company.name, offer.kind, summary_of(lead), time_left, link))

    def send_words(self, agent: Agent, text: str) -> str | None:
        """`text` to the agent's phone, unless it opted out: None when it went; else why not, as `send`."""
        phone = e164(agent.phone) if agent.phone is not None else None
        if phone is None:
            return "the agent has no phone a text can reach"
        try:
            if self._texter.opted_out(phone):
                return "their number opted out of text messages, so none is sent to it"
        except SendFailed as error:
            return f"the opt-out list could not be read ({error.reason}), so no text is sent"
        return send_with_retries(lambda: self._texter.send(TextMessage(phone, text)), self._sleep)
