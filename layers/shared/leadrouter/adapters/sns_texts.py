"""Text messages through Amazon SNS: Publish straight to a phone number (no topic), as Transactional texts
(SNS's delivery for one-time messages, sent ahead of promotional ones), and SNS's own opt-out list, asked
before each text (CheckIfPhoneNumberIsOptedOut): a number whose owner answered STOP is not texted.
Why SNS rather than End User Messaging SMS: docs/DECISIONS.md ("Offers by text message")."""

from collections.abc import Callable
from typing import Any

from botocore.exceptions import BotoCoreError, ClientError

from leadrouter.adapters.aws_errors import describe, is_transient
from leadrouter.service.ports import SendFailed, TextMessage

_TRANSACTIONAL = {"AWS.SNS.SMS.SMSType": {"DataType": "String", "StringValue": "Transactional"}}


class SnsTexter:
    def __init__(self, client: Callable[[], Any]) -> None:
        """`client` makes the SNS client on the first text: most requests send none. (Typed Any: the
        project's type stubs do not include SNS.)"""
        self._client = client

    def opted_out(self, phone: str) -> bool:
        try:
            answer = self._client().check_if_phone_number_is_opted_out(phoneNumber=phone)
        except (ClientError, BotoCoreError) as error:
            raise SendFailed(describe(error), is_transient(error)) from error
        return bool(answer.get("isOptedOut"))

    def send(self, message: TextMessage) -> str:
        try:
            answer = self._client().publish(
                PhoneNumber=message.to, Message=message.text, MessageAttributes=_TRANSACTIONAL
            )
        except (ClientError, BotoCoreError) as error:
            raise SendFailed(describe(error), is_transient(error)) from error
        return str(answer.get("MessageId", ""))
