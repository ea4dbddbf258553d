"""What the benchmarks share (SPEC §11): the bench's names and numbers and its options. The
steps live by role beside it:

* ``database.py``: the bench database (modules installed without demo data, or reused) and
  the rows loaded with plain SQL (partners and their phone keys, sticky rules);
* ``admin_rpc.py``: fixtures, provider, agents, package and hotline over XML-RPC as admin;
* ``odoo_http.py``: the Odoo server (``tests/odoo_server.py``) and the signed PBX requests
  (``tests/pbx_simulator.py``'s signer, the module's ``coka_pbx/tools/signature.py``);
* ``load.py`` and ``measure.py``: the closed-loop load, interleaved rounds, the guard on the
  other Odoo processes;
* ``reporting.py``: machine / software / code header, tables, server-side cost from the log;
* ``import_bench.py``: the harness of the two import benchmarks (``perf4_sticky_import.py``,
  ``contact_import.py``): options, database, file, child processes, report, targets.

Runs with Odoo's own Python (``/opt/odoo/venv/bin/python bench/<script>.py``). Only the
databases named ``coka_bench*`` are touched; files go to ``.local/bench/``.
"""

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))
sys.path.insert(0, str(ROOT))

import coka_env as env  # noqa: E402  (setup/ is not a package)

BENCH_DB = os.environ.get("COKA_BENCH_DB", "coka_bench")
WORK = env.LOCAL / "bench"
DATA_DIR = WORK / "data"
CONFIG = WORK / "odoo.conf"

PROVIDER_CODE = "bench"
WEBHOOK_SECRET = "coka-bench-webhook-secret"
HOTLINE = "028 7300 9999"
HOTLINE_E164 = "+842873009999"
AGENTS = [(f"bench_agent_{k}", str(900 + k)) for k in range(1, 6)]
PARTNER_PARAM = "coka_bench.partners"
CHUNK = 200_000
STICKY_TABLE = "coka_pbx_sticky_rule"
# The sticky-agent settings of the bench hotline (SPEC §5): rules route, calls are remembered.
HOTLINE_STICKY = {"sticky_mode": "first", "sticky_auto_remember": True, "sticky_ttl_days": 0}

out = env.out

if not BENCH_DB.startswith("coka_bench"):
    env.fail(f"the bench database must be named coka_bench*, not {BENCH_DB}")


def say(message):
    """One progress line of a benchmark."""
    out(f"[bench] {message}")


def partner_mobile(index):
    """Mobile number of bench partner ``index`` (1-based), as typed: ``09xxxxxxxx``."""
    return f"09{index:08d}"


def partner_e164(index):
    """E.164 key of bench partner ``index``: ``+849xxxxxxxx``."""
    return f"+849{index:08d}"


def add_database_arguments(parser):
    """Options of the bench database: how many partners, reused or rebuilt."""
    parser.add_argument(
        "--partners",
        type=int,
        default=1_000_000,
        help="partners loaded in the bench database (default 1,000,000)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep {BENCH_DB} (modules and loaded rows) from a previous run",
    )
    parser.add_argument(
        "--upgrade",
        action="store_true",
        help="with --reuse: update the five modules first (picks up new tables and fields)",
    )
    return parser


def add_common_arguments(parser, workers=2):
    """Options every benchmark of HTTP requests shares; ``workers``: the default of
    ``--workers``."""
    add_database_arguments(parser)
    parser.add_argument(
        "--workers",
        type=int,
        default=workers,
        help=f"Odoo HTTP worker processes (default {workers})",
    )
    parser.add_argument(
        "--warmup", type=int, default=200, help="requests per measurement not counted"
    )
    parser.add_argument(
        "--requests",
        type=positive,
        default=1000,
        help="requests counted per measurement and round (default 1000)",
    )
    parser.add_argument(
        "--rounds",
        type=positive,
        default=4,
        help="interleaved rounds, A B then B A; the figures pool them (default 4)",
    )
    parser.add_argument(
        "--sticky-rules",
        type=int,
        default=None,
        help="sticky rules to load (default: as many as partners)",
    )
    parser.add_argument(
        "--db-filter",
        action="store_true",
        help="start the server with --db-filter too, as tests/odoo_server.py does: then "
        "every request without a session opens a new connection to the postgres database "
        "(Odoo lists the databases), which slows the floor and the routes alike",
    )
    return parser


def positive(value):
    """argparse type: an integer > 0."""
    number = int(value)
    if number <= 0:
        raise argparse.ArgumentTypeError("must be > 0")
    return number
