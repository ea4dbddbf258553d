"""The sending cron: claims, idempotency keys, retries with backoff, permanent failures,
delivery reports and the contact's chatter (SPEC MSG-3, REL-3)."""

import hashlib
import json
import random
import time
from collections import Counter
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from ..tools import message_client, sending
from .common import WEBHOOK_SECRET, MessagingCase


@tagged("post_install", "-at_install")
class TestMessageCron(MessagingCase):
    def test_key_stored_before_sending_and_sent(self):
        message = self._message()
        key = message.idempotency_key
        self.assertTrue(key)
        self.env["coka.message"]._cron_send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_message_ref, self.esms.sms_ids[key])
        self.assertEqual(message.provider_id, self.esms_provider)
        self.assertEqual(message.attempt_count, 1)

    def test_transient_error_retried_with_backoff_then_sent(self):
        message = self._message()
        self.esms.faults = [("http", 429, {"Retry-After": "600"}), ("http", 502)]
        now = fields.Datetime.now()
        self.env["coka.message"]._cron_send(now=now)
        self.assertEqual(message.state, "queued")
        self.assertEqual(message.attempt_count, 1)
        self.assertEqual(message.next_try_date, now + timedelta(seconds=600))
        self.assertEqual(message.error_code, "rate_limited")
        notes = self.partner.message_ids
        self.assertFalse(notes.filtered(lambda note: "Queued" in (note.body or "")))
        # Not due yet: not tried.
        self.env["coka.message"]._cron_send(now=now + timedelta(seconds=60))
        self.assertEqual(message.attempt_count, 1)
        later = now + timedelta(seconds=600)
        self.env["coka.message"]._cron_send(now=later)
        self.assertEqual(
            (message.state, message.attempt_count, message.error_code),
            ("queued", 2, "server_error"),
        )
        self.assertEqual(message.next_try_date, later + sending.retry_delay(2))
        self.env["coka.message"]._cron_send(now=later + timedelta(hours=1))
        self.assertEqual((message.state, message.attempt_count), ("sent", 3))
        self.assertFalse(message.error_message)
        self.assertEqual(len(self.partner.message_ids - notes), 1)  # "Sent", once

    def test_permanent_error_fails_at_once(self):
        message = self._message()
        self.esms.faults = [("code", "103")]
        self.env["coka.message"]._cron_send()
        self.assertEqual((message.state, message.error_code), ("failed", "103"))
        self.assertIn("103", message.error_message)
        requests = len(self.esms.requests)
        self.env["coka.message"]._cron_send(now=fields.Datetime.now() + timedelta(days=1))
        self.assertEqual(len(self.esms.requests), requests)

    def test_gives_up_after_the_bound(self):
        message = self._message()
        self.esms.fault_for = lambda payload: ("http", 503)
        now = fields.Datetime.now()
        for step in range(sending.MAX_ATTEMPTS + 2):
            self.env["coka.message"]._cron_send(now=now + timedelta(days=step))
        self.assertEqual(message.state, "failed")
        self.assertEqual(message.attempt_count, sending.MAX_ATTEMPTS)
        self.assertIn("Gave up after", message.error_message)

    def test_resend_after_a_lost_answer_is_not_sent_twice(self):
        # The first attempt reached eSMS, but the worker never saw the answer (it died, or
        # timed out): the second attempt carries the same RequestId and eSMS refuses it.
        message = self._message()
        self.esms_provider._coka_client().send(
            message.number, message.body, message.idempotency_key
        )
        self.env["coka.message"]._cron_send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(len(self.esms.accepted), 1)

    def test_only_queued_due_messages_are_claimed(self):
        sent = self._message()
        sent.state = "sent"
        later = self._message()
        later.next_try_date = fields.Datetime.now() + timedelta(hours=1)
        self.assertFalse(sent._coka_claim(fields.Datetime.now()))
        self.assertFalse(later._coka_claim(fields.Datetime.now()))
        self.env["coka.message"]._cron_send()
        self.assertFalse(self.esms.requests)

    def test_no_provider_fails_with_the_reason(self):
        self.esms_provider.active = False
        message = self._message()
        self.env["coka.message"]._cron_send()
        self.assertEqual((message.state, message.error_code), ("failed", "no_provider"))

    def test_zns_message_sends_template_data(self):
        template = self.env["coka.message.template"].create(
            {
                "name": "Xác nhận đơn",
                "channel": "zns",
                "body": "Chào {{customer_name}}",
                "provider_template_ref": "tpl-9",
                "state": "approved",
            }
        )
        message = self._message(
            channel="zns", template_id=template.id, template_data={"customer_name": "An"}
        )
        self.env["coka.message"]._cron_send()
        self.assertEqual(message.state, "sent")
        self.assertEqual(message.provider_id, self.zalo_provider)
        payload = self.zalo.by_tracking[message.idempotency_key][1]
        self.assertEqual(payload["template_id"], "tpl-9")
        self.assertEqual(payload["template_data"], {"customer_name": "An"})

    def test_delivery_callback_and_chatter(self):
        message = self._message()
        self.env["coka.message"]._cron_send()
        headers, body = self._signed(
            {"message_id": message.provider_message_ref, "status": "delivered"}
        )
        status, answer = self.env["coka.message.provider"]._coka_receive_callback(
            str(self.esms_provider.id), headers, body, time.time()
        )
        self.assertEqual((status, answer["updated"]), (200, 1))
        self.assertEqual(message.state, "delivered")
        notes = self.partner.message_ids.mapped("body")
        self.assertTrue(any("Delivered" in note for note in notes), notes)
        self.assertTrue(any("Sent" in note for note in notes), notes)
        # A repeated report does not move it back.
        headers, body = self._signed({"key": message.idempotency_key, "status": "failed"})
        self.env["coka.message.provider"]._coka_receive_callback(
            str(self.esms_provider.id), headers, body, time.time()
        )
        self.assertEqual(message.state, "delivered")

    def test_callback_refusals(self):
        receive = self.env["coka.message.provider"]._coka_receive_callback
        now = time.time()
        headers, body = self._signed({"key": "x", "status": "delivered"})
        self.assertEqual(receive("999999", headers, body, now)[0], 404)
        self.assertEqual(receive("abc", headers, body, now)[0], 404)
        bad = dict(headers, **{"X-Coka-Signature": "sha256=00"})
        self.assertEqual(receive(str(self.esms_provider.id), bad, body, now)[0], 401)
        headers, body = self._signed(b"{not json")
        status, answer = receive(str(self.esms_provider.id), headers, body, now)
        self.assertEqual((status, answer["error"]), (400, "the body is not JSON"))

    def test_500_messages_with_20_percent_transient_errors(self):
        """500 SMS through a fake eSMS that answers 20 % transient errors (5xx, 429, a body
        that is not JSON, an answer lost after acceptance): all end delivered or failed with
        a reason, none reached eSMS twice; permanent errors are not retried."""
        rng = random.Random(20261203)
        transient = [
            ("http", 503),
            ("http", 429, {"Retry-After": "30"}),
            ("http", 502),
            ("raw", b"oops"),
            ("accept_then_sleep", 0.6),
        ]

        bad_numbers = {f"849100{n:05d}" for n in range(0, 500, 50)}

        def fault_for(payload):
            if payload["Phone"] in bad_numbers:
                return None
            return rng.choice(transient) if rng.random() < 0.2 else None

        self.esms.fault_for = fault_for
        self.esms.bad_numbers = bad_numbers
        vals = [
            {"channel": "sms", "number": f"+849100{n:05d}", "body": f"Tin {n}"} for n in range(500)
        ]
        messages = self.env["coka.message"].create(vals)
        now = fields.Datetime.now()
        with patch.object(message_client, "READ_TIMEOUT", 0.3):
            for step in range(sending.MAX_ATTEMPTS + 1):
                self.env["coka.message"]._cron_send(now=now + timedelta(days=step))
        states = Counter(messages.mapped("state"))
        self.assertEqual(states["queued"], 0, states)
        # Delivery reports for every sent message.
        sent = messages.filtered(lambda m: m.state == "sent")
        reports = [{"key": m.idempotency_key, "status": "delivered"} for m in sent]
        for start in range(0, len(reports), 200):
            headers, body = self._signed(reports[start : start + 200])
            self.env["coka.message.provider"]._coka_receive_callback(
                str(self.esms_provider.id), headers, body, time.time()
            )
        states = Counter(messages.mapped("state"))
        self.assertEqual(set(states), {"delivered", "failed"}, states)
        failed = messages.filtered(lambda m: m.state == "failed")
        self.assertTrue(all(m.error_message for m in failed))
        self.assertEqual(len(failed.filtered(lambda m: m.error_code == "108")), 10)
        # Each message reached eSMS (accepted) at most once, each delivered exactly once.
        per_key = Counter(payload["RequestId"] for *_x, payload in self.esms.requests)
        delivered = messages.filtered(lambda m: m.state == "delivered")
        self.assertTrue(all(m.idempotency_key in self.esms.accepted for m in delivered))
        self.assertEqual(len(self.esms.accepted), len(delivered))
        # Permanent errors were not retried: one request each.
        for message in failed.filtered(lambda m: m.error_code == "108"):
            self.assertEqual(per_key[message.idempotency_key], 1)
        self.assertGreater(max(per_key.values()), 1)  # the transient ones were retried

    def test_zns_parameter_over_its_maximum_length_fails_with_zalo_reason(self):
        template = self.env["coka.message.template"].create(
            {"name": "Mã", "channel": "zns", "body": "{{code}}", "provider_template_ref": "t"}
        )
        self.zalo.max_length = {"code": 5}
        message = self._message(
            channel="zns", template_id=template.id, template_data={"code": "QUÁ-DÀI-123"}
        )
        self.env["coka.message"]._cron_send()
        self.assertEqual((message.state, message.error_code), ("failed", "-112"))
        self.assertIn("too long", message.error_message)
        self.assertEqual(len(self.zalo.by_tracking), 0)

    def test_zalo_webhook_user_received_message_marks_delivered(self):
        template = self.env["coka.message.template"].create(
            {"name": "ZNS", "channel": "zns", "body": "x", "provider_template_ref": "t"}
        )
        message = self._message(channel="zns", template_id=template.id)
        self.env["coka.message"]._cron_send()
        event = {
            "app_id": "app",
            "event_name": "user_received_message",
            "message": {"msg_id": message.provider_message_ref, "tracking_id": "x"},
            "timestamp": "1764748800000",
        }
        body = json.dumps(event).encode()
        mac = hashlib.sha256(b"app" + body + b"1764748800000" + WEBHOOK_SECRET.encode()).hexdigest()
        receive = self.env["coka.message.provider"]._coka_receive_callback
        zalo_id = str(self.zalo_provider.id)
        forged = {"X-ZEvent-Signature": "mac=" + "0" * 64}
        self.assertEqual(receive(zalo_id, forged, body, time.time())[0], 401)
        self.assertEqual(message.state, "sent")
        status, answer = receive(zalo_id, {"X-ZEvent-Signature": f"mac={mac}"}, body, time.time())
        self.assertEqual((status, answer["updated"]), (200, 1))
        self.assertEqual(message.state, "delivered")
        other = dict(event, event_name="follow")
        body = json.dumps(other).encode()
        mac = hashlib.sha256(b"app" + body + b"1764748800000" + WEBHOOK_SECRET.encode()).hexdigest()
        # The bare hex (no "mac=") is accepted too.
        status, answer = receive(zalo_id, {"X-ZEvent-Signature": mac}, body, time.time())
        self.assertEqual((status, answer["updated"]), (200, 0))
