"""Leads in DynamoDB. Every write is conditional: a new lead must not exist yet, a change must find the
version it read."""

import base64
import json
from typing import TYPE_CHECKING, Any, cast

from botocore.exceptions import ClientError

from leadrouter.adapters.aws_errors import CONDITION_FAILED, domain_errors, error_code, failed_conditions
from leadrouter.adapters.dynamo_codec import from_item, to_item, to_value
from leadrouter.adapters.dynamo_counters import refuse_if_capped, tally_updates
from leadrouter.adapters.dynamo_keys import (
    lead_key,
    leads_by_agent,
    leads_by_office,
    leads_by_person,
    leads_by_status,
    leads_timeline,
)
from leadrouter.adapters.dynamo_overdue import OPEN_OFFERS, index_time
from leadrouter.adapters.dynamo_transactions import transact
from leadrouter.domain.caps import Tally
from leadrouter.domain.errors import BadRequest, Conflict, NotFound
from leadrouter.domain.intake_requests import PreviousWindowStored
from leadrouter.domain.leads import Lead
from leadrouter.domain.queries import LeadQuery, Page

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient
    from mypy_boto3_dynamodb.type_defs import TransactWriteItemTypeDef


def new_lead_put(table: str, lead: Lead) -> "TransactWriteItemTypeDef":
    """A new lead's write, as a transaction item: refused when its id is taken, answering the stored lead."""
    return {
        "Put": {
            "TableName": table,
            "Item": to_item(lead_item(lead)),
            "ConditionExpression": "attribute_not_exists(PK)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def absent_lead_check(table: str, company_id: str, lead_id: str) -> "TransactWriteItemTypeDef":
    """A condition that this lead is not stored, as a transaction item: when it fails, the stored lead comes
    back in the cancellation (`previous_window_refusal`)."""
    return {
        "ConditionCheck": {
            "TableName": table,
            "Key": to_item(lead_key(company_id, lead_id)),
            "ConditionExpression": "attribute_not_exists(PK)",
            "ReturnValuesOnConditionCheckFailure": "ALL_OLD",
        }
    }


def previous_window_refusal(error: ClientError, position: int) -> PreviousWindowStored | None:
    """The refusal to raise when the absent-lead check at `position` of a cancelled transaction failed."""
    if position not in failed_conditions(error):
        return None
    reasons: list[dict[str, Any]] = cast("list[dict[str, Any]]", error.response.get("CancellationReasons", []))
    return PreviousWindowStored(Lead.model_validate(from_item(reasons[position]["Item"])))


def _refused_lead(error: ClientError) -> dict[str, Any] | None:
    """The stored item a new lead's write was refused for (empty: refused, the item not returned), or None
    when its own condition did not fail."""
    if error_code(error) == CONDITION_FAILED:
        return dict(cast("dict[str, Any]", error.response).get("Item") or {})
    if 0 in failed_conditions(error):
        reasons: list[dict[str, Any]] = cast("list[dict[str, Any]]", error.response.get("CancellationReasons", []))
        return dict(reasons[0].get("Item") or {})
    return None


def lead_item(lead: Lead) -> dict[str, Any]:
    sort = f"{index_time(lead.created_at)}#{lead.lead_id}"
    item: dict[str, Any] = {
        **lead_key(lead.company_id, lead.lead_id),
        **lead.model_dump(mode="json"),
        "GSI1PK": leads_timeline(lead.company_id),
        "GSI1SK": sort,
        "GSI2PK": leads_by_status(lead.company_id, lead.status.value),
        "GSI2SK": sort,
    }
    if lead.agent_id is not None:
        item["GSI3PK"], item["GSI3SK"] = leads_by_agent(lead.company_id, lead.agent_id), sort
    if lead.office_id is not None:
        item["GSI4PK"], item["GSI4SK"] = leads_by_office(lead.company_id, lead.office_id), sort
    if lead.person_id is not None:
        item["GSI6PK"], item["GSI6SK"] = leads_by_person(lead.company_id, lead.person_id), sort
    open_until = [offer.expires_at for offer in lead.offers if offer.is_open]
    if open_until:
        # Sparse: only leads waiting on an open offer are in GSI5, sorted by the first expiry (the sweeper).
        item["GSI5PK"] = OPEN_OFFERS
        item["GSI5SK"] = f"{index_time(min(open_until))}#{lead.company_id}#{lead.lead_id}"
    return item


def _encode_cursor(key: dict[str, Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(key).encode()).decode()


def _decode_cursor(cursor: str, index: str, partition: str) -> dict[str, Any]:
    """A cursor must be the last key of a page of this very listing: the same index and partition."""
    invalid = BadRequest("The cursor is not one this API gave out for this listing.")
    try:
        value = json.loads(base64.urlsafe_b64decode(cursor.encode()))
    except (ValueError, UnicodeDecodeError) as error:
        raise invalid from error
    expected = {"PK", "SK", f"{index}PK", f"{index}SK"}
    if (
        not isinstance(value, dict)
        or set(value) != expected
        or not all(isinstance(part, str) for part in value.values())
        or value[f"{index}PK"] != partition
        or value["SK"] != "LEAD"
    ):
        raise invalid
    return value


class DynamoLeadRepository:
    def __init__(self, client: "DynamoDBClient", table: str) -> None:
        self._db = client
        self._table = table

    def create_once(self, lead: Lead, tally: Tally | None = None, absent: str | None = None) -> Lead | None:
        """Write a new lead unless its id is taken: then answer the stored lead, from the failed write itself
        (a repeat of the request that made it: domain/intake_requests.py). With `tally`, the agent's counts
        go in the same transaction; CapRefused when a cap refused them (nothing written). With `absent` (the
        previous window's id of the same request), the write holds only if that lead is not stored either:
        PreviousWindowStored answers it otherwise (nothing written)."""
        put = new_lead_put(self._table, lead)
        items = [put, *tally_updates(self._table, lead.company_id, tally)] if tally is not None else [put]
        if absent is not None:
            items.append(absent_lead_check(self._table, lead.company_id, absent))
        with domain_errors():
            try:
                if len(items) == 1:
                    self._db.put_item(**put["Put"])
                else:
                    transact(self._db, items)
                return None
            except ClientError as error:
                stored = _refused_lead(error)
                if stored is None:
                    refused = previous_window_refusal(error, len(items) - 1) if absent is not None else None
                    if refused is not None:
                        raise refused from error
                    refuse_if_capped(error, 1, tally)
                    raise
        if not stored:  # an answer without the item: read it
            return self.get(lead.company_id, lead.lead_id)
        return Lead.model_validate(from_item(stored))

    def first_stored(self, company_id: str, lead_ids: list[str]) -> Lead | None:
        """The first of these leads that is stored, read consistently (a lead written a moment ago counts)."""
        keys = [to_item(lead_key(company_id, lead_id)) for lead_id in lead_ids]
        with domain_errors():
            if len(keys) == 1:
                answer = self._db.get_item(TableName=self._table, Key=keys[0], ConsistentRead=True)
                items = [answer["Item"]] if "Item" in answer else []
            else:
                batch = {self._table: {"Keys": keys, "ConsistentRead": True}}
                items = self._db.batch_get_item(RequestItems=batch)["Responses"].get(self._table, [])  # type: ignore[arg-type]
        found = {lead.lead_id: lead for lead in (Lead.model_validate(from_item(item)) for item in items)}
        return next((found[lead_id] for lead_id in lead_ids if lead_id in found), None)

    def get(self, company_id: str, lead_id: str) -> Lead:
        with domain_errors():
            answer = self._db.get_item(
                TableName=self._table, Key=to_item(lead_key(company_id, lead_id)), ConsistentRead=True
            )
        if "Item" not in answer:
            raise NotFound(f"No lead {lead_id}.")
        return Lead.model_validate(from_item(answer["Item"]))

    def save(self, lead: Lead, tally: Tally | None = None) -> None:
        """Write a changed lead if nobody changed it since it was read (its version); with `tally`, the counts
        of the agent it now goes to in the same transaction."""
        expected = lead.version
        lead.version = expected + 1
        put: dict[str, Any] = {
            "TableName": self._table,
            "Item": to_item(lead_item(lead)),
            "ConditionExpression": "version = :expected",
            "ExpressionAttributeValues": {":expected": to_value(expected)},
        }
        try:
            with domain_errors(lambda: Conflict("Another change to this lead won the race.")):
                if tally is None:
                    self._db.put_item(**put)
                else:
                    updates = tally_updates(self._table, lead.company_id, tally)
                    try:
                        transact(self._db, [{"Put": put}, *updates])  # type: ignore[typeddict-item]
                    except ClientError as error:
                        # The lead's own condition first: a lost race (or a landed retry) is a Conflict.
                        if 0 not in failed_conditions(error):
                            refuse_if_capped(error, 1, tally)
                        raise
        except Exception:
            lead.version = expected
            raise

    def get_many(self, company_id: str, lead_ids: list[str]) -> dict[str, Lead]:
        """Several leads by id (missing ones are left out); eventually consistent, for listings."""
        found: dict[str, Lead] = {}
        wanted = list(dict.fromkeys(lead_ids))
        for start in range(0, len(wanted), 100):
            keys = [to_item(lead_key(company_id, lead_id)) for lead_id in wanted[start : start + 100]]
            pending: dict[str, Any] = {self._table: {"Keys": keys}}
            for _attempt in range(5):
                with domain_errors():
                    answer = self._db.batch_get_item(RequestItems=pending)
                for item in answer.get("Responses", {}).get(self._table, []):
                    lead = Lead.model_validate(from_item(item))
                    found[lead.lead_id] = lead
                pending = dict(answer.get("UnprocessedKeys") or {})
                if not pending:
                    break
        return found

    def list(self, company_id: str, query: LeadQuery) -> Page[Lead]:
        index, partition = self._index_for(company_id, query)
        names = {"#pk": f"{index}PK"}
        values: dict[str, Any] = {":pk": partition}
        key_condition = "#pk = :pk"
        if query.created_from is not None or query.created_to is not None:
            names["#sk"] = f"{index}SK"
            # Sort keys start with the UTC creation time: compare like with like.
            low = index_time(query.created_from) if query.created_from else "0000"
            high = (index_time(query.created_to) if query.created_to else "9999") + "#\uffff"
            key_condition += " AND #sk BETWEEN :low AND :high"
            values.update({":low": low, ":high": high})
        filters = _filters(index, query, names, values)
        request: dict[str, Any] = {
            "TableName": self._table,
            "IndexName": index,
            "ScanIndexForward": query.oldest_first,
            "Limit": query.limit,
            "KeyConditionExpression": key_condition,
            "ExpressionAttributeNames": names,
            "ExpressionAttributeValues": to_item(values),
        }
        if filters:
            request["FilterExpression"] = " AND ".join(filters)
        if query.cursor:
            request["ExclusiveStartKey"] = to_item(_decode_cursor(query.cursor, index, partition))
        try:
            with domain_errors():
                answer = self._db.query(**request)
        except ClientError as error:
            if query.cursor and error_code(error) == "ValidationException":
                raise BadRequest("The cursor is not one this API gave out.") from error
            raise
        items = [Lead.model_validate(from_item(item)) for item in answer.get("Items", [])]
        last = answer.get("LastEvaluatedKey")
        return Page(items=items, next_cursor=_encode_cursor(from_item(last)) if last else None)

    @staticmethod
    def _index_for(company_id: str, query: LeadQuery) -> tuple[str, str]:
        if query.person_id is not None:
            return "GSI6", leads_by_person(company_id, query.person_id)
        if query.agent_id is not None:
            return "GSI3", leads_by_agent(company_id, query.agent_id)
        if query.office_id is not None:
            return "GSI4", leads_by_office(company_id, query.office_id)
        if query.status is not None:
            return "GSI2", leads_by_status(company_id, query.status.value)
        return "GSI1", leads_timeline(company_id)


def _filters(index: str, query: LeadQuery, names: dict[str, str], values: dict[str, Any]) -> list[str]:
    """Filters for what the chosen index does not already select."""
    filters: list[str] = []
    if query.status is not None and index != "GSI2":
        filters.append("#status = :status")
        names["#status"] = "status"
        values[":status"] = query.status.value
    if query.agent_id is not None and index != "GSI3":
        filters.append("agent_id = :agent")
        values[":agent"] = query.agent_id
    if query.office_id is not None and index != "GSI4":
        filters.append("office_id = :office")
        values[":office"] = query.office_id
    if query.office_ids is not None and query.office_id is None:
        scope = [f":scope{n}" for n in range(len(query.office_ids))] or [":noscope"]
        values.update(dict(zip(scope, query.office_ids or ("\u0000",), strict=True)))
        filters.append(f"office_id IN ({', '.join(scope)})")
    if query.without_office:
        filters.append("(attribute_not_exists(office_id) OR attribute_type(office_id, :null_type))")
        values[":null_type"] = "NULL"
    if query.source is not None:
        filters.append("#source = :source")
        names["#source"] = "source"
        values[":source"] = query.source.strip().lower()
    return filters
