"""Shared fixtures of the top-level test suite."""

import os

import pytest

from .odoo_server import ROOT, OdooServer


def _config():
    path = os.environ.get("COKA_ODOO_CONFIG", str(ROOT / ".local" / "test" / "odoo.conf"))
    if not os.path.exists(path):
        pytest.fail(f"No Odoo test configuration at {path}: run setup/test.sh")
    return path


@pytest.fixture(scope="session")
def demo_server():
    """A real Odoo with ``--workers=2`` serving the demo database built by setup/test.py."""
    server = OdooServer(
        _config(), os.environ.get("COKA_TEST_DEMO_DB", "coka_test_demo"), name="demo"
    )
    server.start()
    yield server
    server.stop()
