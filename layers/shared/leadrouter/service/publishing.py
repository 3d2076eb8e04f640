"""Publishing after a committed change: the lead is already safe, so a failure to publish is logged and
counted, never turned into a failed request (the history keeps the record)."""

from aws_lambda_powertools import Logger

from leadrouter.domain.leads import HistoryEntry, Lead
from leadrouter.domain.lifecycle import published
from leadrouter.service.ports import EventPublisher

logger = Logger(child=True)


def publish_new_entries(publisher: EventPublisher, lead: Lead, before: int) -> None:
    entries: list[HistoryEntry] = published(lead.history[before:])
    if not entries:
        return
    try:
        publisher.publish(lead, entries)
    except Exception:  # the lead is stored; losing the event must not lose the request
        logger.exception("lead events not published", extra={"lead_id": lead.lead_id, "events": len(entries)})
