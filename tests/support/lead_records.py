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
