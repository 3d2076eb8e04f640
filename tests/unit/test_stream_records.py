"""A stored lead change read from its stream record: the entries it added, and nothing of the lead's content
in the error when its image does not decode."""

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from leadrouter.adapters.stream_records import UnreadableLead, agent_presence_change, lead_change

SAMPLE = Path(__file__).resolve().parents[2] / "events/event_publisher/lead_assigned.json"


def _record() -> dict[str, Any]:
    record: dict[str, Any] = json.loads(SAMPLE.read_text())["Records"][0]
    return record


def test_a_change_holds_the_entries_it_added_and_the_lead_s_routing_state() -> None:
    change = lead_change(_record())

    assert change is not None
    assert [entry.event for entry in change.added] == ["lead.assigned"]  # lead.received was the earlier change's
    assert change.added[0].at.utcoffset() is not None
    assert (change.lead.status, change.lead.agent_id, change.lead.office_id) == ("assigned", 101, None)


def test_a_new_lead_added_its_whole_history() -> None:
    record = _record()
    del record["dynamodb"]["OldImage"]

    change = lead_change(record)

    assert change is not None
    assert [entry.event for entry in change.added] == ["lead.received", "lead.assigned"]


def test_other_items_and_deletions_are_no_lead_changes() -> None:
    other = _record()
    other["dynamodb"]["Keys"]["SK"] = {"S": "OFFER#1"}
    deleted = _record()
    del deleted["dynamodb"]["NewImage"]

    assert lead_change(other) is None
    assert lead_change(deleted) is None


@pytest.mark.parametrize("field", ["status", "lead_id", "history"])
def test_an_image_that_does_not_decode_names_the_lead_s_key_only(field: str) -> None:
    record = _record()
    image = record["dynamodb"]["NewImage"]
    if field == "history":
        image["history"]["L"][-1]["M"]["at"] = {"S": "yesterday"}
    else:
        image[field] = {"N": "7"}
    contact = copy.deepcopy(image["contact"])

    with pytest.raises(UnreadableLead) as raised:
        lead_change(record)

    assert record["dynamodb"]["Keys"]["PK"]["S"] in str(raised.value)
    assert contact["M"]["email"]["S"] not in str(raised.value)


def test_an_agent_s_count_item_is_no_presence_change() -> None:
    """The counts share the agent's sort key in their own partition; the stream filter lets them through."""
    count = {
        "eventName": "MODIFY",
        "dynamodb": {
            "Keys": {"PK": {"S": "C#co_1#COUNT#day#2026-12-02"}, "SK": {"S": "AGENT#0000000007"}},
            "NewImage": {"leads": {"N": "3"}, "expiration": {"N": "1767225600"}},
        },
    }
    assert agent_presence_change(count) is None
