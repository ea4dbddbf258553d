"""The contact import with allocation (SPEC CON-3, issue 12 item 7) against ``base_import``.

Not SPEC's PERF-5 (that one is about reports).

One .xlsx of N rows (columns "Họ và tên", "Số điện thoại", "Email", "Thành phố",
"Nhân viên"; N distinct valid Vietnamese mobile numbers ``09xxxxxxxx``; "Nhân viên" holds the
name of one of ten staff members in turn, as a file prepared for base_import must) is imported
into ``res.partner`` twice in the same run, each importer in its own child process (this
script again, with the hidden ``--child``) on the database ``coka_bench_contact_import``
(``COKA_BENCH_DB`` names another):

* ours: the wizard ``coka.contact.import`` (``action_read_file()``, then ``action_import()``
  with round robin over the ten staff, the "Nhân viên" column left unmapped) and its job
  (``coka.contact.import.job._coka_run()``, what the cron runs, here without its commits);
* base_import: ``base_import.import.execute_import()`` with the options of the web client,
  in one call, the five columns mapped (``user_id`` by name) and ``default_coka_source``.

Each child opens the registry, reads the file, then times the import only (plus the flush of
what it wrote) and reports its whole-process peak RSS (VmHWM) and the RSS just before the
import; it checks that N contacts were created, ten staff got N/10 each, and rolls back, so
runs repeat. Targets: base_import seconds / ours seconds >= 10; ours' peak RSS < 300 MB.

    /opt/odoo/venv/bin/python bench/contact_import.py [--rows 100000] [--reuse]
        [--small-rows 10000] [--timeout 3600] [--profile]

``COKA_BENCH_DB=coka_bench_<name>`` gives it another database (it must start with
``coka_bench``).
"""

import argparse
import base64
import json
import os
import platform
import random
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))

import database  # noqa: E402  (bench/ is this script's folder)
from common import positive  # noqa: E402

import coka_env as env  # noqa: E402  (setup/ is not a package)

DB = os.environ.get("COKA_BENCH_DB", "coka_bench_contact_import")
if not DB.startswith("coka_bench"):
    env.fail(f"COKA_BENCH_DB={DB}: a bench database's name starts with coka_bench")
WORK = env.LOCAL / "bench"
DATA_DIR = WORK / f"data_{DB}"
CONFIG = WORK / f"odoo_{DB}.conf"
STAFF = [(f"bench_import_staff_{number:02d}", f"Nhân viên {number:02d}") for number in range(1, 11)]
HEADERS = ["Họ và tên", "Số điện thoại", "Email", "Thành phố", "Nhân viên"]
BASE_IMPORT_FIELDS = ["name", "phone", "email", "city", "user_id"]
CITIES = ["Hà Nội", "TP. Hồ Chí Minh", "Đà Nẵng", "Hải Phòng", "Cần Thơ"]
IMPORTERS = ("ours", "base_import")
SEED = 5
SPEED_TARGET = 10.0
MEMORY_TARGET_MB = 300
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
# What the web client of Odoo 18 sends (base_import/static/src/import_model.js), except
# ``limit``: execute_import() passes it to load() as ``_import_limit`` and the client's 2000
# would import 2,000 rows per call; left out, one call imports every row (0 would import none).
BASE_IMPORT_OPTIONS = {
    "advanced": False,
    "has_headers": True,
    "keep_matches": False,
    "quoting": '"',
    "separator": ",",
    "encoding": "",
    "date_format": "",
    "datetime_format": "",
    "float_thousand_separator": ",",
    "float_decimal_separator": ".",
    "name_create_enabled_fields": {},
    "import_set_empty_fields": [],
    "import_skip_records": [],
    "fallback_values": {},
    "skip": 0,
    "sheet": "",
    "sheets": [],
    "tracking_disable": True,
}

out = env.out


def say(message):
    out(f"[contact_import] {message}")


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument(
        "--rows", type=positive, default=100_000, help="rows of the file (default 100,000)"
    )
    parser.add_argument(
        "--small-rows",
        type=int,
        default=0,
        help="also run both importers on a file of this many rows (default: no)",
    )
    parser.add_argument(
        "--reuse",
        action="store_true",
        help=f"keep {DB} (installed modules) from a previous run",
    )
    parser.add_argument(
        "--timeout",
        type=positive,
        default=3600,
        help="seconds after which a child import is stopped (default 3600)",
    )
    parser.add_argument(
        "--profile",
        action="store_true",
        help="profile our import (cProfile: top functions to"
        " .local/bench/contact_import-profile.txt, the whole profile to its .prof)",
    )
    parser.add_argument("--child", choices=["setup", *IMPORTERS], help=argparse.SUPPRESS)
    parser.add_argument("--file", help=argparse.SUPPRESS)
    return parser.parse_args()


# Parent: database, file, children ---------------------------------------------------------


def prepare_database(reuse):
    """The bench database with the five modules installed without demo data."""
    env.ensure_postgres()
    env.ensure_role()
    WORK.mkdir(parents=True, exist_ok=True)
    env.write_config(CONFIG, DATA_DIR, without_demo="all", max_cron_threads=0, http_enable="False")
    if reuse and database.installed(DB):
        say(f"reusing database {DB}")
        return
    say(f"creating database {DB} (five modules, no demo data)")
    env.drop_database(DB, DATA_DIR)
    log = WORK / "contact_import-install.log"
    log.unlink(missing_ok=True)
    command = env.odoo_command(
        CONFIG,
        "-d",
        DB,
        "-i",
        ",".join(env.MODULES),
        "--without-demo=all",
        "--stop-after-init",
        f"--logfile={log}",
    )
    started = time.monotonic()
    result = subprocess.run(command, check=False)
    if result.returncode or not database.installed(DB):
        env.fail(f"installing the modules into {DB} failed; see {log}")
    say(f"installed in {time.monotonic() - started:.0f} s")


def generate_rows(count):
    """``count`` rows: a Vietnamese name, a distinct valid mobile ``09xxxxxxxx`` as typed, an
    e-mail, a city, and the name of the staff member of the row's turn (round robin)."""
    import phonenumbers

    rng = random.Random(SEED)
    seen = set()
    while len(seen) < count:
        number = f"09{rng.randrange(10**8):08d}"
        if number in seen:
            continue
        if not phonenumbers.is_valid_number(phonenumbers.parse(number, "VN")):
            continue
        seen.add(number)
        index = len(seen)
        yield (
            f"Khách hàng {index:06d}",
            number,
            f"khach{index:06d}@example.vn",
            CITIES[index % len(CITIES)],
            STAFF[index % len(STAFF)][1],
        )


def ensure_xlsx(count):
    """The .xlsx of ``count`` rows under .local/bench/, written once (openpyxl write-only)."""
    import openpyxl

    path = WORK / f"contact_import_{count}.xlsx"
    if path.exists():
        return path
    started = time.monotonic()
    book = openpyxl.Workbook(write_only=True)
    sheet = book.create_sheet("Contacts")
    sheet.append(HEADERS)
    for row in generate_rows(count):
        sheet.append(list(row))
    partial = path.with_suffix(".tmp")
    book.save(partial)
    partial.rename(path)
    size = path.stat().st_size / 1024 / 1024
    say(f"wrote {path} ({count:,} rows, {size:.1f} MB) in {time.monotonic() - started:.0f} s")
    return path


def run_child(kind, path=None, rows=0, timeout=3600, profile=False):
    """Run this script with ``--child kind``; :return: the JSON line it reported (a dict)."""
    log = WORK / f"contact_import-{kind}.log"
    command = [sys.executable, str(Path(__file__).resolve()), "--child", kind]
    if path:
        command += ["--file", str(path), "--rows", str(rows)]
    if profile:
        command.append("--profile")
    with log.open("w") as stderr:
        try:
            result = subprocess.run(
                command, stdout=subprocess.PIPE, stderr=stderr, text=True, timeout=timeout
            )
        except subprocess.TimeoutExpired:
            return {"importer": kind, "ok": False, "error": f"stopped after {timeout} s"}
    for line in reversed(result.stdout.splitlines()):
        if line.startswith("{"):
            return json.loads(line)
    tail = log.read_text(errors="replace").strip().splitlines()[-5:]
    return {
        "importer": kind,
        "ok": False,
        "error": f"exit {result.returncode}, no result; see {log}: " + " | ".join(tail),
    }


# Children ---------------------------------------------------------------------------------


def _memory():
    """``(VmRSS, VmHWM)`` of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def _open_registry():
    os.environ["TZ"] = "UTC"
    import odoo
    from odoo.modules.registry import Registry

    odoo.tools.config.parse_config(["-c", str(CONFIG), "-d", DB], setup_logging=True)
    return Registry(DB)


def child_setup(odoo_env):
    """Ten staff members (agents) of the main company (idempotent)."""
    group = odoo_env.ref("coka_pbx.group_agent")
    users = odoo_env["res.users"].with_context(active_test=False, no_reset_password=True)
    for number, (login, name) in enumerate(STAFF, start=1):
        user = users.search([("login", "=", login)], limit=1)
        if not user:
            # A database of the benchmark's first version: its staff had other logins (and
            # the same names, which base_import's allocation by name must find once).
            user = users.search([("login", "=", f"perf5_staff_{number:02d}")], limit=1)
        if not user:
            users.create({"name": name, "login": login, "groups_id": [(4, group.id)]})
        else:
            user.write({"login": login, "name": name, "active": True})
    return {"ok": True, "staff": len(STAFF)}


def _staff(odoo_env):
    return odoo_env["res.users"].search([("login", "in", [login for login, _name in STAFF])])


def _run_ours(odoo_env, data, profile):
    staff = _staff(odoo_env)
    answer = {}

    def run():
        wizard = odoo_env["coka.contact.import"].create(
            {"file": base64.b64encode(data), "filename": "contacts.xlsx"}
        )
        wizard.action_read_file()
        wizard.line_ids.filtered(lambda line: line.header == "Nhân viên").field_name = False
        wizard.write({"allocation": "round_robin", "staff_ids": [(6, 0, staff.ids)]})
        wizard.action_import()
        job = wizard.job_id
        if job.state != "done":
            job._coka_run()  # what the cron runs (here without its commits)
        odoo_env.flush_all()
        answer["job"] = job

    seconds, rss_before = _timed(run, profile)
    job = answer["job"]
    counts = {
        "reported_created": job.created_count,
        "reported_rejected": job.rejected_count,
        "background": job.background,
    }
    problems = [] if job.rejected_count == 0 else [f"{job.rejected_count} rows rejected"]
    return seconds, rss_before, counts, problems


def _run_base_import(odoo_env, data, _profile):
    record = odoo_env["base_import.import"].create(
        {
            "res_model": "res.partner",
            "file": data,
            "file_name": "contacts.xlsx",
            "file_type": XLSX_MIMETYPE,
        }
    )
    record = record.with_context(default_coka_source="import", tracking_disable=True)
    answer = {}

    def run():
        answer.update(
            record.execute_import(
                BASE_IMPORT_FIELDS, HEADERS, dict(BASE_IMPORT_OPTIONS), dryrun=False
            )
        )
        odoo_env.flush_all()

    seconds, rss_before = _timed(run, False)
    messages = answer.get("messages") or []
    problems = [f"{msg.get('type')}: {msg.get('message')}" for msg in messages[:5]]
    counts = {"reported_created": len(answer.get("ids") or []), "messages": len(messages)}
    return seconds, rss_before, counts, problems


def _timed(function, profile):
    """Run ``function``; :return: ``(wall seconds, RSS MB just before)``."""
    rss_before, _peak = _memory()
    if not profile:
        started = time.perf_counter()
        function()
        return time.perf_counter() - started, rss_before
    import cProfile
    import io
    import pstats

    profiler = cProfile.Profile()
    started = time.perf_counter()
    profiler.runcall(function)
    seconds = time.perf_counter() - started
    profiler.dump_stats(WORK / "contact_import-profile.prof")  # for pstats / snakeviz
    text = io.StringIO()
    stats = pstats.Stats(profiler, stream=text)
    stats.sort_stats("cumulative").print_stats(60)
    stats.sort_stats("tottime").print_stats(40)
    (WORK / "contact_import-profile.txt").write_text(text.getvalue())
    return seconds, rss_before


def child_import(odoo_env, kind, path, rows, profile):
    """Import the file with one importer; :return: the report dict."""
    data = Path(path).read_bytes()
    odoo_env.cr.execute("SELECT coalesce(max(id), 0) FROM res_partner")
    (last_id,) = odoo_env.cr.fetchone()
    runner = _run_ours if kind == "ours" else _run_base_import
    seconds, rss_before, counts, problems = runner(odoo_env, data, profile)
    _rss, peak = _memory()
    odoo_env.cr.execute(
        "SELECT user_id, count(*), count(DISTINCT coka_phone_e164) FROM res_partner"
        " WHERE id > %s AND coka_source = 'import' GROUP BY user_id",
        [last_id],
    )
    per_user = {
        user_id: (created, distinct) for user_id, created, distinct in odoo_env.cr.fetchall()
    }
    created = sum(created for created, _distinct in per_user.values())
    distinct = sum(distinct for _created, distinct in per_user.values())
    if created != rows or distinct != rows:
        problems.append(f"{created:,} contacts ({distinct:,} numbers) for {rows:,} rows")
    staff = set(_staff(odoo_env).ids)
    shares = [per_user.get(uid, (0, 0))[0] for uid in staff]
    if set(per_user) != staff or max(shares) - min(shares) > 1:
        problems.append(f"allocation not even over the ten staff: {sorted(shares)}")
    return {
        "importer": kind,
        "rows": rows,
        "created": created,
        "seconds": seconds,
        "rss_before_mb": rss_before,
        "peak_rss_mb": peak,
        "ok": not problems,
        "error": "; ".join(problems),
        **counts,
    }


def child_main(args):
    from odoo import SUPERUSER_ID, api

    registry = _open_registry()
    with registry.cursor() as cr:
        odoo_env = api.Environment(cr, SUPERUSER_ID, {})
        if args.child == "setup":
            report = child_setup(odoo_env)  # committed when the cursor closes
        else:
            try:
                report = child_import(odoo_env, args.child, args.file, args.rows, args.profile)
            finally:
                cr.rollback()
    sys.stdout.write(json.dumps(report) + "\n")
    sys.stdout.flush()


# Report -----------------------------------------------------------------------------------


def machine():
    """nproc, CPU model and memory of this machine."""
    model = platform.processor() or "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory = int(line.split()[1]) / 1024 / 1024
    cpus = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    return f"nproc {cpus}, {model}, {memory:.1f} GiB RAM, load average {load:.2f}"


def table(results):
    columns = [
        ("importer", "importer"),
        ("rows", "rows"),
        ("seconds", "seconds"),
        ("rate", "rows/s"),
        ("before", "RSS before MB"),
        ("peak", "peak RSS MB"),
        ("status", "status"),
    ]
    cells = [[title for _key, title in columns]]
    for result in results:
        seconds = result.get("seconds")
        row = {
            "importer": result["importer"],
            "rows": f"{result.get('rows', result.get('planned', 0)):,}",
            "seconds": f"{seconds:.2f}" if seconds else "-",
            "rate": f"{result['rows'] / seconds:,.0f}" if seconds else "-",
            "before": f"{result['rss_before_mb']:.0f}" if "rss_before_mb" in result else "-",
            "peak": f"{result['peak_rss_mb']:.0f}" if "peak_rss_mb" in result else "-",
            "status": "ok" if result.get("ok") else "FAILED",
        }
        cells.append([row[key] for key, _title in columns])
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for number, line in enumerate(cells):
        out("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            out("  ".join("-" * width for width in widths))
    for result in results:
        if result.get("error"):
            out(f"  {result['importer']} ({result.get('planned', 0):,} rows): {result['error']}")


def verdict(results, rows):
    """The two targets on the ``rows`` pair; :return: whether both pass."""
    pair = {r["importer"]: r for r in results if r.get("planned") == rows}
    ours, base = pair.get("ours", {}), pair.get("base_import", {})
    passed = True
    if ours.get("ok") and base.get("ok"):
        ratio = base["seconds"] / ours["seconds"]
        passed = ratio >= SPEED_TARGET
        out(
            f"speed ({rows:,} rows): base_import {base['seconds']:.2f} s / ours "
            f"{ours['seconds']:.2f} s = {ratio:.1f}x (target >= {SPEED_TARGET:.0f}x): "
            + ("PASS" if passed else "FAIL")
        )
    else:
        passed = False
        out(f"speed ({rows:,} rows): not measured (an import failed): FAIL")
    if ours.get("ok"):
        memory_ok = ours["peak_rss_mb"] < MEMORY_TARGET_MB
        out(
            f"memory ({rows:,} rows): ours peak RSS {ours['peak_rss_mb']:.0f} MB (whole process, "
            f"{ours['rss_before_mb']:.0f} MB before the import; target < {MEMORY_TARGET_MB} MB): "
            + ("PASS" if memory_ok else "FAIL")
        )
        passed = passed and memory_ok
    return passed


def main():
    args = parse_args()
    if args.child:
        child_main(args)
        return
    prepare_database(args.reuse)
    setup = run_child("setup", timeout=args.timeout)
    if not setup.get("ok"):
        env.fail(f"could not create the ten staff members: {setup.get('error')}")
    sizes = [args.rows] + ([args.small_rows] if 0 < args.small_rows != args.rows else [])
    results = []
    for rows in sizes:
        path = ensure_xlsx(rows)
        for kind in IMPORTERS:
            say(f"{kind}: importing {rows:,} rows in a child process")
            result = run_child(kind, path, rows, args.timeout, args.profile and kind == "ours")
            result["planned"] = rows
            results.append(result)
            if result.get("seconds"):
                say(f"{kind}: {result['seconds']:.2f} s, peak RSS {result['peak_rss_mb']:.0f} MB")
    import odoo.release

    out("== contact import with allocation (CON-3) vs base_import ==")
    out(f"date:     {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
    out(f"machine:  {machine()}")
    out(f"software: Odoo {odoo.release.version}, Python {platform.python_version()}")
    out(f"database: {DB}; file: {', '.join(HEADERS)} (mobiles 09xxxxxxxx); ten staff")
    table(results)
    verdicts = [verdict(results, rows) for rows in sizes]
    if args.profile:
        out(f"profile of our import: {WORK / 'contact_import-profile.txt'}")
    sys.exit(0 if verdicts[0] else 1)


if __name__ == "__main__":
    main()
