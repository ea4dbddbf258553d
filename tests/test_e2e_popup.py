"""End-to-end: the incoming call popup as production serves it (issue 10.4, 10.7).

A real Odoo with ``--workers=2`` on the demo database, behind the small proxy of
tests/ws_proxy.py (``/websocket`` to the gevent port, the rest to the HTTP port), like nginx in
production. Two headless Chromium browsers: Hoa (extension 101) and Hùng (102). A signed
``call.ringing`` for 101 from a demo contact's number makes ``.o_coka_incoming_call`` with the
contact's name appear in Hoa's tab within 2 seconds, and not in Hùng's.
"""

import json
import time

import pytest

# setup/ (a folder of scripts) is on sys.path: tests/odoo_server.py, loaded by conftest.py.
from browser import Browser, ChromiumMissing, find_chromium
from pbx_sim import DEMO

from .pbx_simulator import DemoControl, PbxSimulator
from .ws_proxy import WsProxy

CALLER = "0912345678"  # the demo contact Nguyễn Văn An's mobile
NAME = "Nguyễn Văn An"
POPUP = ".o_coka_incoming_call"


def _popup_with(name):
    return (
        f"[...document.querySelectorAll({json.dumps(POPUP)})]"
        f".some(e => e.innerText.includes({json.dumps(name)}))"
    )


@pytest.fixture(scope="module")
def chromium():
    try:
        return find_chromium()
    except ChromiumMissing as error:
        pytest.fail(str(error))


@pytest.fixture(scope="module")
def proxy(demo_server):
    with WsProxy(demo_server.port, demo_server.gevent_port) as proxy:
        yield proxy


def test_proxy_sends_websocket_to_the_gevent_port(proxy, demo_server):
    assert proxy.upstream("/websocket") == ("websocket", demo_server.gevent_port)
    assert proxy.upstream("/websocket?version=18.0-1") == ("websocket", demo_server.gevent_port)
    assert proxy.upstream("/web/login") == ("http", demo_server.port)
    assert proxy.upstream("/websocketx") == ("http", demo_server.port)


def test_ringing_pops_up_in_the_agents_tab_only(chromium, demo_server, proxy):
    simulator = PbxSimulator(proxy.url, DEMO["provider"], DEMO["secret"])
    demo = DemoControl(simulator, DEMO["hotline"])
    with Browser() as hoa, Browser() as hung:
        hoa.login(proxy.url, "hoa", "hoa")
        hung.login(proxy.url, "hung", "hung")
        # Both web clients reach the bus through the proxy's /websocket route only.
        assert proxy.routes["websocket"] >= 2, proxy.routes
        assert not hoa.evaluate(f"!!document.querySelector({json.dumps(POPUP)})")
        started = time.monotonic()
        status, answer = demo.ring("101", CALLER)
        assert status == 200, answer
        try:
            hoa.wait_for(_popup_with(NAME), timeout=2.0)
            elapsed = time.monotonic() - started
            assert elapsed <= 2.0, f"the popup took {elapsed:.2f}s"
            time.sleep(1.0)  # what could reach Hùng has had the time to
            assert hung.evaluate(f"document.querySelectorAll({json.dumps(POPUP)}).length") == 0
            assert hoa.evaluate(f"document.querySelectorAll({json.dumps(POPUP)}).length") >= 1
        finally:
            demo.end(simulator.calls[answer["call_id"]])  # missed: the demo stays tidy
