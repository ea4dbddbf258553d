from unittest.mock import patch

from odoo.tests import HttpCase, new_test_user, tagged

from ..models.coka_pbx_extension import CokaPbxExtension
from ..tools.pbx_client import GenericPbxClient
from .common import require_chromium


@tagged("post_install", "-at_install")
class TestAgentUi(HttpCase):
    """PBX-2, PBX-8 in the browser: the systray switch, the dial pad and click-to-call
    (tours; the Hoot unit tests run in ``test_js``). Chromium is required: without it these
    tests fail (Odoo would skip them)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        require_chromium()
        # The PBX core alone (billing, when installed, also asks for a seat).
        cls.startClassPatcher(
            patch.object(
                type(cls.env["coka.pbx.extension"]),
                "_coka_routable_sql",
                CokaPbxExtension._coka_routable_sql,
            )
        )
        cls.agent = new_test_user(
            cls.env, login="ui_agent", groups="base.group_user,coka_pbx.group_agent"
        )
        cls.agent.partner_id.email = "ui_agent@example.com"
        cls.provider = cls.env["coka.pbx.provider"].create(
            {
                "name": "UI PBX",
                "code": "ui-pbx",
                "webhook_secret": "s3cret",
                "api_url": "http://pbx.invalid/api",
            }
        )
        hotline = cls.env.company._coka_default_hotline()
        hotline.write({"number": "028 7300 9998", "provider_id": cls.provider.id})
        cls.extension = cls.env["coka.pbx.extension"].create(
            {"number": "301", "user_id": cls.agent.id, "hotline_id": hotline.id}
        )
        cls.customer = cls.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 555"}
        )

    def test_tour_agent_switches_off_then_on(self):
        self.env["coka.pbx.call"].create(
            {
                "provider_id": self.provider.id,
                "provider_call_id": "ui-old",
                "direction": "inbound",
                "customer_number": "+84912000555",
                "partner_id": self.customer.id,
                "extension_id": self.extension.id,
                "user_id": self.agent.id,
                "status": "answered",
            }
        )
        Users = type(self.env["res.users"])
        original = Users.coka_set_agent_status
        seen = []

        def recording(users, status):
            result = original(users, status)
            seen.append((status, users.coka_extension_ids.agent_on))
            return result

        with patch.object(Users, "coka_set_agent_status", recording):
            self.start_tour("/odoo", "coka_pbx_agent_off_on", login="ui_agent")
        # Each switch reached the extension that routing reads, in its own request.
        self.assertEqual(seen, [("off", False), ("on", True)])
        self.assertEqual(self.agent.coka_agent_status, "on")

    def test_tour_click_to_call_from_a_contacts_mobile(self):
        self.agent.coka_agent_status = "off"
        sent = []

        def fake_request(client, method, path, payload=None, raw=False):
            sent.append((method, path, payload))
            return {"call_id": "ui-out-1"}

        with patch.object(GenericPbxClient, "_request", fake_request):
            self.start_tour(
                f"/odoo/contacts/{self.customer.id}", "coka_pbx_click_to_call", login="ui_agent"
            )
        self.assertEqual(len(sent), 1)
        self.assertEqual((sent[0][2]["extension"], sent[0][2]["to"]), ("301", "+84912000555"))
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "ui-out-1")])
        self.assertEqual((call.direction, call.status), ("outbound", "ringing"))
        self.assertEqual((call.user_id, call.partner_id), (self.agent, self.customer))
