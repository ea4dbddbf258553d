"""Unit tests of the client and the sync, patching only the client's ``_request``."""

from unittest.mock import patch

from odoo.tests import tagged

from odoo.addons.coka_pbx.tools.pbx_client import ProviderError

from ..tools.haravan_client import RATE_RETRIES, HaravanClient
from .common import HaravanCase


@tagged("post_install", "-at_install")
class TestHaravanClientUnit(HaravanCase):
    def _patched(self, answers):
        """Patch ``_request`` to give ``answers`` in turn (an exception is raised)."""
        calls = []

        def fake(client, method, path, params=None, json_body=None):
            calls.append((method, path, params, json_body))
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return patch.object(HaravanClient, "_request", autospec=True, side_effect=fake), calls

    def test_429_is_waited_for_then_retried(self):
        busy = ProviderError("rate_limited", status=429, retryable=True, retry_after=2)
        patcher, calls = self._patched([busy, busy, {"customers": [{"id": 7}]}])
        client = HaravanClient("https://apis.haravan.com", "t", sleep=self._sleep)
        with patcher:
            self.assertEqual(client.search("0912345678"), [{"id": 7}])
        self.assertEqual(len(calls), 3)
        self.assertEqual(self.waits, [2.0, 2.0])

    def test_429_retries_are_bounded(self):
        busy = ProviderError("rate_limited", status=429, retryable=True)
        patcher, calls = self._patched([busy] * (RATE_RETRIES + 5))
        client = HaravanClient("https://apis.haravan.com", "t", sleep=self._sleep)
        with patcher, self.assertRaises(ProviderError) as caught:
            client.search("x")
        self.assertEqual(caught.exception.kind, "rate_limited")
        self.assertEqual(len(calls), RATE_RETRIES + 1)
        self.assertEqual(self.waits[:3], [0.25, 0.5, 1.0])

    def test_sync_searches_phone_then_email_then_creates(self):
        partner = self._contact(mobile="+84 912 345 678", email="an@example.vn")
        patcher, calls = self._patched(
            [{"customers": []}, {"customers": []}, {"customer": {"id": 4242}}]
        )
        with patcher:
            results = partner.with_user(self.agent)._coka_haravan_sync()
        self.assertEqual(results[partner.id][0], "done")
        self.assertEqual(
            [c[2] for c in calls[:2]], [{"query": "0912345678"}, {"query": "an@example.vn"}]
        )
        self.assertEqual(calls[2][3]["customer"]["last_name"], "Nguyễn Văn")
        self.assertEqual(calls[2][3]["customer"]["phone"], "0912345678")
        self.assertEqual(partner.coka_haravan_customer_ref, "4242")
        self.assertEqual(partner.coka_haravan_sync_state, "done")
        self.assertEqual(partner.coka_haravan_sync_user_id, self.agent)
        self.assertTrue(partner.coka_haravan_sync_date)
        self.assertEqual(
            partner.coka_haravan_customer_url,
            "https://saoviet.myharavan.com/admin/customers/4242",
        )

    def test_search_answer_of_another_number_is_not_a_match(self):
        partner = self._contact(mobile="0912345678")
        # Haravan's word search also finds 0912345678 inside a longer stored number.
        patcher, calls = self._patched(
            [{"customers": [{"id": 1, "phone": "09123456789"}]}, {"customer": {"id": 5}}]
        )
        with patcher:
            partner._coka_haravan_sync()
        self.assertEqual(partner.coka_haravan_customer_ref, "5")
        self.assertEqual(len(calls), 2)

    def test_failed_create_writes_no_id(self):
        partner = self._contact(email="an@example.vn")
        bad_gateway = ProviderError("server_error", status=502, retryable=True)
        # The search, the create that fails, the search that finds it was not created.
        patcher, calls = self._patched([{"customers": []}, bad_gateway, {"customers": []}])
        with patcher:
            results = partner._coka_haravan_sync()
        self.assertEqual(results[partner.id][0], "failed")
        self.assertEqual(len(calls), 3)
        self.assertFalse(partner.coka_haravan_customer_ref)
        self.assertEqual(partner.coka_haravan_sync_state, "failed")
        self.assertIn("HTTP 502", partner.coka_haravan_sync_error)

    def test_refused_create_is_not_searched_again(self):
        partner = self._contact(email="an@example.vn")
        refused = ProviderError("refused", status=422, detail="email đã tồn tại")
        patcher, calls = self._patched([{"customers": []}, refused])
        with patcher:
            partner._coka_haravan_sync()
        self.assertEqual(len(calls), 2)
        self.assertIn("HTTP 422): email đã tồn tại", partner.coka_haravan_sync_error)

    def test_bad_json_and_no_id_are_clear_errors(self):
        partner = self._contact(email="an@example.vn")
        patcher, _calls = self._patched([{"customers": []}, {"customer": {}}])
        with patcher:
            partner._coka_haravan_sync()
        self.assertIn("unexpected answer", partner.coka_haravan_sync_error)
        self.assertFalse(partner.coka_haravan_customer_ref)

    def test_contact_without_phone_or_email_or_with_a_bad_number(self):
        nobody = self._contact("Vô Danh")
        junk = self._contact("Số Sai", phone="12")
        patcher, calls = self._patched([])
        with patcher:
            results = (nobody | junk)._coka_haravan_sync()
        self.assertEqual(calls, [])
        self.assertIn("phone number or an email", results[nobody.id][1])
        self.assertIn("12 is not a valid phone number", junk.coka_haravan_sync_error)
