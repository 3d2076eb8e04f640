"""A WSGI server on 127.0.0.1 served from a daemon thread: the gateway and the moto server are both one."""

import threading

from werkzeug.serving import BaseWSGIServer


class BackgroundServer:
    def __init__(self, server: BaseWSGIServer, thread_name: str) -> None:
        self._server = server
        self._thread_name = thread_name
        self._thread: threading.Thread | None = None

    @property
    def port(self) -> int:
        return int(self._server.server_port)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self._thread = threading.Thread(target=self._server.serve_forever, name=self._thread_name, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (also for a server that was bound but never started)."""
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()
