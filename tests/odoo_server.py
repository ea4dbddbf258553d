"""A real Odoo server process for end-to-end tests (SPEC RUN-5, RUN-6).

Started with Odoo's own Python and the test configuration written by setup/test.py, on free
local ports, and spoken to over HTTP / JSON-RPC like any client would.
"""

import itertools
import json
import os
import subprocess
import sys
import time
import urllib.error
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))
import coka_env  # noqa: E402  (setup/ is a folder of scripts, not a package)

WORK = Path(os.environ.get("COKA_TEST_WORK", ROOT / ".local" / "test"))


class RpcError(Exception):
    """An error answered by Odoo over JSON-RPC: ``name`` is the exception class path."""

    def __init__(self, error):
        data = error.get("data") or {}
        self.name = data.get("name", "")
        self.message = data.get("message") or error.get("message", "")
        super().__init__(f"{self.name}: {self.message}")


class OdooServer:
    """One ``odoo`` process serving one database on 127.0.0.1."""

    def __init__(
        self, config, database, workers=2, name="server", log=None, db_filter=True, cron_threads=0
    ):
        self.config = config
        self.cron_threads = cron_threads
        self.database = database
        self.workers = workers
        self.db_filter = db_filter
        self.port = coka_env.free_port()
        self.gevent_port = coka_env.free_port()  # the websocket with --workers (issue 10.7)
        self.url = f"http://127.0.0.1:{self.port}"
        self.log = Path(log) if log else WORK / f"e2e-{name}.log"
        self.process = None

    def start(self, timeout=120):
        self.log.parent.mkdir(parents=True, exist_ok=True)
        self.log.unlink(missing_ok=True)
        command = coka_env.odoo_command(
            self.config,
            "-d",
            self.database,
            *([f"--db-filter=^{self.database}$"] if self.db_filter else []),
            f"--http-port={self.port}",
            f"--gevent-port={self.gevent_port}",
            f"--workers={self.workers}",
            f"--max-cron-threads={self.cron_threads}",
            f"--logfile={self.log}",
        )
        self.process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"Odoo exited with {self.process.returncode}; see {self.log}")
            if self._answers():
                return self
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(f"Odoo did not answer on {self.url} within {timeout}s")

    def _answers(self):
        try:
            with urllib.request.urlopen(self.url + "/web/login", timeout=5) as answer:
                return answer.status == 200
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            return False

    def stop(self):
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def session(self):
        return RpcSession(self)


class RpcSession:
    """A browser-like client: one cookie jar, JSON-RPC calls."""

    _ids = itertools.count(1)

    def __init__(self, server):
        self.server = server
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
        self.uid = None

    def request(self, path, body=None, headers=None, method=None):
        """Send a raw HTTP request; return (status, parsed JSON or text)."""
        data = body if body is None or isinstance(body, bytes) else json.dumps(body).encode()
        request = urllib.request.Request(
            self.server.url + path,
            data=data,
            headers={"Content-Type": "application/json", **(headers or {})},
            method=method,
        )
        try:
            with self.opener.open(request, timeout=60) as answer:
                status, raw = answer.status, answer.read()
        except urllib.error.HTTPError as error:
            status, raw = error.code, error.read()
        try:
            return status, json.loads(raw)
        except ValueError:
            return status, raw.decode(errors="replace")

    def call(self, path, **params):
        """A JSON-RPC call; raises RpcError when Odoo answers an error."""
        payload = {"jsonrpc": "2.0", "method": "call", "params": params, "id": next(self._ids)}
        status, answer = self.request(path, payload)
        assert status == 200, (status, answer)
        if "error" in answer:
            raise RpcError(answer["error"])
        return answer["result"]

    def authenticate(self, login, password):
        result = self.call(
            "/web/session/authenticate",
            db=self.server.database,
            login=login,
            password=password,
        )
        self.uid = result["uid"]
        return result

    def execute(self, model, method, *args, **kwargs):
        return self.call(
            f"/web/dataset/call_kw/{model}/{method}",
            model=model,
            method=method,
            args=list(args),
            kwargs=kwargs,
        )
