from odoo.exceptions import AccessError, UserError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestDoNotContact(TransactionCase):
    """LEAD-4 on leads and contacts: the wizards, the reason and who set it, Managers lift."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        # Odoo's phone_sanitized reads national numbers in the company's country.
        cls.env.company.country_id = cls.env.ref("base.vn")
        cls.agent = new_test_user(cls.env, login="dnc_agent", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="dnc_manager", groups="coka_pbx.group_manager")
        cls.partner = cls.env["res.partner"].create(
            {"name": "Võ Thị Lan", "phone": "028 3730 0124", "mobile": "0905 777 888"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Hỏi giá máy lọc",
                "mobile": "+84 905 666 111",
                "phone": "0283 730 0125",
                "user_id": cls.agent.id,
            }
        )

    def _wizard(self, model, records, user, reason=None):
        context = {"active_model": records._name, "active_ids": records.ids}
        form = Form(self.env[model].with_user(user).with_context(**context))
        if reason is not None:
            form.reason = reason
        return form

    def test_agent_marks_his_lead_do_not_contact_with_a_required_reason(self):
        form = self._wizard("coka.do.not.contact", self.lead, self.agent)
        self.assertEqual(form.numbers, "028 3730 0125\n0905 666 111")
        with self.assertRaisesRegex(AssertionError, "reason"):
            form.save()
        form.reason = "Khách yêu cầu không liên hệ"
        form.save().action_confirm()
        lead = self.lead.with_user(self.agent)
        self.assertEqual(lead.coka_dnc_reason, "Khách yêu cầu không liên hệ")
        self.assertEqual(lead.coka_dnc_user_id, self.agent)
        self.assertTrue(lead.coka_dnc_date)
        # Odoo's own blacklist holds both numbers: its SMS and marketing tools respect it.
        entries = self.env["phone.blacklist"].search(
            [("number", "in", ["+84905666111", "+842837300125"])]
        )
        self.assertEqual(len(entries), 2)
        self.assertEqual(set(entries.mapped("coka_user_id")), {self.agent})
        self.assertTrue(self.lead.phone_sanitized_blacklisted)
        self.assertTrue(self.lead.mobile_blacklisted)
        self.assertIn("Khách yêu cầu không liên hệ", self.lead.message_ids[0].body)
        self.assertEqual(self.lead.message_ids[0].author_id, self.agent.partner_id)

    def test_contact_exposes_odoo_phone_blacklisted_and_the_reason(self):
        office = self.env["res.partner"].create({"name": "Văn phòng", "phone": "028 3730 0999"})
        self._wizard("coka.do.not.contact", office, self.agent, "Tổng đài").save().action_confirm()
        # Odoo's flag for the phone field (the mobile has its own, mobile_blacklisted).
        self.assertTrue(office.phone_blacklisted)
        self.assertFalse(self.partner.phone_blacklisted)
        self.assertFalse(self.partner.coka_dnc_reason)
        action = self.partner.with_user(self.agent).action_coka_do_not_contact()
        self.assertEqual(action["res_model"], "coka.do.not.contact")
        form = Form(
            self.env["coka.do.not.contact"].with_user(self.agent).with_context(**action["context"])
        )
        form.reason = "Số của đối thủ"
        form.save().action_confirm()
        self.assertTrue(self.partner.mobile_blacklisted)
        self.assertTrue(self.partner.phone_sanitized_blacklisted)
        self.assertEqual(self.partner.coka_dnc_reason, "Số của đối thủ")
        # A lead with the same number shows it too: the list is per number.
        lead = self.env["crm.lead"].create({"name": "Khác", "mobile": "0905777888"})
        self.assertEqual(lead.coka_dnc_reason, "Số của đối thủ")

    def test_only_managers_lift_it_with_a_reason(self):
        form = self._wizard("coka.do.not.contact", self.lead, self.agent, "Spam")
        form.save().action_confirm()
        with self.assertRaises(AccessError):
            self.env["coka.do.not.contact.lift"].with_user(self.agent).with_context(
                active_model="crm.lead", active_ids=self.lead.ids
            ).create({"reason": "Tôi muốn gọi"})
        form = self._wizard("coka.do.not.contact.lift", self.lead, self.manager)
        self.assertEqual(form.numbers, "028 3730 0125\n0905 666 111")
        with self.assertRaisesRegex(AssertionError, "reason"):
            form.save()
        form.reason = "Khách đồng ý nhận tư vấn lại"
        form.save().action_confirm()
        self.assertFalse(self.lead.coka_dnc_reason)
        self.assertFalse(self.lead.phone_sanitized_blacklisted)
        self.assertFalse(self.env["phone.blacklist"].search([("number", "=", "+84905666111")]))
        self.assertIn("Khách đồng ý nhận tư vấn lại", self.lead.message_ids[0].body)
        self.assertEqual(self.lead.message_ids[0].author_id, self.manager.partner_id)

    def test_an_entry_of_odoos_own_blacklist_counts_too(self):
        self.env["phone.blacklist"].sudo().add("+84905888999", message="SMS STOP")
        lead = self.env["crm.lead"].create({"name": "Đã từ chối SMS", "mobile": "0905 888 999"})
        self.assertEqual(lead.coka_dnc_reason, "On Odoo's phone blacklist")
        with self.assertRaisesRegex(UserError, "0905 888 999 is on the Do Not Contact list"):
            self.env["phone.blacklist"]._coka_check_contactable([lead.mobile])
