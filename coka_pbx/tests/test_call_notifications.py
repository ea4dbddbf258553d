import json
from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from ..tools.pbx_client import GenericPbxClient
from .common import CokaPbxCase
from .test_webhook import TestWebhook, event_body


@tagged("post_install", "-at_install")
class TestCallNotifications(CokaPbxCase):
    """PBX-8, PBX-9: what the server tells the agent's panel and popup over Odoo's bus."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {
                "name": "Đặng Thu Hà",
                "mobile": "0912 000 111",
                "coka_customer_type": "vip",
                "user_id": cls.manager.id,
            }
        )
        cls.company_b = cls.env["res.company"].create({"name": "Công ty B"})
        cls.agent_b = new_test_user(
            cls.env,
            login="pbx_agent_b",
            groups="coka_pbx.group_agent",
            company_id=cls.company_b.id,
            company_ids=[(6, 0, cls.company_b.ids)],
        )
        cls.env["coka.pbx.extension"].create(
            {
                "number": "201",
                "user_id": cls.agent_b.id,
                "company_id": cls.company_b.id,
                "hotline_id": cls.company_b._coka_default_hotline().id,
            }
        )

    def _send(self, body):
        return TestWebhook._send(self, body)

    def _clear_bus(self):
        self.env.cr.precommit.run()
        self.env["bus.bus"].sudo().search([]).unlink()

    def _bus(self):
        """The bus rows of this transaction: ``{partner id: [(type, payload)]}``."""
        self.env.cr.precommit.run()
        rows = {}
        for bus in self.env["bus.bus"].sudo().search([], order="id"):
            channel = json.loads(bus.channel)
            if channel[1:2] != ["res.partner"]:
                continue
            message = json.loads(bus.message)
            rows.setdefault(channel[2], []).append((message["type"], message["payload"]))
        return rows

    def test_ringing_notifies_that_agent_only_with_the_caller_card(self):
        self._clear_bus()
        old = self._create_call(
            self.agent_1, number="+84912000111", partner_id=self.customer.id, note="Hỏi giá"
        )
        self._create_call(self.agent_2, number="+84912000111", partner_id=self.customer.id)
        status, answer = self._send(event_body("call.ringing", extension="201"))
        self.assertEqual(status, 200, answer)
        rows = self._bus()
        self.assertNotIn(self.agent_2.partner_id.id, rows)
        self.assertNotIn(self.agent_b.partner_id.id, rows)
        types = [kind for kind, _payload in rows[self.agent_1.partner_id.id]]
        self.assertEqual(types, ["coka_pbx/incoming_call", "coka_pbx/call_state"])
        popup = rows[self.agent_1.partner_id.id][0][1]
        self.assertEqual(popup["id"], answer["call_id"])
        self.assertEqual(popup["status"], "ringing")
        self.assertEqual(popup["partner"]["name"], "Đặng Thu Hà")
        card = popup["caller_card"]
        self.assertEqual((card["name"], card["customer_type"]), ("Đặng Thu Hà", "vip"))
        self.assertEqual(card["owner"], self.manager.name)
        # Read with his rights: his own calls with the customer, not the other agent's.
        self.assertEqual([call["id"] for call in card["calls"]], old.ids)
        self.assertEqual(card["calls"][0]["note"], "Hỏi giá")

    def test_caller_card_speaks_the_agents_language(self):
        """The webhook runs without a user language: the card's labels are the agent's."""
        self.env["res.lang"]._activate_lang("vi_VN")
        self.env["ir.module.module"].search([("name", "=", "coka_pbx")])._load_module_terms(
            ["coka_pbx"], ["vi_VN"]
        )
        self.agent_1.lang = "vi_VN"
        self._create_call(self.agent_1, number="+84912000111", partner_id=self.customer.id)
        self._clear_bus()
        status, answer = self._send(event_body("call.ringing", extension="201"))
        self.assertEqual(status, 200, answer)
        card = self._bus()[self.agent_1.partner_id.id][0][1]["caller_card"]
        self.assertEqual(card["calls"][0]["direction"], "Gọi đến")  # Inbound
        self.assertEqual(card["calls"][0]["status"], "Đã trả lời")  # Answered

    def test_answered_and_ended_drive_the_panel_and_the_wrapup(self):
        self._send(event_body("call.ringing", extension="201"))
        self._clear_bus()
        self._send(event_body("call.answered", extension="201", at="2026-11-20T08:00:05Z"))
        [(kind, data)] = self._bus()[self.agent_1.partner_id.id]
        self.assertEqual((kind, data["status"]), ("coka_pbx/call_state", "in_progress"))
        self.assertEqual(data["answer_date"], "2026-11-20T08:00:05Z")
        self.assertFalse(data["needs_wrapup"])
        self._clear_bus()
        self._send(
            event_body(
                "call.ended",
                extension="201",
                at="2026-11-20T08:01:05Z",
                status="answered",
                talk_seconds=60,
            )
        )
        [(kind, data)] = self._bus()[self.agent_1.partner_id.id]
        self.assertEqual(data["status"], "answered")
        self.assertTrue(data["needs_wrapup"])
        call = self.env["coka.pbx.call"].browse(data["id"])
        # The server knows the pending wrap-up: the panel gets it back after a reload.
        self.env.cr.execute(
            "UPDATE coka_pbx_call SET start_date = now() at time zone 'UTC' WHERE id = %s",
            call.ids,
        )
        call.invalidate_recordset()
        Call = self.env["coka.pbx.call"]
        self.assertEqual(
            [c["id"] for c in Call.with_user(self.agent_1)._coka_open_calls()], call.ids
        )
        self.assertEqual(Call.with_user(self.agent_2)._coka_open_calls(), [])
        with self.assertRaises(UserError):
            call.with_user(self.agent_1)._coka_save_note("  ")
        call.with_user(self.agent_1)._coka_save_note("Khách hẹn gọi lại")
        self.assertEqual(Call.with_user(self.agent_1)._coka_open_calls(), [])
        self.assertIn("Khách hẹn gọi lại", self.customer.message_ids[0].body)

    def test_originate_opens_the_panel_from_the_bus(self):
        self.provider.api_url = "http://pbx.invalid/api"
        self._clear_bus()
        with patch.object(GenericPbxClient, "_request", lambda *a, **k: {"call_id": "out-9"}):
            call = self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate("0912000111")
        rows = self._bus()
        [(kind, data)] = rows[self.agent_1.partner_id.id]
        self.assertEqual((kind, data["id"]), ("coka_pbx/call_state", call.id))
        self.assertEqual(data["partner"]["id"], self.customer.id)
        self.assertEqual(list(rows), [self.agent_1.partner_id.id])

    def test_quick_create_links_the_unknown_caller(self):
        self.company.coka_auto_register_callers = False
        status, answer = self._send(
            event_body("call.ringing", extension="201", **{"from": "0903 555 777"})
        )
        call = self.env["coka.pbx.call"].browse(answer["call_id"])
        self.assertFalse(call.partner_id)
        self.assertIsNone(call._coka_caller_card())
        with self.assertRaises(UserError):
            call.with_user(self.agent_2)._coka_quick_create_partner({"name": "Lan"})
        with self.assertRaises(UserError):
            call.with_user(self.agent_1)._coka_quick_create_partner({"name": " "})
        with self.assertRaises(UserError):
            call.with_user(self.agent_1)._coka_quick_create_partner(
                {"name": "Lan", "customer_type": "boss"}
            )
        partner = call.with_user(self.agent_1)._coka_quick_create_partner(
            {"name": "Nguyễn Thị Lan", "email": "lan@example.com", "customer_type": "customer"}
        )
        self.assertEqual(call.partner_id, partner)
        self.assertEqual(partner.coka_mobile_e164, "+84903555777")
        self.assertEqual(
            (partner.email, partner.coka_customer_type), ("lan@example.com", "customer")
        )
        self.assertEqual(partner.company_id, self.company)

    def test_close_popup_tells_the_agents_other_tabs_only(self):
        call = self._create_call(self.agent_1)
        self._clear_bus()
        with self.assertRaises(UserError):
            call.with_user(self.agent_2)._coka_close_popup()
        call.with_user(self.agent_1)._coka_close_popup()
        rows = self._bus()
        self.assertEqual(
            rows, {self.agent_1.partner_id.id: [("coka_pbx/call_closed", {"id": call.id})]}
        )

    def test_transfer_targets_are_the_companys_other_extensions(self):
        targets = self.env["coka.pbx.extension"].with_user(self.agent_1)._coka_transfer_targets()
        self.assertEqual([t["number"] for t in targets], ["202"])
        self.assertEqual(targets[0]["agent"], self.agent_2.name)

    def test_saved_note_closes_the_call_in_every_tab(self):
        call = self._create_call(
            self.agent_1, answer_date="2026-11-20 08:00:05", end_date="2026-11-20 08:01:05"
        )
        call.with_user(self.agent_1)._coka_save_note("Đã tư vấn")
        self._clear_bus()
        call.with_user(self.agent_1)._coka_wrapped_up()
        rows = self._bus()[self.agent_1.partner_id.id]
        self.assertEqual(
            [kind for kind, _payload in rows], ["coka_pbx/call_state", "coka_pbx/call_closed"]
        )
        self.assertEqual(rows[0][1]["note"], "Đã tư vấn")
        self.assertFalse(rows[0][1]["needs_wrapup"])
