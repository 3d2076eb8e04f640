"""Driving Debian's Chromium through Playwright in the end-to-end tests: where the browser is, the flags that
keep it off the network, the marks that skip a test without it, and the steps every console journey takes
(sign in, find a demo login, reload a page without script until something shows, save a screenshot).

CONSOLE_SCREENSHOTS=<folder> saves the main pages there (docs/console/ holds the committed ones)."""

import os
import shutil
import time
from pathlib import Path
from typing import Any, Final

import pytest

from tests.support.local_stack import LocalStack

CHROMIUM: Final = shutil.which("chromium") or shutil.which("chromium-browser")
# Without these, Chromium tries to reach Google's services, which this closed network refuses.
QUIET_FLAGS: Final = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
NEEDS_CHROMIUM: Final = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None,
        reason="Chromium is not installed (make test installs Debian's chromium package when it runs as root "
        "with apt-get; install it by hand with `apt-get install chromium` to run this test)",
    ),
]
PHONE: Final = {"width": 390, "height": 844}
SHOTS: Final = os.environ.get("CONSOLE_SCREENSHOTS")


def login(stack: LocalStack, role: str, agent_id: int | None = None) -> dict[str, Any]:
    """A demo login of `make run` (.local/stack.json): the first of that role (and agent)."""
    return next(
        item for item in stack.logins if item["role"] == role and (agent_id is None or item.get("agent_id") == agent_id)
    )


def shoot(page: Any, name: str) -> None:
    if SHOTS:
        page.screenshot(path=str(Path(SHOTS) / f"{name}.png"), full_page=True)


def sign_in(page: Any, stack: LocalStack, who: dict[str, Any], *, keyboard: bool = False) -> None:
    page.goto(f"{stack.api_url}/app/")
    if keyboard:
        page.get_by_label("Email").focus()
        page.keyboard.type(who["email"])
        page.keyboard.press("Tab")
        page.keyboard.type(who["password"])
        page.keyboard.press("Enter")
    else:
        page.get_by_label("Email").fill(who["email"])
        page.get_by_label("Password").fill(who["password"])
        page.get_by_role("button", name="Sign in").click()
    page.wait_for_load_state()


def reload_until(page: Any, selector: str, timeout: float = 15.0) -> None:
    """For a page without script: reload until `selector` is there (a deadline, never a fixed sleep)."""
    deadline = time.monotonic() + timeout
    while page.locator(selector).count() == 0:
        assert time.monotonic() < deadline, f"{selector} never showed"
        time.sleep(0.3)
        page.reload()
