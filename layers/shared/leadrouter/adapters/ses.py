"""Emails through SES v2 SendEmail, Simple content (subject, text and HTML), one recipient per message, sent
through the stack's configuration set, whose bounce and complaint events come back with the email's tags
(service/email_bounces.py)."""

from typing import TYPE_CHECKING, Any

from botocore.exceptions import BotoCoreError, ClientError

from leadrouter.adapters.aws_errors import describe, is_transient
from leadrouter.service.ports import Email, SendFailed

if TYPE_CHECKING:
    from collections.abc import Callable

    from mypy_boto3_sesv2 import SESV2Client


def _header_safe(value: str) -> str:
    # A subject is one line: whatever a lead typed must not start a new header.
    return " ".join(value.split())[:200]


class SesMailer:
    def __init__(self, client: "Callable[[], SESV2Client]", configuration_set: str) -> None:
        """`client` makes the client on the first email: most requests send none."""
        self._client = client
        self._configuration_set = configuration_set

    def send(self, email: Email) -> str:
        routing: dict[str, Any] = {}
        if self._configuration_set:
            routing["ConfigurationSetName"] = self._configuration_set
        if email.tags:
            routing["EmailTags"] = [{"Name": name, "Value": value} for name, value in email.tags.items()]
        try:
            answer = self._client().send_email(
                **routing,
                FromEmailAddress=email.sender,
                Destination={"ToAddresses": [email.to]},
                Content={
                    "Simple": {
                        "Subject": {"Data": _header_safe(email.subject), "Charset": "UTF-8"},
                        "Body": {
                            "Text": {"Data": email.text, "Charset": "UTF-8"},
                            "Html": {"Data": email.html, "Charset": "UTF-8"},
                        },
                    }
                },
            )
        except (ClientError, BotoCoreError) as error:
            raise SendFailed(describe(error), is_transient(error)) from error
        return str(answer.get("MessageId", ""))
