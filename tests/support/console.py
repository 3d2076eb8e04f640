"""Using the console as a browser would, without one: a client that keeps its cookies, signs in with a
form, and sends each page's CSRF token back with the next change. Over any transport (in-process or HTTP)."""

import re
from collections.abc import Callable
from typing import Any

import boto3

from tests.support.client import Answer, ApiClient, Transport
from tests.support.scenario import Company, expect

_CSRF = re.compile(r'name="csrf_token" value="([0-9a-f]{64})"')
PASSWORD = "Console-Pass-2026"


class ConsoleBrowser:
    """One browser: its cookies live in the transport (werkzeug's client and requests' session keep them)."""

    def __init__(self, transport: Transport) -> None:
        self.client = ApiClient(transport)
        self.csrf = ""

    def get(self, path: str) -> Answer:
        answer = self.client.get(path)
        found = _CSRF.search(answer.text)
        if found:
            self.csrf = found.group(1)
        return answer

    def post(self, path: str, form: dict[str, str] | None = None, *, csrf: bool = True) -> Answer:
        fields = dict(form or {})
        if csrf:
            fields["csrf_token"] = self.csrf
        return self.client.post(path, form=fields)

    def sign_in(self, email: str, password: str = PASSWORD) -> Answer:
        answer = self.post("/app/sign-in", {"email": email, "password": password}, csrf=False)
        expect(answer, 303)
        return self.get("/app/")


# A new browser (its own cookies) each call: the `browsers` fixture of tests/integration.
Browsers = Callable[[], ConsoleBrowser]


def add_login(company: Company, pool_id: str, email: str, **scope: Any) -> dict[str, Any]:
    """A console user with a known password (as `make run` makes its demo logins): invited through the API,
    then given a permanent password in the user pool (moto's, through boto3's default endpoint)."""
    cognito = boto3.client("cognito-idp")
    user: dict[str, Any] = expect(
        company.api.post("/v1/users", json_body={"email": email, **scope}, key=company.admin_key), 201
    )
    cognito.admin_set_user_password(UserPoolId=pool_id, Username=user["user_id"], Password=PASSWORD, Permanent=True)
    return user
