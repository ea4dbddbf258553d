"""End-to-end on the demo database (issue 13 "Done when", SPEC MSG-2, MSG-3), over real
HTTP/JSON-RPC against an Odoo server with --workers=2: the demo agent sends the demo's
approved ZNS template, with its typed keyword, to a demo contact; the fake Zalo server
receives exactly one request with the right template_data; a signed delivery callback marks
the message delivered on the contact's chatter."""

import json
import time

from odoo.addons.coka_messaging.tests.fake_providers import FakeZalo
from odoo.addons.coka_pbx.tools import signature

AGENT = ("hoa", "hoa")
SECRET = "e2e-zns-secret"


def _ref(session, xmlid):
    """The id of a record by its xml id (archived ones too)."""
    module, name = xmlid.split(".")
    [data] = session.execute(
        "ir.model.data",
        "search_read",
        [("module", "=", module), ("name", "=", name)],
        fields=["res_id"],
    )
    return data["res_id"]


def test_agent_sends_the_demo_zns_template_and_it_is_delivered(demo_server):
    zalo = FakeZalo().start()
    admin = demo_server.session()
    admin.authenticate("admin", "admin")
    provider_id = _ref(admin, "coka_messaging.demo_provider_zalo")
    admin.execute(
        "coka.message.provider",
        "write",
        [provider_id],
        {
            "api_url": zalo.url,
            "zalo_oauth_url": zalo.url,
            "zalo_app_id": "app",
            "zalo_secret_key": "zsecret",
            "zalo_refresh_token": "r0",
            "zalo_access_token": False,
            "zalo_token_expiry": False,
            "webhook_secret": SECRET,
            "active": True,
        },
    )
    try:
        agent = demo_server.session()
        agent.authenticate(*AGENT)
        [partner] = agent.execute(
            "res.partner", "search_read", [("name", "=", "Đỗ Mai Linh")], fields=["id"]
        )
        context = {"active_model": "res.partner", "active_ids": [partner["id"]]}
        wizard_id = agent.execute(
            "coka.message.send", "create", {"channel": "zns"}, context=context
        )
        [wizard] = agent.execute(
            "coka.message.send", "read", [wizard_id], ["template_id", "value_ids", "preview"]
        )
        assert wizard["template_id"][1] == "Xác nhận đơn hàng (ZNS)"
        assert "Đỗ Mai Linh" in wizard["preview"] and "{{order_code}}" in wizard["preview"]
        [typed] = agent.execute("coka.message.send.value", "read", wizard["value_ids"], ["keyword"])
        assert typed["keyword"] == "order_code"
        agent.execute(
            "coka.message.send",
            "write",
            [wizard_id],
            {"value_ids": [[1, typed["id"], {"value": "DH0042"}]]},
        )
        result = agent.execute("coka.message.send", "action_send", [wizard_id], context=context)
        assert result["tag"] == "display_notification"
        # The demo server runs no cron thread: run the sending cron now, as its trigger would.
        admin.execute(
            "ir.cron",
            "method_direct_trigger",
            [_ref(admin, "coka_messaging.ir_cron_coka_message_send")],
        )
        sends = [request for request in zalo.requests if request[1] == "/message/template"]
        assert len(sends) == 1
        payload = sends[0][3]
        assert payload["phone"] == "84356789012"
        assert payload["template_id"] == "231456"
        assert payload["template_data"] == {"customer_name": "Đỗ Mai Linh", "order_code": "DH0042"}
        [message] = admin.execute(
            "coka.message",
            "search_read",
            [("idempotency_key", "=", payload["tracking_id"])],
            fields=["state", "provider_message_ref", "partner_id"],
        )
        assert (message["state"], message["partner_id"][0]) == ("sent", partner["id"])
        body = json.dumps({"message_id": message["provider_message_ref"], "status": "delivered"})
        timestamp = str(int(time.time()))
        status, answer = demo_server.session().request(
            f"/coka_messaging/callback/{provider_id}",
            body.encode(),
            headers={
                "X-Coka-Timestamp": timestamp,
                "X-Coka-Signature": signature.sign(SECRET, timestamp, body.encode()),
            },
        )
        assert (status, answer["updated"]) == (200, 1), answer
        [message] = agent.execute("coka.message", "read", [message["id"]], ["state"])
        assert message["state"] == "delivered"
        notes = agent.execute(
            "mail.message",
            "search_read",
            [("model", "=", "res.partner"), ("res_id", "=", partner["id"])],
            fields=["body"],
        )
        assert any("Delivered" in note["body"] and "Zalo ZNS" in note["body"] for note in notes)
    finally:
        admin.execute("coka.message.provider", "write", [provider_id], {"active": False})
        zalo.stop()
