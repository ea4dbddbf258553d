from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.coka_pbx.models.coka_pbx_extension import CokaPbxExtension
from odoo.addons.coka_pbx.tests.common import require_chromium
from odoo.addons.coka_pbx.tools.pbx_client import GenericPbxClient


@tagged("post_install", "-at_install")
class TestLeadTours(HttpCase):
    """The Call Center's leads in headless Chromium: list, form, Do Not Contact wizard, and
    click-to-call refused with the reason (SPEC LEAD-4, LEAD-5)."""

    def test_tour_lead_do_not_contact_then_call_refused(self):
        require_chromium()
        # The PBX core alone (billing, when installed, also asks for a seat).
        self.startPatcher(
            patch.object(
                type(self.env["coka.pbx.extension"]),
                "_coka_routable_sql",
                CokaPbxExtension._coka_routable_sql,
            )
        )
        agent = new_test_user(
            self.env, login="dnc_tour_agent", groups="base.group_user,coka_pbx.group_agent"
        )
        provider = self.env["coka.pbx.provider"].create(
            {
                "name": "Tour PBX",
                "code": "lead-tour-pbx",
                "webhook_secret": "s3cret",
                "api_url": "http://pbx.invalid/api",
            }
        )
        hotline = self.env.company._coka_default_hotline()
        hotline.write({"number": "028 7300 9997", "provider_id": provider.id})
        self.env["coka.pbx.extension"].create(
            {"number": "401", "user_id": agent.id, "hotline_id": hotline.id}
        )
        lead = self.env["crm.lead"].create(
            {
                "name": "Hỏi giá máy lọc nước",
                "type": "lead",
                "mobile": "0912 000 777",
                "user_id": agent.id,
                "source_id": self.env["utm.source"].create({"name": "Zalo"}).id,
            }
        )
        sent = []

        def fake_request(client, method, path, payload=None, raw=False):
            sent.append((method, path, payload))
            return {"call_id": "never"}

        with patch.object(GenericPbxClient, "_request", fake_request):
            self.start_tour(
                "/odoo/action-coka_crm_leads.crm_lead_action_call_center",
                "coka_crm_leads_do_not_contact",
                login="dnc_tour_agent",
            )
        self.assertEqual(lead.coka_dnc_reason, "Khách yêu cầu không gọi nữa")
        self.assertEqual(lead.coka_dnc_user_id, agent)
        self.assertEqual(sent, [])

    def test_tour_contact_timeline_and_ticket(self):
        """An agent opens his contact: counts and tabs of his calls, leads and tickets; he
        creates a ticket from the contact, which is then counted, listed and on the chatter
        (SPEC CON-5, CON-6)."""
        require_chromium()
        agent = new_test_user(
            self.env, login="timeline_tour_agent", groups="base.group_user,coka_pbx.group_agent"
        )
        partner = self.env["res.partner"].create(
            {"name": "Lương Thế Vinh", "mobile": "0912 000 888", "user_id": agent.id}
        )
        # No sales team, as the PBX registers a caller: the form's buttons still work.
        self.env["coka.pbx.call"].create(
            {
                "direction": "inbound",
                "partner_id": partner.id,
                "user_id": agent.id,
                "status": "answered",
                "note": "Khách hỏi lắp thêm máy nhánh",
            }
        )
        self.env["crm.lead"].create(
            {"name": "Lắp tổng đài chi nhánh", "partner_id": partner.id, "user_id": agent.id}
        )
        self.start_tour(
            "/odoo/action-coka_pbx.res_partner_action_call_center?view_type=list",
            "coka_crm_leads_contact_ticket",
            login="timeline_tour_agent",
        )
        ticket = self.env["coka.ticket"].search([("partner_id", "=", partner.id)])
        self.assertEqual(ticket.name, "Khách hỏi bảo hành tổng đài")
        self.assertEqual(ticket.user_id, agent)
