"""The README commands refuse clearly when there is no Odoo (SPEC RUN-2, RUN-4)."""

import os
import subprocess

import pytest

from .odoo_server import ROOT


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
