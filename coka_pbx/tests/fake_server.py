"""What the local fake provider servers of the tests share (PBX recordings, SMS and Zalo ZNS,
Haravan): a threaded HTTP server on a free loopback port that hands each request to its
fake's ``handle(handler, method, body)``, and the test-case mixin that lets Odoo's test
guard send the clients' requests to it."""

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from odoo.tests.common import _super_send


class FakeHandler(BaseHTTPRequestHandler):
    """Reads the body, answers JSON; ``extra_headers`` (set by a fake) go on every answer."""

    def log_message(self, *_args):
        pass

    def _answer(self, status, payload=None, raw=None, headers=None):
        data = raw if raw is not None else json.dumps(payload).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        headers = {**getattr(self, "extra_headers", {}), **(headers or {})}
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            return  # the client gave up (a timeout test): nothing to answer

    def _body(self):
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def do_GET(self):  # noqa: N802 (http.server's name)
        self.server.fake.handle(self, "GET", self._body())

    def do_POST(self):  # noqa: N802 (http.server's name)
        self.server.fake.handle(self, "POST", self._body())


class FakeServer:
    """A fake provider on ``127.0.0.1``; subclasses implement ``handle``. ``start()`` returns
    it, ``stop()`` closes it, ``url`` is its base URL."""

    handler = FakeHandler

    def __init__(self):
        self.lock = threading.Lock()
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self.handler)
        self._server.daemon_threads = True
        self._server.fake = self
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self):
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self):
        self._thread.start()
        return self

    def stop(self):
        self._server.shutdown()
        self._server.server_close()

    def handle(self, handler, method, body):
        raise NotImplementedError


class LocalServerMixin:
    """For a test case whose clients call a fake server on ``127.0.0.1``: Odoo's guard of test
    requests compares the timeout with a number and fails on the clients' (connect, read)
    pair, so those requests go straight out (any other host stays guarded)."""

    @classmethod
    def _request_handler(cls, session, request, /, **kwargs):
        if urlsplit(request.url).hostname == "127.0.0.1":
            return _super_send(session, request, **kwargs)
        return super()._request_handler(session, request, **kwargs)
