"""The bench database (SPEC §11): the five modules installed without demo data in
``common.BENCH_DB``, and the bulk rows loaded with plain SQL (partners, their phone keys,
sticky rules)."""

import subprocess
import time

import psycopg2
from common import BENCH_DB, CHUNK, CONFIG, DATA_DIR, PARTNER_PARAM, STICKY_TABLE, WORK, env, say
from psycopg2 import sql


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


def installed(dbname):
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
    if not installed(BENCH_DB):
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
    if reuse and installed(BENCH_DB):
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
            "res_partner has NOT NULL columns without a default that bench/database.py "
            f"does not fill: {', '.join(missing)}. Add them to PARTNER_VALUES."
        )
    names = [name for name in PARTNER_VALUES if name in columns]
    # The phone keys of coka.phone.mixin go to coka_phone_key in the same statement: the
    # number search of coka_pbx probes that table (SPEC PBX-4).
    return sql.SQL(
        "WITH partner AS (INSERT INTO res_partner ({columns}) SELECT {values} FROM ("
        "SELECT nextval('res_partner_id_seq') AS id, i "
        "FROM generate_series(%(first)s, %(last)s) AS i) AS s "
        "RETURNING id, coka_mobile_e164) "
        "INSERT INTO coka_phone_key (key, res_model, res_id, active) "
        "SELECT coka_mobile_e164, 'res.partner', id, true FROM partner"
    ).format(
        columns=sql.SQL(", ").join(map(sql.Identifier, names)),
        values=sql.SQL(", ").join(sql.SQL(PARTNER_VALUES[name]) for name in names),
    )


def load_partners(count):
    """Top the bench partners up to ``count`` with INSERT ... SELECT, then VACUUM ANALYZE.

    Bench partner ``i`` (1-based) has the mobile ``09`` + ``i`` on 8 digits and the key
    ``+849`` + the same digits (``coka_mobile_e164`` and its ``coka_phone_key`` row); the
    number loaded is kept in ir.config_parameter.

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
            cr.execute("VACUUM ANALYZE coka_phone_key")
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


# Sticky rules ----------------------------------------------------------------------------

# Column -> SQL expression over s(i) and the fixtures (%(hotline)s, %(extensions)s, ...). A
# NOT NULL column without a default left out stops the load with its name. Rules are
# "import" rules: pinned, so remembering only touches their last call date.
STICKY_VALUES = {
    "hotline_id": "%(hotline)s",
    "phone": "'09' || lpad(s.i::text, 8, '0')",
    "phone_e164": "'+849' || lpad(s.i::text, 8, '0')",
    "extension_id": "(%(extensions)s::int[])[1 + s.i %% %(agents)s]",
    "company_id": "%(company)s",
    "source": "'import'",
    "last_call_date": _NOW,
    "active": "true",
    "create_uid": "1",
    "write_uid": "1",
    "create_date": _NOW,
    "write_date": _NOW,
}


def _sticky_insert(cr):
    columns = _columns(cr, STICKY_TABLE)
    missing = sorted(
        name
        for name, (not_null, has_default) in columns.items()
        if not_null and not has_default and name not in STICKY_VALUES
    )
    if missing:
        env.fail(
            f"{STICKY_TABLE} has NOT NULL columns that bench/database.py does not fill: "
            f"{', '.join(missing)}. Add them to STICKY_VALUES."
        )
    return sql.SQL(
        "INSERT INTO {table} ({columns}) SELECT {values} "
        "FROM generate_series(%(first)s, %(last)s) AS s(i) ON CONFLICT DO NOTHING"
    ).format(
        table=sql.Identifier(STICKY_TABLE),
        columns=sql.SQL(", ").join(map(sql.Identifier, STICKY_VALUES)),
        values=sql.SQL(", ").join(sql.SQL(value) for value in STICKY_VALUES.values()),
    )


def load_sticky_rules(count, fixtures):
    """Top the sticky rules of the bench hotline up to ``count``: bench partner ``i``
    sticks to agent ``i % 5`` (PERF-1 wants 1,000,000). The rows are counted, not
    remembered: rules ``1..count`` are assumed in place when that many exist.

    :param dict fixtures: what :func:`ensure_fixtures` returned
    :return: the number of sticky rules of the bench hotline
    """
    conn = connect()
    try:
        with conn.cursor() as cr:
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
