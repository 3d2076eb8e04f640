"""How a lead's state changes. Every change appends a history entry in words; the entries whose event is
one of the contract's `lead.*` names (domain/lead_events.py) are also published on the event bus."""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from leadrouter.domain.agents import Agent
from leadrouter.domain.caps import CapReached
from leadrouter.domain.cascade import AssignTo, Decision, OfferTo, OwnerFirst, RouteOffer, StepReport, ToPool
from leadrouter.domain.company import CompanySettings
from leadrouter.domain.errors import Conflict, NotFound
from leadrouter.domain.leads import HistoryEntry, Lead, LeadStatus, LeadSubmission
from leadrouter.domain.offers import Offer, OfferAction, OfferKind, OfferOrigin, OfferState
from leadrouter.domain.routes import NextMember, next_member, offer_sentence
from leadrouter.domain.skips import bounded, bounded_reports


def new_lead(
    lead_id: str, company_id: str, submission: LeadSubmission, at: datetime, left_out: Sequence[str] = ()
) -> Lead:
    """left_out: the fields the website sent that could not be read (domain/submissions.py)."""
    lead = Lead(
        lead_id=lead_id,
        company_id=company_id,
        status=LeadStatus.UNASSIGNED,
        source=submission.source,
        created_at=at,
        updated_at=at,
        contact=submission.contact(),
        message=submission.message,
        agent_code=submission.agent_code,
        chosen_agent_id=submission.chosen_agent_id,
        listing=submission.listing,
        interest=submission.interest,
        page_url=submission.page_url,
    )
    where = f" from {submission.page_url}" if submission.page_url else ""
    lead.record(HistoryEntry(at=at, event="lead.received", detail=f"Lead received from source '{lead.source}'{where}."))
    for field in left_out:
        lead.record(HistoryEntry(at=at, event="intake.left_out", detail=f"{field} could not be read; left out."))
    return lead


def record_notes(lead: Lead, notes: list[StepReport], at: datetime) -> None:
    """A decision's notes (its steps' skips), the first NAMED_SKIPS agents of a step by name (bounded_reports)."""
    for note in bounded_reports(notes):
        lead.record(HistoryEntry(at=at, event="routing.skipped", detail=_sentence(note.detail), step=note.step))


def record_cap_skips(lead: Lead, reached: Iterable[CapReached], at: datetime, step: str) -> None:
    """The agents an automatic step passed over because their write met a cap, in the history's words:
    "Agent 7 skipped: daily cap 10 of 10 reached." """
    _record_skips(
        lead,
        [
            HistoryEntry(
                at=at, event="routing.skipped", agent_id=cap.agent_id, detail=_sentence(cap.words()), step=step
            )
            for cap in reached
        ],
    )


def _record_skips(lead: Lead, entries: list[HistoryEntry]) -> None:
    """Skips in the history, the first NAMED_SKIPS agents of a step by name and the rest counted by reason
    (domain/skips.py): a step passing over thousands of agents must not outgrow the lead's item."""
    for entry in bounded(
        entries,
        agent_of=lambda entry: entry.agent_id,
        step_of=lambda entry: entry.step,
        sentence_of=lambda entry: entry.detail,
        summary=lambda entry, sentence: entry.model_copy(update={"agent_id": None, "detail": sentence}),
    ):
        lead.record(entry)


def assign(lead: Lead, agent_id: int, office_id: str | None, detail: str, at: datetime, step: str, by: str) -> None:
    lead.status = LeadStatus.ASSIGNED
    lead.agent_id = agent_id
    lead.office_id = office_id
    lead.record(HistoryEntry(at=at, event="lead.assigned", agent_id=agent_id, detail=detail, step=step, by=by))


def to_pool(lead: Lead, detail: str, at: datetime, step: str, by: str, agent_id: int | None = None) -> None:
    """Back to the company's pool: no agent and no office (a lead that keeps an office is that office's,
    not the pool's). `agent_id` names the agent the entry is about (the one who held it), if any."""
    lead.status = LeadStatus.UNASSIGNED
    lead.agent_id = None
    lead.office_id = None
    lead.record(HistoryEntry(at=at, event="lead.returned_to_pool", agent_id=agent_id, detail=detail, step=step, by=by))


def check_version(lead: Lead, expected: int | None) -> None:
    """A caller who names the version they read (If-Match) changes the lead only if nobody else did since."""
    if expected is not None and lead.version != expected:
        raise Conflict(
            f"The lead changed since you read it (you read version {expected}; it is now {lead.version}): "
            "read it again and decide."
        )


def in_pool(lead: Lead) -> bool:
    """In the company's pool: unassigned and not sent to an office (a click-to-claim lead whose emails are
    out is in the pool too, and an agent may still claim it from there)."""
    return lead.status is LeadStatus.UNASSIGNED and lead.office_id is None


def claim_from_pool(lead: Lead, agent_id: int, office_id: str | None, agent_name: str, at: datetime, by: str) -> None:
    """An agent takes a pool lead themselves: theirs at once (never an acceptance offer); an open claim
    offer (click-to-claim emails) is closed, so its links answer that the lead is taken."""
    close_open_offer(lead, at, f"agent {agent_id} ({agent_name}) claimed the lead from the pool.", by)
    lead.status = LeadStatus.ASSIGNED
    lead.agent_id = agent_id
    lead.office_id = office_id
    lead.record(
        HistoryEntry(
            at=at,
            event="lead.claimed",
            agent_id=agent_id,
            detail=f"Claimed from the pool by agent {agent_id} ({agent_name}).",
            step="pool",
            by=by,
        )
    )


def send_back(lead: Lead, who: str, at: datetime, by: str, held_by: str | None = None) -> None:
    """The assignee, an admin or an office manager sends the lead back to the pool; any open offer on it
    (an acceptance waiting, a route's claim window) is closed first. `held_by` names, in words, the agent
    or office that had it when that is not `who`."""
    holder = lead.agent_id
    close_open_offer(lead, at, f"{who} sent the lead back to the pool.", by)
    was = f"; {held_by} no longer has it" if held_by else ""
    to_pool(lead, f"Sent back to the pool by {who}{was}.", at, step="manual", by=by, agent_id=holder)


@dataclass(frozen=True)
class OfferTerms:
    """What a new offer needs from outside the domain: its id (random), and the company's settings."""

    offer_id: str
    settings: CompanySettings

    def lasts(self, kind: OfferKind) -> timedelta:
        seconds = (
            self.settings.acceptance_timeout_seconds
            if kind is OfferKind.ACCEPTANCE
            else self.settings.claim_link_ttl_seconds
        )
        return timedelta(seconds=seconds)


def apply_decision(
    lead: Lead,
    decision: Decision,
    office_of: dict[int, str | None],
    at: datetime,
    terms: OfferTerms | None = None,
    agents: dict[int, Agent] | None = None,
) -> None:
    """Apply a cascade decision whose round-robin turn, if any, has already been taken. With `terms`, an
    assignment becomes an acceptance offer when the company requires acceptance, and a click-to-claim or
    route decision opens its claim offer (`agents` names the route's members in the history)."""
    record_notes(lead, decision.notes(), at)
    outcome = decision.outcome
    if isinstance(outcome, AssignTo):
        place(
            lead, outcome.agent_id, office_of.get(outcome.agent_id), outcome.detail, at, decision.step, "routing", terms
        )
    elif isinstance(outcome, OfferTo):
        if terms is None:
            raise TypeError("a click-to-claim decision needs offer terms")
        open_claim_offer(lead, outcome, terms, at, decision.step, OfferOrigin.CLICK_TO_CLAIM)
    elif isinstance(outcome, OwnerFirst):
        if terms is None:
            raise TypeError("a returning lead's first offer needs offer terms")
        window = timedelta(seconds=terms.settings.owner_window_seconds)
        offer = OfferTo((outcome.agent_id,), outcome.detail)
        open_claim_offer(lead, offer, terms, at, decision.step, OfferOrigin.RETURNING_LEAD, lasts=window)
    elif isinstance(outcome, RouteOffer):
        if terms is None:
            raise TypeError("a route decision needs offer terms")
        lead.record(HistoryEntry(at=at, event="route.matched", detail=outcome.matched, step=decision.step))
        advance_route(lead, outcome.next, agents or {}, terms.offer_id, at, started=False)
    elif isinstance(outcome, ToPool):
        # The lead was never out of the pool: say why it stays there without a state change event.
        lead.record(HistoryEntry(at=at, event="routing.pooled", detail=outcome.detail, step=decision.step))
    else:
        raise TypeError(f"take the round-robin turn before applying the decision: {outcome!r}")


def _sentence(text: str) -> str:
    text = text[:1].upper() + text[1:]
    return text if text.endswith(".") else text + "."


def to_office(lead: Lead, office_id: str, detail: str, at: datetime, by: str) -> None:
    """An office without an agent: the lead stays unassigned, visible to that office's managers."""
    lead.status = LeadStatus.UNASSIGNED
    lead.agent_id = None
    lead.office_id = office_id
    lead.record(HistoryEntry(at=at, event="lead.assigned", detail=detail, step="manual", by=by))


# Offers -------------------------------------------------------------------------------------------------


def _when(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%S UTC")


def place(
    lead: Lead,
    agent_id: int,
    office_id: str | None,
    detail: str,
    at: datetime,
    step: str,
    by: str,
    terms: OfferTerms | None,
) -> Offer | None:
    """An assignment the agent did not take themselves: with acceptance required, an acceptance offer
    (status pending_acceptance, the agent named but not yet holding it); otherwise the agent holds it."""
    if terms is None or not terms.settings.acceptance_required:
        assign(lead, agent_id, office_id, detail, at, step, by)
        return None
    offer = Offer(
        offer_id=terms.offer_id,
        kind=OfferKind.ACCEPTANCE,
        origin=OfferOrigin.ACCEPTANCE,
        recipients=[agent_id],
        created_at=at,
        expires_at=at + terms.lasts(OfferKind.ACCEPTANCE),
        step=step,
    )
    lead.status = LeadStatus.PENDING_ACCEPTANCE
    lead.agent_id = agent_id
    lead.office_id = office_id
    detail = f"{detail.rstrip('.')}; waiting for the agent to accept until {_when(offer.expires_at)}."
    return _post(lead, offer, detail, by, agent_id)


def open_claim_offer(
    lead: Lead,
    outcome: OfferTo,
    terms: OfferTerms,
    at: datetime,
    step: str,
    origin: str,
    lasts: timedelta | None = None,
) -> Offer:
    """Claim emails are out: the lead stays where it is (the pool, for click to claim) until one claims.
    `lasts`: the claim window, when not the company's claim link lifetime."""
    offer = Offer(
        offer_id=terms.offer_id,
        kind=OfferKind.CLAIM,
        origin=origin,
        recipients=list(outcome.recipients),
        created_at=at,
        expires_at=at + (lasts or terms.lasts(OfferKind.CLAIM)),
        step=step,
    )
    detail = f"{outcome.detail.rstrip('.')}; the links work until {_when(offer.expires_at)}."
    return _post(lead, offer, detail, "routing")


def _post(lead: Lead, offer: Offer, detail: str, by: str, agent_id: int | None = None) -> Offer:
    """Every new offer joins the lead's offers with a `lead.offered` entry naming it."""
    lead.offers.append(offer)
    lead.record(
        HistoryEntry(
            at=offer.created_at,
            event="lead.offered",
            agent_id=agent_id,
            detail=detail,
            step=offer.step,
            by=by,
            offer_id=offer.offer_id,
        )
    )
    return offer


@dataclass(frozen=True)
class Answered:
    """What an answer did: the offer's new state, and whether the agent declined (the lead moves on)."""

    offer: Offer
    declined: bool


def answer_offer(
    lead: Lead,
    offer_id: str,
    agent_id: int,
    action: OfferAction,
    at: datetime,
    agent_name: str,
    by: str,
    office_id: str | None = None,
) -> Answered:
    """A recipient's answer. Raises (changing nothing) when the lead is no longer open to it. A claim gives
    the lead the claiming agent's office (`office_id`), as every other assignment does, so that office's
    managers see it."""
    offer = lead.offer(offer_id)
    if offer is None:
        raise NotFound("No such offer.")
    state = offer.answer(agent_id, action, at)
    who = f"agent {agent_id} ({agent_name})"

    def entry(event: str, detail: str) -> HistoryEntry:
        return HistoryEntry(
            at=at, event=event, agent_id=agent_id, detail=detail, step=offer.step, by=by, offer_id=offer_id
        )

    route = offer.route
    if state is OfferState.CLAIMED:
        lead.status = LeadStatus.ASSIGNED
        lead.agent_id = agent_id
        lead.office_id = office_id
        how = f"{route.member_words()}, within its claim window" if route is not None else "the first to claim"
        lead.record(entry("lead.claimed", f"Claimed by {who}: {how}."))
        return Answered(offer, declined=False)
    if state is OfferState.ACCEPTED:
        lead.status = LeadStatus.ASSIGNED
        lead.record(entry("lead.accepted", f"Accepted by {who}."))
        return Answered(offer, declined=False)
    lead.decline(agent_id)
    if action is OfferAction.PASS:
        lead.record(entry("lead.passed", f"Passed by {who}" + (f", {route.member_words()}." if route else ".")))
        if offer.origin == OfferOrigin.RETURNING_LEAD:
            lead.decline(agent_id)  # never offered this lead again: the cascade goes on without them
            return Answered(offer, declined=False)
        if state is OfferState.PASSED and route is None:
            lead.record(
                HistoryEntry(
                    at=at,
                    event="offer.closed",
                    detail="Every agent the claim email went to passed: the lead stays in the pool.",
                    step=offer.step,
                    offer_id=offer_id,
                )
            )
        return Answered(offer, declined=False)
    lead.record(entry("lead.rejected", f"Rejected by {who}."))
    return Answered(offer, declined=True)


def skip_member_at_cap(lead: Lead, offer_id: str, reached: CapReached, agent_name: str, at: datetime, by: str) -> Offer:
    """A route member's claim was refused by their cap (their count's condition, in the claim's own write):
    their offer is closed as if they passed, and the history says why; the caller moves the chain on."""
    offer = lead.offer(offer_id)
    if offer is None or offer.route is None:
        raise TypeError("not a route offer")
    offer.answer(reached.agent_id, OfferAction.PASS, at)  # raises, changing nothing, if not open to them
    lead.decline(reached.agent_id)
    detail = (
        f"Agent {reached.agent_id} ({agent_name}), {offer.route.member_words()}, could not claim: {reached.reason()}."
    )
    lead.record(
        HistoryEntry(
            at=at,
            event="routing.skipped",
            agent_id=reached.agent_id,
            detail=detail,
            step=offer.step,
            by=by,
            offer_id=offer_id,
        )
    )
    return offer


def expire_offer(lead: Lead, offer: Offer, at: datetime, agent_names: dict[int, str]) -> bool:
    """The timer fired on an open offer. Answers whether the lead must move on (an acceptance ran out: the
    same as a reject; a route member's window ran out: the next member); a click-to-claim offer that ran out
    leaves the lead in the pool."""
    offer.expire(at)
    if offer.route is not None:
        agent_id = offer.recipients[0]
        name = agent_names.get(agent_id, "unknown")
        lead.record(
            HistoryEntry(
                at=at,
                event="lead.expired",
                agent_id=agent_id,
                detail=f"Agent {agent_id} ({name}), {offer.route.member_words()}, did not claim or pass within "
                f"the {offer.route.claim_window_seconds}-second claim window.",
                step=offer.step,
                by="timer",
                offer_id=offer.offer_id,
            )
        )
        return True
    if offer.origin == OfferOrigin.RETURNING_LEAD:
        agent_id = offer.recipients[0]
        lead.decline(agent_id)
        name = agent_names.get(agent_id, "unknown")
        lead.record(
            HistoryEntry(
                at=at,
                event="lead.expired",
                agent_id=agent_id,
                detail=f"Agent {agent_id} ({name}), who holds the person's earlier lead, did not claim it within "
                "their window: it goes on as a new lead.",
                step=offer.step,
                by="timer",
                offer_id=offer.offer_id,
            )
        )
        return True
    if offer.kind is OfferKind.CLAIM:
        lead.record(
            HistoryEntry(
                at=at,
                event="lead.expired",
                detail="Nobody claimed the lead before the claim links expired: it stays in the pool.",
                step=offer.step,
                by="timer",
                offer_id=offer.offer_id,
            )
        )
        return False
    agent_id = offer.recipients[0]
    lead.decline(agent_id)
    name = agent_names.get(agent_id, "unknown")
    lead.record(
        HistoryEntry(
            at=at,
            event="lead.expired",
            agent_id=agent_id,
            detail=f"Agent {agent_id} ({name}) did not accept in time: treated as a reject.",
            step=offer.step,
            by="timer",
            offer_id=offer.offer_id,
        )
    )
    return True


def close_open_offer(lead: Lead, at: datetime, why: str, by: str) -> Offer | None:
    """An admin decided for the lead: the open offer, if any, is closed (its links then answer 409)."""
    offer = lead.open_offer()
    if offer is None:
        return None
    offer.close(at)
    lead.record(
        HistoryEntry(
            at=at,
            event="offer.closed",
            detail=f"The open {offer.kind.value} offer was closed: {why}",
            step=offer.step,
            by=by,
            offer_id=offer.offer_id,
        )
    )
    return offer


def withdraw_agent(lead: Lead, offer: Offer, agent_id: int, agent_name: str, at: datetime, by: str) -> bool:
    """The agent was deactivated: they are out of their open offer. A click-to-claim offer stays open for
    its other recipients (closed, the lead staying in the pool, when nobody is left); an offer to them alone
    (a route's window, an acceptance) is closed. Answers whether the lead must move on, as after a pass or a
    reject. The agent is not recorded as declining: they did not choose this, and may be reactivated."""
    who = f"agent {agent_id} ({agent_name})"
    others = [member for member in offer.recipients if member != agent_id and member not in offer.passed_by]
    if offer.kind is OfferKind.CLAIM and offer.route is None and others:
        offer.passed_by.append(agent_id)  # out of the offer, as after a pass; open_to() reads passed_by
        detail = (
            f"Agent {agent_id} ({agent_name}) was deactivated: their claim link no longer works; the others' still do."
        )
        lead.record(
            HistoryEntry(
                at=at,
                event="offer.withdrawn",
                agent_id=agent_id,
                detail=detail,
                step=offer.step,
                by=by,
                offer_id=offer.offer_id,
            )
        )
        return False
    offer.close(at)
    if offer.kind is OfferKind.CLAIM and offer.route is None:
        then = "nobody else is left to claim it, so the lead stays in the pool."
    else:
        then = "the lead moves on as if they had passed." if offer.route else "the lead moves on as after a reject."
    lead.record(
        HistoryEntry(
            at=at,
            event="offer.closed",
            agent_id=agent_id,
            detail=f"The open {offer.kind.value} offer to {who} was closed: the agent was deactivated; {then}",
            step=offer.step,
            by=by,
            offer_id=offer.offer_id,
        )
    )
    return offer.route is not None or offer.kind is OfferKind.ACCEPTANCE


# Routes -------------------------------------------------------------------------------------------------

ROUTES_STEP = "routes"


def advance_route(
    lead: Lead, following: NextMember, agents: dict[int, Agent], offer_id: str, at: datetime, *, started: bool
) -> Offer | None:
    """The next link of a route's chain: record the members skipped, then offer the lead to the next member
    (status `offered`, nobody holds it), or, with nobody left, the pool. `started`: the chain was already
    under way (the lead leaves `offered`), rather than starting at intake (the lead was never out of the pool)."""
    _record_skips(
        lead,
        [
            HistoryEntry(
                at=at, event="routing.skipped", agent_id=skipped.agent_id, detail=skipped.sentence, step=ROUTES_STEP
            )
            for skipped in following.skipped
        ],
    )
    turn = following.turn
    if turn is None:
        detail = following.pool_sentence(started)
        if started:
            to_pool(lead, detail, at, ROUTES_STEP, "routing")
        else:
            lead.record(HistoryEntry(at=at, event="routing.pooled", detail=detail, step=ROUTES_STEP))
        return None
    offer = Offer(
        offer_id=offer_id,
        kind=OfferKind.CLAIM,
        origin=OfferOrigin.ROUTE,
        recipients=[turn.agent_id],
        created_at=at,
        expires_at=at + timedelta(seconds=turn.claim_window_seconds),
        step=ROUTES_STEP,
        route=turn,
    )
    lead.status = LeadStatus.OFFERED
    lead.agent_id = None
    return _post(lead, offer, offer_sentence(turn, agents, offer.expires_at), "routing", turn.agent_id)


def continue_route(
    lead: Lead,
    offer: Offer,
    agents: dict[int, Agent],
    offer_id: str,
    at: datetime,
    at_cap: Mapping[int, CapReached] | None = None,
) -> Offer | None:
    """A member passed or let the window run out: the next available member of the same route, at once,
    passing over the members in `at_cap` (skipped with the cap in the history, as at intake)."""
    turn = offer.route
    if turn is None:
        raise TypeError("not a route offer")
    following = next_member(turn, agents, lead.declined_agent_ids, at, after=turn.position, at_cap=at_cap)
    return advance_route(lead, following, agents, offer_id, at, started=True)
