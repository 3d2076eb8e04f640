"""The project's command line tool: creates the first operator key, against the local stack or a deployed
stack. An operator key only creates companies; each company's admin key comes back from that call. It also
issues a new admin key for a company that lost its own (recovery), with no key of that company needed."""

import sys
from pathlib import Path
from typing import TYPE_CHECKING

# The shared package lives in the Lambda layer's folder; the tool runs from a checkout.
_LAYER = str(Path(__file__).resolve().parent.parent / "layers" / "shared")
if _LAYER not in sys.path:
    sys.path.insert(0, _LAYER)

from leadrouter.adapters.dynamo_config import DynamoConfigRepository  # noqa: E402
from leadrouter.adapters.dynamo_credentials import DynamoCredentialRepository  # noqa: E402
from leadrouter.domain.ports import SystemClock, SystemRandom  # noqa: E402
from leadrouter.domain.principals import Role  # noqa: E402
from leadrouter.service.companies import CompanyService, KeyService  # noqa: E402

if TYPE_CHECKING:
    from mypy_boto3_dynamodb import DynamoDBClient


def create_operator_key(dynamodb: "DynamoDBClient", table_name: str, label: str = "operator") -> str:
    """Store a new operator key's hash in the table and return the secret (shown once)."""
    keys = KeyService(DynamoCredentialRepository(dynamodb, table_name), SystemClock(), SystemRandom())
    return keys.issue(Role.OPERATOR, company_id=None, label=label).secret


def recover_admin_key(dynamodb: "DynamoDBClient", table_name: str, company_id: str, reason: str, who: str) -> str:
    """Issue a new admin key for an existing company (NotFound otherwise) and return its secret (shown once)."""
    keys = KeyService(DynamoCredentialRepository(dynamodb, table_name), SystemClock(), SystemRandom())
    companies = CompanyService(DynamoConfigRepository(dynamodb, table_name), keys, SystemClock(), SystemRandom())
    return companies.recover_admin_key(company_id, reason, issued_by=f"command line tool ({who})").secret
