from odoo.exceptions import AccessError, UserError
from odoo.tests import tagged

from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestAgentWorkspace(CokaPbxCase):
    """PBX-2: the agent's own status switch from the systray and what the dial pad shows."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hotline.ring_strategy = "sequential"
        cls.hotline.ring_member_ids = [
            (0, 0, {"extension_id": ext.id, "sequence": seq})
            for seq, ext in enumerate((cls.ext_1, cls.ext_2))
        ]

    def _routed(self):
        return [target["extension"] for target in self._route(caller="0912")["targets"]]

    def test_switching_off_reaches_routing_at_once(self):
        self.assertEqual(self._routed(), ["201", "202"])
        workspace = self.agent_1.with_user(self.agent_1).coka_set_agent_status("off")
        self.assertEqual(workspace["status"], "off")
        self.assertEqual(workspace["extensions"], ["201"])
        self.assertFalse(self.ext_1.agent_on)
        self.assertEqual(self._routed(), ["202"])
        self.agent_1.with_user(self.agent_1).coka_set_agent_status("on")
        self.assertEqual(self._routed(), ["201", "202"])

    def test_only_oneself_and_known_statuses(self):
        with self.assertRaises(AccessError):
            self.agent_2.with_user(self.agent_1).coka_set_agent_status("off")
        with self.assertRaises(AccessError):
            self.agent_2.with_user(self.manager).coka_set_agent_status("off")
        with self.assertRaises(UserError):
            self.agent_1.with_user(self.agent_1).coka_set_agent_status("away")
        self.assertEqual(
            (self.agent_1.coka_agent_status, self.agent_2.coka_agent_status), ("on", "on")
        )

    def test_recent_calls_are_the_agents_own_newest_first(self):
        partner = self.env["res.partner"].create({"name": "Lê Văn Tám", "mobile": "0912000111"})
        old = self._create_call(
            self.agent_1, "+84912000111", partner_id=partner.id, start_date="2026-11-01 08:00:00"
        )
        new = self._create_call(
            self.agent_1, "+84912000222", provider_call_id="c2", start_date="2026-11-02 08:00:00"
        )
        self._create_call(self.agent_2, "+84912000333", provider_call_id="c3")
        workspace = self.env["res.users"].with_user(self.agent_1).coka_agent_workspace()
        calls = workspace["recent_calls"]
        self.assertEqual([call["id"] for call in calls], [new.id, old.id])
        self.assertEqual(calls[1]["partner"], {"id": partner.id, "name": "Lê Văn Tám"})
        self.assertEqual(calls[1]["number"], "+84912000111")
        self.assertIsNone(calls[0]["partner"])

    def test_a_user_without_extension_has_an_empty_workspace(self):
        self.assertEqual(
            self.env["res.users"].with_user(self.manager).coka_agent_workspace(),
            {"status": "on", "extensions": [], "recent_calls": []},
        )
