import json
import time
from unittest.mock import patch

from odoo.tests import Form, tagged

from odoo.addons.coka_pbx.tests.common import CokaPbxCase
from odoo.addons.coka_pbx.tests.test_webhook import event_body
from odoo.addons.coka_pbx.tools import signature
from odoo.addons.coka_pbx.tools.pbx_client import GenericPbxClient


@tagged("post_install", "-at_install")
class TestLeadCallCenter(CokaPbxCase):
    """LEAD-5 and seed 003: the Call Center's leads, their buttons, search and calls."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 111"}
        )
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Hỏi giá máy lọc nước",
                "partner_id": cls.customer.id,
                "user_id": cls.agent_1.id,
            }
        )

    def _send(self, body):
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        return (
            self.env["coka.pbx.provider"].sudo()._coka_receive("test-pbx", "webhook", headers, raw)
        )

    def test_search_by_any_form_of_the_number(self):
        other = self.env["crm.lead"].create({"name": "Khác", "phone": "028 3730 0123"})
        Lead = self.env["crm.lead"].with_user(self.manager)
        self.assertEqual(self.lead.coka_mobile_e164, "+84912000111")
        for number in ("0912000111", "+84 912 000 111", "84912000111", "(091) 2000111"):
            self.assertEqual(Lead.search([("coka_phone_search", "ilike", number)]), self.lead)
        self.assertEqual(Lead.search([("coka_phone_search", "=", "02837300123")]), other)
        # Equality on the key, never a partial match.
        self.assertFalse(Lead.search([("coka_phone_search", "ilike", "0912000")]))
        # An agent finds only his own leads.
        mine = (
            self.env["crm.lead"]
            .with_user(self.agent_2)
            .search([("coka_phone_search", "=", "0912000111")])
        )
        self.assertFalse(mine)

    def test_quick_create_requires_the_mobile(self):
        Lead = self.env["crm.lead"].with_user(self.agent_1).with_context(default_type="lead")
        view = "coka_crm_leads.crm_lead_view_form_quick_create_call_center"
        form = Form(Lead, view=view)
        form.name = "Khách hỏi qua Zalo"
        with self.assertRaisesRegex(AssertionError, "mobile"):
            form.save()
        form.mobile = "0912 000 222"
        form.source_id = self.env["utm.source"].create({"name": "Zalo"})
        lead = form.save()
        self.assertEqual((lead.type, lead.coka_mobile_e164), ("lead", "+84912000222"))
        self.assertEqual(lead.source_id.name, "Zalo")
        # The Call Center's list, kanban and search views are the ones of the menu.
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coka_crm_leads.crm_lead_action_call_center"
        )
        views = {mode: view_id for view_id, mode in action["views"]}
        ref = self.env.ref
        self.assertEqual(views["list"], ref("coka_crm_leads.crm_lead_view_list_call_center").id)
        self.assertEqual(views["kanban"], ref("coka_crm_leads.crm_lead_view_kanban_call_center").id)
        self.assertEqual(
            action["search_view_id"][0], ref("coka_crm_leads.crm_lead_view_search_call_center").id
        )

    def test_create_deal_converts_the_lead_the_odoo_way(self):
        lead = self.lead.with_user(self.manager)
        action = lead.action_coka_create_deal()
        self.assertEqual(action["res_model"], "crm.lead2opportunity.partner")
        wizard = Form(self.env[action["res_model"]].with_context(**action["context"])).save()
        wizard.action_apply()
        self.assertEqual(self.lead.type, "opportunity")
        self.assertEqual(self.lead.partner_id, self.customer)

    def test_create_ticket_and_order_buttons(self):
        action = self.lead.with_user(self.agent_1).action_coka_create_ticket()
        self.assertEqual(action["res_model"], "coka.ticket")
        ticket = Form(
            self.env["coka.ticket"].with_user(self.agent_1).with_context(**action["context"])
        )
        ticket.name = "Gọi lại báo giá"
        ticket = ticket.save()
        self.assertEqual((ticket.lead_id, ticket.partner_id), (self.lead, self.customer))
        action = self.customer.with_user(self.agent_1).action_coka_create_ticket()
        self.assertEqual(action["context"], {"default_partner_id": self.customer.id})
        action = self.customer.action_coka_create_deal()
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        self.assertEqual(action["context"]["default_type"], "opportunity")
        # Sales is not installed in the test database: the Create order button is hidden.
        sale = "sale.order" in self.env
        self.assertEqual(self.lead.coka_sale_installed, sale)
        self.assertEqual(self.customer.coka_sale_installed, sale)
        if not sale:
            self.assertFalse(self.customer.action_coka_create_order())

    def test_outbound_call_links_to_the_open_lead(self):
        self.provider.api_url = "http://pbx.invalid/api"

        def fake_request(client, method, path, payload=None, raw=False):
            return {"call_id": "out-lead-1"}

        with patch.object(GenericPbxClient, "_request", fake_request):
            call = self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate("0912000111")
        self.assertEqual(call.partner_id, self.customer)
        self.assertEqual(call.lead_id, self.lead)
        lead = self.lead.with_user(self.agent_1)
        self.assertEqual(lead.coka_call_count, 1)
        self.assertEqual(lead.coka_call_ids, call)
        action = lead.action_coka_view_calls()
        self.assertEqual(self.env["coka.pbx.call"].search(action["domain"]), call)
        # The agent's note shows on the lead: its calls and its chatter.
        call._coka_save_note("Khách hẹn gửi báo giá")
        self.assertEqual(lead.coka_call_ids.note, "Khách hẹn gửi báo giá")
        self.assertIn("Khách hẹn gửi báo giá", self.lead.message_ids[0].body)

    def test_a_lead_found_by_its_own_number_without_a_contact(self):
        lead = self.env["crm.lead"].create(
            {"name": "Chưa có liên hệ", "mobile": "0912 000 333", "user_id": self.agent_1.id}
        )
        Lead = self.env["crm.lead"].with_user(self.agent_1)
        self.assertEqual(Lead._coka_open_lead("+84912000333"), lead)
        won = self.env["crm.stage"].create({"name": "Đã chốt", "is_won": True})
        lead.stage_id = won
        self.assertFalse(Lead._coka_open_lead("+84912000333"))

    def test_inbound_ringing_links_the_call_to_the_agents_open_lead(self):
        status, answer = self._send(event_body("call.ringing", extension="201"))
        self.assertEqual(status, 200, answer)
        call = self.env["coka.pbx.call"].browse(answer["call_id"])
        self.assertEqual((call.user_id, call.partner_id), (self.agent_1, self.customer))
        self.assertEqual(call.lead_id, self.lead)
        self.assertEqual(self.lead.with_user(self.agent_1).coka_call_ids, call)
