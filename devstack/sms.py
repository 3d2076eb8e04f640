"""The text messages the service sent, read from moto's in-process SNS backend.

Moto keeps every SMS published to a phone number in ``sns_backends[account][region].sms_message_objects``
(message id, number, text), in the order sent, but records no time: the stack stamps each text when it
first sees it, as the mailbox does for emails (devstack/sent_messages.py)."""

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from devstack.mailbox import extract_links
from devstack.sent_messages import SentMessages


@dataclass(frozen=True)
class Text:
    to: str
    text: str
    links: tuple[str, ...]
    sent_at: datetime

    def as_json(self) -> dict[str, Any]:
        return {"to": self.to, "text": self.text, "links": list(self.links), "sent_at": self.sent_at.isoformat()}


class TextBox(SentMessages):
    """Reads the sent texts of one account and region, newest first."""

    def _messages(self) -> list[Any]:
        from moto.sns.models import sns_backends

        return list(sns_backends[self.account_id][self.region].sms_message_objects.values())

    def _key(self, message: Any) -> str:
        return str(message.message_id)

    def texts(self) -> list[Text]:
        return [
            Text(str(message.phone_number), str(message.message), extract_links(str(message.message), ""), sent_at)
            for sent_at, message in self.newest_first()
        ]
