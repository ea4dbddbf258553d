"""The demo works for real (issue 10.6): the PBX simulator that README command 1 starts plays
the demo provider, and setup/ring.sh makes it ring an agent, answer and end, against a real
Odoo with --workers=2 on the demo database."""

import json
import os
import subprocess
import sys
import time
import urllib.request

import pytest

from .odoo_server import ROOT, coka_env

CALLER = "0912345678"  # Nguyễn Văn An's mobile in the demo data


def _call(admin, provider_call_id):
    calls = admin.execute(
        "coka.pbx.call",
        "search_read",
        [("provider_call_id", "=", provider_call_id)],
        fields=["status", "direction", "user_id", "partner_id", "extension_id"],
    )
    assert len(calls) == 1, calls
    return calls[0]


@pytest.fixture
def demo_simulator(demo_server):
    """setup/pbx_sim.py as setup/run.py starts it, on a free port, speaking to the demo server;
    the demo provider's URL points at it for the test (then back to the demo's 8899)."""
    port = coka_env.free_port()
    process = subprocess.Popen(
        [sys.executable, str(ROOT / "setup" / "pbx_sim.py"), "--odoo", demo_server.url]
        + ["--port", str(port)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert "PBX simulator of the demo" in process.stdout.readline()
    admin = demo_server.session()
    admin.authenticate("admin", "admin")
    provider = admin.execute("coka.pbx.provider", "search_read", [("code", "=", "demo")])
    assert [p["api_url"] for p in provider] == ["http://127.0.0.1:8899"], "the demo's URL"
    admin.execute(
        "coka.pbx.provider", "write", [provider[0]["id"]], {"api_url": f"http://127.0.0.1:{port}"}
    )
    try:
        yield f"http://127.0.0.1:{port}", admin
    finally:
        admin.execute(
            "coka.pbx.provider", "write", [provider[0]["id"]], {"api_url": provider[0]["api_url"]}
        )
        process.terminate()
        process.wait(timeout=10)


def _ring(sim_url, *args):
    result = subprocess.run(
        ["bash", str(ROOT / "setup" / "ring.sh"), *args],
        env={**os.environ, "COKA_PBX_SIM_URL": sim_url, "COKA_PYTHON": sys.executable},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return result.returncode, result.stdout, result.stderr


def test_ring_sh_rings_hoa_then_answers_and_ends(demo_simulator):
    sim_url, admin = demo_simulator
    code, out, err = _ring(sim_url, "101", CALLER)
    assert code == 0, (out, err)
    answer = json.loads(out)
    assert answer["odoo_status"] == 200, answer
    call = _call(admin, answer["call_id"])
    assert call["status"] == "ringing" and call["direction"] == "inbound"
    assert call["user_id"][1] == "Nguyễn Thị Hoa"
    assert call["partner_id"][1].endswith("Nguyễn Văn An")
    code, out, err = _ring(sim_url, "answer")
    assert code == 0, (out, err)
    assert _call(admin, answer["call_id"])["status"] == "in_progress"
    time.sleep(1)
    code, out, err = _ring(sim_url, "end", answer["call_id"])
    assert code == 0, (out, err)
    assert _call(admin, answer["call_id"])["status"] == "answered"
    # Nothing is left to end.
    code, out, _err = _ring(sim_url, "end")
    assert code == 1 and "no such call" in out


def test_click_to_call_originates_on_the_simulator(demo_simulator, demo_server):
    sim_url, admin = demo_simulator
    hoa = demo_server.session()
    hoa.authenticate("hoa", "hoa")
    panel = hoa.call("/coka_pbx/call/originate", number=CALLER)
    with urllib.request.urlopen(f"{sim_url}/sim/calls", timeout=10) as answer:
        calls = json.loads(answer.read())["calls"]
    originated = [c for c in calls if c["direction"] == "outbound"]
    assert [(c["extension"], c["to"]) for c in originated] == [("101", "+84912345678")]
    provider_call_id = originated[0]["call_id"]
    record = _call(admin, provider_call_id)
    assert record["id"] == panel["id"] and record["direction"] == "outbound"
    # The customer picks up, then hangs up: the simulator drives Odoo's record.
    assert _ring(sim_url, "answer")[0] == 0
    assert _call(admin, provider_call_id)["status"] == "in_progress"
    assert _ring(sim_url, "end")[0] == 0
    assert _call(admin, provider_call_id)["status"] == "answered"


def test_ring_sh_without_simulator_says_so():
    code, _out, err = _ring(f"http://127.0.0.1:{coka_env.free_port()}", "101", CALLER)
    assert code == 1
    assert "no PBX simulator" in err and "setup/run.sh" in err


def test_demo_call_ids_differ_across_simulator_restarts():
    """The demo database outlives the simulator: a restarted one must not reuse a call id
    (Odoo would take its call.ringing for an event of the previous run's ended call)."""
    from .pbx_simulator import DemoControl, PbxSimulator

    first, second = (PbxSimulator("http://127.0.0.1:1", "demo", "s") for _ in range(2))
    DemoControl(first, "028 7300 1234")
    DemoControl(second, "028 7300 1234")
    assert first._new_id("in") != second._new_id("in")
    assert PbxSimulator("http://127.0.0.1:1", "demo", "s")._new_id("out") == "sim-out-1"
