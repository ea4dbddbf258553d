"""Phone lookup: finding a contact by phone number (SPEC PBX-4) through the ORM, against Odoo's own
``phone_mobile_search`` on the same partners in the same run.

In-process, on ``coka_bench`` with the bench partners (1,000,000 by default; bench partner
``i`` has the mobile ``09`` + ``i`` on 8 digits), as the superuser (as the webhook looks up
its caller), one cursor, nothing written. Each lookup is given a random bench partner's
mobile as typed (``09xxxxxxxx``), and must find that partner:

* ``coka lookup``: ``res.partner._coka_search_phone(number, limit=1)``: the E.164 key, then
  one equality on the indexed ``coka_phone_key.key`` (the phone-key mixin's lookup table);
* ``odoo phone_mobile_search``: ``search([("phone_mobile_search", "=", number)], limit=1)``,
  Odoo's own search (``phone_validation``: ``regexp_replace`` over ``phone`` and ``mobile``,
  indexed by expression);
* ``old OR of two keys``: the lookup before the mixin,
  ``search(["|", ("coka_mobile_e164", "=", key), ("coka_phone_e164", "=", key)], limit=1)``,
  with the two column indexes it had, created for the run and dropped at the end;
* ``orm floor``: ``search([("id", "=", id)], limit=1)``, the cheapest ORM search of the table;

and, as raw SQL references (psycopg2 through the same cursor), the statement of the new
lookup and the old OR. Rounds interleave them (A B C / C B A), the figures pool them. Target:
the new lookup's median <= 0.3 ms.

    /opt/odoo/venv/bin/python bench/phone_lookup.py [--partners N] [--lookups N]
        [--rounds N] [--reuse] [--upgrade]
"""

import argparse
import os
import random
import sys
import time

import common
import database
import load
import measure
import reporting
from common import BENCH_DB, CONFIG
from psycopg2 import sql

TARGET_MS = 0.3
OLD_INDEXES = {
    "coka_bench_old_mobile_key_index": "coka_mobile_e164",
    "coka_bench_old_phone_key_index": "coka_phone_e164",
}
NEW_SQL = (
    "SELECT res_id FROM coka_phone_key WHERE key = %s AND res_model = 'res.partner' "
    "AND active ORDER BY res_id LIMIT 1"
)
OLD_SQL = (
    "SELECT id FROM res_partner WHERE active AND (coka_mobile_e164 = %s OR coka_phone_e164 = %s) "
    "ORDER BY complete_name, id DESC LIMIT 1"
)


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_database_arguments(parser)
    parser.add_argument(
        "--lookups",
        type=common.positive,
        default=2000,
        help="lookups counted per measurement and round (default 2000)",
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="lookups per measurement not counted"
    )
    parser.add_argument(
        "--rounds",
        type=common.positive,
        default=4,
        help="interleaved rounds, A B C then C B A; the figures pool them (default 4)",
    )
    return parser.parse_args()


def open_registry():
    """The registry of the bench database, in this process."""
    os.environ["TZ"] = "UTC"
    import odoo  # noqa: PLC0415  (only Odoo's Python has it)
    from odoo.modules.registry import Registry  # noqa: PLC0415

    odoo.tools.config.parse_config(["-c", str(CONFIG), "-d", BENCH_DB, "--log-level=warn"])
    return Registry(BENCH_DB)


def create_old_indexes():
    """The two indexes the old lookup had (``index=True`` on both keys), for its figure."""
    conn = database.connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            for name, column in OLD_INDEXES.items():
                started = time.monotonic()
                cr.execute(
                    sql.SQL("CREATE INDEX IF NOT EXISTS {} ON res_partner ({})").format(
                        sql.Identifier(name), sql.Identifier(column)
                    )
                )
                common.say(f"index {name} ready ({time.monotonic() - started:.1f} s)")
            cr.execute("ANALYZE res_partner")
    finally:
        conn.close()


def drop_old_indexes():
    conn = database.connect()
    conn.autocommit = True
    try:
        with conn.cursor() as cr:
            for name in OLD_INDEXES:
                cr.execute(sql.SQL("DROP INDEX IF EXISTS {}").format(sql.Identifier(name)))
    finally:
        conn.close()


def lookups(env, partners):
    """``{name: lookup(index) -> partner id or None}``: what each measurement times."""
    from odoo.addons.coka_pbx.tools import phone  # noqa: PLC0415

    Partner = env["res.partner"]
    cr = env.cr

    def coka(index):
        return Partner._coka_search_phone(common.partner_mobile(index), limit=1).id

    def odoo_search(index):
        number = common.partner_mobile(index)
        return Partner.search([("phone_mobile_search", "=", number)], limit=1).id

    def old_or(index):
        key = phone.to_e164(common.partner_mobile(index))
        domain = ["|", ("coka_mobile_e164", "=", key), ("coka_phone_e164", "=", key)]
        return Partner.search(domain, limit=1).id

    def floor(index):
        return Partner.search([("id", "=", index)], limit=1).id

    def raw_new(index):
        cr.execute(NEW_SQL, [phone.to_e164(common.partner_mobile(index))])
        row = cr.fetchone()
        return row and row[0]

    def raw_old(index):
        key = phone.to_e164(common.partner_mobile(index))
        cr.execute(OLD_SQL, [key, key])
        row = cr.fetchone()
        return row and row[0]

    return {
        "coka lookup": coka,
        "odoo phone_mobile_search": odoo_search,
        "old OR of two keys": old_or,
        "orm floor": floor,
        "raw SQL new": raw_new,
        "raw SQL old OR": raw_old,
    }


def run_one(env, name, lookup, partners, count, warmup, rng):
    """``count`` timed lookups of random bench partners (after ``warmup`` untimed ones);
    :return: a ``load.Result`` whose errors are the lookups that did not find their partner."""
    indexes = [rng.randint(1, partners) for _ in range(warmup + count)]
    for index in indexes[:warmup]:
        lookup(index)
    latencies, found = [], []
    started = time.perf_counter()
    for index in indexes[warmup:]:
        before = time.perf_counter()
        result = lookup(index)
        latencies.append(time.perf_counter() - before)
        found.append(result or 0)
    wall = time.perf_counter() - started
    asked = indexes[warmup:]
    wrong = 0
    if name != "orm floor":  # the floor looks up ids, not numbers
        env.cr.execute(
            "SELECT count(*) FROM unnest(%s::int[], %s::varchar[]) AS t(id, mobile) "
            "JOIN res_partner p ON p.id = t.id AND p.mobile = t.mobile",
            [found, [common.partner_mobile(index) for index in asked]],
        )
        wrong = count - env.cr.fetchone()[0]
    return load.Result(name, 1, latencies, wall, wrong)


def measure_all(env, args, partners):
    """Every lookup, interleaved over the rounds; :return: ``(results, loads)``."""
    table = lookups(env, partners)
    names = list(table)
    results, loads, neighbours = {}, {}, measure.Neighbours()
    for round_number in range(1, args.rounds + 1):
        order = names if round_number % 2 else names[::-1]
        for name in order:
            rng = random.Random(round_number * 1000 + names.index(name))
            before = measure.load_average()
            neighbours.start()
            result = run_one(env, name, table[name], partners, args.lookups, args.warmup, rng)
            neighbours.stop(f"round {round_number} {name}")
            common.say(
                f"round {round_number} {name}: p50 {result.p50_ms:.3f} ms, "
                f"p99 {result.p99_ms:.3f} ms, {result.errors} not found, load {before:.2f}"
            )
            key = (name, 1)
            results[key] = results[key].merge(result) if key in results else result
            loads[key] = max(loads.get(key, 0.0), before)
    loads["others"] = neighbours.warnings
    return names, results, loads


def queries_per_lookup(env, partners):
    """SQL statements one lookup of each kind sends (Odoo's cursor counts them)."""
    counts = {}
    for name, lookup in lookups(env, partners).items():
        env.invalidate_all()
        before = env.cr.sql_log_count
        lookup(partners // 2 or 1)
        counts[name] = env.cr.sql_log_count - before
    return counts


def report(names, results, loads, counts):
    rows = []
    for name in names:
        result = results[(name, 1)]
        rows.append(
            {
                "name": name,
                "n": result.count,
                "p50": f"{result.p50_ms:.3f}",
                "p99": f"{result.p99_ms:.3f}",
                "mean": f"{result.mean_ms:.3f}",
                "queries": counts[name],
                "errors": result.errors,
                "load": f"{loads[(name, 1)]:.2f}",
            }
        )
    common.out()
    if loads["others"]:
        common.out(
            "WARNING: other Odoo processes used the CPU during these measurements (see "
            "above): the figures are not comparable"
        )
    reporting.table(
        rows,
        [
            ("name", "lookup"),
            ("n", "lookups"),
            ("p50", "p50 ms"),
            ("p99", "p99 ms"),
            ("mean", "mean ms"),
            ("queries", "SQL statements"),
            ("errors", "not found"),
            ("load", "load avg"),
        ],
    )
    new, odoo = results[("coka lookup", 1)], results[("odoo phone_mobile_search", 1)]
    old = results[("old OR of two keys", 1)]
    common.out()
    common.out(
        f"coka lookup p50 {new.p50_ms:.3f} ms (target <= {TARGET_MS:.1f} ms): "
        + ("PASS" if new.p50_ms <= TARGET_MS else "FAIL")
    )
    common.out(
        f"vs Odoo's phone_mobile_search p50 {odoo.p50_ms:.3f} ms: {odoo.p50_ms / new.p50_ms:.1f}x "
        f"faster; vs the old OR of two keys p50 {old.p50_ms:.3f} ms: "
        f"{old.p50_ms / new.p50_ms:.1f}x faster"
    )
    common.out(
        f"p99: coka {new.p99_ms:.3f} ms, Odoo {odoo.p99_ms:.3f} ms, old OR {old.p99_ms:.3f} ms"
    )
    return sum(result.errors for result in results.values())


def main():
    args = parse_args()
    partners = database.prepare_database(args.partners, args.reuse, args.upgrade)
    create_old_indexes()
    try:
        registry = open_registry()
        from odoo import SUPERUSER_ID, api  # noqa: PLC0415

        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            common.out()
            reporting.header(
                "Phone lookup (PBX-4) vs Odoo's phone_mobile_search",
                partners,
                [
                    "how:       in-process through the ORM, superuser, one cursor, random "
                    "bench partner's mobile as typed (09xxxxxxxx), limit=1",
                    f"load:      {args.lookups} lookups per measurement x {args.rounds} rounds, "
                    f"{args.warmup} warm-up each; load average now "
                    f"{measure.load_average():.2f}",
                ],
            )
            counts = queries_per_lookup(env, partners)
            names, results, loads = measure_all(env, args, partners)
            cr.rollback()
    finally:
        drop_old_indexes()
    errors = report(names, results, loads, counts)
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
