"""What a benchmark prints: the machine, software and code it ran on, its tables, and the
server-side cost per request read from Odoo's access log."""

import os
import platform
import re
import subprocess
import time
from pathlib import Path

import database
import load
from common import BENCH_DB, ROOT, env, out


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


def versions():
    """Odoo and PostgreSQL versions."""
    import odoo.release  # noqa: PLC0415  (only Odoo's Python has it)

    conn = database.connect()
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
    total = database.partner_total()
    out(f"database:  {BENCH_DB}: {partners:,} bench partners ({total:,} res_partner)")
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


def print_cpu(cpu, names, concurrencies):
    """The CPU per operation of each measurement (:class:`measure.CpuMeter`), by process
    group, with the cores they kept busy out of the machine's."""
    rows = []
    for concurrency in concurrencies:
        for name in names:
            per, busy = cpu.per_operation((name, concurrency))
            row = {"name": name, "concurrency": concurrency, "busy": f"{busy:.2f}"}
            row.update({group: f"{per[group]:.2f}" for group in cpu.GROUPS})
            row["total"] = f"{sum(per.values()):.2f}"
            rows.append(row)
    out()
    out(
        f"CPU ms per operation, warm-up included ({os.cpu_count()} cores; the load generator, "
        "Odoo and PostgreSQL share them):"
    )
    table(
        rows,
        [
            ("name", "what"),
            ("concurrency", "concurrency"),
            *((group, group) for group in cpu.GROUPS),
            ("total", "total"),
            ("busy", "cores busy"),
        ],
    )


def table(rows, columns):
    """Write rows (dicts) as an aligned text table with the given ``(key, title)`` columns."""
    cells = [[title for _key, title in columns]]
    cells += [[str(row.get(key, "")) for key, _title in columns] for row in rows]
    widths = [max(len(line[i]) for line in cells) for i in range(len(columns))]
    for number, line in enumerate(cells):
        out("  ".join(cell.rjust(width) for cell, width in zip(line, widths, strict=True)))
        if number == 0:
            out("  ".join("-" * width for width in widths))
