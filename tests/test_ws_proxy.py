"""The test proxy of tests/ws_proxy.py routes as nginx does in production (issue 10.7):
``/websocket`` to the gevent port, everything else to the HTTP port, upgrades untouched."""

import socket
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .ws_proxy import WsProxy, _rewrite_head


def _upstream(name):
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = f"{name} {self.path} {self.headers.get('Connection')}".encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


@pytest.fixture
def proxy():
    http, gevent = _upstream("http"), _upstream("gevent")
    with WsProxy(http.server_address[1], gevent.server_address[1]) as proxy:
        yield proxy
    http.shutdown()
    gevent.shutdown()


def _get(proxy, path):
    with urllib.request.urlopen(proxy.url + path, timeout=10) as answer:
        return answer.read().decode()


def test_websocket_goes_to_gevent_the_rest_to_http(proxy):
    assert _get(proxy, "/websocket?version=18.0-5") == "gevent /websocket?version=18.0-5 close"
    assert _get(proxy, "/web/login") == "http /web/login close"
    assert _get(proxy, "/websocketx") == "http /websocketx close"
    assert proxy.routes == {"http": 2, "websocket": 1}


def test_upgrade_headers_pass_untouched_and_bytes_flow_both_ways():
    head = b"GET /websocket HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket"
    assert _rewrite_head(head) == ("/websocket", head)
    path, plain = _rewrite_head(b"GET /odoo HTTP/1.1\r\nHost: x\r\nConnection: keep-alive")
    assert path == "/odoo"
    assert plain == b"GET /odoo HTTP/1.1\r\nConnection: close\r\nHost: x"
    # A raw upstream that answers 101 then echoes: the proxy pipes frames after the head.
    listener = socket.create_server(("127.0.0.1", 0))

    def serve():
        conn, _ = listener.accept()
        conn.recv(65536)
        conn.sendall(b"HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\n\r\n")
        conn.sendall(conn.recv(65536)[::-1])
        conn.close()

    threading.Thread(target=serve, daemon=True).start()
    with WsProxy(1, listener.getsockname()[1]) as proxy:
        client = socket.create_connection(("127.0.0.1", int(proxy.url.rsplit(":", 1)[1])))
        client.sendall(head + b"\r\n\r\n")
        assert client.recv(65536).startswith(b"HTTP/1.1 101")
        client.sendall(b"frame")
        assert client.recv(65536) == b"emarf"
        client.close()
    listener.close()
