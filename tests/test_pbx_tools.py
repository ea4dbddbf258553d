"""Pure tests of the PBX rules in coka_pbx/tools (no database): signatures, event parsing and
folding (PBX-6), routing order (PBX-7)."""

import itertools
import json
from datetime import datetime

import pytest

from odoo.addons.coka_pbx.tools import cdr, pbx_client, retry, routing, signature

from . import pbx_simulator
from .odoo_server import ROOT

NOW = 1_800_000_000


def _event(**values):
    body = {
        "event": "call.ringing",
        "event_id": "e-1",
        "call_id": "c-1",
        "direction": "inbound",
        "hotline": "02873001234",
        "from": "0912345678",
        "to": "02873001234",
        "extension": None,
        "timestamp": "2026-11-20T08:00:00Z",
        "status": None,
        "ring_seconds": None,
        "talk_seconds": None,
        "cost": None,
        "recording_url": None,
    }
    body.update(values)
    return cdr.parse_event(json.dumps(body).encode())


class TestSignature:
    def test_a_signed_request_checks_out(self):
        body = b'{"a": 1}'
        header = signature.sign("k", NOW, body)
        assert header.startswith("sha256=") and len(header) == 71
        assert signature.check("k", str(NOW), header, body, NOW + 299) is None

    @pytest.mark.parametrize(
        ("secret", "stamp", "body", "now", "reason"),
        [
            ("other", str(NOW), b"{}", NOW, "bad signature"),
            ("k", str(NOW), b"{ }", NOW, "bad signature"),
            ("k", str(NOW), b"{}", NOW + 301, "stale"),
            ("k", str(NOW), b"{}", NOW - 301, "stale"),
            ("k", "soon", b"{}", NOW, "unix seconds"),
            ("k", "", b"{}", NOW, "missing"),
            ("", str(NOW), b"{}", NOW, "no webhook secret"),
        ],
    )
    def test_refusals_say_why(self, secret, stamp, body, now, reason):
        header = signature.sign("k", NOW, b"{}")
        assert reason in signature.check(secret, stamp, header, body, now)

    def test_non_ascii_signature_is_just_bad(self):
        header = "sha256=é" + "0" * 63
        assert signature.check("k", str(NOW), header, b"{}", NOW) == "bad signature"

    def test_one_signer_for_the_module_the_simulator_and_the_bench(self):
        # The simulator (and the bench, which signs with the simulator's ``sign``) runs the
        # module's own function, loaded from its file, not a copy of it.
        assert pbx_simulator.sign.__code__.co_filename == signature.sign.__code__.co_filename
        assert pbx_simulator.sign.__code__.co_code == signature.sign.__code__.co_code
        odoo_http = (ROOT / "bench" / "odoo_http.py").read_text()
        assert "from tests.pbx_simulator import sign" in odoo_http
        assert "hmac" not in odoo_http and "hmac" not in (ROOT / "bench" / "common.py").read_text()
        header = pbx_simulator.sign("k", NOW, b"{}")
        assert signature.check("k", str(NOW), header, b"{}", NOW) is None


class TestParseEvent:
    def test_valid_event(self):
        event = _event(timestamp="2026-11-20T15:00:00+07:00", cost=1500, talk_seconds=3)
        assert event["timestamp"] == datetime(2026, 11, 20, 8, 0)
        assert (event["cost"], event["talk_seconds"]) == (1500.0, 3)

    @pytest.mark.parametrize(
        ("values", "reason"),
        [
            ({"event": "call.exploded"}, "'event' must be one of"),
            ({"event_id": ""}, "'event_id' must be a non-empty string"),
            ({"call_id": 12}, "'call_id' must be a non-empty string"),
            ({"direction": "sideways"}, "'direction'"),
            ({"timestamp": "20/11/2026"}, "ISO-8601"),
            ({"timestamp": "1900-01-01T00:00:00Z"}, "out of range"),
            ({"talk_seconds": -1}, "talk_seconds"),
            ({"ring_seconds": True}, "ring_seconds"),
            ({"ring_seconds": 1.5}, "ring_seconds"),
            ({"cost": "10"}, "'cost' must be a number"),
            ({"status": "exploded"}, "'status'"),
            ({"call_id": "x" * 200}, "longer than"),
            ({"from": "09\x0012"}, "NUL"),
            ({"hotline": "lone \ud800 surrogate"}, "UTF-8"),
            ({"event": "recording.ready"}, "recording_url"),
            ({"event": "recording.ready", "recording_url": "ftp://x/y"}, "http(s)"),
        ],
    )
    def test_bad_fields_are_named(self, values, reason):
        with pytest.raises(cdr.EventError) as error:
            _event(**values)
        assert reason in str(error.value)
        assert error.value.status == 400

    @pytest.mark.parametrize(
        "raw",
        [b"", b"nul", b"[]", b"42", b'"x"', b"\xff\xfe", b"{" * 10, b"[" * 20000 + b"]" * 20000],
    )
    def test_bodies_that_are_not_objects(self, raw):
        with pytest.raises(cdr.EventError):
            cdr.parse_event(raw)

    def test_route_request(self):
        parsed = cdr.parse_route_request(b'{"call_id": "c", "hotline": "1900 6750", "from": ""}')
        assert parsed == {"call_id": "c", "hotline": "1900 6750", "from": ""}
        with pytest.raises(cdr.EventError):
            cdr.parse_route_request(b'{"call_id": "c"}')


class TestFoldEvent:
    def test_in_order_inbound_call(self):
        state = {"status": None}
        state.update(cdr.fold_event(state, _event()))
        assert state["status"] == "ringing"
        answered = _event(event="call.answered", timestamp="2026-11-20T08:00:05Z")
        state.update(cdr.fold_event(state, answered))
        assert state["status"] == "in_progress"
        ended = _event(event="call.ended", timestamp="2026-11-20T08:01:05Z", talk_seconds=None)
        state.update(cdr.fold_event(state, ended))
        assert (state["status"], state["talk_seconds"]) == ("answered", 60)

    def test_ended_first_is_authoritative(self):
        state = {"status": None}
        ended = _event(
            event="call.ended", timestamp="2026-11-20T08:02:00Z", status="busy", ring_seconds=7
        )
        state.update(cdr.fold_event(state, ended))
        for late in (
            _event(event="call.answered", timestamp="2026-11-20T08:01:00Z"),
            _event(event="call.ringing", timestamp="2026-11-20T08:00:00Z"),
        ):
            state.update(cdr.fold_event(state, late))
        assert state["status"] == "busy"
        assert state["start_date"] == datetime(2026, 11, 20, 8, 0)
        assert state["last_event_date"] == datetime(2026, 11, 20, 8, 2)

    def test_missed_versus_no_answer(self):
        assert cdr.fold_event({"status": None}, _event(event="call.ended"))["status"] == "missed"
        outbound = _event(event="call.ended", direction="outbound")
        assert cdr.fold_event({"status": None}, outbound)["status"] == "no_answer"

    @staticmethod
    def _fold_all(events):
        state = {"status": None}
        for event in events:
            state.update(cdr.fold_event(state, event))
        return state

    RINGING_301 = ("call.ringing", "301", "2026-11-20T08:00:00Z", None)
    ANSWERED_302 = ("call.answered", "302", "2026-11-20T08:00:20Z", None)
    ENDED_302 = ("call.ended", "302", "2026-11-20T08:02:00Z", "answered")

    @pytest.mark.parametrize(
        "order", list(itertools.permutations([RINGING_301, ANSWERED_302, ENDED_302]))
    )
    def test_the_answering_extension_wins_in_every_order(self, order):
        events = [
            _event(event=kind, extension=number, timestamp=at, status=status)
            for kind, number, at, status in order
        ]
        state = self._fold_all(events)
        assert state["extension"] == "302"
        assert state["extension_answered"] is True
        assert (state["status"], state["answer_date"]) == (
            "answered",
            datetime(2026, 11, 20, 8, 0, 20),
        )

    @pytest.mark.parametrize(
        "order",
        list(
            itertools.permutations(
                [
                    ("call.answered", "301", "2026-11-20T08:00:10Z", None),
                    ("call.answered", "302", "2026-11-20T08:01:00Z", None),
                    ("call.ended", "302", "2026-11-20T08:03:00Z", "answered"),
                ]
            )
        ),
    )
    def test_a_transfer_ends_on_the_last_answering_extension(self, order):
        events = [
            _event(event=kind, extension=number, timestamp=at, status=status)
            for kind, number, at, status in order
        ]
        assert self._fold_all(events)["extension"] == "302"

    def test_among_ringing_extensions_the_latest_wins(self):
        first = _event(extension="301", timestamp="2026-11-20T08:00:00Z")
        second = _event(extension="302", timestamp="2026-11-20T08:00:20Z")
        assert self._fold_all([first, second])["extension"] == "302"
        assert self._fold_all([second, first])["extension"] == "302"
        missed = _event(event="call.ended", extension="303", timestamp="2026-11-20T08:00:40Z")
        state = self._fold_all([second, missed, first])
        assert (state["status"], state["extension"]) == ("missed", "303")
        assert state["extension_answered"] is False

    def test_events_without_extension_keep_it(self):
        state = self._fold_all([_event(event="call.answered", extension="302")])
        later = _event(event="call.ended", timestamp="2026-11-20T08:05:00Z", status="answered")
        recording = _event(
            event="recording.ready", extension="301", recording_url="https://pbx/r.mp3"
        )
        assert "extension" not in cdr.fold_event(state, later)
        assert "extension" not in cdr.fold_event(state, recording)

    def test_an_extension_set_in_odoo_is_replaced_by_the_first_event_naming_one(self):
        state = {"status": "ringing", "extension_date": None, "extension_answered": None}
        values = cdr.fold_event(state, _event(extension="302"))
        assert (values["extension"], values["extension_answered"]) == ("302", False)

    def test_customer_number_by_direction(self):
        assert cdr.customer_number(_event()) == "0912345678"
        assert cdr.customer_number(_event(direction="outbound")) == "02873001234"
        assert cdr.customer_number(_event(direction="internal")) == ""


class TestRoutingOrder:
    MEMBERS = [
        {"number": "103", "sequence": 3, "idle_since": None},
        {"number": "101", "sequence": 1, "idle_since": datetime(2026, 1, 1, 10)},
        {"number": "102", "sequence": 2, "idle_since": datetime(2026, 1, 1, 9)},
    ]

    @pytest.mark.parametrize("strategy", ["ring_all", "sequential"])
    def test_group_order(self, strategy):
        assert routing.order_group(self.MEMBERS, strategy) == ["101", "102", "103"]

    def test_round_robin_turns(self):
        turns = [routing.order_group(self.MEMBERS, "round_robin", turn) for turn in range(4)]
        assert [order[0] for order in turns] == ["101", "102", "103", "101"]
        assert turns[1] == ["102", "103", "101"]

    def test_longest_idle(self):
        assert routing.order_group(self.MEMBERS, "longest_idle") == ["103", "102", "101"]
        never = [dict(member, idle_since=False) for member in self.MEMBERS]
        assert routing.order_group(never, "longest_idle") == ["101", "102", "103"]

    def test_sticky_first_without_duplicates(self):
        targets = routing.targets("102", ["101", "102", "103"], 25)
        assert [(t["extension"], t["reason"]) for t in targets] == [
            ("102", "sticky"),
            ("101", "group"),
            ("103", "group"),
        ]
        assert all(t["timeout"] == 25 for t in targets)
        assert routing.targets(None, [], 20) == []


# The provider errors every client shares (PBX, SMS / ZNS, Haravan) ------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("120", 120),
        (" 5 ", 5),
        ("999999", retry.RETRY_AFTER_CAP),
        ("Wed, 21 Oct 2026 07:28:00 GMT", 90),
        ("Wed, 21 Oct 2026 07:26:00 GMT", 0),
        ("soon", None),
        ("", None),
        (None, None),
    ],
)
def test_retry_after_reads_seconds_and_dates(value, expected):
    now = datetime(2026, 10, 21, 7, 26, 30).timestamp() - datetime(1970, 1, 1).timestamp()
    assert retry.retry_after_seconds(value, now=now) == expected


class _Answer:
    def __init__(self, status, headers=None):
        self.status_code = status
        self.headers = headers or {}


@pytest.mark.parametrize(
    ("status", "kind", "retryable"),
    [
        (429, "rate_limited", True),
        (401, "auth", False),
        (403, "auth", False),
        (500, "server_error", True),
        (503, "server_error", True),
        (400, "refused", False),
        (404, "refused", False),
        (422, "refused", False),
    ],
)
def test_http_error_reads_statuses_the_same_for_every_provider(status, kind, retryable):
    error = pbx_client.http_error(_Answer(status, {"Retry-After": "7"}), "why")
    assert (error.kind, error.status, error.retryable) == (kind, status, retryable)
    assert error.retry_after == (7 if status == 429 else None)
    assert error.detail == "why"
    assert pbx_client.http_error(_Answer(429)).detail == "too many requests"
