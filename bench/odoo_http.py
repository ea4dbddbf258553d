"""The Odoo server of a benchmark and the signed requests it is sent (SPEC PBX-6, PBX-7),
signed as the PBX simulator signs them: with ``coka_pbx/tools/signature.py``."""

import http.client
import json
import time
from urllib.parse import urlsplit

from common import BENCH_DB, CONFIG, WEBHOOK_SECRET, WORK, env, say

from tests.odoo_server import OdooServer
from tests.pbx_simulator import sign


def signed_request(path, payload, secret=WEBHOOK_SECRET):
    """``(method, path, body, headers)`` of a signed POST of the PBX API, stamped now."""
    raw = json.dumps(payload).encode()
    timestamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Coka-Timestamp": timestamp,
        "X-Coka-Signature": sign(secret, timestamp, raw),
    }
    return "POST", path, raw, headers


def post(url, path, body, headers):
    """One POST on a fresh connection; :return: ``(status, body bytes)``."""
    parts = urlsplit(url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    try:
        connection.request("POST", path, body, headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


class BenchServer(OdooServer):
    """The e2e tests' Odoo server (``--workers``, free ports) on ``coka_bench``, its log under
    .local/bench/, without ``--db-filter`` unless asked (see ``--db-filter``)."""

    def __init__(self, workers=2, name="server", db_filter=False, cron_threads=0):
        super().__init__(
            CONFIG,
            BENCH_DB,
            workers=workers,
            log=WORK / f"{name}.log",
            db_filter=db_filter,
            cron_threads=cron_threads,
        )

    def start(self, timeout=180):
        say(f"starting Odoo: {self.describe()}")
        try:
            return super().start(timeout=timeout)
        except RuntimeError as error:
            env.fail(str(error))
        return self

    def describe(self):
        """The options that matter for the figures, for the report."""
        db_filter = f" --db-filter=^{BENCH_DB}$" if self.db_filter else " (no --db-filter)"
        return (
            f"odoo -d {BENCH_DB}{db_filter} --workers={self.workers} "
            f"--max-cron-threads={self.cron_threads} "
            f"on {self.url}"
        )
