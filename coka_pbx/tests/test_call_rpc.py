from odoo.tests import HttpCase, tagged
from odoo.tests.common import JsonRpcException
from odoo.tools import mute_logger

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestCallWritesOverRpc(CokaPbxCase, HttpCase):
    """A view's ``readonly`` does not stop RPC: agents have no write access on calls, and
    change their own call only through the methods that need it (issue 9)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.call = cls._create_call(cls.agent_1, number="0912000101", talk_seconds=60, cost=1200.0)
        cls.partner = cls.env["res.partner"].create(
            {"name": "Trần Thị Mai", "mobile": "0912000101"}
        )

    def _call_kw(self, model, method, *args, **kwargs):
        return self.make_jsonrpc_request(
            "/web/dataset/call_kw",
            {"model": model, "method": method, "args": list(args), "kwargs": kwargs},
        )

    def _assert_refused(self, error, route, params):
        with mute_logger("odoo.http"), self.assertRaises(JsonRpcException) as caught:
            self.make_jsonrpc_request(route, params)
        self.assertEqual(str(caught.exception), error)

    def _assert_write_refused(self, values):
        self._assert_refused(
            "odoo.exceptions.AccessError",
            "/web/dataset/call_kw",
            {
                "model": "coka.pbx.call",
                "method": "write",
                "args": [[self.call.id], values],
                "kwargs": {},
            },
        )

    def test_agent_cannot_forge_his_own_call(self):
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        forged = {
            "status": "missed",
            "talk_seconds": 3600,
            "cost": 0.0,
            "recording_downloaded": True,
        }
        for field, value in forged.items():
            with self.subTest(field=field):
                self._assert_write_refused({field: value})
        # Plain writes of the fields the wrap-up sets are refused too: only its methods.
        self._assert_write_refused({"note": "forged"})
        self._assert_write_refused({"partner_id": self.partner.id})
        self.call.invalidate_recordset()
        self.assertEqual(
            (
                self.call.status,
                self.call.talk_seconds,
                self.call.cost,
                self.call.recording_downloaded,
                self.call.note,
            ),
            ("answered", 60, 1200.0, False, False),
        )
        # He still reads it.
        [row] = self._call_kw("coka.pbx.call", "read", [self.call.id], ["status"])
        self.assertEqual(row["status"], "answered")

    def test_agent_note_and_links_still_save(self):
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        panel = self.make_jsonrpc_request(
            f"/coka_pbx/call/{self.call.id}/link", {"partner_id": self.partner.id}
        )
        self.assertEqual(panel["partner"]["id"], self.partner.id)
        panel = self.make_jsonrpc_request(
            f"/coka_pbx/call/{self.call.id}/note", {"note": "Khách hẹn gọi lại thứ Hai"}
        )
        self.assertEqual(panel["note"], "Khách hẹn gọi lại thứ Hai")
        self.assertEqual((self.call.note, self.call.partner_id), (panel["note"], self.partner))
        self.assertIn("Khách hẹn gọi lại thứ Hai", self.partner.message_ids[:1].body)
        # Without write access he still posts on the chatter of his call.
        message_id = self._call_kw(
            "coka.pbx.call",
            "message_post",
            [self.call.id],
            body="Đã gọi lại",
            message_type="comment",
        )
        self.assertEqual(self.env["mail.message"].browse(message_id).res_id, self.call.id)

    def test_agent_saves_the_note_from_the_form(self):
        """The form's *Save Note* opens the wrap-up, which saves through the same methods."""
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        action = self._call_kw("coka.pbx.call", "action_coka_save_note", [self.call.id])
        self.assertEqual(action["res_model"], "coka.pbx.call.note")
        values = {key.removeprefix("default_"): value for key, value in action["context"].items()}
        values.update(note="Đã gửi báo giá", partner_id=self.partner.id)
        wizard_id = self._call_kw("coka.pbx.call.note", "create", values)
        self._call_kw("coka.pbx.call.note", "action_save", [wizard_id])
        self.assertEqual((self.call.note, self.call.partner_id), ("Đã gửi báo giá", self.partner))

    def test_links_are_checked(self):
        self.authenticate("pbx_agent_1", "pbx_agent_1")
        route = f"/coka_pbx/call/{self.call.id}/link"
        self._assert_refused("odoo.exceptions.UserError", route, {"status": "missed"})
        self._assert_refused("odoo.exceptions.UserError", route, {"partner_id": 10**9})
        self._assert_refused("odoo.exceptions.UserError", route, {"partner_id": "1"})
        self.assertFalse(self.call.partner_id)

    def test_another_agent_cannot_write_the_note_or_link(self):
        self.authenticate("pbx_agent_2", "pbx_agent_2")
        self._assert_refused(
            "odoo.exceptions.AccessError",
            f"/coka_pbx/call/{self.call.id}/note",
            {"note": "not mine"},
        )
        self._assert_refused(
            "odoo.exceptions.AccessError",
            f"/coka_pbx/call/{self.call.id}/link",
            {"partner_id": self.partner.id},
        )
        self.assertEqual((self.call.note, self.call.partner_id.id), (False, False))

    def test_manager_keeps_write_access(self):
        self.authenticate("pbx_manager", "pbx_manager")
        self._call_kw(
            "coka.pbx.call",
            "write",
            [self.call.id],
            {"partner_id": self.partner.id, "note": "Quản lý ghi chú"},
        )
        self.assertEqual((self.call.note, self.call.partner_id), ("Quản lý ghi chú", self.partner))

    def test_user_of_another_company_cannot_export_sticky_rules(self):
        self.env["coka.pbx.sticky.rule"].create(
            {"hotline_id": self.hotline.id, "phone": "0912000102", "extension_id": self.ext_1.id}
        )
        company_b = self.env["res.company"].create({"name": "Công ty B"})
        self.env["res.users"].create(
            {
                "name": "Quản lý B",
                "login": "pbx_manager_b",
                "password": "pbx_manager_b",
                "company_id": company_b.id,
                "company_ids": [(6, 0, company_b.ids)],
                "groups_id": [(4, self.env.ref("coka_pbx.group_manager").id)],
            }
        )
        url = f"/coka_pbx/sticky/export/{self.hotline.id}"
        self.authenticate("pbx_manager", "pbx_manager")
        self.assertEqual(self.url_open(url).status_code, 200)
        self.authenticate("pbx_manager_b", "pbx_manager_b")
        with mute_logger("odoo.http"):
            response = self.url_open(url)
        self.assertEqual(response.status_code, 403)
        self.assertNotIn(b"0912000102", response.content)
