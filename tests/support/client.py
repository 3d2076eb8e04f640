"""One small HTTP client for the tests, over two transports: in-process through the local gateway's WSGI
app (integration tests, moto mocked in-process) or real HTTP to a running local stack (end to end)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol
from urllib.parse import urlencode


@dataclass(frozen=True)
class Answer:
    status: int
    headers: Mapping[str, str]
    text: str

    @property
    def json(self) -> Any:
        return json.loads(self.text) if self.text else None

    @property
    def error_code(self) -> str | None:
        body = self.json
        return body.get("error", {}).get("code") if isinstance(body, dict) else None


class Transport(Protocol):
    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer: ...


class WsgiTransport:
    def __init__(self, app: Any) -> None:
        from werkzeug.test import Client

        # Public: a test may look at the cookies it holds (tests/support/console.py).
        self.client = Client(app)

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        response = self.client.open(path, method=method, data=body, headers=headers)
        return Answer(response.status_code, dict(response.headers), response.get_data(as_text=True))


class HttpTransport:
    def __init__(self, base_url: str, timeout: float = 30) -> None:
        import requests

        self._base = base_url.rstrip("/")
        self._session = requests.Session()
        self._timeout = timeout

    def send(self, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> Answer:
        response = self._session.request(method, self._base + path, data=body, headers=headers, timeout=self._timeout)
        return Answer(response.status_code, dict(response.headers), response.text)


class ApiClient:
    def __init__(self, transport: Transport) -> None:
        self.transport = transport

    def call(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        form: Mapping[str, str] | None = None,
        raw: bytes | None = None,
        key: str | None = None,
        headers: Mapping[str, str] | None = None,
        params: Mapping[str, Any] | None = None,
    ) -> Answer:
        sent = dict(headers or {})
        body: bytes | None = raw
        if json_body is not None:
            body = json.dumps(json_body).encode()
            sent.setdefault("Content-Type", "application/json")
        elif form is not None:
            body = urlencode(form).encode()
            sent.setdefault("Content-Type", "application/x-www-form-urlencoded")
        if key is not None:
            sent["Authorization"] = f"Bearer {key}"
        if params:
            path = f"{path}?{urlencode({k: v for k, v in params.items() if v is not None})}"
        return self.transport.send(method, path, body, sent)

    def get(self, path: str, **kwargs: Any) -> Answer:
        return self.call("GET", path, **kwargs)

    def post(self, path: str, **kwargs: Any) -> Answer:
        return self.call("POST", path, **kwargs)

    def put(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PUT", path, **kwargs)

    def patch(self, path: str, **kwargs: Any) -> Answer:
        return self.call("PATCH", path, **kwargs)

    def delete(self, path: str, **kwargs: Any) -> Answer:
        return self.call("DELETE", path, **kwargs)
