from datetime import timedelta

from odoo import fields
from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class TestAgentTours(HttpCase):
    """Tours of the agent's workspace in headless Chromium (SPEC PBX-8, PBX-9)."""

    def test_pending_wrapup_refused_without_note_then_saved(self):
        agent = new_test_user(self.env, login="tour_agent", groups="coka_pbx.group_agent")
        customer = self.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 111", "coka_customer_type": "vip"}
        )
        answered = fields.Datetime.now() - timedelta(minutes=5)
        call = self.env["coka.pbx.call"].create(
            {
                "direction": "inbound",
                "customer_number": "+84912000111",
                "partner_id": customer.id,
                "user_id": agent.id,
                "status": "answered",
                "start_date": answered - timedelta(seconds=10),
                "answer_date": answered,
                "end_date": answered + timedelta(seconds=60),
                "talk_seconds": 60,
            }
        )
        self.start_tour("/odoo", "coka_pbx_wrapup_tour", login="tour_agent")
        self.assertEqual(call.note, "Khách hẹn gọi lại")
        self.assertIn("Khách hẹn gọi lại", customer.message_ids[0].body)
