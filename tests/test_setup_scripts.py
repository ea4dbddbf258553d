"""The README commands refuse clearly when there is no Odoo (SPEC RUN-2, RUN-4)."""

import importlib.util
import os
import signal
import subprocess
import sys
import time

import pytest

from .odoo_server import ROOT, coka_env


@pytest.mark.parametrize("script", ["setup/run.sh", "setup/test.sh", ".ci/run"])
def test_without_odoo_the_scripts_stop_with_one_clear_message(script, tmp_path):
    environ = {
        "PATH": f"{tmp_path}:/usr/bin:/bin",
        "HOME": str(tmp_path),
        "ODOO_PYTHON": str(tmp_path / "no-python"),
        "COKA_DEFAULT_ODOO_PYTHON": str(tmp_path / "no-venv" / "python"),
    }
    # A python3 on PATH that cannot import odoo.
    fake = tmp_path / "python3"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    result = subprocess.run(
        ["bash", str(ROOT / script)],
        cwd=ROOT,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "Odoo 18.0 is not installed" in result.stderr
    assert "never download or build" in result.stderr


def test_generated_config_stays_out_of_git():
    ignored = subprocess.run(
        ["git", "check-ignore", ".local/odoo.conf", ".local/test/odoo.conf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert ignored.stdout.split() == [".local/odoo.conf", ".local/test/odoo.conf"]
    assert os.path.exists(ROOT / ".gitignore")


def test_pylint_ignores_what_else_sits_on_the_path(tmp_path):
    """An Odoo source folder on sys.path (an editable install) has its own setup/ and setup.py.

    The test command's pylint must still read the project's setup/ (a folder of scripts, no
    package) beside a package folder, and still find what is wrong in it.
    """
    odoo_source = tmp_path / "odoo-src"
    (odoo_source / "setup").mkdir(parents=True)
    (odoo_source / "setup.py").write_text("import setuptools\n")
    (odoo_source / "setup" / "package.py").write_text("VERSION = 1\n")
    project = tmp_path / "project"
    (project / "setup").mkdir(parents=True)
    (project / "tests").mkdir()
    (project / "tests" / "__init__.py").write_text("")
    (project / "tests" / "test_a.py").write_text("VALUE = 2\n")
    script = project / "setup" / "tool.py"
    script.write_text("VALUE = 1\n")
    command = coka_env.lint_commands([str(project / "setup"), str(project / "tests")])
    environ = dict(os.environ, PYTHONPATH=str(odoo_source))

    def pylint():
        return subprocess.run(
            command["pylint-odoo"],
            cwd=project,
            env=environ,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )

    clean = pylint()
    assert clean.returncode == 0, clean.stdout + clean.stderr
    script.write_text('print("lint me")\n')
    dirty = pylint()
    assert dirty.returncode != 0
    assert "setup/tool.py" in dirty.stdout and "print-used" in dirty.stdout


def _setup_test_module():
    """setup/test.py, loaded from its path (its name would clash with Python's own ``test``)."""
    spec = importlib.util.spec_from_file_location("coka_setup_test", ROOT / "setup" / "test.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize("database", ["coka_test_e2e", "hb_e2e", "fresh_demo"])
def test_log_check_accepts_the_expected_refusals_in_any_database(database, tmp_path):
    steps = _setup_test_module()
    log = tmp_path / "odoo.log"
    expected = "2026-12-02 10:09:55,979 31766 WARNING {db} odoo.http: This call is over. \n"
    unexpected = "2026-12-02 10:09:56,001 31766 WARNING {db} odoo.http: Something else.\n"
    log.write_text(expected.format(db=database) + unexpected.format(db=database))
    bad = steps.bad_log_lines(log, steps.allowed_warnings())
    assert bad == [unexpected.format(db=database).rstrip("\n")]


def test_test_command_stops_clearly_without_chromium(tmp_path):
    """The tours and browser tests cannot run without Chromium: setup/test.sh says so first."""
    result = subprocess.run(
        ["bash", str(ROOT / "setup" / "test.sh"), "--no-lint"],
        cwd=ROOT,
        env={**os.environ, "COKA_CHROMIUM": str(tmp_path / "no-chromium")},
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 1
    assert "Chromium is required" in result.stderr
    assert "apt-get install chromium" in result.stderr


def test_sigterm_to_the_serve_step_stops_odoo_and_the_simulator(tmp_path):
    """setup/run.py stopped by SIGTERM (a service manager, ``kill``) stops Odoo, then the PBX
    simulator: none of its children is left running."""
    script = f"""
import importlib.util, subprocess, sys
sys.path.insert(0, {str(ROOT / "setup")!r})
spec = importlib.util.spec_from_file_location("coka_setup_run", {str(ROOT / "setup" / "run.py")!r})
run = importlib.util.module_from_spec(spec)
spec.loader.exec_module(run)
simulator = subprocess.Popen(["sleep", "60"])
print(simulator.pid, flush=True)
sys.exit(run.serve(["sleep", "60"], simulator))
"""
    serve = subprocess.Popen(
        [sys.executable, "-c", script], stdout=subprocess.PIPE, text=True, cwd=tmp_path
    )
    simulator_pid = int(serve.stdout.readline())
    time.sleep(0.5)  # Odoo (here: sleep) started, the handler installed
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=20) != 0  # Odoo was terminated
    with pytest.raises(ProcessLookupError):
        os.kill(simulator_pid, 0)
