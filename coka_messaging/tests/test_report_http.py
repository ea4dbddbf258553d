"""eSMS's own delivery reports end to end, over real sockets: a message is sent through the
fake eSMS, which keeps the CallbackUrl sent with it; the test then calls that URL over HTTP
as eSMS does (an unsigned GET with eSMS's parameters) and the message ends delivered or
failed. The same for an SMS of Odoo's composer. Bad tokens, references and parameters answer
4xx with the reason, never a 500, whatever the path and parameters (fuzzed)."""

import random
from urllib.parse import urlsplit

from odoo.tests import HttpCase, tagged

from odoo.addons.coka_pbx.tests.fake_server import LocalServerMixin

from ..tools import report_token
from .fake_providers import FakeEsms

SECRET = "report-secret"
SEED = 20261203
REQUESTS = 200


@tagged("post_install", "-at_install")
class TestReportHttp(LocalServerMixin, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env.company.country_id = cls.env.ref("base.vn")
        cls.env["coka.message"].search([("state", "=", "queued")]).state = "failed"
        cls.esms = FakeEsms().start()
        cls.addClassCleanup(cls.esms.stop)
        cls.provider = cls.env["coka.message.provider"].create(
            {
                "name": "eSMS reports",
                "provider_type": "esms",
                "api_url": cls.esms.url,
                "esms_api_key": "key",
                "esms_secret_key": "secret",
                "esms_brandname": "COKA",
                "webhook_secret": SECRET,
            }
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Lê Văn Cường", "mobile": "0912 345 678"}
        )

    def setUp(self):
        super().setUp()
        self.esms.reset()

    def _sent_message(self):
        message = self.env["coka.message"].create(
            {
                "channel": "sms",
                "number": "+84912345678",
                "body": "Chào Cường",
                "partner_id": self.partner.id,
            }
        )
        self.env["coka.message"]._cron_send(domain=[("id", "=", message.id)])
        self.assertEqual(message.state, "sent")
        return message

    def _report(self, key, method="GET", **kwargs):
        """Call the CallbackUrl eSMS received with the message ``key``, as eSMS does."""
        url = self.esms.callback_urls[key]
        params = self.esms.report_params(key, **kwargs)
        if method == "POST":
            return self.opener.post(url, data=params, timeout=10)
        return self.opener.get(url, params=params, timeout=10)

    def test_message_delivered_through_its_callback_url(self):
        message = self._sent_message()
        key = message.idempotency_key
        url = self.esms.callback_urls[key]
        self.assertTrue(url.startswith(self.base_url()))
        self.assertEqual(
            urlsplit(url).path,
            f"/coka_messaging/callback/{self.provider.id}/report/msg-{key}/"
            + report_token.report_token(SECRET, self.provider.id, f"msg-{key}"),
        )
        response = self._report(key)
        self.assertEqual((response.status_code, response.json()), (200, {"ok": True, "updated": 1}))
        self.assertEqual(message.state, "delivered")
        self.assertTrue(message.delivered_date)
        self.assertIn("Delivered", self.partner.message_ids[0].body)
        notes = len(self.partner.message_ids)
        # eSMS retries: the same report again, a late "sent to the operator" (7), a failure.
        for kwargs in ({}, {"send_status": "7"}, {"success": 0, "failed": 1}):
            with self.subTest(kwargs=kwargs):
                again = self._report(key, **kwargs)
                self.assertEqual((again.status_code, again.json()["updated"]), (200, 0))
                self.assertEqual(message.state, "delivered")
        self.assertEqual(len(self.partner.message_ids), notes)

    def test_message_failed_by_form_post_with_reason(self):
        message = self._sent_message()
        pending = self._report(message.idempotency_key, send_status="2")
        self.assertEqual((pending.status_code, pending.json()["updated"]), (200, 0))
        self.assertEqual(message.state, "sent")
        response = self._report(message.idempotency_key, "POST", success=0, failed=1)
        self.assertEqual(response.status_code, 200)
        self.assertEqual((message.state, message.error_code), ("failed", "not_delivered"))
        self.assertIn("could not deliver", message.error_message)
        self.assertIn("could not deliver", self.partner.message_ids[0].body)

    def _composed_sms(self):
        composer = (
            self.env["sms.composer"]
            .with_context(
                active_model="res.partner",
                active_id=self.partner.id,
                active_ids=self.partner.ids,
            )
            .create({"body": "Đơn hàng của bạn đã giao"})
        )
        composer.action_send_sms()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", self.partner.id)], limit=1)
        sms.send(unlink_sent=False, unlink_failed=False)
        notification = sms.mail_message_id.notification_ids
        self.assertEqual((sms.state, notification.notification_status), ("pending", "pending"))
        self.assertTrue(self.esms.callback_urls[sms.uuid].split("/report/")[1].startswith("sms-"))
        return sms, notification

    def test_composer_sms_delivered_through_its_callback_url(self):
        sms, notification = self._composed_sms()
        response = self._report(sms.uuid)
        self.assertEqual((response.status_code, response.json()), (200, {"ok": True, "updated": 1}))
        self.assertEqual((sms.state, notification.notification_status), ("sent", "sent"))
        again = self._report(sms.uuid, success=0, failed=1)
        self.assertEqual((again.status_code, again.json()["updated"]), (200, 0))
        self.assertEqual(notification.notification_status, "sent")

    def test_composer_sms_rejected_after_it_was_deleted(self):
        sms, notification = self._composed_sms()
        uuid = sms.uuid
        sms.unlink()  # sent SMS are deleted by Odoo; the tracker stays
        response = self._report(uuid, send_status="4")
        self.assertEqual(response.status_code, 200)
        self.assertEqual(
            (notification.notification_status, notification.failure_type),
            ("bounce", "sms_rejected"),
        )

    def test_refusals(self):
        message = self._sent_message()
        key = message.idempotency_key
        params = self.esms.report_params(key)
        base = f"/coka_messaging/callback/{self.provider.id}/report"
        ref = f"msg-{key}"
        token = report_token.report_token(SECRET, self.provider.id, ref)
        other_token = report_token.report_token(SECRET, self.provider.id, "msg-other")
        unknown = report_token.report_token(SECRET, self.provider.id, "msg-unknown")
        cases = [
            (f"{base}/{ref}/{'0' * 64}", params, 403, "bad token"),
            (f"{base}/{ref}/{other_token}", params, 403, "bad token"),
            (f"{base}/{ref}/short", params, 403, "bad token"),
            (f"/coka_messaging/callback/999999/report/{ref}/{token}", params, 404, None),
            (f"{base}/msg-unknown/{unknown}", params, 400, "unknown message"),
            (f"{base}/{ref}/{token}", {}, 400, "SendStatus is missing"),
            (f"{base}/{ref}/{token}", {"SendStatus": "x"}, 400, "SendStatus must be a number"),
        ]
        for path, query, status, reason in cases:
            with self.subTest(path=path, query=query):
                response = self.opener.get(self.base_url() + path, params=query, timeout=10)
                self.assertEqual(response.status_code, status)
                if reason:
                    self.assertEqual(response.json(), {"ok": False, "error": reason})
        self.assertEqual(message.state, "sent")
        # No webhook secret: no report URL is sent, and none is accepted.
        self.provider.webhook_secret = False
        self.assertIsNone(self.provider._coka_report_url(ref))
        response = self.opener.get(self.base_url() + f"{base}/{ref}/{token}", params=params)
        self.assertEqual(response.status_code, 403)

    def test_fuzz_never_500(self):
        message = self._sent_message()
        key = message.idempotency_key
        ref = f"msg-{key}"
        token = report_token.report_token(SECRET, self.provider.id, ref)
        rng = random.Random(SEED)
        values = ["", "0", "1", "2", "4", "5", "7", "9", "-1", "5.0", "x" * 300, "\x00", "🙂"]
        values += ["' OR 1=1 --", "%00", "null", key, "99999999999"]
        names = ["SendStatus", "SendSuccess", "SendFailed", "SMSID", "RequestId", "phonenumber"]
        names += ["TypeId", "error_info", "extra"]
        segments = [str(self.provider.id), "0", "x", "-1", "9" * 12, ref, token, "sms-", "..", "🙂"]
        statuses = []
        for _index in range(REQUESTS):
            params = {n: rng.choice(values) for n in rng.sample(names, rng.randint(0, 5))}
            shape = rng.random()
            if shape < 0.5:
                path_ref, path_token = ref, token
            elif shape < 0.7:
                path_ref, path_token = ref, rng.choice(segments)
            else:
                path_ref, path_token = rng.choice(segments), rng.choice(segments)
            provider = str(self.provider.id) if rng.random() < 0.8 else rng.choice(segments)
            url = (
                f"{self.base_url()}/coka_messaging/callback/{provider}/report/"
                f"{path_ref}/{path_token}"
            )
            if rng.random() < 0.3:
                response = self.opener.post(url, data=params, timeout=10)
            else:
                response = self.opener.get(url, params=params, timeout=10)
            statuses.append(response.status_code)
            self.assertLess(response.status_code, 500, (url, params))
        self.assertIn(400, statuses)
        self.assertIn(403, statuses)
        self.assertIn(200, statuses)
        self.assertIn(message.state, ("sent", "delivered", "failed"))
