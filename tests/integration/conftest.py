"""Handlers against moto, in this process: tables, bus and schedule group built from template.yaml, and
requests dispatched through the local gateway's routing and authorizer (what API Gateway would do)."""

from collections.abc import Callable, Iterator
from typing import Any

import boto3
import pytest
from botocore.client import BaseClient
from moto import mock_aws

from devstack.gateway import Gateway
from devstack.lambdas import LambdaRuntime, function_environment
from devstack.moto_server import FAKE_CREDENTIALS
from devstack.resources import CreatedResources, create_resources
from devstack.streams import StreamPoller
from devstack.template import Template, load_template
from leadrouter import wiring
from tests.support.aws_calls import AwsCalls
from tests.support.aws_state import stream_consumers
from tests.support.client import ApiClient, WsgiTransport
from tests.support.clocks import MovableClock
from tests.support.console import Browsers, ConsoleBrowser
from tests.support.faults import Faults
from tests.support.local_stack import ROOT
from tests.support.scenario import Company, create_company


@pytest.fixture(scope="session")
def template() -> Template:
    return load_template(ROOT / "template.yaml")


@pytest.fixture(scope="session")
def runtime(template: Template) -> LambdaRuntime:
    # In this process: the handlers must see this process's moto (mock_aws), clock and fault patches.
    return LambdaRuntime(template, isolation="thread")


@pytest.fixture(scope="session")
def fixture_session(template: Template) -> boto3.session.Session:
    """Speed only: the boto3 session the fixtures build each test's resources with, made once (a session
    and its clients cost about 0.2 s a test to make; the clients made before a test's mock_aws reach it all
    the same, moto's hook being installed in botocore on import). The code under test makes its own."""
    return boto3.session.Session(region_name=template.context.region)


@pytest.fixture
def aws(
    template: Template, runtime: LambdaRuntime, fixture_session: boto3.session.Session, monkeypatch: pytest.MonkeyPatch
) -> Iterator[CreatedResources]:
    environment = function_environment(template, {"PUBLIC_BASE_URL": "http://localhost"})
    for name, value in {**environment, **FAKE_CREDENTIALS}.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_ENDPOINT_URL", raising=False)
    with mock_aws():
        created = create_resources(template, fixture_session)
        wiring.reset()
        # Lambda's stream poller, run when a test reads the bus: the events of every change stored so far.
        with stream_consumers(StreamPoller(template, runtime, fixture_session, retry_delays=())):
            yield created
    wiring.reset()


@pytest.fixture
def api(aws: CreatedResources, template: Template, runtime: LambdaRuntime) -> Iterator[ApiClient]:
    gateway = Gateway(template, runtime, port=0)
    try:
        yield ApiClient(WsgiTransport(gateway.wsgi))
    finally:
        gateway.stop()


@pytest.fixture
def table_name(aws: CreatedResources) -> str:
    return aws.table_names[0]


@pytest.fixture
def operator_key(aws: CreatedResources, table_name: str, fixture_session: boto3.session.Session) -> str:
    from leadrouter_cli import create_operator_key

    return create_operator_key(fixture_session.client("dynamodb"), table_name)


@pytest.fixture
def company(api: ApiClient, operator_key: str) -> Company:
    return create_company(api, operator_key, name="Lakeside Realty", time_zone="America/Chicago")


@pytest.fixture
def other_company(api: ApiClient, operator_key: str) -> Company:
    return create_company(api, operator_key, name="Other Realty")


@pytest.fixture
def aws_calls(monkeypatch: pytest.MonkeyPatch) -> AwsCalls:
    counter = AwsCalls()
    original: Callable[..., Any] = BaseClient._make_api_call  # type: ignore[attr-defined]

    def counting(self: BaseClient, operation_name: str, api_params: Any) -> Any:
        counter.calls.append((self.meta.service_model.service_name, operation_name, api_params))
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", counting)
    return counter


@pytest.fixture(scope="session", autouse=True)
def _shared_botocore_loader() -> Iterator[None]:
    """Speed only: boto3 sessions share one loader of the service models (see tests/support/shared_loader.py)."""
    from tests.support.shared_loader import shared_botocore_loader

    with shared_botocore_loader():
        yield


@pytest.fixture
def clock(aws: CreatedResources) -> MovableClock:
    from tests.support.containers import new_container

    moving = MovableClock()
    new_container(moving)
    return moving


@pytest.fixture
def faults(aws: CreatedResources, monkeypatch: pytest.MonkeyPatch) -> Faults:
    injected = Faults()
    original: Callable[..., Any] = BaseClient._make_api_call  # type: ignore[attr-defined]

    def call(self: BaseClient, operation_name: str, api_params: Any) -> Any:
        error = injected.check(self.meta.service_model.service_name, operation_name, api_params)
        if error is not None:
            raise error
        return original(self, operation_name, api_params)

    monkeypatch.setattr(BaseClient, "_make_api_call", call)
    return injected


# The console, as a browser reaches it through the gateway (tests/support/console.py drives it).


@pytest.fixture
def gateway(api: object, template: Template, runtime: LambdaRuntime) -> Iterator[Gateway]:
    served = Gateway(template, runtime, port=0)
    try:
        yield served
    finally:
        served.stop()


@pytest.fixture
def browsers(gateway: Gateway) -> Browsers:
    return lambda: ConsoleBrowser(WsgiTransport(gateway.wsgi))


@pytest.fixture
def pool_id(template: Template) -> str:
    return template.user_pools[0].pool_id
