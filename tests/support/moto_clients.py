"""Clients of a local moto server for tests that start their own (devstack tests), made without touching
os.environ so that tests beside them keep their own AWS settings."""

from typing import Any

import boto3

from devstack.moto_server import MotoServer


def aws_client(server: MotoServer, service: str) -> Any:
    """A client of the local moto server, without touching os.environ."""
    return boto3.client(
        service,  # type: ignore[call-overload]
        endpoint_url=server.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="testing",
        aws_secret_access_key="testing",
    )
