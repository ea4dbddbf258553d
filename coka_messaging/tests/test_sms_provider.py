"""Odoo's own SMS through the company's eSMS provider instead of IAP (SPEC MSG-4)."""

from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.sms.tools.sms_api import SmsApi

from .common import MessagingCase


@tagged("post_install", "-at_install")
class TestSmsThroughProvider(MessagingCase):
    def _compose(self, partner=None, body="Chào bạn, đơn hàng đã giao"):
        partner = partner or self.partner
        composer = (
            self.env["sms.composer"]
            .with_context(active_model="res.partner", active_id=partner.id, active_ids=partner.ids)
            .create({"body": body})
        )
        composer.action_send_sms()
        sms = self.env["sms.sms"].sudo().search([("partner_id", "=", partner.id)])
        sms.send(unlink_sent=False, unlink_failed=False)
        return sms

    def test_composer_sends_through_esms_not_iap(self):
        with patch.object(SmsApi, "_send_sms_batch") as iap:
            sms = self._compose()
        iap.assert_not_called()
        self.assertEqual(len(self.esms.accepted), 1)
        payload = self.esms.accepted[sms.uuid]
        self.assertEqual(payload["Phone"], "84912345678")
        self.assertEqual(payload["Content"], "Chào bạn, đơn hàng đã giao")
        self.assertEqual((sms.state, sms.failure_type), ("pending", False))
        notification = sms.mail_message_id.notification_ids
        self.assertEqual(notification.notification_status, "pending")

    def test_provider_refusals_become_odoo_failure_types(self):
        cases = [
            (("code", "103"), "sms_credit"),
            (("code", "101"), "sms_acc"),
            (("http", 503), "sms_server"),
        ]
        for fault, failure_type in cases:
            with self.subTest(fault=fault):
                self.esms.faults = [fault]
                partner = self.env["res.partner"].create(
                    {"name": f"Khách {failure_type}", "mobile": "0912 345 679"}
                )
                sms = self._compose(partner)
                self.assertEqual((sms.state, sms.failure_type), ("error", failure_type))
                self.assertEqual(sms.mail_message_id.notification_ids.failure_type, failure_type)
        self.esms.bad_numbers = {"84912345670"}
        partner = self.env["res.partner"].create({"name": "Số sai", "mobile": "0912 345 670"})
        sms = self._compose(partner)
        self.assertEqual((sms.state, sms.failure_type), ("error", "sms_number_format"))

    def test_without_provider_iap_code_path_is_used(self):
        self.esms_provider.active = False

        def iap(_self, messages, delivery_reports_url=False):
            return [
                {"uuid": number["uuid"], "state": "success"}
                for message in messages
                for number in message["numbers"]
            ]

        with patch.object(SmsApi, "_send_sms_batch", autospec=True, side_effect=iap) as called:
            sms = self._compose()
        called.assert_called_once()
        self.assertFalse(self.esms.requests)
        self.assertEqual(sms.state, "pending")

    def test_provider_of_another_company_is_not_used(self):
        other = self.env["res.company"].create({"name": "Công ty khác"})
        self.esms_provider.company_id = other
        with patch.object(SmsApi, "_send_sms_batch", return_value=[]) as iap:
            self._compose()
        self.assertTrue(iap.called)
        self.assertFalse(self.esms.requests)

    def test_raise_exception_gives_a_clear_error(self):
        self.esms.faults = [("http", 503)]
        sms = self.env["sms.sms"].create({"number": "+84912345678", "body": "Chào"})
        with self.assertRaisesRegex(UserError, "HTTP 503"):
            sms.send(raise_exception=True)
