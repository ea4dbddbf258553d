from odoo.exceptions import AccessError
from odoo.tests import Form, tagged
from odoo.tests.common import TransactionCase, new_test_user


@tagged("post_install", "-at_install")
class TestTicketAccess(TransactionCase):
    """Tickets (SPEC CON-5): who sees and changes which, and where they are created."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.agent = new_test_user(cls.env, login="tk_agent", groups="coka_pbx.group_agent")
        cls.other = new_test_user(cls.env, login="tk_other", groups="coka_pbx.group_agent")
        cls.manager = new_test_user(cls.env, login="tk_manager", groups="coka_pbx.group_manager")
        Partner = cls.env["res.partner"]
        cls.his_contact = Partner.create({"name": "Khách của Hoa", "user_id": cls.agent.id})
        cls.their_contact = Partner.create({"name": "Khách của Lan", "user_id": cls.other.id})
        Ticket = cls.env["coka.ticket"]
        cls.own = Ticket.create({"name": "Của tôi", "user_id": cls.agent.id})
        cls.of_his_contact = Ticket.create(
            {"name": "Khách của tôi", "user_id": cls.other.id, "partner_id": cls.his_contact.id}
        )
        cls.others = Ticket.create(
            {"name": "Của người khác", "user_id": cls.other.id, "partner_id": cls.their_contact.id}
        )

    def test_agent_sees_his_own_and_his_contacts_tickets_only(self):
        Ticket = self.env["coka.ticket"].with_user(self.agent)
        visible = Ticket.search([("id", "in", (self.own | self.of_his_contact | self.others).ids)])
        self.assertEqual(visible, self.own | self.of_his_contact)
        with self.assertRaises(AccessError):
            self.others.with_user(self.agent).read(["name"])
        with self.assertRaises(AccessError):
            self.others.with_user(self.agent).write({"stage": "done"})
        self.own.with_user(self.agent).write({"stage": "in_progress"})
        self.of_his_contact.with_user(self.agent).write({"priority": "2"})
        self.assertEqual((self.own.stage, self.of_his_contact.priority), ("in_progress", "2"))
        with self.assertRaises(AccessError):
            self.own.with_user(self.agent).unlink()
        # He created it for a colleague's contact, for the colleague: he still reads it.
        made = Ticket.create(
            {"name": "Chuyển Lan", "user_id": self.other.id, "partner_id": self.their_contact.id}
        )
        self.assertEqual(made.read(["name"])[0]["name"], "Chuyển Lan")
        # The kanban groups his tickets by stage, every stage shown.
        groups = Ticket.read_group([], ["stage"], ["stage"])
        self.assertEqual(
            [group["stage"] for group in groups], ["new", "in_progress", "done", "cancelled"]
        )
        self.assertEqual(sum(group["stage_count"] for group in groups), 3)

    def test_manager_sees_and_deletes_all(self):
        Ticket = self.env["coka.ticket"].with_user(self.manager)
        tickets = self.own | self.of_his_contact | self.others
        self.assertEqual(Ticket.search([("id", "in", tickets.ids)]), tickets)
        self.others.with_user(self.manager).unlink()
        self.assertFalse(self.others.exists())

    def test_created_from_a_contact(self):
        contact = self.his_contact.with_user(self.agent)
        action = contact.action_coka_create_ticket()
        form = Form(self.env["coka.ticket"].with_user(self.agent).with_context(**action["context"]))
        form.name = "Khách hỏi bảo hành"
        ticket = form.save()
        self.assertEqual((ticket.partner_id, ticket.user_id), (self.his_contact, self.agent))
        self.assertEqual(contact.coka_ticket_count, 2)
        action = contact.action_coka_view_tickets()
        self.assertEqual(
            self.env["coka.ticket"].with_user(self.agent).search(action["domain"]),
            ticket | self.of_his_contact,
        )

    def test_created_from_a_lead(self):
        lead = self.env["crm.lead"].create(
            {"name": "Hỏi giá", "user_id": self.agent.id, "partner_id": self.his_contact.id}
        )
        action = lead.with_user(self.agent).action_coka_create_ticket()
        form = Form(self.env["coka.ticket"].with_user(self.agent).with_context(**action["context"]))
        form.name = "Gửi báo giá"
        ticket = form.save()
        self.assertEqual((ticket.lead_id, ticket.partner_id), (lead, self.his_contact))
        self.assertEqual(lead.coka_ticket_count, 1)

    def test_created_from_the_call_panel(self):
        lead = self.env["crm.lead"].create(
            {"name": "Lead gọi đến", "user_id": self.agent.id, "partner_id": self.his_contact.id}
        )
        call = self.env["coka.pbx.call"].create(
            {
                "direction": "inbound",
                "customer_number": "+84905111222",
                "user_id": self.agent.id,
                "partner_id": self.his_contact.id,
                "lead_id": lead.id,
            }
        )
        action = call.with_user(self.agent).action_coka_create_ticket()
        self.assertEqual((action["res_model"], action["target"]), ("coka.ticket", "new"))
        form = Form(self.env["coka.ticket"].with_user(self.agent).with_context(**action["context"]))
        self.assertEqual(form.call_id, call)
        form.name = "Khách gọi báo lỗi"
        ticket = form.save()
        self.assertEqual(
            (ticket.call_id, ticket.partner_id, ticket.lead_id), (call, self.his_contact, lead)
        )
        # The lead went to a colleague: the dialog opens without it, no access error.
        lead.user_id = self.other
        lead.invalidate_recordset()
        action = call.with_user(self.agent).action_coka_create_ticket()
        self.assertFalse(action["context"]["default_lead_id"])
        self.assertEqual(action["context"]["default_partner_id"], self.his_contact.id)

    def test_choosing_the_call_fills_contact_and_lead(self):
        lead = self.env["crm.lead"].create({"name": "Lead", "partner_id": self.his_contact.id})
        call = self.env["coka.pbx.call"].create(
            {"direction": "inbound", "partner_id": self.his_contact.id, "lead_id": lead.id}
        )
        form = Form(self.env["coka.ticket"])
        form.name = "Từ cuộc gọi"
        form.call_id = call
        self.assertEqual((form.partner_id, form.lead_id), (self.his_contact, lead))
        form = Form(self.env["coka.ticket"])
        form.lead_id = lead
        self.assertEqual(form.partner_id, self.his_contact)
