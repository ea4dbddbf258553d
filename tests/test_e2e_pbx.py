"""End-to-end PBX flows (issue 3): the simulator and a real Odoo (--workers=2) over HTTP.

The simulator plays the PBX both ways: it asks Odoo to route and reports signed events,
and it answers Odoo's originate / control / recording requests.
"""

import json
import threading
import time

import pytest

from .odoo_server import RpcError
from .pbx_world import HOTLINE, HOTLINE_E164

CALL_FIELDS = [
    "status",
    "direction",
    "extension_id",
    "user_id",
    "partner_id",
    "customer_number",
    "talk_seconds",
    "ring_seconds",
    "recording_url",
    "recording_attachment_id",
    "hotline_id",
]


def _call(pbx, call_id):
    # A call whose end came first waits in the queue until the job writes it.
    pbx.run_queue()
    rows = pbx.admin.execute(
        "coka.pbx.call", "search_read", [("provider_call_id", "=", call_id)], fields=CALL_FIELDS
    )
    assert len(rows) == 1, rows
    return rows[0]


@pytest.fixture(autouse=True)
def _all_agents_on(pbx):
    for login in pbx.agents:
        pbx.set_status(login, "on")


def test_full_inbound_call_route_ring_answer_end_recording(pbx):
    result = pbx.simulator.inbound_call(HOTLINE, "0912 345 001", talk_seconds=75)
    assert result["route"]["strategy"] == "sequential"
    assert [t["extension"] for t in result["route"]["targets"]] == ["301", "302", "303"]
    assert [status for status, _answer in result["answers"]] == [200, 200, 200, 200]
    call = _call(pbx, result["call_id"])
    assert call["status"] == "answered"
    assert call["extension_id"][1].startswith("301")
    assert call["user_id"][0] == pbx.agents["e2e_agent_1"]["uid"]
    assert call["talk_seconds"] == 75
    assert call["customer_number"] == "+84912345001"
    assert call["recording_url"].endswith(f"/recordings/{result['call_id']}.mp3")
    # PBX-5: the unknown caller became a prospect contact.
    partner = pbx.admin.execute(
        "res.partner", "read", [call["partner_id"][0]], ["mobile", "coka_customer_type"]
    )[0]
    assert (partner["mobile"], partner["coka_customer_type"]) == ("0912 345 001", "prospect")
    # The recording is fetched from the PBX into Odoo.
    call_ids = pbx.admin.execute(
        "coka.pbx.call", "search", [("provider_call_id", "=", result["call_id"])]
    )
    pbx.admin.execute("coka.pbx.call", "action_coka_fetch_recording", call_ids)
    attachment = _call(pbx, result["call_id"])["recording_attachment_id"]
    assert attachment
    data = pbx.admin.execute("ir.attachment", "read", [attachment[0]], ["mimetype", "file_size"])
    assert data[0]["mimetype"] == "audio/mpeg" and data[0]["file_size"] > 100


def test_missed_call_and_off_agent_are_not_rung(pbx):
    pbx.set_status("e2e_agent_1", "off")
    result = pbx.simulator.inbound_call(HOTLINE, "0912 345 002", answer=False)
    assert [t["extension"] for t in result["route"]["targets"]] == ["302", "303"]
    assert _call(pbx, result["call_id"])["status"] == "missed"


def test_outbound_call_started_from_odoo_with_controls_and_note(pbx):
    agent = pbx.agent_session("e2e_agent_2")
    customer = pbx.admin.execute(
        "res.partner", "create", {"name": "Lý Thị Thu", "mobile": "0987 000 321"}
    )
    panel = agent.call("/coka_pbx/call/originate", number="0987000321", partner_id=customer)
    provider_call_id = panel["provider_call_id"]
    sent = [r for r in pbx.simulator.requests if r["path"] == "/calls"][-1]
    assert sent["json"]["extension"] == "302"
    assert sent["json"]["to"] == "+84987000321"
    assert panel["status"] == "ringing" and panel["partner"]["id"] == customer
    panel = agent.call(f"/coka_pbx/call/{panel['id']}/control", action="hold")
    assert panel["held"] and pbx.simulator.calls[provider_call_id]["held"]
    agent.call(f"/coka_pbx/call/{panel['id']}/control", action="dtmf", argument="105#")
    assert pbx.simulator.calls[provider_call_id]["dtmf"] == "105#"
    pbx.simulator.complete_outbound(provider_call_id, "302", "0987000321", HOTLINE_E164)
    call = _call(pbx, provider_call_id)
    assert (call["status"], call["direction"], call["talk_seconds"]) == ("answered", "outbound", 30)
    # A finished call cannot be controlled any more; the error is a clear message.
    with pytest.raises(RpcError) as error:
        agent.call(f"/coka_pbx/call/{panel['id']}/control", action="mute")
    assert error.value.name == "odoo.exceptions.UserError" and "over" in error.value.message
    agent.call(f"/coka_pbx/call/{panel['id']}/note", note="Khách đồng ý demo thứ Ba")
    messages = pbx.admin.execute(
        "mail.message",
        "search_read",
        [("model", "=", "res.partner"), ("res_id", "=", customer)],
        fields=["body"],
    )
    assert any("Khách đồng ý demo thứ Ba" in message["body"] for message in messages)


def test_off_agent_cannot_call(pbx):
    pbx.set_status("e2e_agent_3", "off")
    agent = pbx.agent_session("e2e_agent_3")
    with pytest.raises(RpcError) as error:
        agent.call("/coka_pbx/call/originate", number="0987000321")
    assert error.value.name == "odoo.exceptions.UserError" and "OFF" in error.value.message


def test_provider_fault_is_a_clear_error_and_creates_nothing(pbx):
    agent = pbx.agent_session("e2e_agent_1")
    before = pbx.admin.execute("coka.pbx.call", "search_count", [("direction", "=", "outbound")])
    pbx.simulator.fail_next(status=503)
    with pytest.raises(RpcError) as error:
        agent.call("/coka_pbx/call/originate", number="0987000999")
    assert "HTTP 503" in error.value.message
    after = pbx.admin.execute("coka.pbx.call", "search_count", [("direction", "=", "outbound")])
    assert after == before


def test_duplicated_and_out_of_order_deliveries(pbx):
    sim = pbx.simulator
    base = time.time() - 60

    def stamp(seconds):
        return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(base + seconds))

    common = {
        "direction": "inbound",
        "hotline": HOTLINE_E164,
        "from_": "0912345003",
        "to": HOTLINE_E164,
    }
    status, ended = sim.event(
        "call.ended",
        "ooo-1",
        extension="303",
        status="answered",
        talk_seconds=40,
        timestamp=stamp(50),
        **common,
    )
    assert status == 200
    replay_status, replay = sim.signed_post(sim.last_path, sim.last_body)
    assert (replay_status, replay) == (200, {"ok": True, "duplicate": True})
    sim.event("call.answered", "ooo-1", extension="303", timestamp=stamp(10), **common)
    sim.event("call.ringing", "ooo-1", timestamp=stamp(0), **common)
    call = _call(pbx, "ooo-1")
    assert (call["status"], call["talk_seconds"]) == ("answered", 40)
    assert call["extension_id"][1].startswith("303")


def test_late_ringing_of_another_extension_keeps_the_answering_agent(pbx):
    """ended(302) -> answered(302) -> late ringing(301): answered by 302's agent."""
    steps = [
        ("call.ringing", 0, {"extension": "301"}),
        ("call.answered", 10, {"extension": "302"}),
        ("call.ended", 50, {"extension": "302", "status": "answered", "talk_seconds": 40}),
    ]
    result = pbx.simulator.play_call(
        "late-ring-1", "inbound", HOTLINE_E164, "0912345008", HOTLINE_E164, steps, [2, 1, 0]
    )
    assert [status for status, _answer in result["answers"]] == [200, 200, 200]
    call = _call(pbx, "late-ring-1")
    assert (call["status"], call["talk_seconds"]) == ("answered", 40)
    assert call["extension_id"][0] == pbx.agents["e2e_agent_2"]["extension_id"]
    assert call["user_id"][0] == pbx.agents["e2e_agent_2"]["uid"]


def test_transferred_call_delivered_out_of_order_stays_with_the_transferee(pbx):
    steps = pbx.simulator.transfer_steps("301", "303")
    pbx.simulator.play_call(
        "transfer-1", "inbound", HOTLINE_E164, "0912345009", HOTLINE_E164, steps, [3, 0, 2, 1]
    )
    call = _call(pbx, "transfer-1")
    assert call["status"] == "answered"
    assert call["user_id"][0] == pbx.agents["e2e_agent_3"]["uid"]


def test_parallel_deliveries_of_one_event_create_one_call(pbx):
    sim = pbx.simulator
    sim.event(
        "call.ringing",
        "par-1",
        "inbound",
        HOTLINE_E164,
        "0912345004",
        HOTLINE_E164,
        event_id="par-1-r",
    )
    body, path = json.dumps(sim.last_body).encode(), sim.last_path
    answers = []

    def deliver():
        answers.append(sim.signed_post(path, body))

    threads = [threading.Thread(target=deliver) for _i in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [status for status, _answer in answers] == [200] * 6
    assert all(answer.get("duplicate") for _status, answer in answers)
    # Now a new event of a new call, sent 6 times at once: exactly one applies it.
    sim.event(
        "call.ringing",
        "par-2",
        "inbound",
        HOTLINE_E164,
        "0912345005",
        HOTLINE_E164,
        event_id="par-2-r",
    )
    answers.clear()
    body = json.dumps(sim.last_body).encode()
    body = body.replace(b"par-2-r", b"par-2-x").replace(b"par-2", b"par-3")
    threads = [
        threading.Thread(target=lambda: answers.append(sim.signed_post(path, body)))
        for _i in range(6)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert (
        sorted(bool(answer.get("duplicate")) for _status, answer in answers) == [False] + [True] * 5
    )
    assert (
        pbx.admin.execute("coka.pbx.call", "search_count", [("provider_call_id", "=", "par-3")])
        == 1
    )


def test_signature_is_required_over_http(pbx):
    sim = pbx.simulator
    sim.event("call.ringing", "sig-1", "inbound", HOTLINE_E164, "0912345006", HOTLINE_E164)
    body, path = json.dumps(sim.last_body).encode(), sim.last_path
    assert sim.signed_post(path, body.replace(b"sig-1", b"sig-2"), secret="wrong")[0] == 401
    assert (
        sim.signed_post(path, body.replace(b"sig-1", b"sig-3"), timestamp=int(time.time()) - 600)[0]
        == 401
    )
    assert (
        pbx.admin.execute(
            "coka.pbx.call", "search_count", [("provider_call_id", "in", ["sig-2", "sig-3"])]
        )
        == 0
    )


def test_agent_cannot_read_another_agents_calls(pbx):
    result = pbx.simulator.inbound_call(HOTLINE, "0912 345 007")
    agent_2 = pbx.agent_session("e2e_agent_2")
    own = agent_2.execute("coka.pbx.call", "search_read", [], fields=["user_id"])
    assert all(row["user_id"][0] == pbx.agents["e2e_agent_2"]["uid"] for row in own)
    other_id = pbx.admin.execute(
        "coka.pbx.call", "search", [("provider_call_id", "=", result["call_id"])]
    )[0]
    with pytest.raises(RpcError) as error:
        agent_2.execute("coka.pbx.call", "read", [other_id], ["note"])
    assert error.value.name == "odoo.exceptions.AccessError"
