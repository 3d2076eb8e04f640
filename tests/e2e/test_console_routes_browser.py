"""The routes' screens in a real browser (headless Chromium) against `make run`'s stack: the demo admin, on a
390-pixel phone, makes a night route through the form, sees it in the list with its week grid (the hours
after midnight under Saturday, in words), and deletes it. The route is made inactive, so the demo company's
routing is the same throughout for every other journey, and any route left behind is deleted at the end."""

from typing import Any

from tests.support.browser import NEEDS_CHROMIUM, PHONE, login, shoot, sign_in
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack
from tests.support.scenario import expect

pytestmark = NEEDS_CHROMIUM
NAME = "Browser night route"


def test_the_demo_admin_creates_a_night_route_sees_its_week_grid_and_deletes_it(
    browser: Any, api: ApiClient, local_stack: LocalStack
) -> None:
    key = local_stack.demo_admin_key
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sign_in(page, local_stack, login(local_stack, "admin"))
        page.goto(f"{local_stack.api_url}/app/routing/routes")
        page.get_by_role("link", name="New route").click()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "route-form-phone")
        page.get_by_label("Name").fill(NAME)
        page.get_by_label("Active").uncheck()
        page.get_by_label("Members, in order").fill("101, 103")
        page.get_by_label("Friday").check()
        page.get_by_label("From").fill("22:00")
        page.get_by_label("Until").fill("02:00")
        page.get_by_label("Dates, such as holidays").fill("2026-12-25")
        page.get_by_role("button", name="Create route").click()
        page.wait_for_load_state()

        assert f"Route '{NAME}' is created." in page.get_by_role("status").inner_text()
        card = page.locator("li.route", has=page.get_by_role("heading", name=NAME))
        grid = card.get_by_role("table")
        assert "America/Chicago" in grid.locator("caption").inner_text()
        saturday_one = grid.get_by_role("row", name="01:00").get_by_role("cell").nth(5)
        assert saturday_one.inner_text().strip().endswith("applies")
        assert "2026-12-25" in card.inner_text()
        assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
        shoot(page, "routes-phone")

        card.get_by_role("link", name=f"Edit route '{NAME}'").click()
        page.get_by_role("button", name=f"Delete route '{NAME}'").click()
        page.wait_for_load_state()
        assert f"Route '{NAME}' is deleted." in page.get_by_role("status").inner_text()
        assert page.get_by_role("heading", name=NAME).count() == 0
    finally:
        context.close()
        for route in expect(api.get("/v1/routes", key=key), 200)["routes"]:
            if route["name"] == NAME:
                expect(api.delete(f"/v1/routes/{route['route_id']}", key=key), 204)
