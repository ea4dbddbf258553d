"""Shared steps of the benchmarks (SPEC §11): bench database, bulk data, server, fixtures.

Runs with Odoo's own Python (``/opt/odoo/venv/bin/python bench/<script>.py``). Only the
databases named ``coka_bench*`` are touched; files go to ``.local/bench/``.

* :func:`prepare_database` installs the five modules without demo data into ``coka_bench``
  (or reuses it with ``--reuse``) and loads the partners with plain SQL;
* :class:`BenchServer` is the e2e tests' ``OdooServer`` (``--workers``, free ports) on it;
* :func:`ensure_fixtures` creates, over XML-RPC as admin, the provider ``bench``, five agents
  with extensions, and a hotline whose ring group holds them;
* :func:`load_sticky_rules` fills ``coka_pbx_sticky_rule`` once that table exists (STK).
"""

import argparse
import hashlib
import hmac
import http.client
import json
import os
import platform
import re
import subprocess
import sys
import time
import xmlrpc.client
from pathlib import Path
from urllib.parse import urlsplit

import psycopg2
from psycopg2 import sql

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))

sys.path.insert(0, str(ROOT))

import coka_env as env  # noqa: E402  (setup/ is not a package)
from tests.odoo_server import OdooServer  # noqa: E402

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


def sign(secret, timestamp, raw):
    """``X-Coka-Signature`` of a raw body (SPEC PBX-6): ``sha256=`` + HMAC of "ts.body"."""
    message = str(timestamp).encode() + b"." + raw
    return "sha256=" + hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


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


def add_common_arguments(parser):
    """Options every benchmark shares."""
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
    parser.add_argument(
        "--workers", type=int, default=2, help="Odoo HTTP worker processes (default 2)"
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
        help="sticky rules to load when the table exists (default: as many as partners)",
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


# Database ---------------------------------------------------------------------------------


def connect(dbname=BENCH_DB):
    """A psycopg2 connection with the suite's credentials."""
    return psycopg2.connect(
        host=env.DB_HOST,
        port=env.DB_PORT,
        user=env.DB_USER,
        password=env.DB_PASSWORD,
        dbname=dbname,
        connect_timeout=10,
    )


def _installed(dbname):
    """Whether ``dbname`` holds the five modules, installed."""
    if not env.database_exists(dbname):
        return False
    conn = connect(dbname)
    try:
        with conn.cursor() as cr:
            cr.execute(
                "SELECT count(*) FROM ir_module_module WHERE name = ANY(%s) AND state = %s",
                [env.MODULES, "installed"],
            )
            return cr.fetchone()[0] == len(env.MODULES)
    except psycopg2.Error:
        return False
    finally:
        conn.close()


def write_config():
    """The Odoo configuration of the benchmarks, under .local/bench/."""
    return env.write_config(CONFIG, DATA_DIR, without_demo="all", max_cron_threads=0)


def _run_odoo(*args, log_name):
    log = WORK / log_name
    log.unlink(missing_ok=True)
    command = env.odoo_command(CONFIG, "-d", BENCH_DB, *args, f"--logfile={log}")
    say(" ".join(["odoo", *command[4:]]))
    started = time.monotonic()
    result = subprocess.run(command, check=False)
    if result.returncode:
        env.fail(f"odoo exited with {result.returncode}; see {log}")
    say(f"done in {time.monotonic() - started:.0f} s (log {log})")


def install_modules():
    """A fresh ``coka_bench`` with the five modules, without demo data."""
    env.drop_database(BENCH_DB, DATA_DIR)
    _run_odoo(
        "-i",
        ",".join(env.MODULES),
        "--without-demo=all",
        "--stop-after-init",
        log_name="install.log",
    )
    if not _installed(BENCH_DB):
        env.fail(f"the modules are not installed in {BENCH_DB}; see {WORK / 'install.log'}")


def upgrade_modules():
    """Update the five modules of a reused database."""
    _run_odoo("-u", ",".join(env.MODULES), "--stop-after-init", log_name="upgrade.log")


def prepare_database(partners, reuse=False, upgrade=False):
    """Make ``coka_bench`` ready: modules installed, at least ``partners`` bench partners.

    :return: the number of bench partners loaded (callers pick them by index 1..n)
    """
    env.ensure_postgres()
    env.ensure_role()
    WORK.mkdir(parents=True, exist_ok=True)
    write_config()
    if reuse and _installed(BENCH_DB):
        say(f"reusing database {BENCH_DB}")
        if upgrade:
            upgrade_modules()
    else:
        say(f"creating database {BENCH_DB} (five modules, no demo data)")
        install_modules()
    return load_partners(partners)


def _columns(cr, table):
    """``{column: (not_null, has_default)}`` of a table."""
    cr.execute(
        """
        SELECT column_name, is_nullable = 'NO', column_default IS NOT NULL
          FROM information_schema.columns
         WHERE table_schema = 'public' AND table_name = %s
        """,
        [table],
    )
    return {name: (not_null, has_default) for name, not_null, has_default in cr.fetchall()}


def _get_param(cr, key):
    cr.execute("SELECT value FROM ir_config_parameter WHERE key = %s", [key])
    row = cr.fetchone()
    return row[0] if row else None


def _set_param(cr, key, value):
    cr.execute(
        """
        INSERT INTO ir_config_parameter (key, value, create_uid, write_uid, create_date,
                                         write_date)
        VALUES (%s, %s, 1, 1, now() at time zone 'UTC', now() at time zone 'UTC')
        ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value
        """,
        [key, str(value)],
    )


_NOW = "now() at time zone 'UTC'"
_MOBILE = "'09' || lpad(s.i::text, 8, '0')"
_E164 = "'+849' || lpad(s.i::text, 8, '0')"
_NAME = "'Bench Customer ' || s.i"
# Column -> SQL expression over s(id, i) of one bench partner. Only the columns that exist
# in this database are inserted; a NOT NULL column without a default that is missing here
# stops the load with its name (a module added a required field).
PARTNER_VALUES = {
    "id": "s.id",
    "name": _NAME,
    "complete_name": _NAME,
    "display_name": _NAME,
    "active": "true",
    "type": "'contact'",
    "is_company": "false",
    "commercial_partner_id": "s.id",
    "partner_share": "true",
    "employee": "false",
    "color": "0",
    "autopost_bills": "'ask'",
    "customer_rank": "0",
    "supplier_rank": "0",
    "mobile": _MOBILE,
    "coka_mobile_e164": _E164,
    "phone_sanitized": _E164,
    "coka_source": "'import'",
    "coka_customer_type": "'customer'",
    "create_uid": "1",
    "write_uid": "1",
    "create_date": _NOW,
    "write_date": _NOW,
}


def _partner_insert(cr):
    """The INSERT ... SELECT statement of bench partners ``%(first)s..%(last)s``."""
    columns = _columns(cr, "res_partner")
    missing = sorted(
        name
        for name, (not_null, has_default) in columns.items()
        if not_null and not has_default and name not in PARTNER_VALUES
    )
    if missing:
        env.fail(
            "res_partner has NOT NULL columns without a default that bench/common.py does "
            f"not fill: {', '.join(missing)}. Add them to PARTNER_VALUES."
        )
    names = [name for name in PARTNER_VALUES if name in columns]
    return sql.SQL(
        "INSERT INTO res_partner ({columns}) SELECT {values} FROM ("
        "SELECT nextval('res_partner_id_seq') AS id, i "
        "FROM generate_series(%(first)s, %(last)s) AS i) AS s"
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, names)),
        values=sql.SQL(", ").join(sql.SQL(PARTNER_VALUES[name]) for name in names),
    )


def load_partners(count):
    """Top the bench partners up to ``count`` with INSERT ... SELECT, then VACUUM ANALYZE.

    Bench partner ``i`` (1-based) has the mobile ``09`` + ``i`` on 8 digits and the key
    ``+849`` + the same digits; the number loaded is kept in ir.config_parameter.

    :return: the number of bench partners in the database
    """
    if not 0 < count < 10**8:
        env.fail("--partners must be between 1 and 99,999,999")
    conn = connect()
    try:
        with conn.cursor() as cr:
            loaded = int(_get_param(cr, PARTNER_PARAM) or 0)
            if loaded >= count:
                say(f"{loaded:,} bench partners already loaded")
                return loaded
            statement = _partner_insert(cr)
            started = time.monotonic()
            for first in range(loaded + 1, count + 1, CHUNK):
                last = min(first + CHUNK - 1, count)
                cr.execute(statement, {"first": first, "last": last})
                _set_param(cr, PARTNER_PARAM, last)
                conn.commit()
                say(f"partners {last:,} / {count:,} ({time.monotonic() - started:.0f} s)")
        conn.autocommit = True
        with conn.cursor() as cr:
            # VACUUM too: freshly loaded rows carry no hint bits, and the first reads of
            # each page would set them (and write the page) during the measurements.
            cr.execute("VACUUM ANALYZE res_partner")
        say(f"loaded {count - loaded:,} partners in {time.monotonic() - started:.0f} s")
        return count
    finally:
        conn.close()


def partner_total():
    """All rows of res_partner (bench partners and Odoo's own)."""
    conn = connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT count(*) FROM res_partner")
            return cr.fetchone()[0]
    finally:
        conn.close()


# Sticky rules (STK): the hook of the issue that adds coka.pbx.sticky.rule ---------------

# Column -> SQL expression over s(i) and the fixtures (%(hotline)s, %(extensions)s, ...),
# for coka.pbx.sticky.rule as STK made it; the first existing column of each group of names
# is filled, and a NOT NULL column left out stops the load with its name. Rules are
# "import" rules: pinned, so remembering only touches their last call date.
STICKY_VALUES = [
    (("hotline_id",), "%(hotline)s"),
    (("phone",), "'09' || lpad(s.i::text, 8, '0')"),
    (("phone_e164", "customer_number", "number_e164"), "'+849' || lpad(s.i::text, 8, '0')"),
    (("extension_id",), "(%(extensions)s::int[])[1 + s.i %% %(agents)s]"),
    (("company_id",), "%(company)s"),
    (("source",), "'import'"),
    (("last_call_date",), _NOW),
    (("active",), "true"),
    (("create_uid",), "1"),
    (("write_uid",), "1"),
    (("create_date",), _NOW),
    (("write_date",), _NOW),
]


def _sticky_insert(cr):
    columns = _columns(cr, STICKY_TABLE)
    names, values = [], []
    for candidates, expression in STICKY_VALUES:
        found = next((name for name in candidates if name in columns), None)
        if found:
            names.append(found)
            values.append(expression)
    missing = sorted(
        name
        for name, (not_null, has_default) in columns.items()
        if not_null and not has_default and name not in names
    )
    if missing:
        env.fail(
            f"{STICKY_TABLE} has NOT NULL columns that bench/common.py does not fill: "
            f"{', '.join(missing)}. Add them to STICKY_VALUES."
        )
    conflict = sql.SQL("ON CONFLICT DO NOTHING")
    return sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} "
        "FROM generate_series(%(first)s, %(last)s) AS s(i) {conflict}"
    ).format(
        table=sql.Identifier(STICKY_TABLE),
        columns=sql.SQL(", ").join(map(sql.Identifier, names)),
        values=sql.SQL(", ").join(sql.SQL(value) for value in values),
        conflict=conflict,
    )


def load_sticky_rules(count, fixtures):
    """Top the sticky rules of the bench hotline up to ``count``: bench partner ``i``
    sticks to agent ``i % 5`` (PERF-1 wants 1,000,000). Skipped, with a message, while the
    table does not exist (the sticky-agent rule is not implemented yet). The rows are
    counted, not remembered: rules ``1..count`` are assumed in place when that many exist.

    :param dict fixtures: what :func:`ensure_fixtures` returned
    :return: the number of sticky rules of the bench hotline
    """
    conn = connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SELECT to_regclass(%s)", [STICKY_TABLE])
            if cr.fetchone()[0] is None:
                say(
                    f"sticky rules: table {STICKY_TABLE} does not exist yet (STK not "
                    "implemented); skipped, PERF-1 runs with 0 sticky rules"
                )
                return 0
            statement = _sticky_insert(cr)
            count_rules = sql.SQL("SELECT count(*) FROM {} WHERE hotline_id = %s").format(
                sql.Identifier(STICKY_TABLE)
            )
            cr.execute(count_rules, [fixtures["hotline_id"]])
            param = f"coka_bench.sticky_rules.{fixtures['hotline_id']}"
            # Rules 1..loaded are in place; a table emptied or re-created starts over.
            loaded = int(_get_param(cr, param) or 0) if cr.fetchone()[0] else 0
            params = {
                "hotline": fixtures["hotline_id"],
                "extensions": fixtures["extension_ids"],
                "users": fixtures["user_ids"],
                "agents": len(fixtures["extension_ids"]),
                "company": fixtures["company_id"],
            }
            started = time.monotonic()
            for first in range(loaded + 1, count + 1, CHUNK):
                last = min(first + CHUNK - 1, count)
                cr.execute(statement, {**params, "first": first, "last": last})
                _set_param(cr, param, last)
                conn.commit()
                say(f"sticky rules {last:,} / {count:,} ({time.monotonic() - started:.0f} s)")
            cr.execute(count_rules, [fixtures["hotline_id"]])
            total = cr.fetchone()[0]
        conn.commit()
        conn.autocommit = True
        with conn.cursor() as cr:
            cr.execute(sql.SQL("VACUUM ANALYZE {}").format(sql.Identifier(STICKY_TABLE)))
        return total
    finally:
        conn.close()


# Odoo server ------------------------------------------------------------------------------


class BenchServer(OdooServer):
    """The e2e tests' Odoo server (``--workers``, free ports) on ``coka_bench``, its log under
    .local/bench/, without ``--db-filter`` unless asked (see ``--db-filter``)."""

    def __init__(self, workers=2, name="server", db_filter=False):
        super().__init__(
            CONFIG, BENCH_DB, workers=workers, log=WORK / f"{name}.log", db_filter=db_filter
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
            f"odoo -d {BENCH_DB}{db_filter} --workers={self.workers} --max-cron-threads=0 "
            f"on {self.url}"
        )


# Fixtures over XML-RPC --------------------------------------------------------------------


class Admin:
    """XML-RPC as the administrator (admin / admin in a database without demo data)."""

    def __init__(self, url, login="admin", password="admin"):
        common = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/common", allow_none=True)
        self.uid = common.authenticate(BENCH_DB, login, password, {})
        if not self.uid:
            env.fail(f"XML-RPC login {login} refused by {url}")
        self.password = password
        self.models = xmlrpc.client.ServerProxy(f"{url}/xmlrpc/2/object", allow_none=True)

    def __call__(self, model, method, *args, **kwargs):
        return self.models.execute_kw(
            BENCH_DB, self.uid, self.password, model, method, list(args), kwargs
        )

    def xmlid(self, module, name):
        rows = self("ir.model.data", "search_read", [("module", "=", module), ("name", "=", name)])
        return rows[0]["res_id"]

    def find_or_create(self, model, domain, values, context=None):
        ids = self(model, "search", domain, limit=1, context=context or {})
        if ids:
            self(model, "write", ids, values)
            return ids[0]
        return self(model, "create", values)


def ensure_package(admin, user_ids, months=12):
    """Only members of an active PBX package are routed (SPEC BIL-4, BIL-7): activate or
    renew the company's package, buy the missing seats and add ``user_ids`` as members,
    paying with top-ups the admin (a Coin Operator) confirms himself (idempotent)."""
    operator = admin.xmlid("coka_pbx_billing", "group_coin_operator")
    admin("res.users", "write", [admin.uid], {"groups_id": [(4, operator)]})
    package_id = admin("coka.pbx.subscription", "action_open_package")["res_id"]

    def pay(wizard, values):
        wizard_id = admin(wizard, "create", dict(values, subscription_id=package_id))
        cost = admin(wizard, "read", [wizard_id], ["cost"])[0]["cost"]
        if cost:
            topup = admin("coka.coin.topup", "create", {"amount": cost, "payment_ref": "BENCH"})
            admin("coka.coin.topup", "action_confirm", [topup])
        admin(wizard, "action_confirm", [wizard_id])

    package = admin("coka.pbx.subscription", "read", [package_id], ["state", "member_ids"])[0]
    missing = [uid for uid in user_ids if uid not in package["member_ids"]]
    seats = len(package["member_ids"]) + len(missing)
    if package["state"] == "draft":
        pay("coka.pbx.package.activate", {"seats": seats, "months": months})
    elif package["state"] == "expired":
        pay("coka.pbx.package.renew", {"seats": seats, "months": months})
    free = admin("coka.pbx.subscription", "read", [package_id], ["free_seats"])[0]["free_seats"]
    if free < len(missing):
        pay("coka.pbx.seat.add", {"count": len(missing) - free})
    if missing:
        wizard_id = admin(
            "coka.pbx.member.add",
            "create",
            {"subscription_id": package_id, "user_ids": [(6, 0, missing)]},
        )
        admin("coka.pbx.member.add", "action_confirm", [wizard_id])


def ensure_fixtures(url, strategy="round_robin"):
    """Provider ``bench``, five agents ON with extensions 901..905, and the hotline
    028 7300 9999 whose ring group holds them, sticky mode "first" (idempotent).

    :return: dict with the ids and numbers the benchmarks use
    """
    admin = Admin(url)
    company_id = admin("res.users", "read", [admin.uid], ["company_id"])[0]["company_id"][0]
    provider_id = admin.find_or_create(
        "coka.pbx.provider",
        [("code", "=", PROVIDER_CODE)],
        {
            "name": "Bench PBX",
            "code": PROVIDER_CODE,
            "api_url": "http://127.0.0.1:9",
            "webhook_secret": WEBHOOK_SECRET,
            "active": True,
        },
        context={"active_test": False},
    )
    group_agent = admin.xmlid("coka_pbx", "group_agent")
    user_ids, extension_ids = [], []
    for login, number in AGENTS:
        user_id = admin.find_or_create(
            "res.users",
            [("login", "=", login)],
            {
                "name": f"Bench Agent {number}",
                "login": login,
                "groups_id": [(4, group_agent)],
                "coka_agent_status": "on",
                "active": True,
            },
            context={"active_test": False},
        )
        extension_id = admin.find_or_create(
            "coka.pbx.extension",
            [("number", "=", number), ("company_id", "=", company_id)],
            {"number": number, "user_id": user_id, "active": True},
            context={"active_test": False},
        )
        user_ids.append(user_id)
        extension_ids.append(extension_id)
    ensure_package(admin, user_ids)
    members = [(5, 0, 0)] + [
        (0, 0, {"extension_id": extension_id, "sequence": sequence})
        for sequence, extension_id in enumerate(extension_ids, start=1)
    ]
    hotline_values = {
        "number": HOTLINE,
        "provider_id": provider_id,
        "ring_strategy": strategy,
        "ring_member_ids": members,
        "active": True,
    }
    hotline_fields = admin("coka.pbx.hotline", "fields_get", attributes=["type"])
    for name, value in HOTLINE_STICKY.items():
        if name in hotline_fields:
            hotline_values[name] = value
    hotline_id = admin.find_or_create(
        "coka.pbx.hotline",
        [("number_e164", "=", HOTLINE_E164), ("company_id", "=", company_id)],
        hotline_values,
        context={"active_test": False},
    )
    admin("coka.pbx.extension", "write", extension_ids, {"hotline_id": hotline_id})
    return {
        "company_id": company_id,
        "provider_id": provider_id,
        "hotline_id": hotline_id,
        "user_ids": user_ids,
        "extension_ids": extension_ids,
        "extensions": [number for _login, number in AGENTS],
        "strategy": strategy,
    }


# Machine ----------------------------------------------------------------------------------


def _cpu_model():
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        return platform.processor() or "unknown"
    return platform.processor() or "unknown"


def _memory_gib():
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return int(line.split()[1]) / 1024 / 1024
    except OSError:
        return 0.0
    return 0.0


def _parent(pid):
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def _descends_from(pid, ancestors):
    seen = 0
    while pid and seen < 64:
        if pid in ancestors:
            return True
        pid, seen = _parent(pid), seen + 1
    return False


def _cpu_ticks(pid):
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def other_odoo_processes():
    """``{pid: (command, cpu ticks)}`` of the Odoo processes (servers, test runs, other
    benchmarks) that are not this benchmark's."""
    mine = {os.getpid()}
    found = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        pid = int(entry.name)
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if "odoo" in cmdline and "python" in cmdline and not _descends_from(pid, mine):
            ticks = _cpu_ticks(pid)
            if ticks is not None:
                found[pid] = (cmdline[:110], ticks)
    return found


class Neighbours:
    """Watches the other Odoo processes during a measurement: those that used more than
    ``threshold`` of a core shared the CPU with it, so its figures are not comparable."""

    def __init__(self, threshold=0.05):
        self.threshold = threshold
        self.before = {}
        self.started = 0.0
        self.warnings = 0

    def start(self):
        self.before = other_odoo_processes()
        self.started = time.monotonic()

    def stop(self, where):
        elapsed = max(time.monotonic() - self.started, 1e-3)
        tick = os.sysconf("SC_CLK_TCK")
        for pid, (command, ticks) in other_odoo_processes().items():
            used = (ticks - self.before.get(pid, (command, 0))[1]) / tick / elapsed
            if used > self.threshold:
                self.warnings += 1
                say(f"WARNING {where}: pid {pid} used {used:.0%} of a core: {command}")


def load_average():
    """The 1-minute load average: other work on the machine skews the figures."""
    return os.getloadavg()[0]


def versions():
    """Odoo and PostgreSQL versions."""
    import odoo.release  # noqa: PLC0415  (only Odoo's Python has it)

    conn = connect()
    try:
        with conn.cursor() as cr:
            cr.execute("SHOW server_version")
            pg = cr.fetchone()[0]
    finally:
        conn.close()
    return f"Odoo {odoo.release.version}, PostgreSQL {pg}, Python {platform.python_version()}"


def code_version():
    """The commit of the modules measured, and whether they had uncommitted changes."""
    git = ["git", "-C", str(ROOT)]
    head = subprocess.run(
        [*git, "log", "-1", "--format=%h %s"], capture_output=True, text=True, check=False
    ).stdout.strip()
    changed = subprocess.run(
        [*git, "status", "--porcelain", "--", *env.MODULES],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.strip()
    suffix = " + uncommitted module changes" if changed else ""
    return f"{head[:90] or 'unknown'}{suffix}"


def machine():
    """One line describing the machine the figures come from."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return f"nproc {cpus}, {_cpu_model()}, {_memory_gib():.1f} GiB RAM, {platform.system()}"


def header(title, partners, extra=()):
    """The lines every benchmark prints before its table."""
    out(f"== {title} ==")
    out(f"date:      {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    out(f"machine:   {machine()}")
    out(f"software:  {versions()}")
    out(f"code:      {code_version()}")
    out(f"database:  {BENCH_DB}: {partners:,} bench partners ({partner_total():,} res_partner)")
    for line in extra:
        out(line)


ACCESS_LINE = re.compile(
    r'"(?P<method>[A-Z]+) (?P<path>[^ ?"]+)[^"]*" (?P<status>\d{3}) - '
    r"(?P<queries>\d+) (?P<sql>[\d.]+) (?P<other>[\d.]+)"
)


def server_side(log, paths):
    """Per-request server-side cost of ``paths`` from Odoo's access log lines, which end with
    the SQL query count, the SQL time and the remaining (Python) time of each request.

    :return: rows ``{"path", "n", "queries", "sql", "other"}`` (means; ms), warm-up included
    """
    totals = {path: [0, 0, 0.0, 0.0] for path in paths}
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        return []
    for match in ACCESS_LINE.finditer(text):
        total = totals.get(match["path"])
        if total is not None and match["status"] == "200":
            total[0] += 1
            total[1] += int(match["queries"])
            total[2] += float(match["sql"])
            total[3] += float(match["other"])
    return [
        {
            "path": path,
            "n": n,
            "queries": f"{queries / n:.2f}",
            "sql": f"{1000 * sql_time / n:.2f}",
            "other": f"{1000 * other / n:.2f}",
            "total": f"{1000 * (sql_time + other) / n:.2f}",
        }
        for path, (n, queries, sql_time, other) in totals.items()
        if n
    ]


RETRY_LINE = re.compile(r"SERIALIZATION_FAILURE, \d+ tries left, try again in ([\d.]+) sec")


def serialization_retries(log):
    """``(count, seconds)``: the requests Odoo replayed after a serialization failure (a
    concurrent update of the same row), and the back-off it slept before each replay."""
    try:
        text = Path(log).read_text(errors="replace")
    except OSError:
        return 0, 0.0
    delays = [float(delay) for delay in RETRY_LINE.findall(text)]
    return len(delays), sum(delays)


def print_server_side(log, paths):
    """Write the server-side cost table of :func:`server_side`."""
    rows = server_side(log, paths)
    if not rows:
        return
    out()
    out("server side, per request (Odoo's access log, warm-up included):")
    table(
        rows,
        [
            ("path", "path"),
            ("n", "requests"),
            ("queries", "SQL queries"),
            ("sql", "SQL ms"),
            ("other", "Python ms"),
            ("total", "total ms"),
        ],
    )


def print_results(results, loads, names, concurrencies, columns=None):
    """The pooled measurements of :func:`measure_rounds` as a table, with the load average of
    each and the guard's warning when another Odoo process used the CPU meanwhile."""
    import load  # noqa: PLC0415  (a sibling script, imported when used)

    rows = []
    for concurrency in concurrencies:
        for name in names:
            row = results[(name, concurrency)].row()
            row["load"] = f"{loads[(name, concurrency)]:.2f}"
            rows.append(row)
    out()
    if loads["others"]:
        out(
            "WARNING: other Odoo processes used the CPU during these measurements (see "
            "above): the figures are not comparable"
        )
    table(rows, [*(columns or load.RESULT_COLUMNS), ("load", "load avg")])


def table(rows, columns):
    """Write rows (dicts) as an aligned text table with the given ``(key, title)`` columns."""
    cells = [[title for _key, title in columns]]
    cells += [[str(row.get(key, "")) for key, _title in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for number, line in enumerate(cells):
        out("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            out("  ".join("-" * width for width in widths))


def measure_rounds(args, clients, concurrencies=(1, 8), unit="req/s"):
    """Measure each client at each concurrency, interleaved over ``args.rounds`` rounds.

    The clients take turns in A B / B A order (even rounds reversed), so that neither is
    always measured first, on a machine warming up or cooling down.

    :param clients: ``clients(round_number)`` -> list of ``(name, make)`` for ``load.measure``
    :return: ``(results, loads)``: pooled ``load`` results and the load average per
        ``(name, concurrency)``, plus ``loads["others"]``, what other processes did meanwhile
    """
    import load  # noqa: PLC0415  (a sibling script, imported when used)

    results, loads, neighbours = {}, {}, Neighbours()
    for round_number in range(1, args.rounds + 1):
        for concurrency in concurrencies:
            turns = clients(round_number)
            if round_number % 2 == 0:
                turns = turns[::-1]
            for name, make in turns:
                before = load_average()
                neighbours.start()
                result = load.measure(
                    name, make, concurrency, count=args.requests, warmup=args.warmup
                )
                neighbours.stop(f"round {round_number} {name} c={concurrency}")
                say(
                    f"round {round_number} {name} c={concurrency}: p50 {result.p50_ms:.2f} ms, "
                    f"p99 {result.p99_ms:.2f} ms, {result.rate:.1f} {unit}, "
                    f"{result.errors} errors, {result.connects} connections, load {before:.2f}"
                )
                if result.errors:
                    say(f"first error: {result.first_error}")
                key = (name, concurrency)
                results[key] = results[key].merge(result) if key in results else result
                loads[key] = max(loads.get(key, 0.0), before)
    loads["others"] = neighbours.warnings
    return results, loads
