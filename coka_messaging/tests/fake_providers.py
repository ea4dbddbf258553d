"""Local fake eSMS and Zalo ZNS servers for the tests (real sockets, threaded http.server).

Each speaks the documented paths and answers of its provider, remembers every request, and
like the real ones refuses (eSMS: CodeResult 124) or ignores (Zalo: the same msg_id) a
repeated idempotency key, so a test can count what reached the provider. ``faults`` is a
list of scripted answers used first, one per send request; ``fault_for(payload)`` may
choose one per request (seeded randomness in the load test).
"""

import json
import time
import uuid
from urllib.parse import parse_qs, urlparse

from odoo.addons.coka_pbx.tests.fake_server import FakeServer


class FakeProvider(FakeServer):
    def __init__(self):
        super().__init__()
        self.requests = []  # (method, path, headers dict, parsed body)
        self.faults = []
        self.fault_for = None
        self.delay = 0

    def _next_fault(self, payload):
        with self.lock:
            if self.faults:
                return self.faults.pop(0)
        return self.fault_for(payload) if self.fault_for else None

    def _apply_fault(self, handler, fault):
        """``fault``: ``("http", status[, headers])``, ``("sleep", seconds)``,
        ``("raw", bytes)``; anything else is handled by the subclass."""
        kind = fault[0]
        if kind == "http":
            handler._answer(
                fault[1], {"error": "fault"}, headers=fault[2] if len(fault) > 2 else {}
            )
            return True
        if kind == "sleep":
            time.sleep(fault[1])
            handler._answer(200, {"late": True})
            return True
        if kind == "raw":
            handler._answer(200, raw=fault[1])
            return True
        return False


class FakeEsms(FakeProvider):
    """eSMS: ``POST /SendMultipleMessage_V4_post_json/`` and ``POST /GetBalance_json``.

    Extra faults: ``("code", "103")`` answers that CodeResult; ``("accept_then_sleep", s)``
    accepts the message, then answers too late (the client times out, the message did reach
    eSMS). ``callback_urls`` keeps each accepted message's ``CallbackUrl`` (RequestId ->
    URL) and ``report_params`` builds the query eSMS sends there, so a test can call it over
    HTTP as eSMS does."""

    def __init__(self, api_key="key", secret_key="secret"):
        super().__init__()
        self.api_key = api_key
        self.secret_key = secret_key
        self.reset()

    def reset(self):
        """Forget everything (each test starts with a fresh provider)."""
        self.requests, self.faults, self.fault_for = [], [], None
        self.accepted = {}  # RequestId -> payload
        self.sms_ids = {}  # RequestId -> SMSID
        self.callback_urls = {}  # RequestId -> CallbackUrl
        self.bad_numbers = set()

    def _accept(self, payload):
        with self.lock:
            key = payload.get("RequestId")
            if key in self.accepted:
                return None
            self.accepted[key] = payload
            self.sms_ids[key] = uuid.uuid4().hex
            if payload.get("CallbackUrl"):
                self.callback_urls[key] = payload["CallbackUrl"]
            return self.sms_ids[key]

    def report_params(self, key, send_status="5", success=1, failed=0):
        """The query eSMS sends to the CallbackUrl of the message ``key`` (its documented
        sample for a customer-care SMS: SendStatus 5 with the counts of the recipient)."""
        payload = self.accepted[key]
        return {
            "SMSID": self.sms_ids[key],
            "SendFailed": str(failed),
            "SendStatus": str(send_status),
            "SendSuccess": str(success),
            "TotalPrice": "0.0000",
            "TotalReceiver": "1",
            "TotalSent": "1",
            "RequestId": key,
            "TypeId": str(payload.get("SmsType") or "2"),
            "telcoid": "1",
            "phonenumber": payload.get("Phone") or "",
            "switchsmsid": "",
        }

    def handle(self, handler, method, body):
        path = urlparse(handler.path).path
        if method == "POST" and path == "/GetBalance_json":
            try:
                payload = json.loads(body)
            except ValueError:
                return handler._answer(400, {"error": "bad json"})
            if not isinstance(payload, dict) or (
                payload.get("ApiKey"),
                payload.get("SecretKey"),
            ) != (self.api_key, self.secret_key):
                return handler._answer(
                    200,
                    {"Balance": 0, "CodeResponse": "101", "ErrorMessage": "Authorize Failed"},
                )
            return handler._answer(200, {"Balance": 125000, "CodeResponse": "100", "UserID": 7})
        if method != "POST" or path.rstrip("/") != "/SendMultipleMessage_V4_post_json":
            return handler._answer(404, {"error": "not found"})
        try:
            payload = json.loads(body)
        except ValueError:
            return handler._answer(400, {"error": "bad json"})
        with self.lock:
            self.requests.append((method, path, dict(handler.headers), payload))
        if (payload.get("ApiKey"), payload.get("SecretKey")) != (self.api_key, self.secret_key):
            return handler._answer(200, {"CodeResult": "101", "ErrorMessage": "Sai ApiKey"})
        fault = self._next_fault(payload)
        if fault and self._apply_fault(handler, fault):
            return None
        if fault and fault[0] == "code":
            return handler._answer(
                200, {"CodeResult": fault[1], "ErrorMessage": f"code {fault[1]}"}
            )
        if payload.get("Phone") in self.bad_numbers:
            return handler._answer(200, {"CodeResult": "108", "ErrorMessage": "Số điện thoại sai"})
        sms_id = self._accept(payload)
        if sms_id is None:
            return handler._answer(200, {"CodeResult": "124", "ErrorMessage": "RequestId trùng"})
        if fault and fault[0] == "accept_then_sleep":
            time.sleep(fault[1])
        return handler._answer(200, {"CodeResult": "100", "SMSID": sms_id, "CountRegenerate": 0})


class FakeZalo(FakeProvider):
    """Zalo: ``/message/template``, ``/template/all``, ``/template/info/v2`` (from
    ``templates``) and the OAuth
    ``/v4/oa/access_token`` (the refresh token rotates: each one works once)."""

    def __init__(self, app_id="app", secret_key="zsecret", refresh_token="r0"):
        super().__init__()
        self.app_id = app_id
        self.secret_key = secret_key
        self.first_refresh_token = refresh_token
        self.reset()

    def reset(self):
        """Forget everything (each test starts with a fresh provider)."""
        self.requests, self.faults, self.fault_for = [], [], None
        self.refresh_token = self.first_refresh_token
        self.valid_tokens = set()
        self.refreshes = 0
        self.by_tracking = {}  # tracking_id -> (msg_id, payload)
        self.max_length = {}  # template param -> max length
        self.templates = {}  # template id -> Zalo's template info (status, listParams...)

    def issue_token(self):
        token = uuid.uuid4().hex
        self.valid_tokens.add(token)
        return token

    def _oauth(self, handler, method, path, body):
        form = {k: v[0] for k, v in parse_qs(body.decode()).items()}
        with self.lock:
            self.requests.append((method, path, dict(handler.headers), form))
            good = (
                handler.headers.get("secret_key") == self.secret_key
                and form.get("app_id") == self.app_id
                and form.get("grant_type") == "refresh_token"
                and form.get("refresh_token") == self.refresh_token
            )
            if not good:
                return handler._answer(
                    200, {"error": -14014, "error_name": "Invalid refresh token"}
                )
            self.refreshes += 1
            self.refresh_token = uuid.uuid4().hex
            access = self.issue_token()
        return handler._answer(
            200,
            {
                "access_token": access,
                "refresh_token": self.refresh_token,
                "expires_in": "90000",
            },
        )

    def _template_info(self, handler, method, path, token):
        template_id = (parse_qs(urlparse(handler.path).query).get("template_id") or [""])[0]
        with self.lock:
            self.requests.append((method, path, dict(handler.headers), template_id))
        if token not in self.valid_tokens:
            return handler._answer(200, {"error": -124, "message": "Access token is invalid"})
        info = self.templates.get(template_id)
        if info is None:
            return handler._answer(200, {"error": -109, "message": "Template not found"})
        return handler._answer(
            200, {"error": 0, "message": "Success", "data": {"templateId": template_id, **info}}
        )

    def handle(self, handler, method, body):
        path = urlparse(handler.path).path
        if path == "/v4/oa/access_token":
            return self._oauth(handler, method, path, body)
        token = handler.headers.get("access_token")
        if path == "/template/all" and method == "GET":
            with self.lock:
                self.requests.append((method, path, dict(handler.headers), None))
            if token not in self.valid_tokens:
                return handler._answer(200, {"error": -124, "message": "Access token is invalid"})
            return handler._answer(200, {"error": 0, "data": [], "metadata": {"total": 0}})
        if path == "/template/info/v2" and method == "GET":
            return self._template_info(handler, method, path, token)
        return self._send(handler, method, path, token, body)

    def _send(self, handler, method, path, token, body):
        if path != "/message/template" or method != "POST":
            return handler._answer(404, {"error": "not found"})
        try:
            payload = json.loads(body)
        except ValueError:
            return handler._answer(400, {"error": -201, "message": "bad json"})
        with self.lock:
            self.requests.append((method, path, dict(handler.headers), payload))
        if token not in self.valid_tokens:
            return handler._answer(200, {"error": -124, "message": "Access token is invalid"})
        fault = self._next_fault(payload)
        if fault and self._apply_fault(handler, fault):
            return None
        if fault and fault[0] == "code":
            return handler._answer(200, {"error": fault[1], "message": f"error {fault[1]}"})
        for name, limit in self.max_length.items():
            if len(str((payload.get("template_data") or {}).get(name, ""))) > limit:
                return handler._answer(200, {"error": -112, "message": f"{name} too long"})
        with self.lock:
            key = payload.get("tracking_id")
            if key not in self.by_tracking:
                self.by_tracking[key] = (uuid.uuid4().hex, payload)
            msg_id = self.by_tracking[key][0]
        return handler._answer(
            200, {"error": 0, "message": "Success", "data": {"msg_id": msg_id, "sent_time": "1"}}
        )
