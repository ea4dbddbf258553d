from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestTicketsAndLeads(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.agent = new_test_user(cls.env, login="lead_agent", groups="coka_pbx.group_agent")
        cls.other_agent = new_test_user(
            cls.env, login="lead_agent_2", groups="coka_pbx.group_agent"
        )
        cls.partner = cls.env["res.partner"].create(
            {"name": "Phan Văn Đức", "mobile": "0905111222"}
        )

    def test_ticket_created_from_a_form_gets_a_reference(self):
        form = Form(self.env["coka.ticket"].with_user(self.agent))
        form.name = "Khách cần báo giá"
        form.partner_id = self.partner
        ticket = form.save()
        self.assertTrue(ticket.reference.startswith("PGH/"))
        self.assertEqual(ticket.user_id, self.agent)
        self.assertEqual(ticket.stage, "new")
        second = self.env["coka.ticket"].create({"name": "Khiếu nại"})
        self.assertNotEqual(second.reference, ticket.reference)

    def test_lead_mobile_key_and_tickets_button(self):
        lead = self.env["crm.lead"].create(
            {"name": "Hỏi giá", "mobile": "+84 905 111 333", "user_id": self.agent.id}
        )
        self.assertEqual(lead.coka_mobile_e164, "+84905111333")
        self.assertFalse(lead.coka_phone_e164)
        other = self.env["crm.lead"].create({"name": "Bàn phím", "phone": "0283 730 0123"})
        self.assertEqual(other.coka_phone_e164, "+842837300123")
        # One phone-key mechanism with contacts: the lookup finds a lead by either number.
        Lead = self.env["crm.lead"]
        self.assertEqual(Lead._coka_search_phone("0905 111 333"), lead)
        self.assertEqual(Lead._coka_search_phone("+84 283 730 0123"), other)
        lead.mobile = "0905 222 444"
        self.assertFalse(Lead._coka_search_phone("0905 111 333"))
        self.assertEqual(Lead._coka_search_phone("0905222444"), lead)
        self.env["coka.ticket"].create({"name": "Gọi lại", "lead_id": lead.id})
        self.assertEqual(lead.coka_ticket_count, 1)
        action = lead.action_coka_view_tickets()
        self.assertEqual(action["context"]["default_lead_id"], lead.id)

    def test_agent_reads_the_calls_of_his_leads_only(self):
        lead = self.env["crm.lead"].create({"name": "Lead của Đức", "user_id": self.agent.id})
        call = self.env["coka.pbx.call"].create(
            {
                "direction": "inbound",
                "customer_number": "+84905111222",
                "user_id": self.other_agent.id,
                "lead_id": lead.id,
            }
        )
        self.assertEqual(call.with_user(self.agent).read(["customer_number"])[0]["id"], call.id)
        lead.user_id = self.other_agent
        call.invalidate_recordset()
        with self.assertRaises(AccessError):
            call.with_user(self.agent).read(["customer_number"])

    def test_call_note_reaches_the_lead_and_the_contact(self):
        lead = self.env["crm.lead"].create(
            {"name": "Lead ghi chú", "user_id": self.agent.id, "partner_id": self.partner.id}
        )
        call = self.env["coka.pbx.call"].create(
            {
                "direction": "outbound",
                "customer_number": "+84905111222",
                "user_id": self.agent.id,
                "partner_id": self.partner.id,
                "lead_id": lead.id,
            }
        )
        call.with_user(self.agent)._coka_save_note("Hẹn gặp ngày mai")
        self.assertIn("Hẹn gặp ngày mai", lead.message_ids[0].body)
        self.assertIn("Hẹn gặp ngày mai", self.partner.message_ids[0].body)
