from unittest.mock import patch

from odoo.exceptions import UserError
from odoo.tests import tagged

from ..tools.pbx_client import GenericPbxClient, ProviderError
from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestClickToCall(CokaPbxCase):
    """PBX-8 server side; the provider's transport method is the only thing patched."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.provider.api_url = "http://pbx.invalid/api"
        cls.customer = cls.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 555"}
        )

    def _patched(self, answers):
        """Patch ``_request``: answers is a list of dicts (or exceptions) given in order."""
        sent = []

        def fake_request(client, method, path, payload=None, raw=False):
            sent.append((method, path, payload))
            answer = answers.pop(0)
            if isinstance(answer, Exception):
                raise answer
            return answer

        return sent, patch.object(GenericPbxClient, "_request", fake_request)

    def test_originate_creates_the_outbound_call(self):
        sent, patcher = self._patched([{"call_id": "out-77"}])
        with patcher:
            action = self.customer.with_user(self.agent_1).action_coka_call_mobile()
        call = self.env["coka.pbx.call"].browse(action["res_id"])
        self.assertEqual(sent[0][:2], ("POST", "/calls"))
        self.assertEqual(sent[0][2]["extension"], "201")
        self.assertEqual(sent[0][2]["to"], "+84912000555")
        self.assertEqual(call.provider_call_id, "out-77")
        self.assertEqual((call.direction, call.status), ("outbound", "ringing"))
        self.assertEqual((call.user_id, call.partner_id), (self.agent_1, self.customer))
        self.assertEqual(call.customer_number, "+84912000555")

    def test_controls_reach_the_pbx_and_the_note_reaches_the_chatter(self):
        sent, patcher = self._patched([{"call_id": "out-78"}] + [{"ok": True}] * 7)
        with patcher:
            Call = self.env["coka.pbx.call"].with_user(self.agent_1)
            call = Call._coka_originate("0912000555")
            call._coka_control("hold")
            self.assertTrue(call.held)
            call._coka_control("unhold")
            call._coka_control("mute")
            self.assertTrue(call.muted)
            call._coka_control("unmute")
            call._coka_control("dtmf", "12#")
            call._coka_control("transfer", "202")
            call._coka_control("hangup")
        paths = [path for _method, path, _payload in sent[1:]]
        self.assertEqual(
            paths,
            [
                f"/calls/out-78/{action}"
                for action in ("hold", "unhold", "mute", "unmute", "dtmf", "transfer", "hangup")
            ],
        )
        self.assertEqual(sent[5][2], {"digits": "12#"})
        self.assertEqual(sent[6][2], {"extension": "202"})
        with self.assertRaisesRegex(UserError, "Write a note"):
            call._coka_save_note("  ")
        call._coka_save_note("Khách hẹn gọi lại thứ Hai")
        self.assertEqual(call.note, "Khách hẹn gọi lại thứ Hai")
        self.assertIn("Khách hẹn gọi lại thứ Hai", self.customer.message_ids[0].body)

    def test_refusals_are_clear(self):
        Call = self.env["coka.pbx.call"].with_user(self.agent_1)
        self.agent_1.coka_agent_status = "off"
        with self.assertRaisesRegex(UserError, "OFF"):
            Call._coka_originate("0912000555")
        self.agent_1.coka_agent_status = "on"
        with self.assertRaisesRegex(UserError, "not a valid phone number"):
            Call._coka_originate("12")
        with self.assertRaisesRegex(UserError, "no extension"):
            self.env["coka.pbx.call"].with_user(self.manager)._coka_originate("0912000555")
        sent, patcher = self._patched([ProviderError("rate_limited", status=429)])
        with patcher, self.assertRaisesRegex(UserError, "busy"):
            Call._coka_originate("0912000555")
        self.assertFalse(self.env["coka.pbx.call"].search([("user_id", "=", self.agent_1.id)]))

    def test_another_agent_cannot_control_the_call(self):
        sent, patcher = self._patched([{"call_id": "out-79"}])
        with patcher:
            call = self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate("0912000555")
        with self.assertRaisesRegex(UserError, "Only the agent"):
            call.with_user(self.agent_2).sudo()._coka_control("hangup")

    def test_do_not_contact_hook_refuses_before_the_pbx(self):
        call_class = type(self.env["coka.pbx.call"])
        sent, patcher = self._patched([])
        refusal = UserError("Do Not Contact: asked to stop")
        with patcher, patch.object(call_class, "_coka_check_contactable", side_effect=refusal):
            with self.assertRaisesRegex(UserError, "Do Not Contact"):
                self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate("0912000555")
        self.assertEqual(sent, [])
