"""The person index in DynamoDB: one item per way of finding a person again (a keyed hash of their email,
or of their phone and last name: domain/people.py), naming the person and their latest few leads.

Guarantees:
- no contact detail in any key or attribute: the partition key is an HMAC digest, the item holds ids;
- looking a lead's person up is one BatchGetItem, however many leads the person has;
- a new lead, its index items and its agent's counts are one transaction: the lead is stored only with its
  person and its count, and of two sign-ups of one new person at the same moment, one writes the index
  items and the other's transaction is cancelled (its condition saw no item, or the lead it read), so it
  reads again and joins that person;
- the write may hold a condition that the same request's lead of the previous window is not stored
  (domain/intake_requests.py), so a repeat across a window's start costs no read of its own.
"""

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import domain_errors, failed_conditions
from leadrouter.adapters.dynamo_codec import from_item, to_item, to_value
from leadrouter.adapters.dynamo_counters import refuse_if_capped, tally_updates
from leadrouter.adapters.dynamo_keys import person_index_key
from leadrouter.adapters.dynamo_leads import absent_lead_check, new_lead_put, previous_window_refusal
from leadrouter.adapters.dynamo_transactions import transact
from leadrouter.domain.caps import Tally
from leadrouter.domain.errors import Conflict
from leadrouter.domain.leads import Lead
from leadrouter.domain.people import IdentityKey, IndexClaim, IndexEntry, LeadExists, PersonRaced

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


class DynamoPeopleIndex:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def find(self, company_id: str, keys: Sequence[IdentityKey]) -> list[IndexEntry]:
        """The entries stored under these keys, in the order of `keys`; read consistently, so that a sign-up
        a moment ago is seen."""
        if not keys:
            return []
        by_pk = {person_index_key(company_id, key.digest)["PK"]: key for key in keys}
        wanted = [to_item(person_index_key(company_id, key.digest)) for key in keys]
        with domain_errors():
            answer = self._db.batch_get_item(RequestItems={self._table: {"Keys": wanted, "ConsistentRead": True}})
        found: dict[str, IndexEntry] = {}
        for raw in answer.get("Responses", {}).get(self._table, []):
            item = from_item(raw)
            key = by_pk[str(item["PK"])]
            lead_ids = tuple(str(lead_id) for lead_id in item.get("lead_ids") or [item["lead_id"]])
            found[key.digest] = IndexEntry(key, str(item["person_id"]), lead_ids)
        return [found[key.digest] for key in keys if key.digest in found]

    def create_lead(
        self, lead: Lead, claims: Sequence[IndexClaim], tally: Tally | None = None, absent: str | None = None
    ) -> None:
        """Store a new lead with its index items (and `tally`, its agent's counts), in one transaction, on
        condition that the lead `absent` is not stored (the previous window's id of the same request).
        Raises LeadExists when the lead's id is taken, PreviousWindowStored when `absent` is stored,
        PersonRaced when an index item is not what was read, CapRefused when a cap refused the counts."""
        items: list[TransactWriteItemTypeDef] = [new_lead_put(self._table, lead)]
        for claim in claims:
            put: dict[str, Any] = {
                "TableName": self._table,
                "Item": to_item(
                    {
                        **person_index_key(lead.company_id, claim.key.digest),
                        "kind": claim.key.kind.value,
                        "person_id": claim.person_id,
                        "lead_id": lead.lead_id,
                        "lead_ids": claim.lead_ids(lead.lead_id),
                    }
                ),
            }
            if claim.seen is None:
                put["ConditionExpression"] = "attribute_not_exists(PK)"
            else:
                put["ConditionExpression"] = "lead_id = :seen"
                put["ExpressionAttributeValues"] = {":seen": to_value(claim.seen.lead_id)}
            items.append({"Put": put})  # type: ignore[typeddict-item]
        if tally is not None:
            items.extend(tally_updates(self._table, lead.company_id, tally))
        if absent is not None:
            items.append(absent_lead_check(self._table, lead.company_id, absent))
        with domain_errors(lambda: PersonRaced("Another lead of this person came in at the same moment.")):
            try:
                transact(self._db, items)
            except ClientError as error:
                failed = failed_conditions(error)
                if 0 in failed:
                    raise LeadExists(lead.lead_id) from error
                refused = previous_window_refusal(error, len(items) - 1) if absent is not None else None
                if refused is not None:
                    raise refused from error
                if not any(1 <= position <= len(claims) for position in failed):
                    refuse_if_capped(error, 1 + len(claims), tally)
                raise

    def remove(self, company_id: str, person_id: str, digests: Sequence[str]) -> None:
        """Delete the index items of these digests that still name `person_id` (one a later person of the
        same email took over is theirs, and stays)."""
        for digest in dict.fromkeys(digests):
            try:
                with domain_errors():
                    self._db.delete_item(
                        TableName=self._table,
                        Key=to_item(person_index_key(company_id, digest)),
                        ConditionExpression="person_id = :person",
                        ExpressionAttributeValues={":person": to_value(person_id)},
                    )
            except Conflict:
                continue  # gone already, or another person's now
