"""README command 2 (SPEC RUN-5): every test and check of the suite.

1. a fresh database without demo data, the suite's modules (and the test-only modules of
   ``coka_env.TEST_MODULES``) installed with Odoo's own tests (at_install and post_install,
   restricted to these modules);
2. in parallel, a fresh database with demo data for the end-to-end tests;
3. pytest over tests/ (pytest-odoo on database 1, end-to-end tests against real Odoo
   servers on database 2);
4. ruff and pylint-odoo;
5. the Odoo logs: any ERROR, CRITICAL or unexpected WARNING fails the run.

Ends with one line ``N passed, N failed`` and exits non-zero on any failure.
Called by setup/test.sh with Odoo's own Python.
"""

import argparse
import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import browser
import coka_env as env

WORK = env.LOCAL / "test"
DATA_DIR = WORK / "data"
TEST_DB = os.environ.get("COKA_TEST_DB", "coka_test")
DEMO_DB = os.environ.get("COKA_TEST_DEMO_DB", "coka_test_demo")
E2E_DB = os.environ.get("COKA_TEST_E2E_DB", "coka_test_e2e")
STEP_TIMEOUT = 40 * 60

LOG_LINE = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d+ \d+ (?P<level>[A-Z]+) ")
RESULT_LINE = re.compile(
    r"(?P<failed>\d+) failed, (?P<errors>\d+) error\(s\) of (?P<run>\d+) tests"
)
LINT_TARGETS = [*env.MODULES, *env.TEST_MODULES, "setup", "tests", "bench"]


class Tally:
    """Counts what passed and failed, and says why each failure happened."""

    def __init__(self):
        self.passed = 0
        self.failed = 0
        self.reasons = []

    def add(self, passed=0, failed=0, reason=None):
        self.passed += passed
        self.failed += failed
        if failed and reason:
            self.reasons.append(reason)


def allowed_warnings():
    path = Path(__file__).with_name("log_allowlist.txt")
    patterns = []
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            patterns.append(re.compile(line))
    return patterns


def bad_log_lines(log_path, allowlist):
    """The ERROR / CRITICAL lines and the WARNING lines that no allowlist pattern explains."""
    bad = []
    if not Path(log_path).exists():
        return [f"{log_path}: missing log"]
    for line in Path(log_path).read_text(errors="replace").splitlines():
        match = LOG_LINE.match(line)
        if not match:
            continue
        level = match["level"]
        if level in ("ERROR", "CRITICAL") or (
            level == "WARNING" and not any(p.search(line) for p in allowlist)
        ):
            bad.append(line)
    return bad


def odoo_test_counts(log_path):
    """Tests run / failed by Odoo itself, from its closing result line."""
    run = failed = 0
    for line in Path(log_path).read_text(errors="replace").splitlines():
        match = RESULT_LINE.search(line)
        if match:
            run = max(run, int(match["run"]))
            failed = max(failed, int(match["failed"]) + int(match["errors"]))
    return run, failed


def start_install(config, db, log, demo, tests):
    env.drop_database(db, DATA_DIR)
    # The test modules (a provider type added like a provider module would) go with the tests.
    modules = [*env.MODULES, *env.TEST_MODULES] if tests else env.MODULES
    args = ["-d", db, "-i", ",".join(modules), "--stop-after-init", f"--logfile={log}"]
    # Own ports: Odoo's HTTP tests serve on http_port, and 8069 may be a running Odoo.
    args += [f"--http-port={env.free_port()}", f"--gevent-port={env.free_port()}"]
    if not demo:
        args.append("--without-demo=all")
    if tests:
        args.append("--test-tags=" + ",".join(f"/{module}" for module in modules))
    Path(log).unlink(missing_ok=True)
    return subprocess.Popen(env.odoo_command(config, *args))


def run_pytest(config, tally, extra):
    junit = WORK / "pytest.xml"
    junit.unlink(missing_ok=True)
    environ = dict(
        os.environ,
        COKA_ODOO_CONFIG=str(config),
        COKA_TEST_DEMO_DB=DEMO_DB,
        COKA_TEST_E2E_DB=E2E_DB,
        COKA_TEST_WORK=str(WORK),
    )
    command = [
        sys.executable,
        "-m",
        "pytest",
        str(env.ROOT / "tests"),
        f"--odoo-config={config}",
        f"--odoo-database={TEST_DB}",
        f"--junitxml={junit}",
        "-p",
        "no:cacheprovider",
        "-q",
        *extra,
    ]
    env.say("pytest " + " ".join(command[3:]))
    result = subprocess.run(command, env=environ, cwd=env.ROOT, timeout=STEP_TIMEOUT, check=False)
    if not junit.exists():
        tally.add(failed=1, reason=f"pytest did not run (exit {result.returncode})")
        return
    # One outcome per test function: subtests fold into their test.
    outcomes = {}
    for case in ET.parse(junit).getroot().iter("testcase"):
        key = (case.get("classname"), case.get("name"))
        kinds = {child.tag for child in case}
        if kinds & {"failure", "error"}:
            outcomes[key] = "failed"
        elif "skipped" in kinds and outcomes.get(key) != "failed":
            outcomes[key] = "skipped"
        else:
            outcomes.setdefault(key, "passed")
    counts = {kind: list(outcomes.values()).count(kind) for kind in ("passed", "failed", "skipped")}
    bad, skipped = counts["failed"], counts["skipped"]
    tally.add(passed=counts["passed"], failed=bad, reason=f"pytest: {bad} failed")
    if skipped:
        tally.add(failed=skipped, reason=f"pytest: {skipped} skipped (nothing may be skipped)")
    if not outcomes:
        tally.add(failed=1, reason="pytest ran no test")
    if result.returncode and not bad:
        tally.add(failed=1, reason=f"pytest exited {result.returncode}")


def run_linters(tally):
    targets = [str(env.ROOT / t) for t in LINT_TARGETS if (env.ROOT / t).exists()]
    for name, command in env.lint_commands(targets).items():
        env.say(name)
        result = subprocess.run(command, cwd=env.ROOT, timeout=STEP_TIMEOUT, check=False)
        ok = result.returncode == 0
        tally.add(passed=int(ok), failed=int(not ok), reason=f"{name} reported problems")


def check_logs(logs, tally):
    allowlist = allowed_warnings()
    for log in logs:
        bad = bad_log_lines(log, allowlist)
        for line in bad[:20]:
            env.out(f"  {Path(log).name}: {line}")
        tally.add(
            passed=int(not bad),
            failed=int(bool(bad)),
            reason=f"{Path(log).name}: {len(bad)} ERROR/unexpected WARNING line(s)",
        )


def ensure_chromium():
    """The tours and browser tests need Chromium: stop at once, clearly, without it."""
    try:
        browser.find_chromium()
    except browser.ChromiumMissing as error:
        env.fail(str(error))


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--no-lint", action="store_true", help="skip ruff and pylint-odoo")
    parser.add_argument("pytest_args", nargs="*", help="extra pytest arguments (after --)")
    args = parser.parse_args()

    env.ensure_requirements(env.ROOT / "requirements.txt", env.ROOT / "requirements-dev.txt")
    ensure_chromium()
    env.ensure_postgres()
    env.ensure_role()
    WORK.mkdir(parents=True, exist_ok=True)
    for old_log in WORK.glob("e2e-*.log"):
        old_log.unlink()
    config = env.write_config(WORK / "odoo.conf", DATA_DIR, max_cron_threads=0)
    tally = Tally()

    test_log = WORK / "odoo-tests.log"
    demo_log = WORK / "odoo-demo.log"
    env.say(f"installing the suite with Odoo tests in {TEST_DB}; with demo data in {DEMO_DB}")
    installs = [
        ("Odoo install + tests", test_log, start_install(config, TEST_DB, test_log, False, True)),
        ("Odoo install with demo", demo_log, start_install(config, DEMO_DB, demo_log, True, False)),
    ]
    for name, _log, process in installs:
        code = process.wait(timeout=STEP_TIMEOUT)
        tally.add(passed=int(code == 0), failed=int(code != 0), reason=f"{name}: exit code {code}")
    # The end-to-end tests write through real servers: they get their own copy.
    env.copy_database(TEST_DB, E2E_DB, DATA_DIR)
    run, failed = odoo_test_counts(test_log)
    env.say(f"Odoo tests: {run - failed} passed, {failed} failed")
    if not run:
        tally.add(failed=1, reason="Odoo ran no test")
    tally.add(passed=run - failed, failed=failed, reason=f"Odoo tests: {failed} failed")

    run_pytest(config, tally, args.pytest_args)
    if not args.no_lint:
        run_linters(tally)
    check_logs([test_log, demo_log, *sorted(WORK.glob("e2e-*.log"))], tally)

    for reason in tally.reasons:
        env.out(f"FAILED: {reason}")
    env.out(f"{tally.passed} passed, {tally.failed} failed")
    return 1 if tally.failed else 0


if __name__ == "__main__":
    sys.exit(main())
