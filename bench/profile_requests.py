"""Where the time of one benchmarked request goes, in-process (no server, no network).

Sends requests through Odoo's whole WSGI stack (``odoo.http.root`` with a werkzeug test
client) on ``coka_bench`` as perf1_routing.py / perf2_webhook.py left it, and reports:

* mean time per request, and SQL queries per request (``odoo.sql_db.sql_counter``);
* the SQL statements of one request;
* a cProfile sample of all the requests (top functions by cumulative and by own time).

    /opt/odoo/venv/bin/python bench/profile_requests.py routing|webhook|floor [-n 300]

Run perf1_routing.py or perf2_webhook.py once first (they build the database and fixtures).
"""

import argparse
import cProfile
import io
import itertools
import logging
import pstats
import random
import sys
import time
import uuid

import common
import database
import odoo_http
import perf1_routing
import perf2_webhook


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("route", choices=["routing", "webhook", "floor"])
    parser.add_argument("-n", "--requests", type=common.positive, default=300)
    parser.add_argument("--top", type=common.positive, default=30, help="profile rows shown")
    parser.add_argument(
        "--db-filter", action="store_true", help="configure --db-filter like the servers can"
    )
    return parser.parse_args()


def loaded_partners():
    conn = database.connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT value FROM ir_config_parameter WHERE key = %s", [common.PARTNER_PARAM]
            )
            row = cr.fetchone()
    finally:
        conn.close()
    if not row:
        common.env.fail(f"{common.BENCH_DB} has no bench partners: run perf1_routing.py first")
    return int(row[0])


def request_factory(route, partners):
    """``f()`` -> ``(path, body, headers)`` of the next request of ``route``."""
    rng = random.Random(7)
    ids = itertools.count()
    run = uuid.uuid4().hex[:8]
    if route == "floor":
        return lambda: (perf1_routing.FLOOR_PATH, perf1_routing.load.JSON_RPC_EMPTY, {})
    if route == "routing":

        def routing():
            payload = {
                "call_id": f"profile-route-{run}-{next(ids)}",
                "hotline": common.HOTLINE,
                "from": common.partner_mobile(rng.randint(1, partners)),
            }
            return odoo_http.signed_request(perf1_routing.ROUTE_PATH, payload)[1:]

        return routing

    def webhook():
        payload = perf2_webhook.call_ended(
            f"profile-{run}-{next(ids)}",
            common.partner_mobile(rng.randint(1, partners)),
            rng.choice([number for _login, number in common.AGENTS]),
            rng.randint(10, 600),
        )
        return odoo_http.signed_request(perf2_webhook.WEBHOOK_PATH, payload)[1:]

    return webhook


class Capture(logging.Handler):
    """Keeps the SQL statements Odoo logs at DEBUG on ``odoo.sql_db``."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.lines = []

    def emit(self, record):
        self.lines.append(record.getMessage())


def main():
    args = parse_args()
    partners = loaded_partners()
    # Imported here: the Odoo configuration must be parsed before the HTTP stack is used.
    from werkzeug.test import Client  # noqa: PLC0415

    import odoo  # noqa: PLC0415
    from odoo import sql_db  # noqa: PLC0415
    from odoo.service import server  # noqa: PLC0415

    options = ["-c", str(common.CONFIG), "-d", common.BENCH_DB]
    if args.db_filter:
        options.append(f"--db-filter=^{common.BENCH_DB}$")
    odoo.tools.config.parse_config(options)
    logging.getLogger().setLevel(logging.WARNING)
    server.load_server_wide_modules()
    client = Client(odoo.http.root)
    make = request_factory(args.route, partners)

    def send():
        path, body, headers = make()
        headers = {"Content-Type": "application/json", **headers}
        response = client.post(path, data=body, headers=headers)
        if response.status_code != 200:
            common.env.fail(f"{path}: HTTP {response.status_code} {response.get_data()[:300]}")
        return response

    for _warm in range(20):
        send()
    capture = Capture()
    sql_logger = logging.getLogger("odoo.sql_db")
    sql_logger.addHandler(capture)
    sql_logger.setLevel(logging.DEBUG)
    sql_logger.propagate = False
    answer = send().get_data(as_text=True)
    sql_logger.propagate = True
    sql_logger.setLevel(logging.WARNING)
    sql_logger.removeHandler(capture)

    queries = sql_db.sql_counter
    started = time.perf_counter()
    for _request in range(args.requests):
        send()
    elapsed = time.perf_counter() - started
    queries = sql_db.sql_counter - queries

    profiler = cProfile.Profile()
    profiler.enable()
    for _request in range(args.requests):
        send()
    profiler.disable()

    common.out(
        f"== in-process profile of {args.route} on {common.BENCH_DB} ({partners:,} partners)"
    )
    common.out(f"answer: {answer[:300]}")
    common.out(
        f"{args.requests} requests: {1000 * elapsed / args.requests:.2f} ms per request, "
        f"{queries / args.requests:.2f} SQL queries per request"
    )
    common.out("SQL of one request:")
    for line in capture.lines:
        if "query:" in line:
            common.out("  " + " ".join(line.split())[:300])
    for order in ("cumulative", "tottime"):
        stream = io.StringIO()
        stats = pstats.Stats(profiler, stream=stream)
        stats.sort_stats(order).print_stats(args.top)
        common.out(f"-- cProfile, {args.requests} requests, by {order} --")
        common.out(stream.getvalue().split("\n", 6)[-1] if order else stream.getvalue())
    return 0


if __name__ == "__main__":
    sys.exit(main())
