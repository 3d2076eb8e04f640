"""The mailbox reads what SES sent from moto's backend: SESv2 simple and raw content, SES v1."""

from email.message import EmailMessage
from typing import Any

import pytest
from werkzeug.test import EnvironBuilder
from werkzeug.wrappers import Request

from devstack.mailbox import Mailbox, extract_links, html_to_text
from devstack.moto_server import MotoServer
from devstack.pages import LocalSite, render_email
from tests.support.moto_clients import aws_client

SENDER = "robot@toy.test"


@pytest.fixture(scope="module")
def mailbox(moto_server: MotoServer) -> Mailbox:
    aws_client(moto_server, "ses").verify_email_identity(EmailAddress=SENDER)
    box = Mailbox("123456789012", "us-east-1", lock=moto_server.backends_locked)
    moto_server.add_after_request_hook(box.note_new_messages)
    return box


def _sesv2(server: MotoServer) -> Any:
    return aws_client(server, "sesv2")


def test_an_sesv2_simple_email_is_read_with_its_links(moto_server: MotoServer, mailbox: Mailbox) -> None:
    link = "http://127.0.0.1:3000/v1/offers/tok_1?a=1&b=2"
    _sesv2(moto_server).send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["avery@demo-realty.test"]},
        Content={
            "Simple": {
                "Subject": {"Data": "New lead: claim it"},
                "Body": {
                    "Text": {"Data": f"Claim: {link}"},
                    "Html": {"Data": f'<p>A lead!</p><p><a href="{link.replace("&", "&amp;")}">Claim</a></p>'},
                },
            }
        },
    )
    mail = next(mail for mail in mailbox.emails() if mail.subject == "New lead: claim it")
    assert mail.to == "avery@demo-realty.test"
    assert mail.sender == SENDER
    assert link in mail.html.replace("&amp;", "&")
    assert "A lead!" in mail.text
    assert mail.links == (link,)
    assert mail.sent_at.tzinfo is not None
    document = mail.as_json()
    assert set(document) >= {"to", "subject", "text", "html", "links", "sent_at"}


def test_raw_and_v1_emails_are_read_newest_first(moto_server: MotoServer, mailbox: Mailbox) -> None:
    raw = EmailMessage()
    raw["From"] = SENDER
    raw["To"] = "blake@demo-realty.test"
    raw["Subject"] = "Raw one"
    raw.set_content("Plain part https://example.test/plain.")
    raw.add_alternative('<a href="https://example.test/html">html</a>', subtype="html")
    _sesv2(moto_server).send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["blake@demo-realty.test"]},
        Content={"Raw": {"Data": raw.as_bytes()}},
    )
    aws_client(moto_server, "ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["casey@demo-realty.test"]},
        Message={"Subject": {"Data": "V1 text"}, "Body": {"Text": {"Data": "See http://x.test/a, then go."}}},
    )
    emails = mailbox.emails()
    subjects = [mail.subject for mail in emails]
    assert subjects.index("V1 text") < subjects.index("Raw one")
    raw_mail = emails[subjects.index("Raw one")]
    assert raw_mail.to == "blake@demo-realty.test"
    assert "Plain part" in raw_mail.text
    assert set(raw_mail.links) == {"https://example.test/html", "https://example.test/plain"}
    v1_mail = emails[subjects.index("V1 text")]
    assert v1_mail.html == ""
    assert v1_mail.links == ("http://x.test/a",)


def test_only_absolute_web_links_are_kept() -> None:
    links = extract_links("", '<a href="javascript:alert(1)">x</a><a href="/relative">y</a><a href="mailto:a@b">z</a>')
    assert links == ()


def test_the_mail_page_escapes_hostile_text(moto_server: MotoServer, mailbox: Mailbox) -> None:
    _sesv2(moto_server).send_email(
        FromEmailAddress=SENDER,
        Destination={"ToAddresses": ["drew@demo-realty.test"]},
        Content={
            "Simple": {
                "Subject": {"Data": "<script>alert('subject')</script>"},
                "Body": {"Html": {"Data": '<p>Hi <img src=x onerror="alert(1)"></p><script>alert(2)</script>'}},
            }
        },
    )
    mail = next(mail for mail in mailbox.emails() if mail.to == "drew@demo-realty.test")
    page = render_email(mail)
    assert "<script>" not in page
    assert "&lt;script&gt;alert(&#39;subject&#39;)&lt;/script&gt;" in page
    assert 'sandbox="allow-popups allow-popups-to-escape-sandbox"' in page


def test_the_mail_page_lists_every_email_and_the_demo_page_escapes_its_company_id(
    moto_server: MotoServer, mailbox: Mailbox
) -> None:
    aws_client(moto_server, "ses").send_email(
        Source=SENDER,
        Destination={"ToAddresses": ["emery@demo-realty.test"]},
        Message={"Subject": {"Data": "Listed"}, "Body": {"Text": {"Data": "On the page."}}},
    )
    site = LocalSite(mailbox, None, demo_company_id=lambda: '"><script>alert(3)</script>')

    def get(path: str) -> str:
        response = site.respond(Request(EnvironBuilder(path=path).get_environ()))
        assert response is not None
        assert response.status_code == 200
        assert response.headers["Content-Security-Policy"]
        return response.get_data(as_text=True)

    demo = get("/_local/")
    assert 'value="&#34;&gt;&lt;script&gt;alert(3)&lt;/script&gt;"' in demo
    assert "<script>alert(3)" not in demo
    mail_page = get("/_local/mail")
    assert f"{len(mailbox.emails())} email(s) sent" in mail_page
    assert mail_page.count('<article class="mail">') == len(mailbox.emails())
    assert "<h2>Listed</h2>" in mail_page


def test_an_html_emails_table_reads_as_labelled_lines() -> None:
    body = "<table><tr><th>Name</th><td>J.</td></tr><tr><th>Area</th><td>not given</td></tr></table>"
    assert html_to_text(body) == "Name: J.\nArea: not given"
