"""Using the console as a browser would, without one: a client that keeps its cookies, signs in with a
form, and sends each page's CSRF token back with the next change. Over any transport (in-process or HTTP)."""

import re
from collections.abc import Callable
from typing import Any

import boto3

from devstack.template import Template
from tests.support.client import Answer, ApiClient, Transport, WsgiTransport
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


def expire_access_tokens(template: Template, pool_id: str) -> None:
    """Every access token of the pool ends, as Cognito's do an hour after they were issued: moto's never do,
    so its record of them is forgotten (in-process moto only). Refresh tokens stay as they were."""
    from moto.cognitoidp.models import cognitoidp_backends

    pool = cognitoidp_backends[template.context.account_id][template.context.region].user_pools[pool_id]
    pool.access_tokens.clear()


def _jar(browser: ConsoleBrowser) -> Any:
    transport = browser.client.transport
    assert isinstance(transport, WsgiTransport), "only the in-process browser's cookies are at hand"
    return transport.client


def held_cookie(browser: ConsoleBrowser, name: str, path: str = "/app") -> Any:
    """The cookie the (in-process) browser holds, with its attributes (werkzeug's Cookie), or None."""
    return _jar(browser).get_cookie(name, path=path)


def drop_cookie(browser: ConsoleBrowser, name: str, path: str = "/app") -> None:
    """The browser forgets a cookie, as it does when its Max-Age has passed."""
    _jar(browser).delete_cookie(name, path=path)


def plant_cookie(browser: ConsoleBrowser, name: str, value: str, path: str = "/app") -> None:
    """A cookie the browser sends from now on (one copied from another browser, say)."""
    _jar(browser).set_cookie(name, value, path=path)


def signed_in(browsers: Browsers, company: Company, pool_id: str, email: str, **scope: Any) -> ConsoleBrowser:
    """A new browser, signed in as a new console user of `company` (`scope`: role, agent_id, office_ids, as
    /v1/users takes them)."""
    add_login(company, pool_id, email, **scope)
    browser = browsers()
    browser.sign_in(email)
    return browser
