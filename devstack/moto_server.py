"""Moto in server mode, in this process, with one request at a time.

Moto's DynamoDB checks a ConditionExpression and then writes without holding a lock, so two
requests on two threads could both pass one condition. Real DynamoDB never lets that happen,
and the service relies on conditional writes for every race it must win exactly once (claims,
round robin turns). So every request to the emulated AWS goes through one lock here: slower
than moto alone, but the guarantees the code is written against hold.
"""

import logging
import os
import threading
import urllib.request
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Final

from werkzeug.serving import make_server

from devstack.background import BackgroundServer
from devstack.faults import AwsFaults, lose_answer

if TYPE_CHECKING:
    from _typeshed.wsgi import StartResponse, WSGIApplication, WSGIEnvironment

LOGGER = logging.getLogger("devstack.moto")

FAKE_CREDENTIALS: Final[Mapping[str, str]] = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_SECURITY_TOKEN": "testing",
}


class SerializedApp:
    """A WSGI middleware that runs one request at a time, response body included.

    The body is read inside the lock as well: moto may compute it lazily, and the point is that
    no two requests ever touch the backends at the same moment. ``after_request`` hooks run
    inside the lock too, so they see the backends exactly as the request left them.
    """

    def __init__(self, app: "WSGIApplication", lock: threading.Lock) -> None:
        self.app = app
        self.lock = lock
        self.after_request: list[Callable[[], None]] = []
        self.faults = AwsFaults()

    def __call__(self, environ: "WSGIEnvironment", start_response: "StartResponse") -> Iterable[bytes]:
        with self.lock:
            if self.faults.take(environ):
                result = lose_answer(self.app, environ, start_response)
            else:
                result = self.app(environ, start_response)
            try:
                body = b"".join(result)
            finally:
                close = getattr(result, "close", None)
                if close is not None:
                    close()
            for hook in self.after_request:
                try:
                    hook()
                except Exception:
                    LOGGER.exception("an after-request hook failed")
        return [body]


def _quiet_handler() -> type[Any]:
    from moto.moto_server.werkzeug_app import MotoRequestHandler

    class QuietMotoRequestHandler(MotoRequestHandler):  # type: ignore[misc, unused-ignore]
        # One line per AWS call would bury the API's own access log.
        def log_request(self, code: int | str = "-", size: int | str = "-") -> None:
            LOGGER.debug("%s %s", self.requestline, code)

        def log(self, type: str, message: str, *args: Any) -> None:
            LOGGER.log(logging.ERROR if type == "error" else logging.DEBUG, message, *args)

    return QuietMotoRequestHandler


class MotoServer(BackgroundServer):
    """Moto's server app on 127.0.0.1, every request serialized by :attr:`lock`."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from moto.moto_server.werkzeug_app import DomainDispatcherApplication, create_backend_app

        self.lock = threading.Lock()
        self.app = SerializedApp(DomainDispatcherApplication(create_backend_app), self.lock)
        server = make_server(host, port, self.app, threaded=True, request_handler=_quiet_handler())
        super().__init__(server, "devstack-moto")

    @property
    def endpoint_url(self) -> str:
        return self.url

    def reset(self) -> None:
        """Empty every backend: moto keeps them process-wide, across servers and mocks."""
        request = urllib.request.Request(f"{self.endpoint_url}/moto-api/reset", method="POST")  # noqa: S310
        with urllib.request.urlopen(request, timeout=30):  # noqa: S310 - our own http URL
            pass

    @property
    def faults(self) -> AwsFaults:
        return self.app.faults

    def add_after_request_hook(self, hook: Callable[[], None]) -> None:
        self.app.after_request.append(hook)

    @contextmanager
    def backends_locked(self) -> Iterator[None]:
        """Hold the request lock, to read moto's in-process backends while no request runs."""
        with self.lock:
            yield


def aws_environment(endpoint_url: str, region: str) -> dict[str, str]:
    """The variables that point every boto3 client of this process at the local endpoint."""
    return {
        "AWS_ENDPOINT_URL": endpoint_url,
        "AWS_DEFAULT_REGION": region,
        "AWS_REGION": region,
        "AWS_EC2_METADATA_DISABLED": "true",
        **FAKE_CREDENTIALS,
    }


def point_process_at(endpoint_url: str, region: str) -> dict[str, str | None]:
    """Set :func:`aws_environment` in os.environ; answers the previous values, for restoring.

    Variables that would send a client elsewhere (a profile, a per-service endpoint) are
    removed, so a developer's own AWS configuration can never reach a real account.
    """
    changes: dict[str, str | None] = dict(aws_environment(endpoint_url, region))
    for name in os.environ:
        if name.startswith("AWS_ENDPOINT_URL_") or name in ("AWS_PROFILE", "AWS_IGNORE_CONFIGURED_ENDPOINT_URLS"):
            changes[name] = None
    return apply_environment(changes)


def apply_environment(changes: Mapping[str, str | None]) -> dict[str, str | None]:
    """Set (or, for None, remove) variables; answers the previous values."""
    previous: dict[str, str | None] = {}
    for name, value in changes.items():
        previous[name] = os.environ.get(name)
        if value is None:
            os.environ.pop(name, None)
        else:
            os.environ[name] = value
    return previous
