"""Fixtures of the devstack tests: a toy SAM project, a serialized moto server, clients for it."""

from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest
import requests
from moto import mock_aws

from devstack.moto_server import MotoServer
from devstack.template import Template, load_template
from tests.support.toy_project import write_toy_project


@pytest.fixture(scope="session")
def toy_template_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_toy_project(tmp_path_factory.mktemp("toy"))


@pytest.fixture(scope="session")
def toy_template(toy_template_path: Path) -> Template:
    return load_template(toy_template_path)


@pytest.fixture(scope="module")
def moto_server() -> Iterator[MotoServer]:
    server = MotoServer()
    server.start()
    # moto's backends are process-wide: start every module from an empty account.
    requests.post(f"{server.endpoint_url}/moto-api/reset", timeout=10).raise_for_status()
    yield server
    server.stop()


@pytest.fixture
def aws(monkeypatch: pytest.MonkeyPatch) -> Iterator[boto3.session.Session]:
    """A session inside moto.mock_aws() (no server), with fake credentials."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        yield boto3.session.Session(region_name="us-east-1")
