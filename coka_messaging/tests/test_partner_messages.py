from lxml import etree

from odoo.tests import tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestPartnerMessages(TransactionCase):
    """The contact's SMS and ZNS messages on his form and chatter (SPEC CON-6)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent = new_test_user(cls.env, login="pm_agent", groups="coka_pbx.group_agent")
        cls.partners = cls.env["res.partner"].create(
            [{"name": f"Khách {index}", "mobile": f"0905 200 {index:03d}"} for index in range(20)]
        )

    def _send(self, partner, body, channel="sms"):
        return (
            self.env["coka.message"]
            .with_user(self.agent)
            .create(
                {
                    "channel": channel,
                    "partner_id": partner.id,
                    "number": partner.mobile,
                    "body": body,
                }
            )
        )

    def test_count_button_tab_and_chatter(self):
        partner = self.partners[0]
        self._send(partner, "Xác nhận lịch hẹn 9h")
        self._send(partner, "Mã đơn DH01", channel="zns")
        self.assertEqual(partner.coka_message_count, 2)
        self.assertEqual(self.partners[1].coka_message_count, 0)
        action = partner.action_coka_view_messages()
        self.assertEqual(self.env["coka.message"].search_count(action["domain"]), 2)
        self.assertIn("DH01", partner.message_ids[0].body)
        self.assertIn("Zalo ZNS", partner.message_ids[0].body)
        self.assertEqual(partner.message_ids[0].author_id, self.agent.partner_id)
        arch = self.env["res.partner"].get_views([(False, "form")])["views"]["form"]["arch"]
        arch = etree.fromstring(arch)
        self.assertTrue(arch.xpath("//button[@name='action_coka_view_messages']"))
        self.assertTrue(arch.xpath("//page[@name='coka_messages']"))

    def test_counts_take_one_query_for_the_whole_list(self):
        for partner in self.partners:
            self._send(partner, "Chào anh chị")
        counts = []
        for partners in (self.partners[:1], self.partners, self.partners[:1]):
            partners = partners.with_user(self.agent)
            self.env.invalidate_all()
            before = self.env.cr.sql_log_count
            self.assertEqual(partners.mapped("coka_message_count"), [1] * len(partners))
            counts.append(self.env.cr.sql_log_count - before)
        # The third is warm like the second (rules cached): 20 contacts cost what one costs.
        self.assertEqual(counts[1], counts[2])
        self.assertLessEqual(counts[1], 2)
