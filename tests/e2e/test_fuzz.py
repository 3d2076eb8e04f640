"""Fuzzing: schemathesis generates requests from the served OpenAPI document and sends them to the local
stack, with a company admin's, an office manager's and an agent's key and with no key: no answer is a 5xx,
and every answer matches the document (status code, content type, body schema). Bounded (a few examples
per operation)."""

import warnings
from typing import Any

import pytest
import schemathesis
from hypothesis.errors import NonInteractiveExampleWarning
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from tests.e2e.conftest import LocalStack
from tests.support.scenario import Company, create_company

MAX_EXAMPLES = 5
# What the issue asks: no 5xx, and the answer matches the document (status, content type, body).
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


@pytest.fixture(scope="session")
def fuzz_company(local_stack: LocalStack) -> Company:
    company = create_company(local_stack.client(), local_stack.operator_key, name="Fuzz Realty")
    company.agents([1, 2], in_auto_assign_queue=True, click_to_claim=True)
    company.office("north")
    return company


def _call(case: Any, local_stack: LocalStack, company: Company, key: str | None) -> None:
    headers = {"Authorization": f"Bearer {key}"} if key else {}
    if case.path_parameters and "company_id" in case.path_parameters:
        case.path_parameters["company_id"] = company.company_id
    case.call_and_validate(base_url=local_stack.api_url, headers=headers, checks=CHECKS)


def _fuzz(local_stack: LocalStack, company: Company, key: str | None) -> dict[str, str]:
    """Every operation of the served document, a few generated requests each; what failed, per operation."""
    schema = schemathesis.openapi.from_url(f"{local_stack.api_url}/v1/openapi.json")
    failures: dict[str, str] = {}
    for result in schema.get_all_operations():
        operation = result.ok()  # type: ignore[union-attr]  # an invalid operation raises here: a finding too
        strategy = operation.as_strategy()
        for _ in range(MAX_EXAMPLES):
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", NonInteractiveExampleWarning)
                case = strategy.example()
            try:
                _call(case, local_stack, company, key)
            except BaseException as error:  # schemathesis' FailureGroup is a BaseExceptionGroup
                if isinstance(error, KeyboardInterrupt):
                    raise
                failures[operation.label] = str(error)[:700]
                break
    return failures


def _key(company: Company, role: str) -> str | None:
    if role == "admin":
        return company.admin_key
    if role == "office_manager":
        return company.key("office_manager", office_ids=["north"])
    if role == "agent":
        return company.key("agent", agent_id=1)
    return None


@pytest.mark.parametrize("role", ["admin", "office_manager", "agent", "anonymous"])
def test_no_5xx_and_every_answer_matches_the_document(
    role: str, local_stack: LocalStack, fuzz_company: Company
) -> None:
    failures = _fuzz(local_stack, fuzz_company, _key(fuzz_company, role))
    assert failures == {}, "\n\n".join(f"{label}: {text}" for label, text in failures.items())
