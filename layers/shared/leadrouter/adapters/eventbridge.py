"""Lead events on the EventBridge bus. Events carry ids and routing state, never contact details: a
subscriber that needs them reads the lead through the API."""

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from leadrouter.domain.leads import HistoryEntry, Lead

if TYPE_CHECKING:
    from mypy_boto3_events import EventBridgeClient
    from mypy_boto3_events.type_defs import PutEventsRequestEntryTypeDef

SOURCE = "leadrouter"
_BATCH = 10  # PutEvents takes at most ten entries


class FailedToPublish(Exception):
    pass


class EventBridgePublisher:
    def __init__(self, client: "EventBridgeClient", bus_name: str) -> None:
        self._events = client
        self._bus = bus_name

    def publish(self, lead: Lead, entries: Sequence[HistoryEntry]) -> None:
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
                        "status": lead.status.value,
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
            answer = self._events.put_events(Entries=batch[start : start + _BATCH])
            if answer.get("FailedEntryCount", 0):
                raise FailedToPublish(f"{answer['FailedEntryCount']} lead event(s) were not accepted")
