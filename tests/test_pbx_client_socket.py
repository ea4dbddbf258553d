"""The generic PBX client against the PBX simulator over real sockets (SPEC PBX-10, REL-3).

No Odoo server: the simulator plays only its provider side (the HTTP API Odoo calls), with
bearer authentication, per-call state and fault injection. Every provider fault must become a
``ProviderError`` whose ``kind`` the provider model turns into a clear message.
"""

import socket
import time
from unittest import mock

import pytest

from odoo.addons.coka_pbx.tools.pbx_client import GenericPbxClient, ProviderError

from .pbx_simulator import PbxSimulator, recording_bytes

API_KEY = "k"
HOTLINE = "028 7300 5555"


@pytest.fixture
def simulator():
    # The Odoo URL is never used here: only the provider API of the simulator is exercised.
    sim = PbxSimulator("http://127.0.0.1:9", "sim", "secret", api_key=API_KEY)
    sim.start()
    yield sim
    sim.stop()


@pytest.fixture
def client(simulator):
    return GenericPbxClient(simulator.url, API_KEY)


@pytest.fixture
def call_id(client):
    """A call the simulator knows, originated through the client."""
    return client.originate("101", "0912345678", hotline=HOTLINE, reference="ref-1")


def closed_port():
    """A local port nobody listens on: bound, read, then released."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def provider_error(call):
    with pytest.raises(ProviderError) as error:
        call()
    return error.value


# -- the happy path ---------------------------------------------------------------------------


def test_originate_returns_the_call_id_and_sends_key_and_body(simulator, client):
    call_id = client.originate("101", "0912345678", hotline=HOTLINE, reference="lead-7")

    assert call_id.startswith("sim-out-")
    assert call_id in simulator.calls
    [request] = simulator.requests
    assert request["method"] == "POST"
    assert request["path"] == "/calls"
    assert request["headers"]["Authorization"] == f"Bearer {API_KEY}"
    assert request["json"] == {
        "extension": "101",
        "to": "0912345678",
        "hotline": HOTLINE,
        "reference": "lead-7",
    }
    call = simulator.calls[call_id]
    assert (call["direction"], call["extension"], call["to"], call["state"]) == (
        "outbound",
        "101",
        "0912345678",
        "ringing",
    )
    assert call["reference"] == "lead-7"


def test_call_controls_reach_the_simulator_and_change_its_state(simulator, client, call_id):
    call = simulator.calls[call_id]

    assert client.hold(call_id) == {"ok": True}
    assert call["held"] is True
    client.unhold(call_id)
    assert call["held"] is False
    client.mute(call_id)
    assert call["muted"] is True
    client.unmute(call_id)
    assert call["muted"] is False
    client.transfer(call_id, "102")
    assert call["transferred_to"] == "102"
    client.send_dtmf(call_id, "12*#")
    client.send_dtmf(call_id, "0")
    assert call["dtmf"] == "12*#0"
    client.hangup(call_id)
    assert call["state"] == "ended"

    actions = [request["path"] for request in simulator.requests[1:]]
    assert actions == [
        f"/calls/{call_id}/{action}"
        for action in (
            "hold",
            "unhold",
            "mute",
            "unmute",
            "transfer",
            "dtmf",
            "dtmf",
            "hangup",
        )
    ]
    assert all(r["headers"]["Authorization"] == f"Bearer {API_KEY}" for r in simulator.requests)
    assert simulator.requests[5]["json"] == {"extension": "102"}
    assert simulator.requests[6]["json"] == {"digits": "12*#"}


def test_fetch_recording_returns_the_mp3_bytes(simulator, client, call_id):
    data = client.fetch_recording(call_id)

    assert isinstance(data, bytes)
    assert data.startswith(b"ID3")
    assert data == recording_bytes(call_id)
    assert simulator.requests[-1]["method"] == "GET"
    assert simulator.requests[-1]["path"] == f"/calls/{call_id}/recording"


def test_control_of_an_unknown_call_is_refused_with_the_reason(client):
    error = provider_error(lambda: client.hold("no-such-call"))
    assert (error.kind, error.status, error.detail) == ("refused", 404, "unknown call")
    assert not error.retryable


# -- provider faults (REL-3) ------------------------------------------------------------------


def test_wrong_api_key_is_an_auth_error(simulator):
    client = GenericPbxClient(simulator.url, "not-the-key")

    error = provider_error(lambda: client.originate("101", "0912345678"))

    assert (error.kind, error.status, error.retryable) == ("auth", 401, False)
    assert simulator.requests[-1]["headers"]["Authorization"] == "Bearer not-the-key"
    assert simulator.calls == {}


def test_forbidden_is_an_auth_error(simulator, client):
    simulator.fail_next(403)
    error = provider_error(lambda: client.originate("101", "0912345678"))
    assert (error.kind, error.status) == ("auth", 403)


@pytest.mark.parametrize("status", [500, 502, 503])
def test_server_error_is_retryable(simulator, client, status):
    simulator.fail_next(status)

    error = provider_error(lambda: client.originate("101", "0912345678"))

    assert (error.kind, error.status, error.retryable) == ("server_error", status, True)
    # The fault was one-shot: the next request goes through and nothing was lost.
    assert client.originate("101", "0912345678") in simulator.calls


def test_too_many_requests_is_rate_limited(simulator, client, call_id):
    simulator.fail_next(429)

    error = provider_error(lambda: client.mute(call_id))

    assert (error.kind, error.status, error.retryable) == ("rate_limited", 429, True)
    assert simulator.calls[call_id]["muted"] is False


def test_an_answer_that_is_not_json(simulator, client):
    simulator.fail_next(200, b"not json")
    error = provider_error(lambda: client.originate("101", "0912345678"))
    assert error.kind == "not_json"
    assert not error.retryable


def test_a_json_answer_that_is_not_an_object(simulator, client):
    simulator.fail_next(200, [1, 2, 3])
    error = provider_error(lambda: client.originate("101", "0912345678"))
    assert error.kind == "unexpected"


def test_refusal_carries_the_provider_reason(simulator, client):
    simulator.fail_next(400, {"error": "bad extension"})

    error = provider_error(lambda: client.originate("999", "0912345678"))

    assert (error.kind, error.status, error.detail) == ("refused", 400, "bad extension")
    assert not error.retryable
    assert "bad extension" in str(error)


def test_refusal_detail_is_bounded(simulator, client):
    simulator.fail_next(422, {"error": "x" * 5000})
    error = provider_error(lambda: client.originate("101", "0912345678"))
    assert (error.kind, error.status) == ("refused", 422)
    assert error.detail == "x" * 200


def test_refusal_without_a_json_body(simulator, client):
    simulator.fail_next(400, b"<html>Bad Request</html>")
    error = provider_error(lambda: client.originate("101", "0912345678"))
    assert (error.kind, error.status, error.detail) == ("refused", 400, "")


def test_the_simulator_refuses_a_missing_extension(client):
    error = provider_error(lambda: client.originate("", "0912345678"))
    assert (error.kind, error.status) == ("refused", 400)
    assert error.detail == "extension and to are required"


def test_a_slow_provider_times_out_quickly(simulator, client):
    client.timeout = (1, 1)
    simulator.fail_next(delay=2)
    started = time.monotonic()

    error = provider_error(lambda: client.originate("101", "0912345678"))

    assert (error.kind, error.retryable) == ("timeout", True)
    assert time.monotonic() - started < 5


def test_a_closed_port_is_unreachable():
    client = GenericPbxClient(f"http://127.0.0.1:{closed_port()}", API_KEY)
    client.timeout = (2, 2)
    started = time.monotonic()

    error = provider_error(lambda: client.originate("101", "0912345678"))

    assert (error.kind, error.retryable) == ("unreachable", True)
    assert time.monotonic() - started < 5


def test_no_url_is_refused_before_any_request():
    error = provider_error(lambda: GenericPbxClient("", API_KEY))
    assert error.kind == "no_url"


@pytest.mark.parametrize("digits", ["12a", "", None, "1 2", "#" * 33, "٣"])
def test_bad_dtmf_is_refused_without_a_request(simulator, client, call_id, digits):
    sent = len(simulator.requests)

    error = provider_error(lambda: client.send_dtmf(call_id, digits))

    assert error.kind == "bad_dtmf"
    assert len(simulator.requests) == sent
    assert simulator.calls[call_id]["dtmf"] == ""


# -- the transport method alone ---------------------------------------------------------------


@pytest.mark.parametrize(
    "answer",
    [{}, {"call_id": None}, {"call_id": ""}, {"call_id": ["sim-1"]}, {"id": "sim-1"}],
)
def test_originate_without_a_call_id(answer):
    client = GenericPbxClient("http://pbx.invalid", API_KEY)
    with mock.patch.object(GenericPbxClient, "_request", return_value=answer) as request:
        error = provider_error(lambda: client.originate("101", "0912345678"))
    assert error.kind == "no_call_id"
    request.assert_called_once_with(
        "POST",
        "/calls",
        {"extension": "101", "to": "0912345678", "hotline": None, "reference": None},
    )


def test_originate_accepts_a_numeric_call_id():
    client = GenericPbxClient("http://pbx.invalid", API_KEY)
    with mock.patch.object(GenericPbxClient, "_request", return_value={"call_id": 4711}):
        assert client.originate("101", "0912345678") == "4711"
