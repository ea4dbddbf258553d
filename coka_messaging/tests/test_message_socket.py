"""The clients against the fake eSMS and Zalo servers over real sockets: success, each error
class, timeout, 429 with Retry-After, bad JSON, expired ZNS token then refresh."""

import socket
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import message_client
from ..tools.esms_client import EsmsClient
from .common import MessagingCase


def closed_port():
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@tagged("post_install", "-at_install")
class TestMessageSocket(MessagingCase):
    def _esms_error(self, fault=None, key="k1", number="+84912345678"):
        if fault:
            self.esms.faults = [fault]
        client = self.esms_provider._coka_client()
        with self.assertRaises(ProviderError) as caught:
            client.send(number, "Chào", key)
        return caught.exception

    def test_esms_success_reaches_the_fake_once_per_key(self):
        client = self.esms_provider._coka_client()
        ref = client.send("+84912345678", "Chào An", "sock-1")
        self.assertEqual(self.esms.sms_ids["sock-1"], ref)
        self.assertEqual(self.esms.accepted["sock-1"]["Content"], "Chào An")
        again = self._esms_error(key="sock-1")
        self.assertEqual(again.kind, "duplicate")
        self.assertEqual(len([k for k in self.esms.accepted if k == "sock-1"]), 1)

    def test_esms_error_classes(self):
        cases = [
            (("http", 503), "server_error", True),
            (("http", 404), "refused", False),
            (("http", 401), "auth", False),
            (("raw", b"<html>busy</html>"), "not_json", True),
            (("code", "99"), "refused", False),
            (("code", "103"), "no_balance", False),
            (("code", "146"), "bad_template", False),
        ]
        for fault, kind, retryable in cases:
            with self.subTest(fault=fault):
                error = self._esms_error(fault, key=f"err-{fault[1]}")
                self.assertEqual((error.kind, error.retryable), (kind, retryable))
        self.esms.bad_numbers = {"84900000000"}
        error = self._esms_error(number="+84900000000", key="bad")
        self.assertEqual((error.kind, error.code), ("bad_number", "108"))
        self.assertNotIn("err-103", self.esms.accepted)

    def test_esms_429_carries_retry_after(self):
        error = self._esms_error(("http", 429, {"Retry-After": "120"}))
        self.assertEqual(
            (error.kind, error.retryable, error.retry_after), ("rate_limited", True, 120)
        )

    def test_esms_timeout(self):
        with patch.object(message_client, "READ_TIMEOUT", 0.3):
            error = self._esms_error(("sleep", 1.5))
        self.assertEqual((error.kind, error.retryable), ("timeout", True))

    def test_esms_unreachable(self):
        client = EsmsClient(f"http://127.0.0.1:{closed_port()}", {})
        with self.assertRaises(ProviderError) as caught:
            client.send("+84912345678", "x", "k")
        self.assertEqual((caught.exception.kind, caught.exception.retryable), ("unreachable", True))

    def test_esms_test_connection_button(self):
        action = self.esms_provider.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        self.assertIn("125000", action["params"]["message"])
        self.esms_provider.esms_secret_key = "wrong"
        with self.assertRaisesRegex(UserError, "Authorize Failed"):
            self.esms_provider.action_test_connection()

    def test_zns_refresh_then_send_and_rotation_stored(self):
        client = self.zalo_provider._coka_client()
        ref = client.send("+84912345678", "", "z1", "tpl-1", {"customer_name": "An"})
        self.assertEqual(self.zalo.by_tracking["z1"][0], ref)
        self.assertEqual(self.zalo.by_tracking["z1"][1]["template_data"], {"customer_name": "An"})
        self.assertEqual(self.zalo.by_tracking["z1"][1]["phone"], "84912345678")
        self.assertEqual(self.zalo.refreshes, 1)
        provider = self.zalo_provider
        self.assertEqual(provider.zalo_refresh_token, self.zalo.refresh_token)
        self.assertIn(provider.zalo_access_token, self.zalo.valid_tokens)
        self.assertTrue(provider.zalo_token_expiry)
        # A second send uses the stored token: no refresh.
        self.zalo_provider._coka_client().send("+84912345678", "", "z2", "tpl-1", {})
        self.assertEqual(self.zalo.refreshes, 1)

    def test_zns_expired_token_answer_renews_once(self):
        self.zalo_provider._coka_client().send("+84912345678", "", "z3", "tpl-1", {})
        self.zalo.valid_tokens.clear()  # Zalo expired it before our expiry date
        ref = self.zalo_provider._coka_client().send("+84912345678", "", "z4", "tpl-1", {})
        self.assertTrue(ref)
        self.assertEqual(self.zalo.refreshes, 2)

    def test_zns_token_renewed_before_its_expiry(self):
        token = self.zalo.issue_token()
        now = fields.Datetime.now()
        self.zalo_provider.write(
            {"zalo_access_token": token, "zalo_token_expiry": now + timedelta(hours=5)}
        )
        self.zalo_provider._coka_client().send("+84912345678", "", "e1", "tpl", {})
        self.assertEqual(self.zalo.refreshes, 0)
        self.assertEqual(self.zalo.requests[-1][2]["access_token"], token)
        self.zalo_provider.zalo_token_expiry = now + timedelta(minutes=5)
        self.zalo_provider._coka_client().send("+84912345678", "", "e2", "tpl", {})
        self.assertEqual(self.zalo.refreshes, 1)
        self.assertNotEqual(self.zalo.requests[-1][2]["access_token"], token)
        self.assertGreater(self.zalo_provider.zalo_token_expiry, now + timedelta(hours=24))

    def test_zns_spent_refresh_token_is_a_clear_error(self):
        self.zalo_provider.zalo_refresh_token = "spent"
        with self.assertRaisesRegex(UserError, "refresh"):
            self.zalo_provider.action_test_connection()

    def test_zns_test_connection_and_error_classes(self):
        action = self.zalo_provider.action_test_connection()
        self.assertEqual(action["params"]["type"], "success")
        cases = [(("code", -115), "no_balance", False), (("code", -108), "bad_number", False)]
        cases += [(("http", 502), "server_error", True), (("code", -32), "rate_limited", True)]
        for fault, kind, retryable in cases:
            self.zalo.faults = [fault]
            with self.subTest(fault=fault), self.assertRaises(ProviderError) as caught:
                self.zalo_provider._coka_client().send("+84912345678", "", "e", "tpl", {})
            self.assertEqual((caught.exception.kind, caught.exception.retryable), (kind, retryable))
