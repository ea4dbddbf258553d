from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.coka_pbx.tests.common import require_chromium


@tagged("post_install", "-at_install")
class TestMessagingTours(HttpCase):
    """An agent sends a ZNS template from a contact in headless Chromium (SPEC MSG-2)."""

    def test_tour_contact_send_zns(self):
        require_chromium()
        self.env.company.country_id = self.env.ref("base.vn")
        agent = new_test_user(
            self.env, login="msg_tour_agent", groups="base.group_user,coka_pbx.group_agent"
        )
        self.env["coka.message.template"].search([("state", "=", "approved")]).state = "draft"
        template = self.env["coka.message.template"].create(
            {
                "name": "Xác nhận đơn hàng",
                "channel": "zns",
                "body": "Xin chào {{customer_name}}, đơn hàng {{order_code}} đã được xác nhận.",
                "provider_template_ref": "231456",
            }
        )
        template.state = "approved"
        partner = self.env["res.partner"].create(
            {"name": "Lương Thế Vinh", "mobile": "0903 456 789"}
        )
        self.start_tour(
            f"/odoo/contacts/{partner.id}", "coka_messaging_send_zns", login=agent.login
        )
        message = self.env["coka.message"].search([("partner_id", "=", partner.id)])
        self.assertEqual(
            (message.state, message.user_id, message.template_data),
            ("queued", agent, {"customer_name": "Lương Thế Vinh", "order_code": "DH0042"}),
        )
