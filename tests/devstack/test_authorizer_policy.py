"""How an authorizer's answer is read: IAM-style statements with wildcards, context as strings."""

from typing import Any

import pytest

from devstack.authorizer import AuthorizerConfigurationError, decide

ARN = "arn:aws:execute-api:us-east-1:123456789012:abc123/local/GET/v1/leads/ld_1"


def _answer(*statements: dict[str, Any], context: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "principalId": "me",
        "policyDocument": {"Version": "2012-10-17", "Statement": list(statements)},
        "context": context or {},
    }


def _statement(effect: str, resource: str | list[str]) -> dict[str, Any]:
    return {"Action": "execute-api:Invoke", "Effect": effect, "Resource": resource}


def test_an_allow_on_the_exact_arn_or_a_wildcard_allows() -> None:
    assert decide(_answer(_statement("Allow", ARN)), ARN).allowed
    assert decide(_answer(_statement("Allow", "arn:aws:execute-api:us-east-1:123456789012:abc123/*")), ARN).allowed
    assert decide(_answer(_statement("Allow", ["arn:aws:execute-api:*:*:*/local/GET/v1/*"])), ARN).allowed


def test_no_matching_allow_or_an_explicit_deny_denies() -> None:
    assert not decide(_answer(_statement("Allow", "arn:aws:execute-api:*:*:*/local/POST/*")), ARN).allowed
    assert not decide(_answer(_statement("Allow", "*"), _statement("Deny", ARN)), ARN).allowed
    assert not decide(_answer(), ARN).allowed


def test_context_values_reach_the_integration_as_strings() -> None:
    decision = decide(_answer(_statement("Allow", "*"), context={"agent_id": 7, "admin": True, "name": "x"}), ARN)
    assert decision.context["principalId"] == "me"
    assert decision.context["agent_id"] == "7"
    assert decision.context["admin"] == "true"
    assert decision.context["name"] == "x"


@pytest.mark.parametrize(
    "answer",
    [
        {"policyDocument": {"Statement": []}},
        {"principalId": "me"},
        _answer(_statement("Allow", "*"), context={"nested": {"a": 1}}),
    ],
)
def test_an_answer_api_gateway_rejects_is_a_configuration_error(answer: dict[str, Any]) -> None:
    with pytest.raises(AuthorizerConfigurationError):
        decide(answer, ARN)
