import json
import time

from odoo.tests import tagged

from ..tools import signature
from .common import CokaPbxCase
from .test_webhook import event_body


@tagged("post_install", "-at_install")
class TestCallTimeline(CokaPbxCase):
    """A call that ends leaves a note on the contact's chatter (SPEC CON-6); contacts by
    source (CON-4)."""

    def _send(self, body):
        raw = json.dumps(body).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        return (
            self.env["coka.pbx.provider"].sudo()._coka_receive("test-pbx", "webhook", headers, raw)
        )

    def test_an_ended_call_is_noted_on_the_contact(self):
        partner = self.env["res.partner"].create({"name": "Phạm Minh Khoa", "mobile": "0912000111"})
        self._send(event_body("call.ringing"))
        self._send(event_body("call.answered", at="2026-11-20T08:00:06Z", extension="201"))
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "c-1")])
        self.assertEqual(call.partner_id, partner)
        self.assertFalse(partner.message_ids.filtered(lambda m: "+84912000111" in m.body))
        self._send(
            event_body(
                "call.ended",
                at="2026-11-20T08:01:36Z",
                extension="201",
                status="answered",
                ring_seconds=6,
                talk_seconds=90,
            )
        )
        # The note is the after-call work, done by its background job.
        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_after_call(), 1)
        note = partner.message_ids[0]
        self.assertIn("+84912000111", note.body)
        self.assertIn("1:30", note.body)
        self.assertIn(self.agent_1.name, note.body)
        self.assertEqual(note.author_id, self.agent_1.partner_id)
        self.assertEqual(note.subtype_id, self.env.ref("mail.mt_note"))
        # A replayed end notes nothing more.
        count = len(partner.message_ids)
        self._send(event_body("call.ended", at="2026-11-20T08:01:36Z", status="answered"))
        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_after_call(), 0)
        self.assertEqual(len(partner.message_ids), count)

    def test_contacts_by_source_graph_and_pivot(self):
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "coka_pbx.res_partner_action_coka_source_report"
        )
        self.assertEqual(action["view_mode"].split(",")[:2], ["graph", "pivot"])
        self.assertIn("search_default_group_coka_source", action["context"])
        views = self.env["res.partner"].get_views([(False, "graph"), (False, "pivot")])["views"]
        self.assertIn("coka_source", views["graph"]["arch"])
        self.env["res.partner"].create(
            [
                {"name": "Zalo 1", "coka_source": "zalo"},
                {"name": "Zalo 2", "coka_source": "zalo"},
                {"name": "FB", "coka_source": "facebook"},
            ]
        )
        counts = dict(
            self.env["res.partner"]._read_group(
                [("name", "in", ("Zalo 1", "Zalo 2", "FB"))], ["coka_source"], ["__count"]
            )
        )
        self.assertEqual(counts, {"zalo": 2, "facebook": 1})
