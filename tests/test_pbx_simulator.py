"""Tests of the PBX simulator itself (SPEC PBX-6, PBX-7, PBX-10): no Odoo needed.

A tiny local HTTP receiver stands in for Odoo: it checks signatures with its own HMAC code,
records what it got and answers like the routing and webhook endpoints do.
"""

import hashlib
import http.client
import json
import threading
import time
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from .pbx_simulator import PbxSimulator

SECRET = "s3cr3t-ký-tự"
API_KEY = "sim-key"
ROUTING_TARGETS = [{"extension": "101", "timeout": 20, "reason": "group"}]


def hmac_sha256_hex(key, message):
    """HMAC-SHA256 written out from RFC 2104, independent of the ``hmac`` module."""
    block = 64
    if len(key) > block:
        key = hashlib.sha256(key).digest()
    key = key.ljust(block, b"\0")
    inner = hashlib.sha256(bytes(byte ^ 0x36 for byte in key) + message).digest()
    return hashlib.sha256(bytes(byte ^ 0x5C for byte in key) + inner).hexdigest()


class FakeOdoo:
    """Records signed POSTs; answers routing with ``targets`` and events with ok."""

    def __init__(self):
        self.received = []
        self.targets = ROUTING_TARGETS
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                raw = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                status, answer = receiver.receive(self.path, self.headers, raw)
                body = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                return

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(
            target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def receive(self, path, headers, raw):
        stamp = headers.get("X-Coka-Timestamp", "")
        expected = "sha256=" + hmac_sha256_hex(SECRET.encode(), stamp.encode() + b"." + raw)
        valid = headers.get("X-Coka-Signature") == expected
        fresh = stamp.isdigit() and abs(time.time() - int(stamp)) <= 300
        self.received.append({"path": path, "raw": raw, "valid": valid, "fresh": fresh})
        if not (valid and fresh):
            return 401, {"ok": False, "error": "bad signature"}
        body = json.loads(raw)
        if path.startswith("/coka_pbx/route/"):
            answer = {"call_id": body["call_id"], "targets": self.targets, "strategy": "ring_all"}
            return 200, answer
        return 200, {"ok": True, "call_id": 1}

    def events(self):
        return [json.loads(item["raw"]) for item in self.received if "/webhook/" in item["path"]]


@pytest.fixture
def odoo():
    receiver = FakeOdoo()
    receiver.thread.start()
    yield receiver
    receiver.server.shutdown()
    receiver.server.server_close()


@pytest.fixture
def sim(odoo):
    with PbxSimulator(odoo.url, "sim", SECRET, api_key=API_KEY) as simulator:
        yield simulator


def call_api(sim, method, path, body=None, key=API_KEY, timeout=10):
    """A request to the provider API as Odoo's adapter would make it: (status, type, bytes)."""
    connection = http.client.HTTPConnection("127.0.0.1", int(sim.url.rsplit(":", 1)[1]), timeout)
    headers = {"Content-Type": "application/json"}
    if key:
        headers["Authorization"] = f"Bearer {key}"
    raw = None if body is None else (body if isinstance(body, bytes) else json.dumps(body).encode())
    try:
        connection.request(method, path, raw, headers)
        response = connection.getresponse()
        return response.status, response.getheader("Content-Type"), response.read()
    finally:
        connection.close()


def call_json(sim, method, path, body=None, **kwargs):
    status, _content_type, raw = call_api(sim, method, path, body, **kwargs)
    return status, json.loads(raw)


def originate(sim, extension="101", to="+84912345678"):
    body = {"extension": extension, "to": to, "hotline": "+842873001234", "reference": "t-1"}
    status, answer = call_json(sim, "POST", "/calls", body)
    assert status == 200
    return answer["call_id"]


def test_independent_hmac_matches_known_vector():
    # RFC 4231 test case 2
    digest = hmac_sha256_hex(b"Jefe", b"what do ya want for nothing?")
    assert digest == "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"


def test_signatures_verify_and_wrong_secret_does_not(sim, odoo):
    status, answer = sim.signed_post("/coka_pbx/webhook/sim", {"event": "call.ringing", "x": "ư"})
    assert (status, answer) == (200, {"ok": True, "call_id": 1})
    raw = b'{"event": "call.ended",  "spacing": "kept as is"}'
    assert sim.signed_post("/coka_pbx/webhook/sim", raw)[0] == 200
    assert odoo.received[1]["raw"] == raw
    assert sim.signed_post("/coka_pbx/webhook/sim", {"a": 1}, secret="wrong") == (
        401,
        {"ok": False, "error": "bad signature"},
    )
    stale = int(time.time()) - 301
    assert sim.signed_post("/coka_pbx/webhook/sim", {"a": 1}, timestamp=stale)[0] == 401
    dropped = sim.signed_post("/coka_pbx/webhook/sim", {"a": 1}, headers={"X-Coka-Signature": None})
    assert dropped[0] == 401
    assert [item["valid"] for item in odoo.received] == [True, True, False, True, False]
    assert odoo.received[3]["fresh"] is False


def test_provider_api_requires_the_bearer_key(sim):
    assert call_json(sim, "POST", "/calls", {"extension": "101", "to": "+1"}, key=None) == (
        401,
        {"error": "bad api key"},
    )
    assert call_json(sim, "POST", "/calls", {"extension": "101", "to": "+1"}, key="nope")[0] == 401
    assert call_api(sim, "GET", "/recordings/x.mp3", key=None)[0] == 401
    assert sim.calls == {}
    assert originate(sim) == "sim-out-1"
    assert [entry["headers"].get("Authorization") for entry in sim.requests] == [
        None,
        "Bearer nope",
        None,
        "Bearer sim-key",
    ]


def test_originate_and_call_control_update_state(sim):
    call_id = originate(sim)
    assert call_id.startswith("sim-out-")
    assert sim.requests[-1]["method"] == "POST"
    assert sim.requests[-1]["path"] == "/calls"
    assert sim.requests[-1]["json"]["reference"] == "t-1"
    assert call_json(sim, "POST", "/calls", {"to": "+84912345678"}) == (
        400,
        {"error": "extension and to are required"},
    )
    assert call_json(sim, "POST", "/calls", {"extension": "101"})[0] == 400
    call = sim.calls[call_id]
    assert (call["extension"], call["to"], call["state"]) == ("101", "+84912345678", "ringing")
    for action in ("hold", "mute"):
        assert call_json(sim, "POST", f"/calls/{call_id}/{action}", {}) == (200, {"ok": True})
    assert (call["held"], call["muted"]) == (True, True)
    assert call_json(sim, "POST", f"/calls/{call_id}/dtmf", {"digits": "12#"})[0] == 200
    assert call_json(sim, "POST", f"/calls/{call_id}/dtmf", {"digits": "*0"})[0] == 200
    assert call_json(sim, "POST", f"/calls/{call_id}/transfer", {"extension": "102"})[0] == 200
    assert call_json(sim, "POST", f"/calls/{call_id}/unhold")[0] == 200
    assert call_json(sim, "POST", f"/calls/{call_id}/unmute")[0] == 200
    assert (call["held"], call["muted"], call["dtmf"]) == (False, False, "12#*0")
    assert call["transferred_to"] == "102"
    assert call_json(sim, "POST", f"/calls/{call_id}/hangup")[0] == 200
    assert call["state"] == "ended"
    assert call_json(sim, "POST", "/calls/nope/hold") == (404, {"error": "unknown call"})
    assert originate(sim) != call_id


@pytest.mark.parametrize("digits", ["12a", "", "1 2", "12\n", 12, None])
def test_bad_dtmf_is_refused(sim, digits):
    call_id = originate(sim)
    status, answer = call_json(sim, "POST", f"/calls/{call_id}/dtmf", {"digits": digits})
    assert status == 400
    assert "error" in answer
    assert sim.calls[call_id]["dtmf"] == ""


def test_recordings_are_fake_mp3(sim):
    call_id = originate(sim)
    for path in (f"/calls/{call_id}/recording", f"/recordings/{call_id}.mp3"):
        status, content_type, raw = call_api(sim, "GET", path)
        assert (status, content_type) == (200, "audio/mpeg")
        assert raw.startswith(b"ID3")
        assert 100 < len(raw) < 1000


def test_fault_injection(sim):
    sim.fail_next(500)
    assert call_api(sim, "POST", "/calls", {"extension": "101", "to": "+1"})[0] == 500
    sim.fail_next(429, count=2)
    assert call_api(sim, "POST", "/calls/x/hold")[0] == 429
    assert call_api(sim, "GET", "/recordings/x.mp3")[0] == 429
    sim.fail_next(200, b"not json")
    assert call_api(sim, "POST", "/calls", {"extension": "101", "to": "+1"})[::2] == (
        200,
        b"not json",
    )
    assert sim.calls == {}
    sim.fail_next(delay=0.2)
    started = time.monotonic()
    assert originate(sim) == "sim-out-1"
    assert time.monotonic() - started >= 0.2
    sim.fail_next(delay=2)
    with pytest.raises(TimeoutError):
        call_api(sim, "POST", "/calls/sim-out-1/hold", timeout=0.5)
    assert call_json(sim, "POST", "/calls/sim-out-1/mute")[0] == 200
    assert len(sim.requests) == 7


def test_event_body_and_replay(sim, odoo):
    moment = datetime(2025, 3, 1, 8, 30, 5)
    status, answer = sim.event(
        "call.ended",
        "c-1",
        "inbound",
        "+842873001234",
        "+84912345678",
        "+842873001234",
        extension="101",
        status="answered",
        ring_seconds=5,
        talk_seconds=60,
        cost=0,
        timestamp=moment,
    )
    assert (status, answer) == (200, {"ok": True, "call_id": 1})
    body = odoo.events()[0]
    assert list(body) == [
        "event",
        "event_id",
        "call_id",
        "direction",
        "hotline",
        "from",
        "to",
        "extension",
        "timestamp",
        "status",
        "ring_seconds",
        "talk_seconds",
        "cost",
        "recording_url",
    ]
    assert body == sim.last_body
    assert body["timestamp"] == "2025-03-01T08:30:05Z"
    assert len(body["event_id"]) == 32
    assert body["recording_url"] is None
    assert sim.signed_post(sim.last_path, sim.last_body)[0] == 200
    assert odoo.events()[1]["event_id"] == body["event_id"]
    sim.event("call.ringing", "c-2", "inbound", "+8428", "+8491", "+8428")
    assert sim.last_body["event_id"] != body["event_id"]
    assert sim.last_body["timestamp"].endswith("Z")


def timestamps(events):
    return [datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00")) for event in events]


def test_inbound_call_answered(sim, odoo):
    result = sim.inbound_call("+842873001234", "+84912345678")
    call_id = result["call_id"]
    assert result["extension"] == "101"
    assert result["route"]["targets"] == ROUTING_TARGETS
    assert result["answers"] == [(200, {"ok": True, "call_id": 1})] * 4
    assert [item["path"] for item in odoo.received] == ["/coka_pbx/route/sim"] + [
        "/coka_pbx/webhook/sim"
    ] * 4
    assert all(item["valid"] and item["fresh"] for item in odoo.received)
    assert json.loads(odoo.received[0]["raw"]) == {
        "call_id": call_id,
        "hotline": "+842873001234",
        "from": "+84912345678",
    }
    events = odoo.events()
    assert events == result["events"]
    assert [event["event"] for event in events] == [
        "call.ringing",
        "call.answered",
        "call.ended",
        "recording.ready",
    ]
    stamps = timestamps(events)
    assert all(
        0 < (later - earlier).total_seconds()
        for earlier, later in zip(stamps, stamps[1:], strict=False)
    )
    assert {event["call_id"] for event in events} == {call_id}
    assert {event["direction"] for event in events} == {"inbound"}
    assert {event["extension"] for event in events} == {"101"}
    ended = events[2]
    assert (ended["status"], ended["ring_seconds"], ended["talk_seconds"]) == ("answered", 5, 42)
    recording_url = events[3]["recording_url"]
    assert recording_url == f"{sim.url}/recordings/{call_id}.mp3"
    status, _content_type, raw = call_api(sim, "GET", recording_url.removeprefix(sim.url))
    assert status == 200 and raw.startswith(b"ID3")
    assert sim.calls[call_id]["state"] == "ended"


def test_inbound_call_missed(sim, odoo):
    result = sim.inbound_call("+842873001234", "0912345678", answer=False, recording=True)
    assert result["extension"] is None
    events = odoo.events()
    assert [event["event"] for event in events] == ["call.ringing", "call.ended"]
    assert (events[1]["status"], events[1]["talk_seconds"]) == ("missed", 0)
    odoo.targets = []
    result = sim.inbound_call("+842873001234", "0912345678")
    assert result["extension"] is None
    assert result["route"]["targets"] == []
    assert [event["event"] for event in result["events"]] == ["call.ringing", "call.ended"]
    assert result["events"][0]["extension"] is None


def test_complete_outbound(sim, odoo):
    call_id = originate(sim, to="+84987654321")
    result = sim.complete_outbound(call_id, "101", "+84987654321", "+842873001234", cost=1200)
    events = result["events"]
    assert [event["event"] for event in events] == ["call.ringing", "call.answered", "call.ended"]
    assert {event["direction"] for event in events} == {"outbound"}
    assert events[2]["status"] == "answered"
    assert (events[2]["talk_seconds"], events[2]["cost"]) == (30, 1200)
    assert events[2]["to"] == "+84987654321"
    stamps = timestamps(events)
    assert stamps[0] < stamps[1] < stamps[2]
    assert sim.calls[call_id]["state"] == "ended"
    result = sim.complete_outbound("other", "102", "+84987654321", "+842873001234", answer=False)
    assert [event["event"] for event in result["events"]] == ["call.ringing", "call.ended"]
    assert result["events"][1]["status"] == "no_answer"
    assert len(odoo.events()) == 5


def test_play_call_sends_each_event_with_its_extension_in_the_chosen_order(sim, odoo):
    steps = [
        ("call.ringing", 0, {"extension": "301"}),
        ("call.answered", 10, {"extension": "302"}),
        ("call.ended", 50, {"extension": "302", "status": "answered", "talk_seconds": 40}),
    ]
    sim._register("late-1", "inbound", "301", "0912345678", "+842873001234", "+842873001234")
    result = sim.play_call(
        "late-1", "inbound", "+842873001234", "0912345678", "+842873001234", steps, [2, 1, 0]
    )
    events = odoo.events()
    assert events == result["events"]
    assert [(event["event"], event["extension"]) for event in events] == [
        ("call.ended", "302"),
        ("call.answered", "302"),
        ("call.ringing", "301"),
    ]
    ended, answered, ringing = timestamps(events)
    assert (ended - ringing).total_seconds() == 50
    assert (answered - ringing).total_seconds() == 10
    assert result["answers"] == [(200, {"ok": True, "call_id": 1})] * 3
    # The PBX's own view is the latest event by time, not the last one sent.
    assert sim.calls["late-1"]["state"] == "ended"
    with pytest.raises(ValueError):
        sim.play_call("late-2", "inbound", "+84", "09", "+84", steps, [0, 0, 1])


def test_transfer_steps_hand_the_call_to_the_second_extension():
    steps = PbxSimulator.transfer_steps("301", "302", ring_seconds=5, first_talk=20)
    assert [(name, offset, fields["extension"]) for name, offset, fields in steps] == [
        ("call.ringing", 0, "301"),
        ("call.answered", 5, "301"),
        ("call.answered", 25, "302"),
        ("call.ended", 65, "302"),
    ]
    assert steps[-1][2]["talk_seconds"] == 60
