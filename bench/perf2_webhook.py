"""PERF-2: webhook ingestion (SPEC PBX-6), completed calls per second, against the same
server's floor and the same run's raw PostgreSQL insert rate.

One Odoo server (``--workers`` 2 × cores + 1 by default, Odoo's sizing rule; one cron
worker) on ``coka_bench``. Each completed call
is one signed ``call.ended`` event with a new ``call_id`` and ``event_id``: inbound, from a
random bench partner's mobile (partner matching on the indexed E.164 keys), answered by one
of the five bench agents, with ring and talk seconds. The webhook queues it (idempotency,
the call's id reserved) and wakes the job that writes the queued calls in batches: the call
with its partner, hotline and agent, the call-ended hooks (agent idle time, the sticky-agent
rule) and the agent's notification. A webhook measurement lasts until that job has written
every call (``settle``): the rate counts calls written, not requests answered. The cron
worker runs only that job meanwhile (the others are set inactive, then back).

In the same run, at the same concurrencies (rounds interleave them):

* floor: ``POST /web/webclient/version_info`` with an empty JSON-RPC call, as PERF-1 (Odoo's
  HTTP stack and nothing else);
* raw insert: single-row ``INSERT`` + ``COMMIT`` per row through psycopg2 (one connection
  per thread) into a scratch table built ``LIKE coka_pbx_call`` (same columns and indexes),
  filled with the same values.

Target: completed calls/s at c=8 >= 50 % of the floor's requests/s at c=8, with no request
replayed after a serialisation failure; the SQL statements per call (Odoo's access log) are
printed next to the figure, and the CPU time per operation of the load generator, Odoo and
PostgreSQL (``measure.CpuMeter``), which share the machine's cores.

    /opt/odoo/venv/bin/python bench/perf2_webhook.py [--partners N] [--requests N] [--reuse]
"""

import argparse
import itertools
import os
import random
import re
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import admin_rpc
import common
import database
import load
import measure
import odoo_http
import perf1_routing
import reporting
from psycopg2 import sql

WEBHOOK_PATH = f"/coka_pbx/webhook/{common.PROVIDER_CODE}"
CONCURRENCIES = (1, 8)
RAW_TABLE = "coka_bench_raw_call"
RAW_SEQUENCE = "coka_bench_raw_call_seq"
CALL_NUMBERS = itertools.count()  # call ids stay new across measurements and rounds
FLOOR_TARGET = 0.50  # completed calls/s at c=8 over the floor's requests/s at c=8
NAMES = ("floor", "webhook", "raw insert")


# Odoo's sizing rule for HTTP workers (its deployment guide): 2 × cores + 1. A webhook's
# request waits on PostgreSQL's flush of its commit, which the floor's does not; with fewer
# workers than that, a core idles meanwhile (bench/README.md, PERF-2).
WORKERS = 2 * (os.cpu_count() or 1) + 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser, workers=WORKERS)
    return parser.parse_args()


def iso_now():
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def call_ended(call_id, caller, extension, talk_seconds):
    """The body of a ``call.ended`` event of an answered inbound call (PBX-6)."""
    return {
        "event": "call.ended",
        "event_id": uuid.uuid4().hex,
        "call_id": call_id,
        "direction": "inbound",
        "hotline": common.HOTLINE,
        "from": caller,
        "to": common.HOTLINE,
        "extension": extension,
        "timestamp": iso_now(),
        "status": "answered",
        "ring_seconds": 5,
        "talk_seconds": talk_seconds,
        "cost": None,
        "recording_url": None,
    }


def webhook_check(status, body):
    return status == 200 and b'"call_id"' in body and b'"duplicate"' not in body


def webhook_client(url, partners, fixtures, run, seed):

    def make(number):
        rng = random.Random(seed * 1000 + number)

        def prepare(_index):
            payload = call_ended(
                f"bench-{run}-{next(CALL_NUMBERS)}",
                common.partner_mobile(rng.randint(1, partners)),
                rng.choice(fixtures["extensions"]),
                rng.randint(10, 600),
            )
            return odoo_http.signed_request(WEBHOOK_PATH, payload)

        return load.HttpClient(url, prepare, webhook_check)

    return make


QUEUE_CRON = ("coka_pbx", "ir_cron_coka_apply_queued_events")


def queue_drained(timeout=600):
    """Wait until the job has written every queued call (``settle`` of the webhook)."""
    conn = database.connect()
    conn.autocommit = True
    deadline = time.monotonic() + timeout
    try:
        with conn.cursor() as cr:
            while time.monotonic() < deadline:
                cr.execute("SELECT count(*) FROM coka_pbx_event WHERE state = 'queued'")
                if not cr.fetchone()[0]:
                    return
                time.sleep(0.02)
    finally:
        conn.close()
    common.env.fail(f"queued calls still waiting after {timeout} s; see the server log")


class OnlyQueueCron:
    """The bench database's crons set inactive, but the queued calls' job; put back after."""

    @staticmethod
    def _execute(query, params):
        conn = database.connect()
        conn.autocommit = True
        try:
            with conn.cursor() as cr:
                cr.execute(query, params)
                return cr.fetchall() if cr.description else []
        finally:
            conn.close()

    def __enter__(self):
        rows = self._execute(
            """
            UPDATE ir_cron SET active = false
             WHERE active AND id <> (SELECT res_id FROM ir_model_data
                                      WHERE module = %s AND name = %s)
            RETURNING id
            """,
            QUEUE_CRON,
        )
        self.ids = [row[0] for row in rows]
        return self

    def __exit__(self, *exc_info):
        self._execute("UPDATE ir_cron SET active = true WHERE id = ANY(%s)", [self.ids])


def create_raw_table():
    """The scratch table: ``LIKE coka_pbx_call`` with its indexes, and its own sequence."""
    conn = database.connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            drop_raw_table(cr)
            cr.execute(
                sql.SQL("CREATE TABLE {} (LIKE coka_pbx_call INCLUDING INDEXES)").format(
                    sql.Identifier(RAW_TABLE)
                )
            )
            cr.execute(sql.SQL("CREATE SEQUENCE {}").format(sql.Identifier(RAW_SEQUENCE)))
    finally:
        conn.close()


def drop_raw_table(cr):
    cr.execute(sql.SQL("DROP TABLE IF EXISTS {}").format(sql.Identifier(RAW_TABLE)))
    cr.execute(sql.SQL("DROP SEQUENCE IF EXISTS {}").format(sql.Identifier(RAW_SEQUENCE)))


RAW_INSERT = sql.SQL(
    """
    INSERT INTO {table} (
        id, provider_id, provider_call_id, company_id, hotline_id, direction, status,
        from_number, to_number, customer_number, partner_id, extension_id, user_id,
        start_date, answer_date, end_date, last_event_date, ring_seconds, talk_seconds,
        too_long, create_uid, write_uid, create_date, write_date)
    VALUES (nextval(%(sequence)s), %(provider)s, %(call_id)s, %(company)s, %(hotline)s,
            'inbound', 'answered', %(caller)s, %(hotline_number)s, %(customer)s, %(partner)s,
            %(extension)s, %(user)s, %(start)s, %(answer)s, %(end)s, %(end)s, 5, %(talk)s,
            false, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
    """
).format(table=sql.Identifier(RAW_TABLE))


class RawClient:
    """One thread's psycopg2 connection: one INSERT and one COMMIT per operation."""

    def __init__(self, fixtures, partners, run, seed):
        self.conn = database.connect()
        self.fixtures = fixtures
        self.partners = partners
        self.run = run
        self.rng = random.Random(seed)
        self.tag = uuid.uuid4().hex[:8]

    def __call__(self, _index):
        rng, fixtures = self.rng, self.fixtures
        partner = rng.randint(1, self.partners)
        agent = rng.randrange(len(fixtures["extension_ids"]))
        now = datetime.now(UTC).replace(tzinfo=None)
        values = {
            "sequence": RAW_SEQUENCE,
            "provider": fixtures["provider_id"],
            "call_id": f"raw-{self.run}-{self.tag}-{next(CALL_NUMBERS)}",
            "company": fixtures["company_id"],
            "hotline": fixtures["hotline_id"],
            "caller": common.partner_mobile(partner),
            "hotline_number": common.HOTLINE,
            "customer": common.partner_e164(partner),
            "partner": partner,
            "extension": fixtures["extension_ids"][agent],
            "user": fixtures["user_ids"][agent],
            "start": now,
            "answer": now,
            "end": now,
            "talk": rng.randint(10, 600),
        }
        started = time.perf_counter()
        with self.conn.cursor() as cr:
            cr.execute(RAW_INSERT, values)
        self.conn.commit()
        return time.perf_counter() - started, None

    def close(self):
        self.conn.close()


def raw_client(fixtures, partners, run, seed):
    def make(number):
        return RawClient(fixtures, partners, run, seed * 1000 + number)

    return make


def sanity_check(url, partners, fixtures):
    """One call before measuring; the same event again must be answered as a duplicate."""
    payload = call_ended(
        f"bench-sanity-{uuid.uuid4().hex[:8]}",
        common.partner_mobile(partners),
        fixtures["extensions"][0],
        42,
    )
    request = odoo_http.signed_request(WEBHOOK_PATH, payload)
    status, data = odoo_http.post(url, *request[1:])
    common.out(f"webhook answer: HTTP {status} {data.decode()}")
    if status != 200 or b'"call_id"' not in data:
        common.env.fail("the webhook does not answer 200 with a call_id; see the server log")
    status, data = odoo_http.post(url, *odoo_http.signed_request(WEBHOOK_PATH, payload)[1:])
    common.out(f"same event again: HTTP {status} {data.decode()}")
    if status != 200 or b'"duplicate": true' not in data:
        common.env.fail("a repeated event_id is not answered as a duplicate")


def matched_calls(run):
    """``(calls, calls with a partner)`` the webhook created in this run."""
    conn = database.connect()
    try:
        with conn.cursor() as cr:
            cr.execute(
                """
                SELECT count(*), count(partner_id)
                  FROM coka_pbx_call WHERE provider_call_id LIKE %s
                """,
                [f"bench-{run}-%"],
            )
            return cr.fetchone()
    finally:
        conn.close()


def measure_all(url, args, partners, fixtures, run, cpu):
    """Floor, webhook and raw inserts at each concurrency, interleaved over the rounds."""
    return measure.measure_rounds(
        args,
        lambda round_number: [
            ("floor", perf1_routing.floor_client(url)),
            ("webhook", webhook_client(url, partners, fixtures, run, round_number), queue_drained),
            ("raw insert", raw_client(fixtures, partners, run, round_number)),
        ],
        CONCURRENCIES,
        unit="/s",
        cpu=cpu,
    )


def statements_per_call(log):
    """Mean SQL statements of a completed-call webhook, from Odoo's access log."""
    for row in reporting.server_side(log, [WEBHOOK_PATH]):
        return float(row["queries"])
    return float("nan")


JOB_LINE = re.compile(r"Queued PBX events: (\d+) applied in (\d+) SQL statements")


def job_statements_per_call(log):
    """Mean SQL statements of the queued calls' job per call, from its log lines."""
    events = statements = 0
    for match in JOB_LINE.finditer(Path(log).read_text(errors="replace")):
        events += int(match.group(1))
        statements += int(match.group(2))
    return statements / events if events else float("nan")


def report(results, loads, run, log, cpu):
    """Print the figures and the verdict; :return: ``(errors, passed)``."""
    columns = list(load.RESULT_COLUMNS)
    columns[0] = ("name", "what")
    columns[6] = ("rate", "per s")
    reporting.print_results(results, loads, NAMES, CONCURRENCIES, columns)
    reporting.print_cpu(cpu, NAMES, CONCURRENCIES)
    common.out()
    statements, job = statements_per_call(log), job_statements_per_call(log)
    for concurrency in CONCURRENCIES:
        hook = results[("webhook", concurrency)]
        floor, raw = results[("floor", concurrency)], results[("raw insert", concurrency)]
        common.out(
            f"c={concurrency}: {hook.rate:.1f} completed calls/s ({statements:.1f} SQL "
            f"statements per webhook + {job:.2f} per call in the job) vs floor "
            f"{floor.rate:.1f} req/s = "
            f"{hook.rate / floor.rate:.2f}; vs {raw.rate:.1f} raw inserts/s = "
            f"{hook.rate / raw.rate:.3f}"
        )
    retries, slept = reporting.serialization_retries(log)
    common.out(
        f"serialization failures retried by Odoo: {retries}, {slept:.1f} s of back-off sleep "
        "in the workers"
    )
    ratio = results[("webhook", 8)].rate / results[("floor", 8)].rate
    passed = ratio >= FLOOR_TARGET and retries == 0
    common.out(
        f"target c=8: webhook / floor = {ratio:.2f} (>= {FLOOR_TARGET:.2f}) with {retries} "
        f"retries (0): {perf1_routing.verdict(passed)}"
    )
    calls, matched = matched_calls(run)
    common.out(f"calls created by the measured and warm-up events: {calls:,}, {matched:,} matched")
    return sum(result.errors for result in results.values()), passed


def main():
    args = parse_args()
    partners = database.prepare_database(args.partners, args.reuse, args.upgrade)
    run = uuid.uuid4().hex[:8]
    with (
        OnlyQueueCron(),
        odoo_http.BenchServer(
            args.workers, db_filter=args.db_filter, name="perf2-server", cron_threads=1
        ) as server,
    ):
        fixtures = admin_rpc.ensure_fixtures(server.url)
        sticky_wanted = partners if args.sticky_rules is None else args.sticky_rules
        sticky = database.load_sticky_rules(sticky_wanted, fixtures)
        common.out()
        reporting.header(
            "PERF-2 webhook ingestion (PBX-6) vs the same server's floor and raw inserts",
            partners,
            [
                f"sticky:    {sticky:,} sticky rules (import, pinned) on the bench hotline",
                f"server:    {server.describe()}",
                f"floor:     POST {perf1_routing.FLOOR_PATH} (empty JSON-RPC call)",
                f"webhook:   POST {WEBHOOK_PATH}: signed call.ended, new call_id and event_id,"
                " inbound, answered, random bench partner's mobile; timed until the job has "
                "written every queued call",
                f"baseline:  psycopg2 INSERT + COMMIT per row into {RAW_TABLE} "
                "(LIKE coka_pbx_call INCLUDING INDEXES), one connection per thread",
                f"load:      {args.requests} per measurement x {args.rounds} rounds, "
                f"{args.warmup} warm-up each; load average now {measure.load_average():.2f}",
            ],
        )
        sanity_check(server.url, partners, fixtures)
        create_raw_table()
        cpu = measure.CpuMeter(server.process.pid)
        try:
            results, loads = measure_all(server.url, args, partners, fixtures, run, cpu)
        finally:
            conn = database.connect()
            conn.autocommit = True
            with conn.cursor() as cr:
                drop_raw_table(cr)
            conn.close()
    errors, _passed = report(results, loads, run, server.log, cpu)
    reporting.print_server_side(server.log, [perf1_routing.FLOOR_PATH, WEBHOOK_PATH])
    common.out(f"server log: {server.log}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
