"""SES's bounce and complaint events (event publishing through the stack's configuration set, by SNS to
the email-events queue, raw) read into the service's EmailFeedback: one per recipient, with the ids the
offer email was tagged with. An event of another type, or of an email without the offer's tags (one not sent
by the service), reads as nothing."""

from typing import Literal

from pydantic import ConfigDict, Field, ValidationError

from leadrouter.domain.model import Model
from leadrouter.service.email_bounces import EmailFeedback, FeedbackKind

# An offer email carries offer_id too; an assignment notice does not; escalation emails name no agent (ignored).
_TAGS = ("company_id", "lead_id", "agent_id")


class _Loose(Model):  # built on the first event, as one schema (not one per class at import)
    model_config = ConfigDict(extra="ignore")


class _Recipient(_Loose):  # SES's own field names
    emailAddress: str


class _Bounce(_Loose):
    bounceType: Literal["Permanent", "Transient", "Undetermined"]
    bouncedRecipients: list[_Recipient]


class _Complaint(_Loose):
    complainedRecipients: list[_Recipient]


class _Mail(_Loose):
    tags: dict[str, list[str]] = Field(default_factory=dict)


class _Event(_Loose):
    eventType: str
    mail: _Mail
    bounce: _Bounce | None = None
    complaint: _Complaint | None = None


def read_feedback(body: str) -> list[EmailFeedback]:
    """The feedback in one queue message's body; raises ValueError when it is not an SES event at all."""
    try:
        event = _Event.model_validate_json(body)
    except ValidationError as error:
        raise ValueError(f"not an SES event ({error.error_count()} problems)") from None
    tags = {name: values[0] for name, values in event.mail.tags.items() if values}
    if any(name not in tags for name in _TAGS) or not tags["agent_id"].isdigit():
        return []
    if event.eventType == "Bounce" and event.bounce is not None:
        kind = FeedbackKind.HARD_BOUNCE if event.bounce.bounceType == "Permanent" else FeedbackKind.SOFT_BOUNCE
        recipients = event.bounce.bouncedRecipients
    elif event.eventType == "Complaint" and event.complaint is not None:
        kind, recipients = FeedbackKind.COMPLAINT, event.complaint.complainedRecipients
    else:
        return []
    return [
        EmailFeedback(
            kind=kind,
            company_id=tags["company_id"],
            lead_id=tags["lead_id"],
            offer_id=tags.get("offer_id"),  # none on an assignment notice
            agent_id=int(tags["agent_id"]),
            address=recipient.emailAddress,
        )
        for recipient in recipients
    ]
