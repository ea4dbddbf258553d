from lxml import etree

from odoo.exceptions import UserError
from odoo.tests import Form, TransactionCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestLeadSend(TransactionCase):
    """Send SMS / ZNS from leads (SPEC MSG-2): the lead's contact, the lead's own fields."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(context=dict(cls.env.context, tracking_disable=True))
        cls.env.company.country_id = cls.env.ref("base.vn")
        cls.env["coka.message"].search([("state", "=", "queued")]).state = "failed"
        cls.agent = new_test_user(
            cls.env,
            login="lead_send_agent",
            groups="coka_pbx.group_agent,sales_team.group_sale_salesman",
        )
        Template = cls.env["coka.message.template"]
        Template.search([("state", "=", "approved")]).state = "draft"
        cls.template = Template.create(
            {
                "name": "Báo giá",
                "channel": "sms",
                "body": "Chào {{customer_name}}, báo giá {{quote}} cho {{topic}}.",
                "state": "approved",
            }
        )
        topic = cls.template.keyword_ids.filtered(lambda line: line.keyword == "topic")
        topic.write({"source": "field", "field_path": "record.name"})
        cls.contact = cls.env["res.partner"].create(
            {"name": "Phạm Minh Châu", "mobile": "0903 111 222"}
        )
        cls.with_contact, cls.without_contact, cls.no_mobile = cls.env["crm.lead"].create(
            [
                {"name": "Tổng đài 20 máy", "partner_id": cls.contact.id, "user_id": cls.agent.id},
                {
                    "name": "Camera văn phòng",
                    "contact_name": "Chị Lan",
                    "mobile": "0987 333 444",
                    "user_id": cls.agent.id,
                },
                {"name": "Không số", "user_id": cls.agent.id},
            ]
        )

    def _send(self, leads, quote="12 triệu"):
        form = Form(
            self.env["coka.message.send"]
            .with_user(self.agent)
            .with_context(active_model="crm.lead", active_ids=leads.ids)
        )
        form.channel = "sms"
        with form.value_ids.edit(0) as line:
            line.value = quote
        return form.save().action_send()

    def test_the_lead_and_contact_buttons_open_the_wizard(self):
        action = self.env.ref("coka_messaging_crm.coka_message_send_action_lead")
        self.assertEqual(action.binding_model_id.model, "crm.lead")
        self.assertEqual(action.res_model, "coka.message.send")
        for model in ("crm.lead", "res.partner"):
            arch = self.env[model].with_user(self.agent).get_views([(False, "form")])
            arch = etree.fromstring(arch["views"]["form"]["arch"])
            buttons = arch.xpath("//header/button[contains(@class, 'o_coka_send_message')]")
            self.assertEqual(len(buttons), 1, model)
            self.assertEqual(len(arch.xpath("//header")), 1, model)

    def test_from_a_lead_to_its_contact(self):
        self._send(self.with_contact)
        message = self.env["coka.message"].search([("template_id", "=", self.template.id)])
        self.assertEqual(
            (message.partner_id, message.number, message.body),
            (
                self.contact,
                "+84903111222",
                "Chào Phạm Minh Châu, báo giá 12 triệu cho Tổng đài 20 máy.",
            ),
        )

    def test_a_selection_of_leads(self):
        self._send(self.with_contact | self.without_contact | self.no_mobile)
        messages = self.env["coka.message"].search([("template_id", "=", self.template.id)])
        self.assertEqual(sorted(messages.mapped("number")), ["+84903111222", "+84987333444"])
        # Without a contact, the lead's own fields: the contact's name is its contact name.
        lan = messages.filtered(lambda message: message.number == "+84987333444")
        self.assertFalse(lan.partner_id)
        self.assertEqual(lan.body, "Chào Chị Lan, báo giá 12 triệu cho Camera văn phòng.")

    def test_a_single_lead_without_mobile_is_refused(self):
        with self.assertRaisesRegex(UserError, "Không số has no mobile number"):
            self._send(self.no_mobile)
