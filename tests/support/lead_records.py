"""A lead change as the table's stream would carry it (old and new images in DynamoDB's types), made from
leads in memory: for tests of what the stream's readers find in a change without a table."""

from typing import Any

from leadrouter.adapters.dynamo_codec import to_item
from leadrouter.adapters.dynamo_keys import lead_key
from leadrouter.adapters.dynamo_leads import lead_item
from leadrouter.domain.leads import Lead


def lead_stream_record(before: Lead | None, after: Lead) -> dict[str, Any]:
    """The stream record of the write that turned `before` (None: a new lead) into `after`."""
    change: dict[str, Any] = {
        "Keys": to_item(lead_key(after.company_id, after.lead_id)),
        "NewImage": to_item(lead_item(after)),
    }
    if before is not None:
        change["OldImage"] = to_item(lead_item(before))
    return {"eventName": "MODIFY" if before is not None else "INSERT", "dynamodb": change}


def item_size(item: dict[str, Any]) -> int:
    """A DynamoDB item's size as DynamoDB counts it against its 400 KB limit (attribute names and values in
    UTF-8 bytes; a number about one byte per two digits plus one; 3 bytes for a list or a map and 1 per
    element), from the item in DynamoDB's types (`to_item`)."""
    return sum(len(name.encode()) + _value_size(value) for name, value in item.items())


def _value_size(value: dict[str, Any]) -> int:
    ((kind, inner),) = value.items()
    if kind == "S":
        return len(str(inner).encode())
    if kind == "N":
        return (len(str(inner).lstrip("-").replace(".", "")) + 1) // 2 + 1
    if kind in ("NULL", "BOOL"):
        return 1
    if kind == "L":
        return 3 + sum(1 + _value_size(element) for element in inner)
    if kind == "M":
        return 3 + sum(1 + len(name.encode()) + _value_size(element) for name, element in inner.items())
    raise ValueError(f"no size for a DynamoDB {kind}")
