"""Reports in a real browser (headless Chromium through Playwright) against `make run`'s stack: the demo
admin, on a 390-pixel phone, opens Reports, groups by day, sees the figures as a table and charts that fit
the screen, and downloads the CSV: the API's CSV of the same days; then People, which fits the phone too.
(No lead is submitted: the demo company stays as the other journeys expect it; the figures are whatever
the stack holds.)"""

import re
import time
from datetime import date, datetime
from datetime import time as clock_time
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack

pytestmark = NEEDS_CHROMIUM


def test_the_demo_admin_reads_the_report_on_a_phone_and_downloads_the_apis_csv(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    context = browser.new_context(viewport=PHONE, accept_downloads=True)
    page = context.new_page()
    try:
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.get_by_role("link", name="Reports").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "Reports"
        page.get_by_label("Group by").select_option("day")
        page.get_by_role("button", name="Show").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", name="Routing by day").is_visible()
        assert page.locator("svg[role=img]").count() >= 1  # the pool's age at least; the routing charts with leads
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "reports-phone")

        days = page.locator("#report-days").inner_text()
        found = re.match(r"(\d{4}-\d{2}-\d{2}) to (\d{4}-\d{2}-\d{2}), whole days of (\S+?)[,.]", days)
        assert found, days
        zone = ZoneInfo(found.group(3))
        moments = {
            name: datetime.combine(date.fromisoformat(day), clock_time(12), tzinfo=zone).isoformat()
            for name, day in (("from", found.group(1)), ("to", found.group(2)))
        }
        # The stack's stream consumers may still be counting earlier journeys' leads: the two agree once
        # they are done (a deadline, never a fixed sleep).
        deadline = time.monotonic() + 15
        while True:
            with page.expect_download() as download:
                page.get_by_role("link", name="Download the figures as CSV").click()
            saved = Path(download.value.path()).read_bytes().decode()  # as sent: CSV lines end in CRLF
            answer = api.get(
                "/v1/reports/routing",
                key=local_stack.demo_admin_key,
                params={"group_by": "day", **moments},
                headers={"Accept": "text/csv"},
            )
            if saved == answer.text or time.monotonic() > deadline:
                break
            time.sleep(0.3)
            page.reload()
        assert download.value.suggested_filename == f"routing-by-day-{found.group(1)}-to-{found.group(2)}.csv"
        assert saved == answer.text
        assert saved.splitlines()[0].startswith("key,received,offered,claimed,")
        # The table shows the same rows as the CSV.
        assert page.locator("#figures tbody tr").count() == len(saved.splitlines()) - 1

        # People fits the phone too: the demo logins listed, the invite and key forms labelled.
        page.get_by_role("link", name="People").click()
        page.wait_for_load_state()
        assert page.get_by_role("heading", level=1).inner_text() == "People"
        assert page.get_by_role("button", name=f"Remove {login(local_stack, 'admin')['email']}").is_visible()
        assert page.get_by_label("Email").is_visible()
        assert page.get_by_label("Label").is_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "people-phone")
    finally:
        context.close()
