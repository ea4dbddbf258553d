"""Shared fixtures of the top-level test suite."""

import os

import pytest

from .odoo_server import ROOT, OdooServer
from .pbx_world import PbxWorld


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


@pytest.fixture(scope="session")
def e2e_server():
    """A real Odoo with ``--workers=2`` on a copy of the test database (no demo data)."""
    server = OdooServer(_config(), os.environ.get("COKA_TEST_E2E_DB", "coka_test_e2e"), name="e2e")
    server.start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def pbx(e2e_server):
    """A PBX simulator wired to the e2e server: provider, hotline, three agents (PBX-10)."""
    world = PbxWorld(e2e_server)
    world.setup()
    yield world
    world.simulator.stop()
