"""Lead events from stored changes (a transactional outbox): what a change adds to a lead's history is
published after it is stored, by the table stream's consumer, never on the request path. A change that is
stored is published at least once: a failure raises, and the stream gives the change again."""

from typing import TYPE_CHECKING

from aws_lambda_powertools import Logger

from leadrouter.domain.lead_events import StoredLeadChange, published

if TYPE_CHECKING:
    # The ports name every model of the service; the stream consumer loads none of them.
    from leadrouter.service.ports import EventPublisher

logger = Logger(child=True)


class EventOutbox:
    def __init__(self, publisher: "EventPublisher") -> None:
        self._publisher = publisher

    def publish_change(self, change: StoredLeadChange) -> int:
        """Publish the lead.* entries the change added; answers how many.

        Entries from before the change were published with the change that added them: a later change
        of the lead does not send them again."""
        entries = published(change.added)
        if entries:
            self._publisher.publish(change.lead, entries)
            logger.info("lead events published", extra={"lead_id": change.lead.lead_id, "events": len(entries)})
        return len(entries)
