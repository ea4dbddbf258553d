"""The harness of the import benchmarks (``perf4_sticky_import.py``, ``contact_import.py``).

A benchmark of this kind imports one .xlsx of N rows twice in the same run, with our wizard
and with Odoo's ``base_import``, each importer in its own child process (the script again,
with the hidden ``--child``) on a bench database of its own; each child opens the registry,
reads the file, times the import only (plus the flush of what it wrote), also in CPU seconds
of its own process (PostgreSQL's not included: a figure that other work on a shared machine
moves less than the wall time), reports its
whole-process peak RSS (VmHWM) and the RSS just before the import, checks what was created
and rolls back, so runs repeat. Targets: base_import seconds / ours seconds >= 10; ours' peak
RSS < 300 MB.

A script describes what is its own in an :class:`ImportBench` (names, file, fixtures, the two
importers and the check) and calls :meth:`ImportBench.main`; everything else is here: the
options, the database, the file, the children, the timing, the memory, the report and the
exit status (1 when the targets of the ``--rows`` pair are not met).
"""

import argparse
import json
import os
import platform
import random
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "setup"))

import database  # noqa: E402  (bench/ is this module's folder)
from common import positive  # noqa: E402

import coka_env as env  # noqa: E402  (setup/ is not a package)

WORK = env.LOCAL / "bench"
IMPORTERS = ("ours", "base_import")
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


def bench_database(default):
    """``COKA_BENCH_DB`` or ``default``; stops unless the name starts with ``coka_bench``."""
    name = os.environ.get("COKA_BENCH_DB", default)
    if not name.startswith("coka_bench"):
        env.fail(f"COKA_BENCH_DB={name}: a bench database's name starts with coka_bench")
    return name


def distinct_mobiles(count, seed):
    """``count`` distinct valid Vietnamese mobile numbers ``09xxxxxxxx`` as typed, drawn with
    ``random.Random(seed)``; yields ``(index, number)``, ``index`` from 1."""
    import phonenumbers

    rng = random.Random(seed)
    seen = set()
    while len(seen) < count:
        number = f"09{rng.randrange(10**8):08d}"
        if number in seen:
            continue
        if not phonenumbers.is_valid_number(phonenumbers.parse(number, "VN")):
            continue
        seen.add(number)
        yield len(seen), number


@dataclass
class ImportBench:
    """What one import benchmark has of its own; the steps are the harness's methods.

    ``rows(count)`` yields the file's rows (``headers`` first is written by the harness);
    ``setup(odoo_env)`` creates the fixtures (committed) and returns a dict with ``ok``;
    ``prepare(odoo_env, kind)`` runs in an importer's child before the import and returns a
    state handed to the importer and to ``check(odoo_env, state, rows)``, which returns
    ``(created, problems)``. Ours is ``ours(bench, odoo_env, state, data, profile)``, which
    returns ``(seconds, rss_before, counts, problems)`` (see :meth:`timed`; a
    ``reported_rejected`` count above 0 is one more problem); base_import is
    :func:`run_base_import` on ``base_import_model`` with the columns mapped to
    ``base_import_fields`` and the context ``base_import_context(state)``.
    """

    name: str  # prefix of the progress lines and of the files under .local/bench/
    title: str  # first line of the report
    doc: str  # the script's docstring (its first paragraph describes the options)
    database: str
    config: Path
    data_dir: Path
    file_stem: str  # .local/bench/<file_stem>_<N>.xlsx
    sheet: str
    headers: list
    file_text: str  # what the report says of the file
    rows: Callable
    setup: Callable
    setup_error: str  # "could not ..." when the setup child fails
    prepare: Callable
    ours: Callable
    base_import_model: str
    base_import_fields: list
    base_import_context: Callable
    check: Callable
    config_options: dict = field(default_factory=dict)
    profile_sorts: tuple = (("cumulative", 40),)  # pstats orders and line counts of the .txt
    profile_dump: bool = False  # also write the whole profile to <name>-profile.prof

    @property
    def script(self):
        return Path(sys.argv[0]).resolve()

    @property
    def profile_text(self):
        return WORK / f"{self.name}-profile.txt"

    def say(self, message):
        out(f"[{self.name}] {message}")

    def parse_args(self):
        parser = argparse.ArgumentParser(description=self.doc.split("\n\n", 1)[0])
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
            help=f"keep {self.database} (installed modules) from a previous run",
        )
        parser.add_argument(
            "--timeout",
            type=positive,
            default=3600,
            help="seconds after which a child import is stopped (default 3600)",
        )
        whole = ", the whole profile to its .prof" if self.profile_dump else ""
        parser.add_argument(
            "--profile",
            action="store_true",
            help=f"profile our import (cProfile: top functions to"
            f" .local/bench/{self.profile_text.name}{whole})",
        )
        parser.add_argument("--child", choices=["setup", *IMPORTERS], help=argparse.SUPPRESS)
        parser.add_argument("--file", help=argparse.SUPPRESS)
        return parser.parse_args()

    # Parent: database, file, children -------------------------------------------------------

    def prepare_database(self, reuse):
        """The bench database with the five modules installed without demo data."""
        env.ensure_postgres()
        env.ensure_role()
        WORK.mkdir(parents=True, exist_ok=True)
        env.write_config(
            self.config,
            self.data_dir,
            without_demo="all",
            max_cron_threads=0,
            **self.config_options,
        )
        if reuse and database.installed(self.database):
            self.say(f"reusing database {self.database}")
            return
        self.say(f"creating database {self.database} (five modules, no demo data)")
        env.drop_database(self.database, self.data_dir)
        log = WORK / f"{self.name}-install.log"
        log.unlink(missing_ok=True)
        command = env.odoo_command(
            self.config,
            "-d",
            self.database,
            "-i",
            ",".join(env.MODULES),
            "--without-demo=all",
            "--stop-after-init",
            f"--logfile={log}",
        )
        started = time.monotonic()
        result = subprocess.run(command, check=False)
        if result.returncode or not database.installed(self.database):
            env.fail(f"installing the modules into {self.database} failed; see {log}")
        self.say(f"installed in {time.monotonic() - started:.0f} s")

    def ensure_xlsx(self, count):
        """The .xlsx of ``count`` rows under .local/bench/, written once (openpyxl
        write-only)."""
        import openpyxl

        path = WORK / f"{self.file_stem}_{count}.xlsx"
        if path.exists():
            return path
        started = time.monotonic()
        book = openpyxl.Workbook(write_only=True)
        sheet = book.create_sheet(self.sheet)
        sheet.append(self.headers)
        for row in self.rows(count):
            sheet.append(list(row))
        partial = path.with_suffix(".tmp")
        book.save(partial)
        partial.rename(path)
        size = path.stat().st_size / 1024 / 1024
        self.say(
            f"wrote {path} ({count:,} rows, {size:.1f} MB) in {time.monotonic() - started:.0f} s"
        )
        return path

    def run_child(self, kind, path=None, rows=0, timeout=3600, profile=False):
        """Run the script with ``--child kind``; :return: the JSON line it reported (a
        dict)."""
        log = WORK / f"{self.name}-{kind}.log"
        command = [sys.executable, str(self.script), "--child", kind]
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

    # Children -------------------------------------------------------------------------------

    def _open_registry(self):
        os.environ["TZ"] = "UTC"
        import odoo
        from odoo.modules.registry import Registry

        odoo.tools.config.parse_config(
            ["-c", str(self.config), "-d", self.database], setup_logging=True
        )
        return Registry(self.database)

    def timed(self, function, profile):
        """Run ``function``; :return: ``(wall seconds, RSS MB just before)``. With
        ``profile``, under cProfile, its top functions written to ``<name>-profile.txt``."""
        rss_before, _peak = memory()
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
        if self.profile_dump:
            profiler.dump_stats(WORK / f"{self.name}-profile.prof")  # for pstats / snakeviz
        text = io.StringIO()
        stats = pstats.Stats(profiler, stream=text)
        for order, lines in self.profile_sorts:
            stats.sort_stats(order).print_stats(lines)
        self.profile_text.write_text(text.getvalue())
        return seconds, rss_before

    def child_import(self, odoo_env, kind, path, rows, profile):
        """Import the file with one importer; :return: the report dict."""
        state = self.prepare(odoo_env, kind)
        data = Path(path).read_bytes()
        cpu_started = time.process_time()
        if kind == "ours":
            seconds, rss_before, counts, problems = self.ours(self, odoo_env, state, data, profile)
        else:
            context = self.base_import_context(state)
            seconds, rss_before, counts, problems = run_base_import(self, odoo_env, data, context)
        cpu_seconds = time.process_time() - cpu_started
        _rss, peak = memory()
        created, more = self.check(odoo_env, state, rows)
        rejected = counts.get("reported_rejected")
        problems = [*problems, *([f"{rejected} rows rejected"] if rejected else []), *more]
        return {
            "importer": kind,
            "rows": rows,
            "created": created,
            "seconds": seconds,
            "cpu_seconds": cpu_seconds,
            "rss_before_mb": rss_before,
            "peak_rss_mb": peak,
            "ok": not problems,
            "error": "; ".join(problems),
            **counts,
        }

    def child_main(self, args):
        from odoo import SUPERUSER_ID, api

        registry = self._open_registry()
        with registry.cursor() as cr:
            odoo_env = api.Environment(cr, SUPERUSER_ID, {})
            if args.child == "setup":
                report = self.setup(odoo_env)  # committed when the cursor closes
            else:
                try:
                    report = self.child_import(
                        odoo_env, args.child, args.file, args.rows, args.profile
                    )
                finally:
                    cr.rollback()
        sys.stdout.write(json.dumps(report) + "\n")
        sys.stdout.flush()

    # The run --------------------------------------------------------------------------------

    def main(self):
        args = self.parse_args()
        if args.child:
            self.child_main(args)
            return
        self.prepare_database(args.reuse)
        setup = self.run_child("setup", timeout=args.timeout)
        if not setup.get("ok"):
            env.fail(f"{self.setup_error}: {setup.get('error')}")
        sizes = [args.rows] + ([args.small_rows] if 0 < args.small_rows != args.rows else [])
        results = []
        for rows in sizes:
            path = self.ensure_xlsx(rows)
            for kind in IMPORTERS:
                self.say(f"{kind}: importing {rows:,} rows in a child process")
                profile = args.profile and kind == "ours"
                result = self.run_child(kind, path, rows, args.timeout, profile)
                result["planned"] = rows
                results.append(result)
                if result.get("seconds"):
                    self.say(
                        f"{kind}: {result['seconds']:.2f} s,"
                        f" peak RSS {result['peak_rss_mb']:.0f} MB"
                    )
        import odoo.release

        out(f"== {self.title} ==")
        out(f"date:     {time.strftime('%Y-%m-%d %H:%M:%S %Z')}")
        out(f"machine:  {machine()}")
        out(f"software: Odoo {odoo.release.version}, Python {platform.python_version()}")
        out(f"database: {self.database}; file: {self.file_text}")
        table(results)
        verdicts = [verdict(results, rows) for rows in sizes]
        if args.profile:
            out(f"profile of our import: {self.profile_text}")
        sys.exit(0 if verdicts[0] else 1)


# In the children ----------------------------------------------------------------------------


def memory():
    """``(VmRSS, VmHWM)`` of this process in MB."""
    values = {}
    for line in Path("/proc/self/status").read_text().splitlines():
        key, _sep, rest = line.partition(":")
        if key in ("VmRSS", "VmHWM"):
            values[key] = int(rest.split()[0]) / 1024
    return values["VmRSS"], values["VmHWM"]


def run_base_import(bench, odoo_env, data, context):
    """``base_import.import.execute_import()`` of the whole file in one call into
    ``bench.base_import_model``, the headers mapped to ``bench.base_import_fields``, with the
    web client's options and ``context`` (plus ``tracking_disable``);
    :return: ``(seconds, rss_before, counts, problems)``, the answer's messages as problems."""
    record = odoo_env["base_import.import"].create(
        {
            "res_model": bench.base_import_model,
            "file": data,
            "file_name": f"{bench.sheet.lower()}.xlsx",
            "file_type": XLSX_MIMETYPE,
        }
    )
    record = record.with_context(**context, tracking_disable=True)
    answer = {}

    def run():
        answer.update(
            record.execute_import(
                bench.base_import_fields, bench.headers, dict(BASE_IMPORT_OPTIONS), dryrun=False
            )
        )
        odoo_env.flush_all()

    seconds, rss_before = bench.timed(run, False)
    messages = answer.get("messages") or []
    problems = [f"{msg.get('type')}: {msg.get('message')}" for msg in messages[:5]]
    counts = {"reported_created": len(answer.get("ids") or []), "messages": len(messages)}
    return seconds, rss_before, counts, problems


# Report -------------------------------------------------------------------------------------


def machine():
    """nproc, CPU model and memory of this machine."""
    model = platform.processor() or "unknown"
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            model = line.split(":", 1)[1].strip()
            break
    memory_gib = 0.0
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            memory_gib = int(line.split()[1]) / 1024 / 1024
    cpus = len(os.sched_getaffinity(0))
    load = os.getloadavg()[0]
    return f"nproc {cpus}, {model}, {memory_gib:.1f} GiB RAM, load average {load:.2f}"


def table(results):
    columns = [
        ("importer", "importer"),
        ("rows", "rows"),
        ("seconds", "seconds"),
        ("cpu", "CPU s"),
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
            "cpu": f"{result['cpu_seconds']:.2f}" if "cpu_seconds" in result else "-",
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
