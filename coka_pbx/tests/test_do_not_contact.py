from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.pbx_client import GenericPbxClient
from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestDoNotContact(CokaPbxCase):
    """LEAD-4 in the PBX: Odoo's phone blacklist is the Do Not Contact list."""

    def _originate(self, number):
        sent = []

        def fake_request(client, method, path, payload=None, raw=False):
            sent.append((method, path, payload))
            return {"call_id": f"out-{len(sent)}"}

        with patch.object(GenericPbxClient, "_request", fake_request):
            call = self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate(number)
        return call, sent

    def test_a_do_not_contact_number_cannot_be_called_in_any_form(self):
        self.provider.api_url = "http://pbx.invalid/api"
        Blacklist = self.env["phone.blacklist"].with_user(self.manager).sudo()
        entry = Blacklist._coka_block(["0912 000 555"], "Khách yêu cầu không gọi nữa")
        self.assertEqual(entry.number, "+84912000555")
        self.assertEqual(entry.coka_reason, "Khách yêu cầu không gọi nữa")
        self.assertEqual(entry.coka_user_id, self.manager)
        self.assertTrue(entry.coka_date)
        for number in ("0912000555", "+84 912 000 555", "84912000555", "(091) 2000555"):
            with self.assertRaisesRegex(
                UserError, "0912 000 555 is on the Do Not Contact list: Khách yêu cầu"
            ):
                self._originate(number)
        self.assertFalse(self.env["coka.pbx.call"].search([("user_id", "=", self.agent_1.id)]))
        # Lifted: the number is called again.
        Blacklist._coka_lift(["+84912000555"], "Khách gọi lại xin tư vấn")
        self.assertFalse(entry.active)
        call, sent = self._originate("0912000555")
        self.assertEqual(sent[0][2]["to"], "+84912000555")
        self.assertEqual(call.customer_number, "+84912000555")

    def test_reasons_are_required_and_kept_on_the_chatter(self):
        Blacklist = self.env["phone.blacklist"].sudo()
        with self.assertRaisesRegex(UserError, "reason"):
            Blacklist._coka_block(["0912000555"], "  ")
        entry = Blacklist._coka_block(["0912000555"], "Spam")
        with self.assertRaisesRegex(UserError, "reason"):
            Blacklist._coka_lift(["0912000555"], "")
        Blacklist._coka_lift(["0912000555"], "Nhầm số")
        # Blocked again: the entry comes back with the new reason.
        again = Blacklist._coka_block(["+84912000555"], "Khách phàn nàn")
        self.assertEqual(again, entry)
        self.assertTrue(entry.active)
        self.assertEqual(entry.coka_reason, "Khách phàn nàn")
        bodies = " ".join(entry.message_ids.mapped("body"))
        self.assertIn("Nhầm số", bodies)
        self.assertIn("Khách phàn nàn", bodies)

    def test_check_ignores_empty_and_other_numbers(self):
        Blacklist = self.env["phone.blacklist"]
        Blacklist.sudo()._coka_block(["0912000555"], "Spam")
        self.assertTrue(Blacklist._coka_check_contactable([None, "", "0912000556"]))
        with self.assertRaisesRegex(UserError, "Spam"):
            Blacklist.with_user(self.agent_1)._coka_check_contactable(["0912000556", "0912000555"])
