"""Powertools' DynamoDB idempotency store, with every record under a partition key of its own.

Given a table with a sort key, Powertools puts every record of a function under one partition key
(`idempotency#<function>`) and the request's hash in the sort key: every intake of every company would
then write one partition, which DynamoDB caps at 1,000 writes a second. Here the hash goes into the
partition key instead (`idempotency#<function and hash>`, sort key `IDEMPOTENCY`), so records spread over
the table as the requests do. The records' contents and Powertools' guarantees are unchanged: only where
they are kept differs (docs/DATA_MODEL.md).
"""

from typing import Any, Final

from aws_lambda_powertools.utilities.idempotency import DynamoDBPersistenceLayer

RECORD_SK: Final = "IDEMPOTENCY"


class SpreadDynamoDBPersistenceLayer(DynamoDBPersistenceLayer):
    def _get_key(self, idempotency_key: str) -> dict[str, Any]:
        # Overrides Powertools' composite key (its static partition); pinned with the layer's requirements.
        return {self.key_attr: {"S": f"idempotency#{idempotency_key}"}, str(self.sort_key_attr): {"S": RECORD_SK}}
