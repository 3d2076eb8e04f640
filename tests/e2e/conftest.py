"""End to end: the local stack `make run` starts, as a subprocess, spoken to over real HTTP."""

from collections.abc import Iterator
from typing import Any

import pytest

from tests.support.browser import CHROMIUM, QUIET_FLAGS
from tests.support.client import ApiClient
from tests.support.local_stack import LocalStack, started_stack
from tests.support.scenario import Company, create_company


@pytest.fixture(scope="session")
def local_stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalStack]:
    with started_stack(tmp_path_factory.mktemp("stack")) as stack:
        yield stack


@pytest.fixture(scope="session")
def api(local_stack: LocalStack) -> ApiClient:
    return local_stack.client()


@pytest.fixture
def company(api: ApiClient, local_stack: LocalStack) -> Company:
    return create_company(api, local_stack.operator_key, name="E2E Realty", time_zone="America/Chicago")


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """One headless Chromium for the session's console journeys (each opens its own contexts)."""
    from playwright.sync_api import sync_playwright

    if CHROMIUM is None:
        pytest.skip("Chromium is not installed")
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=QUIET_FLAGS)
        try:
            yield launched
        finally:
            launched.close()
