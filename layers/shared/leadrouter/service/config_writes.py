"""Configuration writes checked against the configuration they were validated on.

Each write reads the configuration version and the few items it depends on (ConfigReads: the agent it
patches, the office an agent joins, the routes whose priorities it must not take), never the whole company,
and names that version; the adapter stores it only if that version is still current (and bumps it). When
another write came first, the change is made again on the fresh configuration: a PATCH merges into what is
stored now, a new route's priority is checked against the routes stored now. Two admins editing one agent
at once therefore both land, and neither overwrites the other with a stale copy.
"""

from collections.abc import Callable

from leadrouter.domain.config import StaleConfiguration
from leadrouter.domain.errors import Conflict
from leadrouter.service.ports import ConfigReads, ConfigRepository

ATTEMPTS = 5


def at_current_version[T](config: ConfigRepository, company_id: str, write: Callable[[ConfigReads], T]) -> T:
    """Run `write` on the current configuration; again on a fresh one when it raises StaleConfiguration."""
    for _ in range(ATTEMPTS):
        current = config.reads(company_id)
        try:
            return write(current)
        except StaleConfiguration:
            continue
    raise Conflict("The configuration keeps changing; retry shortly.")
