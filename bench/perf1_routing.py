"""PERF-1: the routing answer (SPEC PBX-7) against the same server's floor.

One Odoo server (``--workers=2``, no cron) on ``coka_bench`` with the bench partners and as
many sticky rules (bench partner ``i`` sticks to agent ``i % 5``, so every caller has one).
In the same run, closed loop:

* floor: ``POST /web/webclient/version_info`` with an empty JSON-RPC call (Odoo's HTTP stack
  and nothing else);
* routing: ``POST /coka_pbx/route/bench``, signed, ``{"call_id", "hotline", "from"}`` with
  ``from`` the mobile of a random bench partner;

each at concurrency 1 and 8 (rounds interleave them, so drift hits both alike). Targets:
routing req/s at c=8 >= 80 % of the floor's; routing p99 at c=1 <= 1.5x the floor's.

    /opt/odoo/venv/bin/python bench/perf1_routing.py [--partners N] [--requests N] [--reuse]
"""

import argparse
import itertools
import json
import random
import sys
import uuid

import admin_rpc
import common
import database
import load
import measure
import odoo_http
import reporting

FLOOR_PATH = "/web/webclient/version_info"
ROUTE_PATH = f"/coka_pbx/route/{common.PROVIDER_CODE}"
CONCURRENCIES = (1, 8)
THROUGHPUT_TARGET = 0.80
P99_TARGET = 1.5


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    common.add_common_arguments(parser)
    parser.add_argument(
        "--strategy",
        default="round_robin",
        choices=["ring_all", "sequential", "round_robin", "longest_idle"],
        help="ring strategy of the bench hotline (default round_robin)",
    )
    return parser.parse_args()


def floor_check(status, body):
    return status == 200 and b'"result"' in body


def route_check(status, body):
    return status == 200 and b'"targets"' in body


def floor_client(url):
    def prepare(_index):
        return "POST", FLOOR_PATH, load.JSON_RPC_EMPTY, load.JSON_HEADERS

    def make(_number):
        return load.HttpClient(url, prepare, floor_check)

    return make


def route_client(url, partners, seed=1):
    run = uuid.uuid4().hex[:8]
    ids = itertools.count()

    def make(number):
        rng = random.Random(seed * 1000 + number)

        def prepare(_index):
            caller = common.partner_mobile(rng.randint(1, partners))
            payload = {
                "call_id": f"bench-route-{run}-{next(ids)}",
                "hotline": common.HOTLINE,
                "from": caller,
            }
            return odoo_http.signed_request(ROUTE_PATH, payload)

        return load.HttpClient(url, prepare, route_check)

    return make


def sanity_check(url, partners, sticky):
    """One routing request before measuring: it must answer 200 with targets."""
    status, data = odoo_http.post(
        url,
        *odoo_http.signed_request(
            ROUTE_PATH,
            {
                "call_id": "bench-sanity",
                "hotline": common.HOTLINE,
                "from": common.partner_mobile(1),
            },
        )[1:],
    )
    common.out(f"routing answer for partner 1 of {partners:,}: HTTP {status} {data.decode()}")
    if status != 200:
        common.env.fail("the routing route does not answer 200; see the server log")
    answer = json.loads(data)
    targets = answer.get("targets") or []
    if not targets:
        common.say("WARNING: the routing answer has no targets (nobody routable?)")
    elif sticky and targets[0].get("reason") != "sticky":
        common.say("WARNING: partner 1 has a sticky rule but the answer does not start with it")
    return answer


def measure_all(url, args, partners):
    """Floor and routing at each concurrency, interleaved over the rounds."""
    return measure.measure_rounds(
        args,
        lambda round_number: [
            ("floor", floor_client(url)),
            ("routing", route_client(url, partners, seed=round_number)),
        ],
        CONCURRENCIES,
    )


def verdict(ok):
    return "PASS" if ok else "FAIL"


def report(results, loads):
    reporting.print_results(results, loads, ("floor", "routing"), CONCURRENCIES)
    floor1, route1 = results[("floor", 1)], results[("routing", 1)]
    floor8, route8 = results[("floor", 8)], results[("routing", 8)]
    throughput = route8.rate / floor8.rate
    p99 = route1.p99_ms / floor1.p99_ms
    common.out()
    passed = throughput >= THROUGHPUT_TARGET
    common.out(
        f"throughput c=8: routing {route8.rate:.1f} / floor {floor8.rate:.1f} req/s = "
        f"{throughput:.2f} (target >= {THROUGHPUT_TARGET:.2f}) {verdict(passed)}"
    )
    common.out(
        f"p99 c=1: routing {route1.p99_ms:.2f} / floor {floor1.p99_ms:.2f} ms = "
        f"{p99:.2f} (target <= {P99_TARGET:.2f}) {verdict(p99 <= P99_TARGET)}"
    )
    return sum(result.errors for result in results.values())


def main():
    args = parse_args()
    partners = database.prepare_database(args.partners, args.reuse, args.upgrade)
    with odoo_http.BenchServer(
        args.workers, db_filter=args.db_filter, name="perf1-server"
    ) as server:
        fixtures = admin_rpc.ensure_fixtures(server.url, args.strategy)
        sticky_wanted = partners if args.sticky_rules is None else args.sticky_rules
        sticky = database.load_sticky_rules(sticky_wanted, fixtures)
        common.out()
        reporting.header(
            "PERF-1 routing answer (PBX-7) vs the same server's floor",
            partners,
            [
                f"sticky:    {sticky:,} sticky rules on the bench hotline",
                f"server:    {server.describe()}",
                f"hotline:   {common.HOTLINE}, {len(fixtures['extensions'])} agents ON, "
                f"strategy {fixtures['strategy']}",
                f"load:      {args.requests} requests per measurement x {args.rounds} rounds, "
                f"{args.warmup} warm-up requests each; load average now "
                f"{measure.load_average():.2f}",
                f"floor:     POST {FLOOR_PATH} (empty JSON-RPC call)",
                f"routing:   POST {ROUTE_PATH} (signed, random bench partner's mobile)",
            ],
        )
        sanity_check(server.url, partners, sticky)
        results, loads = measure_all(server.url, args, partners)
    errors = report(results, loads)
    reporting.print_server_side(server.log, [FLOOR_PATH, ROUTE_PATH])
    common.out(f"server log: {server.log}")
    return 1 if errors else 0


if __name__ == "__main__":
    sys.exit(main())
