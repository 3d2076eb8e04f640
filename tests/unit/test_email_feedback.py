"""SES's events read into feedback (adapters/ses_feedback.py), and the bounce mark over agent writes."""

import json
from typing import Any

import pytest

from leadrouter.adapters.ses_feedback import read_feedback
from leadrouter.service.email_bounces import EmailFeedback, FeedbackKind
from tests.support.fakes import agent

TAGS = {"company_id": ["co_1"], "lead_id": ["ld_1"], "offer_id": ["of_1"], "agent_id": ["7"]}


def bounce(bounce_type: str, tags: dict[str, list[str]] = TAGS) -> str:
    event: dict[str, Any] = {
        "eventType": "Bounce",
        "bounce": {"bounceType": bounce_type, "bouncedRecipients": [{"emailAddress": "a@x.test"}]},
        "mail": {"messageId": "m", "tags": {"ses:configuration-set": ["set"], **tags}},
    }
    return json.dumps(event)


@pytest.mark.parametrize(
    ("bounce_type", "kind"),
    [
        ("Permanent", FeedbackKind.HARD_BOUNCE),
        ("Transient", FeedbackKind.SOFT_BOUNCE),
        ("Undetermined", FeedbackKind.SOFT_BOUNCE),
    ],
)
def test_a_bounce_names_the_offer_and_agent_its_email_was_tagged_with(bounce_type: str, kind: FeedbackKind) -> None:
    assert read_feedback(bounce(bounce_type)) == [EmailFeedback(kind, "co_1", "ld_1", "of_1", 7, "a@x.test")]


def test_a_complaint_reads_as_one_per_recipient() -> None:
    event = {
        "eventType": "Complaint",
        "complaint": {"complainedRecipients": [{"emailAddress": "a@x.test"}, {"emailAddress": "b@x.test"}]},
        "mail": {"tags": TAGS},
    }
    assert [(one.kind, one.address) for one in read_feedback(json.dumps(event))] == [
        (FeedbackKind.COMPLAINT, "a@x.test"),
        (FeedbackKind.COMPLAINT, "b@x.test"),
    ]


def test_emails_the_service_did_not_tag_and_other_event_types_read_as_nothing() -> None:
    assert read_feedback(bounce("Permanent", tags={"lead_id": ["ld_1"]})) == []
    assert read_feedback(bounce("Permanent", tags={**TAGS, "agent_id": ["seven"]})) == []
    assert read_feedback(json.dumps({"eventType": "Delivery", "mail": {"tags": TAGS}})) == []


def test_a_message_that_is_no_ses_event_is_refused() -> None:
    with pytest.raises(ValueError, match="not an SES event"):
        read_feedback('{"hello": "world"}')


def test_the_bounce_mark_stays_while_the_address_is_the_same_and_only_then() -> None:
    marked = agent(1).model_copy(update={"email_bouncing": True})
    assert agent(1).keeping_bounce_mark(marked).email_bouncing is True
    renamed = agent(1).model_copy(update={"name": "New name", "email": marked.email.upper()})
    assert renamed.keeping_bounce_mark(marked).email_bouncing is True
    moved = agent(1).model_copy(update={"email": "new@x.test"})
    assert moved.keeping_bounce_mark(marked).email_bouncing is False
    assert marked.keeping_bounce_mark(None).email_bouncing is False
