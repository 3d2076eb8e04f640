"""The texts page reads what SNS sent from moto's backend, newest first, and escapes what a lead typed."""

import json

from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devstack.mailbox import Mailbox
from devstack.moto_server import MotoServer
from devstack.pages import LocalSite
from devstack.sms import TextBox
from tests.support.moto_clients import aws_client


def test_texts_are_listed_newest_first_with_their_links_and_escaped(moto_server: MotoServer) -> None:
    box = TextBox("123456789012", "us-east-1", lock=moto_server.backends_locked)
    moto_server.add_after_request_hook(box.note_new_messages)
    sns = aws_client(moto_server, "sns")
    link = "http://127.0.0.1:3000/v1/offers/tok_sms_1"
    sns.publish(PhoneNumber="+13125550147", Message=f"First: {link}")
    sns.publish(PhoneNumber="+13125550148", Message="<script>alert(1)</script> no link")
    site = LocalSite(Mailbox("123456789012", "us-east-1"), None, texts=box)

    def get(path: str) -> str:
        response = site.respond(Request(EnvironBuilder(path=path).get_environ()))
        assert response is not None
        assert response.status_code == 200
        return response.get_data(as_text=True)

    listed = [text for text in json.loads(get("/_local/sms.json")) if text["to"].startswith("+1312555014")]
    assert [(text["to"], text["links"]) for text in listed] == [("+13125550148", []), ("+13125550147", [link])]
    assert set(listed[0]) == {"to", "text", "links", "sent_at"}
    assert listed[0]["sent_at"] >= listed[1]["sent_at"]
    page = get("/_local/sms")
    assert "<script>alert(1)" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert f'<a href="{link}"' in page
