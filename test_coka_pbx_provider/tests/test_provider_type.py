import json
import time

from odoo.exceptions import UserError
from odoo.tests import tagged

from odoo.addons.coka_pbx.tests.common import CokaPbxCase
from odoo.addons.coka_pbx.tools import signature
from odoo.addons.coka_pbx.tools.pbx_client import GenericPbxClient

from ..tools.echo_client import TOKEN_HEADER, EchoPbxClient


@tagged("post_install", "-at_install")
class TestProviderType(CokaPbxCase):
    """Issue 9.6: a module adds a provider type (``selection_add``) and its adapter (an
    override of ``_coka_adapter_class``) without touching ``coka_pbx``."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.echo = cls.env["coka.pbx.provider"].create(
            {
                "name": "Echo",
                "code": "echo-pbx",
                "provider_type": "echo",
                "api_url": "http://echo.invalid",
                "webhook_secret": "echo-token",
            }
        )
        cls.provider.api_url = "http://pbx.invalid"
        cls.hotline.provider_id = cls.echo
        cls.hotline.ring_member_ids = [(0, 0, {"extension_id": cls.ext_1.id, "sequence": 1})]

    def _route(self, headers):
        raw = json.dumps({"call_id": "e-1", "hotline": "028 7300 9999", "from": "0912000222"})
        return (
            self.env["coka.pbx.provider"]
            .sudo()
            ._coka_receive("echo-pbx", "route", headers, raw.encode())
        )

    def test_the_type_is_added_next_to_the_generic_one(self):
        selection = dict(self.env["coka.pbx.provider"]._fields["provider_type"].selection)
        self.assertEqual(selection["echo"], "Echo PBX (tests)")
        self.assertEqual(selection["generic"], "Generic HTTP API")

    def test_odoo_calls_the_pbx_through_the_module_adapter(self):
        client = self.echo._coka_client()
        self.assertIsInstance(client, EchoPbxClient)
        self.assertIs(type(self.provider._coka_client()), GenericPbxClient)
        call = self.env["coka.pbx.call"].with_user(self.agent_1)._coka_originate("0912000222")
        self.assertEqual(call.provider_id, self.echo)
        self.assertEqual(call.provider_call_id, "echo-201-1")
        client.hangup("echo-201-1")
        self.assertEqual(client.sent, [("POST", "/calls/echo-201-1/hangup", {})])

    def test_the_pbx_requests_are_checked_by_the_module_adapter(self):
        status, answer = self._route({TOKEN_HEADER: "echo-token"})
        self.assertEqual(status, 200, answer)
        self.assertEqual([t["extension"] for t in answer["targets"]], ["201"])
        # The generic HMAC signature is not what this PBX sends: refused.
        raw = b"{}"
        stamp = str(int(time.time()))
        signed = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("echo-token", stamp, raw),
        }
        self.assertEqual(self._route(signed), (401, {"ok": False, "error": "bad token"}))

    def test_a_type_without_adapter_is_a_clear_error(self):
        with self.assertRaisesRegex(UserError, "No installed module serves the PBX provider"):
            self.env["coka.pbx.provider"]._coka_adapter_class("unknown")
