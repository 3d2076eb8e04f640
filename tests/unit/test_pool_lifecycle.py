"""The pool in the domain: what is in it, a claim, sending back, and the If-Match version check."""

from datetime import timedelta

import pytest

from leadrouter.domain.errors import Conflict
from leadrouter.domain.leads import Lead, LeadStatus, LeadSubmission
from leadrouter.domain.lifecycle import (
    check_version,
    claim_from_pool,
    in_pool,
    new_lead,
    send_back,
    to_office,
)
from leadrouter.domain.offers import Offer, OfferKind, OfferState
from tests.support.fakes import NOW


def pooled() -> Lead:
    submission = LeadSubmission.model_validate({"first_name": "Pat", "email": "pat@example.com"})
    return new_lead("ld_01jpbx0000000000000000000", "co_test", submission, NOW)


def claim_offer(recipients: list[int]) -> Offer:
    return Offer(
        offer_id="of_1",
        kind=OfferKind.CLAIM,
        origin="click_to_claim",
        recipients=recipients,
        created_at=NOW,
        expires_at=NOW + timedelta(hours=1),
    )


def test_the_pool_is_unassigned_leads_without_an_office() -> None:
    lead = pooled()
    assert in_pool(lead)
    to_office(lead, "north", "Sent to office north.", NOW, by="key_a")
    assert lead.status is LeadStatus.UNASSIGNED
    assert not in_pool(lead)


def test_a_claim_assigns_at_once_and_closes_the_claim_emails() -> None:
    lead = pooled()
    lead.offers.append(claim_offer([3, 4]))

    claim_from_pool(lead, 5, "north", "Dana Reyes", NOW, by="key_b")

    assert (lead.status, lead.agent_id, lead.office_id) == (LeadStatus.ASSIGNED, 5, "north")
    assert lead.offers[0].state is OfferState.CLOSED
    assert [entry.event for entry in lead.history][-2:] == ["offer.closed", "lead.claimed"]
    assert lead.history[-1].detail == "Claimed from the pool by agent 5 (Dana Reyes)."
    assert (lead.history[-1].step, lead.history[-1].by) == ("pool", "key_b")


def test_sending_back_clears_agent_and_office_and_says_who() -> None:
    lead = pooled()
    claim_from_pool(lead, 5, "north", "Dana Reyes", NOW, by="key_b")

    send_back(lead, "an admin (key key_a)", NOW, by="key_a", held_by="agent 5 (Dana Reyes)")

    assert (lead.status, lead.agent_id, lead.office_id) == (LeadStatus.UNASSIGNED, None, None)
    assert in_pool(lead)
    last = lead.history[-1]
    assert (last.event, last.agent_id, last.step) == ("lead.returned_to_pool", 5, "manual")
    assert last.detail == "Sent back to the pool by an admin (key key_a); agent 5 (Dana Reyes) no longer has it."
    assert lead.declined_agent_ids == []


def test_the_version_check() -> None:
    lead = pooled()
    lead.version = 3
    check_version(lead, None)
    check_version(lead, 3)
    with pytest.raises(Conflict, match="changed since you read it"):
        check_version(lead, 2)
