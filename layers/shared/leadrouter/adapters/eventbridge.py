"""Lead events on the EventBridge bus. Events carry ids and routing state, never contact details: a
subscriber that needs them reads the lead through the API."""

import json
import time
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from leadrouter.domain.lead_events import EventEntry, EventSubject

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

SOURCE = "leadrouter"
_BATCH = 10  # PutEvents takes at most ten entries
_ATTEMPTS = 3
_BACKOFF_SECONDS = 0.1


class FailedToPublish(Exception):
    pass


class EventBridgePublisher:
    def __init__(self, client: "EventBridgeClient", bus_name: str, sleep: Callable[[float], None] = time.sleep) -> None:
        self._events = client
        self._bus = bus_name
        self._sleep = sleep

    def publish(self, lead: EventSubject, entries: Sequence[EventEntry]) -> None:
        batch: list[PutEventsRequestEntryTypeDef] = [
            {
                "Source": SOURCE,
                "DetailType": entry.event,
                "EventBusName": self._bus,
                "Time": entry.at,
                "Resources": [],
                "Detail": json.dumps(
                    {
                        "company_id": lead.company_id,
                        "lead_id": lead.lead_id,
                        "person_id": lead.person_id,
                        "status": str(lead.status),
                        "agent_id": entry.agent_id if entry.agent_id is not None else lead.agent_id,
                        "office_id": lead.office_id,
                        "source": lead.source,
                        "at": entry.at.isoformat(),
                        "step": entry.step,
                        "detail": entry.detail,
                    }
                ),
            }
            for entry in entries
        ]
        for start in range(0, len(batch), _BATCH):
            self._put(batch[start : start + _BATCH])

    def _put(self, entries: "list[PutEventsRequestEntryTypeDef]") -> None:
        """PutEvents can accept some entries of a request and refuse others (throttled, an internal failure):
        the SDK's retries do not cover that, so the refused ones are sent again, a few times."""
        pending = entries
        for attempt in range(_ATTEMPTS):
            if attempt:
                self._sleep(_BACKOFF_SECONDS * 2 ** (attempt - 1))
            answer = self._events.put_events(Entries=pending)
            if not answer.get("FailedEntryCount", 0):
                return
            results = answer.get("Entries", [])
            pending = [entry for entry, result in zip(pending, results, strict=True) if result.get("ErrorCode")]
        codes = sorted({str(result.get("ErrorCode")) for result in results if result.get("ErrorCode")})
        raise FailedToPublish(f"{len(pending)} lead event(s) were not accepted after {_ATTEMPTS} attempts: {codes}")
