"""The delivery callback route on a real HTTP server: signed reports update the message;
bad input answers 4xx with the reason, never a 500, whatever the body (fuzzed)."""

import json
import random
import time

from odoo.tests import HttpCase, tagged

from odoo.addons.coka_pbx.tools import signature

SECRET = "http-cb-secret"
SEED = 20261203
BODIES = 250


@tagged("post_install", "-at_install")
class TestCallbackHttp(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.vn")
        cls.provider = cls.env["coka.message.provider"].create(
            {
                "name": "eSMS http",
                "provider_type": "esms",
                "api_url": "http://127.0.0.1:9",
                "webhook_secret": SECRET,
            }
        )
        cls.zalo = cls.env["coka.message.provider"].create(
            {
                "name": "Zalo http",
                "provider_type": "zalo_zns",
                "api_url": "http://127.0.0.1:9",
                "webhook_secret": SECRET,
            }
        )
        cls.partner = cls.env["res.partner"].create({"name": "Trần Thị Bình"})
        cls.message = cls.env["coka.message"].create(
            {
                "channel": "sms",
                "number": "+84912000777",
                "body": "Chào Bình",
                "partner_id": cls.partner.id,
                "provider_id": cls.provider.id,
                "state": "sent",
                "provider_message_ref": "SMS-777",
            }
        )
        cls.url = f"/coka_messaging/callback/{cls.provider.id}"

    def _post(self, body, url=None, signed=True, secret=SECRET):
        if not isinstance(body, bytes):
            body = json.dumps(body).encode()
        headers = {"Content-Type": "application/json"}
        if signed:
            timestamp = str(int(time.time()))
            headers["X-Coka-Timestamp"] = timestamp
            headers["X-Coka-Signature"] = signature.sign(secret, timestamp, body)
        return self.url_open(url or self.url, data=body, headers=headers)

    def test_signed_report_marks_delivered_on_the_contact(self):
        response = self._post({"message_id": "SMS-777", "status": "delivered"})
        self.assertEqual(response.status_code, 200)
        self.assertEqual(response.json(), {"ok": True, "updated": 1, "unknown": 0})
        self.assertEqual(self.message.state, "delivered")
        self.assertTrue(self.message.delivered_date)
        self.assertIn("Delivered", self.partner.message_ids[0].body)

    def test_refusals(self):
        self.assertEqual(
            self._post({"key": "x", "status": "delivered"}, signed=False).status_code, 401
        )
        self.assertEqual(
            self._post({"key": "x", "status": "delivered"}, secret="no").status_code, 401
        )
        unknown = self._post({"key": "x", "status": "delivered"}, url="/coka_messaging/callback/x1")
        self.assertEqual(unknown.status_code, 404)
        bad = self._post({"key": "x", "status": "lost"})
        self.assertEqual(
            (bad.status_code, bad.json()["error"]), (400, "status must be delivered or failed")
        )
        self.assertEqual(self.message.state, "sent")

    def test_fuzz_never_500(self):
        for url in (self.url, f"/coka_messaging/callback/{self.zalo.id}"):
            with self.subTest(url=url):
                self._fuzz(url)

    def _fuzz(self, url):
        rng = random.Random(SEED)
        values = [
            None,
            "",
            0,
            -1,
            1.5,
            True,
            [],
            {},
            "x" * 5000,
            "\x00",
            "SMS-777",
            "🙂",
            "delivered",
            "failed",
            {"a": [1]},
            "' OR 1=1 --",
        ]
        fields_ = ["message_id", "key", "status", "error_code", "error_message", "extra"]
        fields_ += ["event_name", "message", "app_id", "timestamp"]
        values += ["user_received_message", {"msg_id": "SMS-777"}, {"tracking_id": ["x"]}]
        statuses = []
        for _index in range(BODIES):
            shape = rng.random()
            if shape < 0.15:
                body = bytes(rng.getrandbits(8) for _ in range(rng.randint(0, 200)))
            elif shape < 0.3:
                body = rng.choice(values)
            else:
                event = {f: rng.choice(values) for f in rng.sample(fields_, rng.randint(0, 6))}
                body = [event] * rng.randint(1, 3) if rng.random() < 0.3 else event
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            response = self._post(data, url=url)
            statuses.append(response.status_code)
            self.assertLess(response.status_code, 500, body)
            self.assertIn("ok", response.json())
        self.assertIn(400, statuses)
        self.assertIn(200, statuses)
