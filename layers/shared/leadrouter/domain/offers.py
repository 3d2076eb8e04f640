"""Offers: a time-limited chance for one agent, or a set of agents, to act on one lead.

A *claim offer* (claim or pass) comes from click to claim (several recipients) or from a route (one member
at a time, the route's claim window); an
*acceptance offer* (accept or reject) comes from any assignment the agent did not take themselves when the
company requires acceptance. An offer lives inside its lead's item, so every answer is part of the one
conditional write that changes the lead: the first answer that closes an offer wins, and every later one
finds it closed (a Conflict, 409).

The state machine, in full (anything else is refused):

    open --claim--> claimed                      (claim offers; the claimer holds the lead)
    open --pass--> open                          (claim offers; others have not answered yet)
    open --pass--> passed                        (claim offers; the last recipient passed)
    open --accept--> accepted                    (acceptance offers)
    open --reject--> rejected                    (acceptance offers)
    open --expire--> expired                     (the timer fired after expires_at)
    open --close--> closed                       (an admin assigned the lead some other way)
"""

import base64
import hashlib
import hmac
import math
import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from pydantic import Field

from leadrouter.domain.errors import Conflict, InvalidInput, NotFound
from leadrouter.domain.model import Model
from leadrouter.domain.ports import RandomSource
from leadrouter.domain.routes import RouteTurn

TOKEN_BYTES = 32  # 256 random bits per link
_TOKEN_SHAPE = re.compile(r"^[A-Za-z0-9_-]{43}$")


class OfferKind(StrEnum):
    CLAIM = "claim"
    ACCEPTANCE = "acceptance"


class OfferOrigin(StrEnum):
    """Why the offer exists."""

    CLICK_TO_CLAIM = "click_to_claim"
    ROUTE = "route"
    ACCEPTANCE = "acceptance"
    # A returning lead offered first to the agent holding the person's earlier lead (offer_owner_first).
    RETURNING_LEAD = "returning_lead"


class OfferState(StrEnum):
    OPEN = "open"
    CLAIMED = "claimed"
    PASSED = "passed"
    ACCEPTED = "accepted"
    REJECTED = "rejected"
    EXPIRED = "expired"
    CLOSED = "closed"


class OfferAction(StrEnum):
    """What a recipient may answer."""

    CLAIM = "claim"
    PASS = "pass"  # noqa: S105  # the word an agent answers, not a secret
    ACCEPT = "accept"
    REJECT = "reject"


class OfferEvent(StrEnum):
    """Everything that can happen to an offer: the recipients' actions, the timer, and an admin."""

    CLAIM = "claim"
    PASS = "pass"  # noqa: S105  # the word an agent answers, not a secret
    ACCEPT = "accept"
    REJECT = "reject"
    EXPIRE = "expire"
    CLOSE = "close"


ACTIONS: dict[OfferKind, tuple[OfferAction, ...]] = {
    OfferKind.CLAIM: (OfferAction.CLAIM, OfferAction.PASS),
    OfferKind.ACCEPTANCE: (OfferAction.ACCEPT, OfferAction.REJECT),
}

# (kind, state, event) -> next state. `pass` is special: it stays open until the last recipient passed.
TRANSITIONS: dict[tuple[OfferKind, OfferState, OfferEvent], OfferState] = {
    (OfferKind.CLAIM, OfferState.OPEN, OfferEvent.CLAIM): OfferState.CLAIMED,
    (OfferKind.CLAIM, OfferState.OPEN, OfferEvent.PASS): OfferState.PASSED,
    (OfferKind.CLAIM, OfferState.OPEN, OfferEvent.EXPIRE): OfferState.EXPIRED,
    (OfferKind.CLAIM, OfferState.OPEN, OfferEvent.CLOSE): OfferState.CLOSED,
    (OfferKind.ACCEPTANCE, OfferState.OPEN, OfferEvent.ACCEPT): OfferState.ACCEPTED,
    (OfferKind.ACCEPTANCE, OfferState.OPEN, OfferEvent.REJECT): OfferState.REJECTED,
    (OfferKind.ACCEPTANCE, OfferState.OPEN, OfferEvent.EXPIRE): OfferState.EXPIRED,
    (OfferKind.ACCEPTANCE, OfferState.OPEN, OfferEvent.CLOSE): OfferState.CLOSED,
}

# How early a timer may fire and still count (clocks of Scheduler and Lambda differ slightly).
EXPIRY_TOLERANCE_SECONDS = 1


class OfferClosed(Conflict):
    """The lead is no longer open to this offer: taken, already answered, or expired (409)."""

    code = "offer_closed"


class AnsweredAlready(OfferClosed):
    """This agent answered the offer already (a double click, a resubmitted page): still 409, since the offer
    is closed, but the message says what happened instead of "taken"."""


class ClaimAtCap(OfferClosed):
    """A claim of an automatic step's offer (claim emails, a route's) refused because the agent reached a
    cap (409); a claim email stays open to the others, a route's chain has moved on to the next member."""

    code = "cap_reached"


class AgentNotActive(OfferClosed):
    """The answering agent was deactivated: none of their offers can be answered any more (409), whatever
    state the offer is in; the message says why rather than "taken"."""

    code = "agent_not_active"

    def __init__(self) -> None:
        super().__init__(NO_LONGER_ACTIVE)


NO_LONGER_ACTIVE = "You are no longer an active agent of this company: your offers cannot be answered."


class WrongAction(InvalidInput):
    """An action that does not fit the offer's kind, e.g. `accept` on a claim offer (422)."""

    code = "wrong_action"


class Offer(Model):
    offer_id: str
    kind: OfferKind
    origin: str
    recipients: list[int]
    created_at: datetime
    expires_at: datetime
    state: OfferState = OfferState.OPEN
    # The routing step that made the offer (its history entries carry the same step).
    step: str | None = None
    # Claim offers to several agents: who passed so far (the offer stays open for the others).
    passed_by: list[int] = Field(default_factory=list)
    answered_by: int | None = None
    closed_at: datetime | None = None
    # Route offers: the route, its members as they were when it matched, and which member this offer is for.
    route: RouteTurn | None = None

    @property
    def is_open(self) -> bool:
        return self.state is OfferState.OPEN

    def actions(self) -> tuple[OfferAction, ...]:
        return ACTIONS[self.kind]

    def open_to(self, agent_id: int) -> bool:
        return self.is_open and agent_id in self.recipients and agent_id not in self.passed_by

    def seconds_left(self, at: datetime) -> int:
        return max(0, math.ceil((self.expires_at - at).total_seconds()))

    def is_due(self, at: datetime) -> bool:
        return (self.expires_at - at).total_seconds() <= EXPIRY_TOLERANCE_SECONDS

    def next_state(self, event: OfferEvent) -> OfferState:
        """The state after `event`, or OfferClosed when the offer is not open to it (nothing changes)."""
        following = TRANSITIONS.get((self.kind, self.state, event))
        if following is None:
            if self.state is OfferState.OPEN:
                raise WrongAction(f"A {self.kind.value} offer cannot be answered with {event.value}.")
            raise OfferClosed(f"This offer is {self.state.value}: the lead is no longer open to it.")
        return following

    def answer(self, agent_id: int, action: OfferAction, at: datetime) -> OfferState:
        """Apply a recipient's answer; raises without changing anything when it is not allowed."""
        if agent_id not in self.recipients:
            raise NotFound("No such offer for this agent.")
        if not self.is_open and self.answered_by == agent_id:
            raise AnsweredAlready(f"You {self.state.value} this offer already.")
        if not self.is_open:
            raise OfferClosed(f"This offer is {self.state.value}: the lead is no longer open to it.")
        if action not in self.actions():
            raise WrongAction(
                f"A {self.kind.value} offer takes {' or '.join(a.value for a in self.actions())}, not {action.value}."
            )
        if agent_id in self.passed_by:
            raise AnsweredAlready("You passed on this offer already.")
        if at >= self.expires_at:
            # The timer may not have fired yet; the offer is over all the same.
            raise OfferClosed("This offer has expired.")
        following = self.next_state(OfferEvent(action.value))
        if action is OfferAction.PASS:
            self.passed_by.append(agent_id)
            if set(self.passed_by) < set(self.recipients):
                return self.state  # still open for the others
        self._close(following, at, agent_id)
        return self.state

    def expire(self, at: datetime) -> None:
        following = self.next_state(OfferEvent.EXPIRE)
        self._close(following, at, None)

    def close(self, at: datetime) -> None:
        following = self.next_state(OfferEvent.CLOSE)
        self._close(following, at, None)

    def _close(self, state: OfferState, at: datetime, by: int | None) -> None:
        self.state = state
        self.closed_at = at
        self.answered_by = by


class OfferTicket(Model):
    """One recipient's one-time link to one offer, stored only under the SHA-256 hash of its token. It is
    also the recipient's inbox entry (listed newest first by offer id, which is time-ordered)."""

    token_hash: str
    company_id: str
    lead_id: str
    offer_id: str
    agent_id: int
    kind: OfferKind
    created_at: datetime
    expires_at: datetime
    used_at: datetime | None = None


@dataclass(frozen=True)
class LeadSummary:
    """What an agent may see of a lead before it is theirs: no contact details."""

    lead_id: str
    name_initial: str | None
    area: str | None
    source: str


def new_token(rng: RandomSource) -> str:
    """A link's secret: 32 random bytes, URL-safe base64 without padding (43 characters)."""
    return base64.urlsafe_b64encode(rng.token_bytes(TOKEN_BYTES)).decode().rstrip("=")


def hash_token(token: str) -> str:
    """Tokens carry 256 random bits, so a plain SHA-256 is enough (a slow hash would add nothing)."""
    return hashlib.sha256(token.encode()).hexdigest()


def token_matches(token: str, token_hash: str) -> bool:
    """In constant time: whether `token` is the secret of the ticket stored under `token_hash`."""
    return hmac.compare_digest(hash_token(token), token_hash)


def looks_like_token(token: str) -> bool:
    return bool(_TOKEN_SHAPE.match(token))


def duration_words(seconds: int) -> str:
    """`1 day 2 hours`, `45 minutes`, `30 seconds`: the two largest units, for emails and pages."""
    if seconds <= 0:
        return "no time"
    parts: list[str] = []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count} {unit}{'' if count == 1 else 's'}")
    return " ".join(parts[:2])
