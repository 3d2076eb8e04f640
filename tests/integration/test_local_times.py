"""People read times in their company's zone: the offer email (text and HTML) and the link's page show
when the offer ends on the brokerage's clock, with the zone's abbreviation, on either side of a
daylight-saving change. The API's JSON stays in UTC."""

from datetime import UTC, datetime

import pytest

from devstack.template import Template
from tests.support.client import ApiClient
from tests.support.clocks import MovableClock
from tests.support.offers import claim_company, emails_to, link_for, submit
from tests.support.scenario import Company, expect


@pytest.mark.parametrize(
    ("now", "shown"),
    [
        # Claim links last a day: the offer ends 24 hours after the lead arrived.
        (datetime(2027, 1, 15, 16, 0, tzinfo=UTC), "Saturday, January 16, 2027, 10:00 AM CST"),
        (datetime(2027, 7, 15, 16, 0, tzinfo=UTC), "Friday, July 16, 2027, 11:00 AM CDT"),
    ],
)
def test_offer_emails_and_pages_show_the_end_in_the_companys_zone(
    company: Company, api: ApiClient, template: Template, clock: MovableClock, now: datetime, shown: str
) -> None:
    clock.advance(seconds=(now - clock.now()).total_seconds())
    claim_company(company, 1)  # company: America/Chicago
    lead_id = submit(company)

    (email,) = emails_to(template, "agent1@brokerage.test")
    assert f"(until {shown})" in email.text
    assert f"(until {shown})" in email.html
    assert "UTC" not in email.text
    page = api.get(link_for(template, 1).path)
    assert f"(until {shown})" in page.text
    offer = expect(api.get(f"/v1/leads/{lead_id}", key=company.admin_key), 200)["offers"][0]
    assert offer["expires_at"].startswith(f"{now.year}-{now.month:02d}-16T16:00:00")  # the API: UTC
