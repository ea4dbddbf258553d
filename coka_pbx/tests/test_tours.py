from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.sql_db import TestCursor
from odoo.tests import HttpCase, new_test_user, tagged

from odoo.addons.bus.tests.common import WebsocketCase

from ..tools.pbx_client import GenericPbxClient
from .common import require_chromium


@tagged("post_install", "-at_install")
class TestAgentTours(HttpCase):
    """Tours of the agent's workspace in headless Chromium (SPEC PBX-8, PBX-9)."""

    def test_pending_wrapup_refused_without_note_then_saved(self):
        require_chromium()
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


@tagged("post_install", "-at_install")
class TestIncomingCallTour(WebsocketCase):
    """The popup and the panel live over Odoo's bus: the websocket is allowed in this test
    (``WebsocketCase``), as it is in production."""

    def test_incoming_call_popup_panel_and_quick_create(self):
        """The PBX (the tour, signing like the PBX) rings the agent for a known contact: popup
        with his name, answered, timer, hold, transfer, ended, close refused without a note,
        note saved on the contact's chatter; then an unknown caller quick-created."""
        require_chromium()
        agent = new_test_user(self.env, login="tour_agent", groups="coka_pbx.group_agent")
        other = new_test_user(self.env, login="tour_agent_2", groups="coka_pbx.group_agent")
        provider = self.env["coka.pbx.provider"].create(
            {
                "name": "Tour PBX",
                "code": "tour-pbx",
                "webhook_secret": "s3cret",
                "api_url": "http://pbx.invalid/api",
            }
        )
        hotline = self.env.company._coka_default_hotline()
        hotline.write({"number": "028 7300 9999", "provider_id": provider.id})
        # The unknown caller stays unknown, so the popup offers the quick-create form.
        self.env.company.coka_auto_register_callers = False
        self.env["coka.pbx.extension"].create(
            [
                {"number": "201", "user_id": agent.id, "hotline_id": hotline.id},
                {"number": "202", "user_id": other.id, "hotline_id": hotline.id},
            ]
        )
        customer = self.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 111", "coka_customer_type": "vip"}
        )
        sent = []

        def fake_request(client, method, path, payload=None, raw=False):
            sent.append((method, path, payload))
            return {"ok": True}

        commit = TestCursor.commit

        def commit_and_notify(cursor):
            # A test cursor drops post-commit hooks: run them, so that Odoo's bus wakes up
            # the websocket of the agent's tab as it does in production.
            cursor.flush()
            cursor.postcommit.run()
            return commit(cursor)

        with (
            patch.object(GenericPbxClient, "_request", fake_request),
            patch.object(TestCursor, "commit", commit_and_notify),
        ):
            self.start_tour("/odoo", "coka_pbx_incoming_call_tour", login="tour_agent")
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "tour-1")])
        self.assertEqual((call.partner_id, call.user_id), (customer, agent))
        self.assertEqual(call.note, "Khách cần báo giá")
        self.assertIn("Khách cần báo giá", customer.message_ids[0].body)
        self.assertTrue(any("hold" in path for _method, path, _payload in sent))
        self.assertTrue(any("transfer" in path for _method, path, _payload in sent))
        unknown = self.env["coka.pbx.call"].search([("provider_call_id", "=", "tour-2")])
        self.assertEqual(unknown.partner_id.name, "Nguyễn Thị Lan")
        self.assertEqual(unknown.partner_id.coka_customer_type, "customer")
