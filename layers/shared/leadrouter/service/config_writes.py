"""Configuration writes checked against the configuration they were validated on.

Each write names the configuration version it read; the adapter stores it only if that version is still
current (and bumps it). When another write came first, the change is made again on the fresh configuration:
a PATCH merges into what is stored now, a new route's priority is checked against the routes stored now.
Two admins editing one agent at once therefore both land, and neither overwrites the other with a stale copy.
"""

from collections.abc import Callable

from leadrouter.domain.config import CompanyConfig, StaleConfiguration
from leadrouter.domain.errors import Conflict
from leadrouter.service.ports import ConfigRepository

ATTEMPTS = 5


def at_current_version[T](config: ConfigRepository, company_id: str, write: Callable[[CompanyConfig], T]) -> T:
    """Run `write` on the current configuration; again on a fresh one when it raises StaleConfiguration."""
    for _ in range(ATTEMPTS):
        current = config.load(company_id)
        try:
            return write(current)
        except StaleConfiguration:
            continue
    raise Conflict("The configuration keeps changing; retry shortly.")
