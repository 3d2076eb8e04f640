"""The command line tool: the first operator key, and the OpenAPI document."""

import json

import pytest

from leadrouter_cli.__main__ import main
from tests.support.client import ApiClient
from tests.support.scenario import expect


def test_the_cli_creates_an_operator_key_that_creates_companies(
    api: ApiClient, table_name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["create-operator-key", "--table-name", table_name, "--region", "us-east-1"]) == 0
    key = capsys.readouterr().out.strip()
    assert key.startswith("lrk_")
    created = expect(api.post("/v1/companies", json_body={"name": "CLI Realty", "time_zone": "UTC"}, key=key), 201)
    assert created["company_id"].startswith("co_")
    # An operator key only creates companies.
    assert api.get("/v1/settings", key=key).status == 403


def test_the_cli_prints_the_openapi_document(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["openapi"]) == 0
    document = json.loads(capsys.readouterr().out)
    assert "/v1/companies/{company_id}/leads" in document["paths"]
