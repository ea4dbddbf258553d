"""A cloud PBX simulator for the end-to-end tests and the demo (SPEC PBX-6, PBX-7, PBX-10).

Standard library only, and the module's own signer: ``coka_pbx/tools/signature.py`` (standard
library too) loaded from its file, so that the simulator, the end-to-end tests and the
benchmarks sign as Odoo checks, without Odoo. It plays both sides of a PBX on 127.0.0.1:

* the provider's generic HTTP API that Odoo calls (originate, call control, recordings), with
  bearer authentication, per-call state, a request log and fault injection;
* the PBX calling Odoo: signed routing requests (PBX-7) and call event webhooks (PBX-6).
"""

import hashlib
import http.client
import importlib.util
import itertools
import json
import logging
import re
import threading
import time
import uuid
from datetime import UTC, datetime, timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote, urlsplit

_logger = logging.getLogger(__name__)

EVENT_KEYS = (
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
)
DTMF_RE = re.compile(r"[0-9*#]+")
CONTROL_RE = re.compile(r"/calls/([^/]+)/(hangup|hold|unhold|mute|unmute|transfer|dtmf)")
RECORDING_RE = re.compile(r"/calls/([^/]+)/recording|/recordings/([^/]+)\.mp3")
CONTROL_STATE = {
    "hangup": {"state": "ended"},
    "hold": {"held": True},
    "unhold": {"held": False},
    "mute": {"muted": True},
    "unmute": {"muted": False},
}
EVENT_STATE = {"call.ringing": "ringing", "call.answered": "in_progress", "call.ended": "ended"}
_INVALID = object()  # marks a request body that is not JSON
DEMO_PREFIX = "/sim/"  # the control routes of setup/ring.sh, served only in demo mode


def _load_signature():
    """``coka_pbx/tools/signature.py``, the one HMAC signer of the suite (SPEC PBX-6)."""
    path = Path(__file__).resolve().parent.parent / "coka_pbx" / "tools" / "signature.py"
    spec = importlib.util.spec_from_file_location("coka_pbx_tools_signature", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


signature = _load_signature()
sign = signature.sign


def iso_utc(moment):
    """ISO-8601 UTC form with a ``Z`` of a datetime (a naive one is taken as UTC)."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def recording_bytes(call_id):
    """The fake MP3 served as the recording of ``call_id``: an ID3 header, then filler."""
    filler = hashlib.sha256(str(call_id).encode("utf-8")).digest() * 12
    return b"ID3\x04\x00\x00\x00\x00\x00\x00\xff\xfb\x90\x64" + filler


def _loads(raw):
    """Parsed JSON of a request body, None when empty, ``_INVALID`` when not JSON."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return _INVALID


def _parse_answer(data):
    """Parsed JSON of an answer, else its text."""
    try:
        return json.loads(data)
    except ValueError:
        return data.decode("utf-8", "replace")


def _filled(value):
    return isinstance(value, str | int) and not isinstance(value, bool) and str(value).strip()


def _first_target(status, routing):
    """Extension of the first target of a routing answer, or None."""
    if status != 200 or not isinstance(routing, dict):
        return None
    targets = routing.get("targets")
    if not isinstance(targets, list) or not targets or not isinstance(targets[0], dict):
        return None
    extension = targets[0].get("extension")
    return str(extension) if extension else None


class _Handler(BaseHTTPRequestHandler):
    """Hands every request of the provider API to the simulator."""

    server_version = "CokaPbxSimulator/1.0"

    def do_GET(self):
        self.server.simulator._handle(self)

    do_POST = do_GET

    def log_message(self, format, *args):
        _logger.debug("pbx simulator: " + format, *args)


class PbxSimulator:
    """A cloud PBX on 127.0.0.1: provider API for Odoo, signed webhooks towards Odoo."""

    timeout = 30

    def __init__(self, odoo_url, provider_code, secret, api_key="sim-key"):
        self.odoo_url = odoo_url.rstrip("/")
        self.provider_code = provider_code
        self.secret = secret
        self.api_key = api_key
        self.url = None
        self.calls = {}
        self.requests = []
        self.last_body = None
        self.last_path = None
        self._faults = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._server = None
        self._thread = None
        self.demo = None  # a DemoControl when the simulator plays the demo (setup/pbx_sim.py)
        self.id_prefix = "sim"  # of the provider call ids: sim-in-1, sim-out-2...

    # -- lifecycle -------------------------------------------------------------------------

    def start(self, port=0):
        """Serve the provider API on ``port`` (0: a free one); returns self."""
        self._server = ThreadingHTTPServer(("127.0.0.1", port), _Handler)
        self._server.daemon_threads = True
        self._server.simulator = self
        self.url = f"http://127.0.0.1:{self._server.server_address[1]}"
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="pbx-simulator",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self):
        """Stop serving."""
        if self._server is None:
            return
        self._server.shutdown()
        self._server.server_close()
        self._thread.join(timeout=5)
        self._server = self._thread = None

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc_info):
        self.stop()

    def reset(self):
        """Forget calls, logged requests and pending faults."""
        with self._lock:
            self.calls.clear()
            self.requests.clear()
            self._faults.clear()

    def fail_next(self, status=None, body=None, delay=None, count=1):
        """Make the next ``count`` requests sleep ``delay`` s, then answer ``status``/``body``.

        ``body`` is sent raw (bytes, str, or a dict as JSON); with ``status`` None the request
        is answered normally after the delay.
        """
        if status is None and not delay:
            raise ValueError("fail_next needs a status or a delay")
        if isinstance(body, dict | list):
            body = json.dumps(body).encode("utf-8")
        elif isinstance(body, str):
            body = body.encode("utf-8")
        elif body is None and status is not None:
            body = json.dumps({"error": f"injected failure {status}"}).encode("utf-8")
        with self._lock:
            self._faults.extend([{"status": status, "body": body, "delay": delay}] * count)

    def _new_id(self, kind):
        with self._lock:
            return f"{self.id_prefix}-{kind}-{next(self._ids)}"

    def _register(self, call_id, direction, extension, from_, to, hotline, reference=None):
        with self._lock:
            self.calls[call_id] = {
                "call_id": call_id,
                "direction": direction,
                "state": "ringing",
                "held": False,
                "muted": False,
                "dtmf": "",
                "transferred_to": None,
                "extension": extension,
                "from": from_,
                "to": to,
                "hotline": hotline,
                "reference": reference,
            }

    # -- provider side: the generic HTTP API Odoo calls --------------------------------------

    def _handle(self, handler):
        length = int(handler.headers.get("Content-Length") or 0)
        raw = handler.rfile.read(length) if length else b""
        data = _loads(raw)
        if self.demo is not None and urlsplit(handler.path).path.startswith(DEMO_PREFIX):
            self._send(handler, *self.demo.handle(handler.command, handler.path, data))
            return
        entry = {
            "method": handler.command,
            "path": handler.path,
            "json": None if data is _INVALID else data,
            "headers": dict(handler.headers.items()),
            "body": raw,
        }
        with self._lock:
            self.requests.append(entry)
            fault = self._faults.pop(0) if self._faults else None
        if fault and fault["delay"]:
            time.sleep(fault["delay"])
        if fault and fault["status"] is not None:
            self._send(handler, fault["status"], fault["body"], "application/json")
            return
        if handler.headers.get("Authorization") != f"Bearer {self.api_key}":
            self._send(handler, 401, {"error": "bad api key"})
            return
        status, payload = self._dispatch(handler.command, urlsplit(handler.path).path, data)
        self._send(handler, status, payload)

    def _dispatch(self, method, path, data):
        if method == "GET":
            match = RECORDING_RE.fullmatch(path)
            if match:
                return 200, recording_bytes(unquote(match.group(1) or match.group(2)))
            return 404, {"error": "not found"}
        if data is _INVALID or (data is not None and not isinstance(data, dict)):
            return 400, {"error": "the body must be a JSON object"}
        data = data or {}
        if path == "/calls":
            return self._originate(data)
        match = CONTROL_RE.fullmatch(path)
        if match:
            return self._control(unquote(match.group(1)), match.group(2), data)
        return 404, {"error": "not found"}

    def _originate(self, data):
        extension, to = data.get("extension"), data.get("to")
        if not _filled(extension) or not _filled(to):
            return 400, {"error": "extension and to are required"}
        call_id = self._new_id("out")
        hotline = data.get("hotline")
        reference = data.get("reference")
        self._register(call_id, "outbound", str(extension), hotline, str(to), hotline, reference)
        return 200, {"call_id": call_id}

    def _control(self, call_id, action, data):
        with self._lock:
            call = self.calls.get(call_id)
            if call is None:
                return 404, {"error": "unknown call"}
            if action == "dtmf":
                digits = data.get("digits")
                if not isinstance(digits, str) or not DTMF_RE.fullmatch(digits):
                    return 400, {"error": "digits must be made of 0-9, * and #"}
                call["dtmf"] += digits
            elif action == "transfer":
                extension = data.get("extension")
                if not _filled(extension):
                    return 400, {"error": "extension is required"}
                call["transferred_to"] = str(extension)
            else:
                call.update(CONTROL_STATE[action])
        return 200, {"ok": True}

    @staticmethod
    def _send(handler, status, payload, content_type=None):
        if isinstance(payload, bytes):
            body, content_type = payload, content_type or "audio/mpeg"
        else:
            body, content_type = json.dumps(payload).encode("utf-8"), "application/json"
        try:
            handler.send_response(status)
            handler.send_header("Content-Type", content_type)
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError) as error:
            _logger.debug("pbx simulator: client went away: %s", error)

    # -- Odoo side: the PBX calling Odoo -------------------------------------------------------

    def signed_post(self, path, body, timestamp=None, secret=None, headers=None):
        """POST a signed body to Odoo; returns (status, parsed JSON or text).

        ``body`` is a dict (sent as JSON) or raw bytes; ``timestamp`` and ``secret`` override
        the signing ones; ``headers`` are added, a None value removes that header.
        """
        raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        if not isinstance(timestamp, str):
            timestamp = str(int(time.time() if timestamp is None else timestamp))
        sent = {
            "Content-Type": "application/json",
            "X-Coka-Timestamp": timestamp,
            "X-Coka-Signature": sign(self.secret if secret is None else secret, timestamp, raw),
        }
        for name, value in (headers or {}).items():
            if value is None:
                sent.pop(name, None)
            else:
                sent[name] = value
        target = urlsplit(self.odoo_url)
        connection_class = (
            http.client.HTTPSConnection if target.scheme == "https" else http.client.HTTPConnection
        )
        connection = connection_class(target.hostname, target.port, timeout=self.timeout)
        try:
            connection.request("POST", target.path + path, raw, sent)
            response = connection.getresponse()
            status, data = response.status, response.read()
        finally:
            connection.close()
        return status, _parse_answer(data)

    def route(self, hotline, caller, call_id=None):
        """Ask Odoo whom to ring (PBX-7); returns (status, answer)."""
        body = {"call_id": call_id or self._new_id("in"), "hotline": hotline, "from": caller}
        return self.signed_post(f"/coka_pbx/route/{self.provider_code}", body)

    def event(
        self,
        event,
        call_id,
        direction,
        hotline,
        from_,
        to,
        extension=None,
        status=None,
        ring_seconds=None,
        talk_seconds=None,
        cost=None,
        recording_url=None,
        timestamp=None,
        event_id=None,
    ):
        """Send one call event webhook (PBX-6); returns (status, answer).

        ``timestamp`` is a datetime or a ready string (default now); the body sent is kept in
        ``last_body`` (and its path in ``last_path``) for replays.
        """
        moment = datetime.now(UTC) if timestamp is None else timestamp
        values = {
            "event": event,
            "event_id": event_id or uuid.uuid4().hex,
            "call_id": call_id,
            "direction": direction,
            "hotline": hotline,
            "from": from_,
            "to": to,
            "extension": extension,
            "timestamp": moment if isinstance(moment, str) else iso_utc(moment),
            "status": status,
            "ring_seconds": ring_seconds,
            "talk_seconds": talk_seconds,
            "cost": cost,
            "recording_url": recording_url,
        }
        body = {key: values[key] for key in EVENT_KEYS}
        path = f"/coka_pbx/webhook/{self.provider_code}"
        self.last_body, self.last_path = body, path
        return self.signed_post(path, body)

    def _play(self, call, steps, order=None):
        """Send ``steps`` (event, offset seconds, fields), the latest one stamped now, in the
        order of the indexes ``order`` (default: as listed); each keeps its own timestamp."""
        latest = max(offset for _name, offset, _fields in steps)
        start = datetime.now(UTC).replace(microsecond=0) - timedelta(seconds=latest)
        order = range(len(steps)) if order is None else order
        if sorted(order) != list(range(len(steps))):
            raise ValueError("order must name every step once")
        answers, bodies, applied = [], [], None
        for index in order:
            name, offset, fields = steps[index]
            answer = self.event(name, timestamp=start + timedelta(seconds=offset), **call, **fields)
            answers.append(answer)
            bodies.append(self.last_body)
            with self._lock:
                known = self.calls.get(call["call_id"])
                # The PBX's own view of the call: its latest event, whatever the delivery order.
                if (
                    known is not None
                    and name in EVENT_STATE
                    and (applied is None or offset >= applied)
                ):
                    known["state"] = EVENT_STATE[name]
                    applied = offset
        return answers, bodies

    def play_call(self, call_id, direction, hotline, from_, to, steps, order=None):
        """Send the events of one call, each with its own fields, in a chosen order.

        An extension per event: ringing on one, answered and ended on another, a transfer
        (:meth:`transfer_steps`). Out-of-order deliveries: ``order=[2, 1, 0]`` sends the third
        step first and the first one last, each stamped with its own time.

        :param list steps: ``(event, offset seconds, fields)``; the step with the largest
            offset is stamped now, the others that many seconds before
        :param list order: indexes of ``steps`` in sending order (default: as listed)
        :return: {"call_id", "answers", "events"}, answers and bodies in sending order
        """
        with self._lock:
            known = call_id in self.calls
        if not known:
            first = next((fields.get("extension") for _n, _o, fields in steps), None)
            self._register(call_id, direction, first, from_, to, hotline)
        call = {"call_id": call_id, "direction": direction, "hotline": hotline}
        answers, bodies = self._play({**call, "from_": from_, "to": to}, steps, order)
        return {"call_id": call_id, "answers": answers, "events": bodies}

    @staticmethod
    def transfer_steps(first, second, ring_seconds=5, first_talk=20, second_talk=40):
        """Steps of an answered call transferred from extension ``first`` to ``second``:
        ringing and answered on ``first``, answered on ``second``, ended on ``second``."""
        transfer_at = ring_seconds + first_talk
        end_at = transfer_at + second_talk
        ended = {
            "extension": second,
            "status": "answered",
            "ring_seconds": ring_seconds,
            "talk_seconds": first_talk + second_talk,
        }
        return [
            ("call.ringing", 0, {"extension": first}),
            ("call.answered", ring_seconds, {"extension": first}),
            ("call.answered", transfer_at, {"extension": second}),
            ("call.ended", end_at, ended),
        ]

    def _call_steps(self, extension, answered, ring, talk, cost, recording_url, unanswered):
        """Events of one call: ringing, (answered), ended, (recording.ready)."""
        ring_at, talk_for = max(int(ring), 1), max(int(talk), 1)
        steps = [("call.ringing", 0, {"extension": extension})]
        if not answered:
            ended = {"status": unanswered, "ring_seconds": ring, "talk_seconds": 0, "cost": cost}
            steps.append(("call.ended", ring_at, {"extension": extension, **ended}))
            return steps
        ended = {"status": "answered", "ring_seconds": ring, "talk_seconds": talk, "cost": cost}
        steps += [
            ("call.answered", ring_at, {"extension": extension}),
            ("call.ended", ring_at + talk_for, {"extension": extension, **ended}),
        ]
        if recording_url:
            fields = {"extension": extension, "recording_url": recording_url}
            steps.append(("recording.ready", ring_at + talk_for + 2, fields))
        return steps

    def inbound_call(
        self,
        hotline,
        caller,
        answer=True,
        talk_seconds=42,
        ring_seconds=5,
        recording=True,
        cost=None,
    ):
        """A whole inbound call: route, then ringing, answered, ended, recording.ready.

        The first routing target rings (and answers when ``answer``); without a target the
        call is missed. Event timestamps are a few seconds apart, the last one now. Returns
        {"call_id", "route", "extension" (who answered or None), "answers", "events"}.
        """
        call_id = self._new_id("in")
        status, routing = self.route(hotline, caller, call_id)
        target = _first_target(status, routing)
        extension = target if answer else None
        self._register(call_id, "inbound", target, caller, hotline, hotline)
        recording_url = f"{self.url}/recordings/{call_id}.mp3" if recording else None
        steps = self._call_steps(
            target, bool(extension), ring_seconds, talk_seconds, cost, recording_url, "missed"
        )
        call = {"call_id": call_id, "direction": "inbound", "hotline": hotline}
        answers, bodies = self._play({**call, "from_": caller, "to": hotline}, steps)
        return {
            "call_id": call_id,
            "route": routing,
            "extension": extension,
            "answers": answers,
            "events": bodies,
        }

    def complete_outbound(
        self,
        call_id,
        extension,
        to,
        hotline,
        answer=True,
        talk_seconds=30,
        ring_seconds=4,
        cost=None,
        recording=False,
    ):
        """Finish an outbound call Odoo originated: ringing, (answered), ended "answered" or
        "no_answer", and recording.ready when ``recording``. Returns like ``inbound_call``.
        """
        with self._lock:
            known = call_id in self.calls
        if not known:
            self._register(call_id, "outbound", extension, hotline, to, hotline)
        recording_url = f"{self.url}/recordings/{call_id}.mp3" if recording else None
        steps = self._call_steps(
            extension, answer, ring_seconds, talk_seconds, cost, recording_url, "no_answer"
        )
        call = {"call_id": call_id, "direction": "outbound", "hotline": hotline}
        answers, bodies = self._play({**call, "from_": hotline, "to": to}, steps)
        return {
            "call_id": call_id,
            "extension": extension if answer else None,
            "answers": answers,
            "events": bodies,
        }


class DemoControl:
    """The control routes of a simulator playing the demo PBX (``setup/ring.sh``).

    Served under ``/sim/`` on the simulator's own port, without the provider API key (the
    simulator listens on 127.0.0.1 only): ``POST /sim/ring`` {"extension", "from"} sends a
    signed ``call.ringing`` for a new inbound call, ``POST /sim/answer`` and ``POST /sim/end``
    {"call_id"} (default: the latest call not ended, inbound or originated by Odoo) send
    ``call.answered`` and ``call.ended``; ``GET /sim/calls`` lists the calls.
    """

    def __init__(self, simulator, hotline):
        self.simulator = simulator
        self.hotline = hotline
        self.answered_at = {}
        # The demo database outlives the simulator: call ids unique across its restarts, or
        # Odoo would take a new "sim-in-1" for an event of the ended call of a previous run.
        simulator.id_prefix = f"demo{uuid.uuid4().hex[:8]}"

    def handle(self, method, path, data):
        """(status, JSON answer) of one control request."""
        action = urlsplit(path).path[len(DEMO_PREFIX) :]
        if method == "GET" and action == "calls":
            with self.simulator._lock:
                return 200, {"calls": list(self.simulator.calls.values())}
        if method != "POST" or action not in ("ring", "answer", "end"):
            return 404, {"error": "not found"}
        if data is _INVALID or (data is not None and not isinstance(data, dict)):
            return 400, {"error": "the body must be a JSON object"}
        data = data or {}
        if action == "ring":
            return self.ring(data.get("extension"), data.get("from"))
        call = self._call(data.get("call_id"))
        if call is None:
            return 404, {"error": "no such call in progress"}
        return self.answer(call) if action == "answer" else self.end(call)

    def _call(self, call_id):
        with self.simulator._lock:
            if call_id:
                return self.simulator.calls.get(str(call_id))
            live = [call for call in self.simulator.calls.values() if call["state"] != "ended"]
            return live[-1] if live else None

    def _event(self, call, event, **values):
        status, answer = self.simulator.event(
            event,
            call["call_id"],
            call["direction"],
            call["hotline"],
            call["from"],
            call["to"],
            extension=call["extension"],
            **values,
        )
        return (200 if status == 200 else 502), {
            "call_id": call["call_id"],
            "event": event,
            "odoo_status": status,
            "odoo_answer": answer,
        }

    def ring(self, extension, caller):
        """A new inbound call from ``caller`` ringing ``extension``: signed ``call.ringing``."""
        if not _filled(extension) or not _filled(caller):
            return 400, {"error": "extension and from are required"}
        call_id = self.simulator._new_id("in")
        extension, caller = str(extension), str(caller)
        self.simulator._register(call_id, "inbound", extension, caller, self.hotline, self.hotline)
        call = self.simulator.calls[call_id]
        call["rang"] = True
        return self._event(call, "call.ringing")

    def answer(self, call):
        """``call.answered`` for a ringing call (an outbound one rings first)."""
        if call["state"] != "ringing":
            return 409, {"error": f"the call is {call['state']}, not ringing"}
        if call["direction"] == "outbound" and not call.get("rang"):
            call["rang"] = True
            status, answer = self._event(call, "call.ringing")
            if status != 200:
                return status, answer
        call["state"] = "in_progress"
        self.answered_at[call["call_id"]] = time.monotonic()
        return self._event(call, "call.answered")

    def end(self, call):
        """``call.ended``: answered with its talk time, else missed (inbound) / no answer."""
        started = self.answered_at.pop(call["call_id"], None)
        if started is not None:
            talk = max(1, round(time.monotonic() - started))
            values = {"status": "answered", "talk_seconds": talk}
        else:
            unanswered = "missed" if call["direction"] == "inbound" else "no_answer"
            values = {"status": unanswered, "talk_seconds": 0}
        call["state"] = "ended"
        return self._event(call, "call.ended", **values)
