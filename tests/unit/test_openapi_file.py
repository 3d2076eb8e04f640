"""The OpenAPI function answers its one route from the shipped file, without a resolver or pydantic."""

import json
from pathlib import Path

from leadrouter.api import openapi_file
from tests.support.fresh_process import printed_by_fresh_process

ROOT = Path(__file__).resolve().parents[2]
EVENT = json.loads((ROOT / "events/openapi/get_document.json").read_text())


def test_its_route_answers_the_shipped_document_with_its_type_and_cache_lifetime() -> None:
    answer = openapi_file.answer(EVENT)
    shipped = (ROOT / "layers/shared/leadrouter/api/openapi.json").read_text(encoding="utf-8")
    assert answer["statusCode"] == 200
    assert answer["body"] == shipped
    assert json.loads(answer["body"])["paths"]["/v1/openapi.json"]["get"]
    assert answer["multiValueHeaders"] == {"Content-Type": ["application/json"], "Cache-Control": ["max-age=300"]}


def test_another_method_or_path_is_the_contracts_404() -> None:
    for event in ({**EVENT, "httpMethod": "POST"}, {**EVENT, "resource": "/v1/leads", "path": "/v1/leads"}):
        answer = openapi_file.answer(event)
        assert answer["statusCode"] == 404
        assert json.loads(answer["body"])["error"]["code"] == "not_found"


def test_the_handler_imports_neither_pydantic_nor_powertools_event_handler() -> None:
    # What its cold start is made of (issue 10 item 4): a fresh process, as a Lambda container starts.
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('app', {str(ROOT / 'functions/openapi/app.py')!r})\n"
        "module = importlib.util.module_from_spec(spec); spec.loader.exec_module(module)\n"
        "print(sorted(name for name in sys.modules if name.startswith(('pydantic', 'aws_lambda_powertools.event_'))))"
    )
    assert printed_by_fresh_process(code) == "[]"
