"""The eSMS and Zalo ZNS clients with only their transport ``_request`` patched."""

from unittest.mock import patch

from odoo.tests import tagged
from odoo.tests.common import BaseCase

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools import message_client, report_token, sending
from ..tools.esms_client import EsmsClient
from ..tools.zns_client import ZnsClient

CONFIG = {"api_key": "k", "secret_key": "s", "brandname": "COKA", "sms_type": "2"}


@tagged("post_install", "-at_install")
class TestMessageClients(BaseCase):
    def _esms(self, answers):
        client = EsmsClient("https://rest.esms.vn/MainService.svc/json", CONFIG)
        calls = []

        def fake(method, path, json_body=None, **kwargs):
            calls.append((method, path, json_body))
            return answers.pop(0)

        return client, calls, patch.object(EsmsClient, "_request", side_effect=fake)

    def test_esms_send_payload_and_accepted_code(self):
        client, calls, patcher = self._esms([{"CodeResult": "100", "SMSID": "abc"}])
        with patcher:
            self.assertEqual(client.send("+84912345678", "Chào bạn", "key-1"), "abc")
        method, path, payload = calls[0]
        self.assertEqual((method, path), ("POST", "/SendMultipleMessage_V4_post_json/"))
        self.assertEqual(payload["Phone"], "84912345678")
        self.assertEqual(payload["RequestId"], "key-1")
        self.assertEqual(payload["Brandname"], "COKA")
        self.assertEqual(payload["IsUnicode"], "1")
        self.assertEqual(payload["Sandbox"], "0")
        self.assertNotIn("CallbackUrl", payload)

    def test_esms_send_carries_the_callback_url(self):
        client, calls, patcher = self._esms([{"CodeResult": "100", "SMSID": "abc"}])
        url = "https://crm.example/coka_messaging/callback/1/report/msg-k/" + "a" * 64
        with patcher:
            client.send("+84912345678", "Hi", "k", callback_url=url)
        self.assertEqual(calls[0][2]["CallbackUrl"], url)

    def test_esms_report_statuses(self):
        parse = EsmsClient.parse_report
        delivered = parse({"SMSID": "s1", "SendStatus": "5", "SendSuccess": "1", "SendFailed": "0"})
        self.assertEqual((delivered["status"], delivered["message_id"]), ("delivered", "s1"))
        # The documented promo sample: SendStatus 5 and both counts 0.
        self.assertEqual(parse({"SendStatus": "5", "SendSuccess": "0"})["status"], "delivered")
        failed = parse({"SendStatus": "5", "SendSuccess": "0", "SendFailed": "1"})
        self.assertEqual((failed["status"], failed["error_code"]), ("failed", "not_delivered"))
        self.assertIn("could not deliver", failed["error_message"])
        rejected = parse({"SendStatus": "4"})
        self.assertEqual((rejected["status"], rejected["error_code"]), ("failed", "rejected"))
        for pending in ("1", "2", "7"):
            with self.subTest(pending=pending):
                self.assertIsNone(parse({"SendStatus": pending, "SMSID": "s1"})["status"])

    def test_esms_report_refusals(self):
        cases = {
            "SendStatus is missing": {"SMSID": "s1"},
            "SendStatus must be a number": {"SendStatus": "five"},
            "unknown SendStatus 9": {"SendStatus": "9"},
            "SendFailed must be a number": {"SendStatus": "5", "SendFailed": "-1"},
            "SMSID is not valid": {"SendStatus": "5", "SMSID": "a\x00b"},
            "SendStatus must be a string": {"SendStatus": ["5"]},
        }
        for reason, params in cases.items():
            with self.subTest(reason=reason), self.assertRaises(message_client.CallbackError) as e:
                EsmsClient.parse_report(params)
            self.assertEqual(str(e.exception), reason)
        with self.assertRaises(message_client.CallbackError):
            ZnsClient.parse_report({"SendStatus": "5"})

    def test_report_token(self):
        token = report_token.report_token("s3cret", 7, "msg-abc")
        self.assertEqual(len(token), 64)
        self.assertEqual(token, report_token.report_token("s3cret", 7, "msg-abc"))
        check = report_token.check_report_token
        self.assertTrue(check("s3cret", 7, "msg-abc", token))
        self.assertFalse(check("other", 7, "msg-abc", token))
        self.assertFalse(check("s3cret", 8, "msg-abc", token))
        self.assertFalse(check("s3cret", 7, "msg-abd", token))
        self.assertFalse(check("s3cret", 7, "msg-abc", token.upper()))
        self.assertFalse(check("", 7, "msg-abc", token))
        self.assertFalse(check("s3cret", 7, "msg-abc", None))
        self.assertEqual(report_token.split_ref("sms-0f3a"), ("sms", "0f3a"))
        for bad in ("msg-", "mail-1", "msg-a/b", "msg-a b", None, "sms-" + "a" * 101):
            with self.subTest(ref=bad):
                self.assertIsNone(report_token.split_ref(bad))

    def test_esms_error_codes_are_classified(self):
        expected = {
            "99": ("refused", False),
            "101": ("auth", False),
            "102": ("auth", False),
            "103": ("no_balance", False),
            "104": ("bad_brandname", False),
            "108": ("bad_number", False),
            "124": ("duplicate", False),
            "140": ("auth", False),
            "146": ("bad_template", False),
            "177": ("refused", False),
            "777": ("refused", False),
        }
        for code, (kind, retryable) in expected.items():
            client, _calls, patcher = self._esms([{"CodeResult": code, "ErrorMessage": "x"}])
            with self.subTest(code=code), patcher, self.assertRaises(ProviderError) as caught:
                client.send("+84912345678", "Hi", "k")
            self.assertEqual((caught.exception.kind, caught.exception.retryable), (kind, retryable))
            self.assertEqual(caught.exception.code, code)

    def test_esms_balance(self):
        client, calls, patcher = self._esms([{"CodeResponse": "100", "Balance": 5000}])
        with patcher:
            self.assertEqual(client.test_connection(), "eSMS balance: 5000")
        self.assertEqual(calls[0], ("POST", "/GetBalance_json", {"ApiKey": "k", "SecretKey": "s"}))

    def test_zns_expired_token_is_renewed_once(self):
        forced = []

        def token_source(force=False):
            forced.append(force)
            return "new" if force else "old"

        client = ZnsClient("https://business.openapi.zalo.me", {}, token_source)
        answers = [
            {"error": -124, "message": "expired"},
            {"error": 0, "data": {"msg_id": "m1"}},
        ]
        tokens = []

        def fake(method, path, headers=None, **kwargs):
            tokens.append(headers["access_token"])
            return answers.pop(0)

        with patch.object(ZnsClient, "_request", side_effect=fake):
            self.assertEqual(client.send("0912345678", "", "t1", "tpl", {"name": "An"}), "m1")
        self.assertEqual(forced, [False, True])
        self.assertEqual(tokens, ["old", "new"])

    def test_zns_second_expired_answer_fails(self):
        client = ZnsClient("https://x", {}, lambda force=False: "t")
        with (
            patch.object(ZnsClient, "_request", return_value={"error": -124}),
            self.assertRaises(ProviderError) as caught,
        ):
            client.send("0912345678", "", "t1", "tpl", {})
        self.assertEqual(caught.exception.kind, "auth")
        self.assertFalse(caught.exception.retryable)

    def test_zns_refresh_rotates_the_refresh_token(self):
        client = ZnsClient("https://x", {"app_id": "a", "secret_key": "s"})
        answer = {"access_token": "A2", "refresh_token": "R2", "expires_in": "90000"}
        with patch.object(ZnsClient, "_request", return_value=answer) as request:
            tokens = client.refresh_tokens("R1")
        self.assertEqual(tokens, {"access_token": "A2", "refresh_token": "R2", "expires_in": 90000})
        kwargs = request.call_args.kwargs
        self.assertEqual(request.call_args.args[1], "https://oauth.zaloapp.com/v4/oa/access_token")
        self.assertEqual(kwargs["data"]["refresh_token"], "R1")
        self.assertEqual(kwargs["headers"], {"secret_key": "s"})

    def test_retry_delay_doubles_and_honours_retry_after(self):
        self.assertEqual(sending.retry_delay(1).total_seconds(), 60)
        self.assertEqual(sending.retry_delay(3).total_seconds(), 240)
        self.assertEqual(sending.retry_delay(1, retry_after=900).total_seconds(), 900)

    def test_callback_parser_refuses_bad_bodies(self):
        parse = message_client.MessageClient.parse_callback
        for body in (b"", b"[]", b"{", b'{"status": "delivered"}', b'{"key": "k"}', b"[1]"):
            with self.subTest(body=body), self.assertRaises(message_client.CallbackError):
                parse(body)
        self.assertEqual(parse(b'{"key": "k", "status": "delivered"}')[0]["key"], "k")
