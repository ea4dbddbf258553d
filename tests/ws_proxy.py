"""A small reverse proxy for the end-to-end tests, as production puts nginx before Odoo
(issue 10.7): ``/websocket`` goes to Odoo's gevent port, everything else to its HTTP port.

Standard library only. Each client connection carries one request: the proxy reads its head,
picks the upstream by path, forces ``Connection: close`` on plain requests (so that a kept-alive
connection never carries a later ``/websocket`` to the HTTP port) and pipes bytes both ways,
so a websocket upgrade passes through untouched.
"""

import contextlib
import logging
import socket
import threading

_logger = logging.getLogger(__name__)
HEAD_END = b"\r\n\r\n"


def _rewrite_head(head):
    """(path, head) of a request head; plain requests get ``Connection: close``."""
    lines = head.split(b"\r\n")
    parts = lines[0].split(b" ")
    path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
    upgrade = any(line.lower().startswith(b"upgrade:") for line in lines[1:])
    if not upgrade:
        lines = [line for line in lines if not line.lower().startswith(b"connection:")]
        lines.insert(1, b"Connection: close")
    return path, b"\r\n".join(lines)


def _pipe(source, target):
    try:
        while chunk := source.recv(65536):
            target.sendall(chunk)
    except OSError as error:
        _logger.debug("ws proxy: connection dropped: %s", error)
    finally:
        for sock in (source, target):
            with contextlib.suppress(OSError):  # already closed by the other side
                sock.shutdown(socket.SHUT_RDWR)


class WsProxy:
    """Listens on 127.0.0.1:<free port>; ``routes`` counts the requests sent to each side."""

    def __init__(self, http_port, gevent_port):
        self.http_port = http_port
        self.gevent_port = gevent_port
        self.routes = {"http": 0, "websocket": 0}
        self._socket = None
        self._thread = None
        self.url = None

    def upstream(self, path):
        """("websocket" | "http", port) for a request path."""
        if path == "/websocket" or path.startswith(("/websocket?", "/websocket/")):
            return "websocket", self.gevent_port
        return "http", self.http_port

    def start(self):
        self._socket = socket.create_server(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._thread = threading.Thread(target=self._serve, name="ws-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        if self._socket is not None:
            self._socket.close()
            self._socket = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def _serve(self):
        while self._socket is not None:
            try:
                client, _address = self._socket.accept()
            except OSError:
                return
            threading.Thread(target=self._relay, args=(client,), daemon=True).start()

    def _relay(self, client):
        data = b""
        try:
            while HEAD_END not in data:
                chunk = client.recv(65536)
                if not chunk:
                    client.close()
                    return
                data += chunk
            head, rest = data.split(HEAD_END, 1)
            path, head = _rewrite_head(head)
            side, port = self.upstream(path)
            self.routes[side] += 1
            upstream = socket.create_connection(("127.0.0.1", port), timeout=30)
            upstream.settimeout(None)
            upstream.sendall(head + HEAD_END + rest)
        except OSError as error:
            _logger.debug("ws proxy: %s", error)
            client.close()
            return
        threading.Thread(target=_pipe, args=(upstream, client), daemon=True).start()
        _pipe(client, upstream)
