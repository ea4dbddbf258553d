import json
import time

from odoo.tests import HttpCase, tagged

from ..tools import signature
from .common import CokaPbxCase


def event_body(event, call_id="c-1", at="2026-11-20T08:00:00Z", **values):
    """A PBX event as the generic adapter sends it."""
    body = {
        "event": event,
        "event_id": f"{call_id}-{event}-{at}",
        "call_id": call_id,
        "direction": "inbound",
        "hotline": "02873009999",
        "from": "0912 000 111",
        "to": "02873009999",
        "extension": None,
        "timestamp": at,
        "status": None,
        "ring_seconds": None,
        "talk_seconds": None,
        "cost": None,
        "recording_url": None,
    }
    body.update(values)
    return body


@tagged("post_install", "-at_install")
class TestWebhook(CokaPbxCase):
    """PBX-5, PBX-6 through the model entry point the controller calls."""

    def _send(self, body, kind="webhook", secret="s3cret", timestamp=None, code="test-pbx"):
        raw = body if isinstance(body, bytes) else json.dumps(body).encode()
        stamp = str(timestamp or int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign(secret, stamp, raw),
        }
        return self.env["coka.pbx.provider"].sudo()._coka_receive(code, kind, headers, raw)

    def _event(self, event, call_id="c-1", at="2026-11-20T08:00:00Z", **values):
        return event_body(event, call_id, at, **values)

    def _call(self, call_id="c-1"):
        return self.env["coka.pbx.call"].search([("provider_call_id", "=", call_id)])

    def _apply_queue(self):
        """Run the job that writes queued calls, as Odoo's cron would."""
        return self.env["coka.pbx.call"]._cron_coka_apply_queued_events()

    def test_a_provider_type_no_module_serves_answers_503_with_the_reason(self):
        # Its module was uninstalled while a provider still had the type: nothing can check
        # the PBX's signature, and nothing is recorded.
        self.env.cr.execute(
            "UPDATE coka_pbx_provider SET provider_type = 'gone' WHERE id = %s", [self.provider.id]
        )
        self.env.invalidate_all()
        self.env.registry.clear_cache()
        status, answer = self._send(self._event("call.ringing"))
        self.assertEqual(status, 503)
        self.assertFalse(answer["ok"])
        self.assertIn("gone", answer["error"])
        self.assertFalse(self._call())

    def test_full_inbound_call(self):
        status, answer = self._send(self._event("call.ringing"))
        self.assertEqual(status, 200)
        call = self._call()
        self.assertEqual(answer, {"ok": True, "call_id": call.id})
        self.assertEqual(call.status, "ringing")
        self.assertEqual(call.hotline_id, self.hotline)
        self.assertEqual(call.customer_number, "+84912000111")
        self._send(self._event("call.answered", at="2026-11-20T08:00:06Z", extension="201"))
        self.assertEqual(call.status, "in_progress")
        self.assertEqual((call.extension_id, call.user_id), (self.ext_1, self.agent_1))
        self._send(
            self._event(
                "call.ended",
                at="2026-11-20T08:01:06Z",
                extension="201",
                status="answered",
                ring_seconds=6,
                talk_seconds=60,
                cost=1200,
            )
        )
        self._send(
            self._event(
                "recording.ready", at="2026-11-20T08:01:10Z", recording_url="https://pbx/r/c-1.mp3"
            )
        )
        self.assertEqual(call.status, "answered")
        self.assertEqual((call.ring_seconds, call.talk_seconds, call.cost), (6, 60, 1200))
        self.assertEqual(str(call.answer_date), "2026-11-20 08:00:06")
        self.assertEqual(call.recording_url, "https://pbx/r/c-1.mp3")
        # The agent's idle time moves once the request commits.
        self.env.cr.postcommit.run()
        self.assertEqual(self.ext_1.last_call_end, call.end_date)
        self.assertEqual(len(call.event_ids), 4)

    def test_unknown_caller_becomes_a_prospect(self):
        self._send(self._event("call.ringing", call_id="c-new", **{"from": "0987 123 456"}))
        partner = self._call("c-new").partner_id
        self.assertTrue(partner)
        self.assertEqual(partner.mobile, "0987 123 456")
        self.assertIn("0987 123 456", partner.name)
        self.assertEqual((partner.coka_customer_type, partner.coka_source), ("prospect", "phone"))

    def test_known_caller_is_matched_and_setting_off_registers_nobody(self):
        known = self.env["res.partner"].create({"name": "Khách quen", "mobile": "+84 912 000 222"})
        self._send(self._event("call.ringing", call_id="c-k", **{"from": "0912000222"}))
        self.assertEqual(self._call("c-k").partner_id, known)
        self.company.coka_auto_register_callers = False
        self._send(self._event("call.ringing", call_id="c-off", **{"from": "0912000333"}))
        self.assertFalse(self._call("c-off").partner_id)
        self.assertEqual(self._call("c-off").customer_number, "+84912000333")

    def test_replayed_event_changes_nothing(self):
        ended = self._event("call.ended", status="missed", ring_seconds=20)
        self._send(ended)
        self._apply_queue()
        call = self._call()
        before = (call.status, call.ring_seconds, call.write_date)
        status, answer = self._send(ended)
        self.assertEqual((status, answer), (200, {"ok": True, "duplicate": True}))
        self.assertEqual((call.status, call.ring_seconds, call.write_date), before)
        self.assertEqual(len(call.event_ids), 1)

    def test_out_of_order_events_end_in_the_latest_state(self):
        self._send(
            self._event(
                "call.ended",
                at="2026-11-20T08:02:00Z",
                status="answered",
                talk_seconds=90,
                extension="202",
            )
        )
        self._send(self._event("call.answered", at="2026-11-20T08:00:30Z", extension="202"))
        self._send(self._event("call.ringing", at="2026-11-20T08:00:00Z"))
        self._apply_queue()
        call = self._call()
        self.assertEqual(call.status, "answered")
        self.assertEqual(call.talk_seconds, 90)
        self.assertEqual(str(call.start_date), "2026-11-20 08:00:00")
        self.assertEqual(str(call.answer_date), "2026-11-20 08:00:30")
        self.assertEqual(call.user_id, self.agent_2)

    def test_a_late_ringing_of_another_extension_keeps_the_answering_agent(self):
        """ended(202) -> answered(202) -> late ringing(201): the call stays with 202's agent."""
        self._send(
            self._event(
                "call.ended",
                at="2026-11-20T08:02:00Z",
                status="answered",
                talk_seconds=90,
                extension="202",
            )
        )
        self._send(self._event("call.answered", at="2026-11-20T08:00:30Z", extension="202"))
        self._send(self._event("call.ringing", at="2026-11-20T08:00:00Z", extension="201"))
        self._apply_queue()
        call = self._call()
        self.assertEqual((call.extension_id, call.user_id), (self.ext_2, self.agent_2))
        self.assertEqual((call.status, str(call.start_date)), ("answered", "2026-11-20 08:00:00"))

    def test_a_transferred_call_ends_with_the_agent_who_took_it(self):
        self._send(self._event("call.ringing", at="2026-11-20T08:00:00Z", extension="201"))
        self._send(self._event("call.answered", at="2026-11-20T08:00:05Z", extension="201"))
        self._send(
            self._event("call.ended", at="2026-11-20T08:03:00Z", status="answered", extension="202")
        )
        # The transferee's answer arrives last, the first agent's ringing again after it.
        self._send(self._event("call.answered", at="2026-11-20T08:01:00Z", extension="202"))
        self._send(self._event("call.ringing", at="2026-11-20T08:00:01Z", extension="201"))
        self.assertEqual(self._call().user_id, self.agent_2)

    def test_missed_and_no_answer_without_status(self):
        self._send(self._event("call.ended", call_id="in-1", ring_seconds=30))
        self._apply_queue()
        self.assertEqual(self._call("in-1").status, "missed")
        self._send(
            self._event(
                "call.ended",
                call_id="out-1",
                direction="outbound",
                to="0912000444",
                ring_seconds=30,
            )
        )
        self._apply_queue()
        out = self._call("out-1")
        self.assertEqual(out.status, "no_answer")
        self.assertEqual(out.customer_number, "+84912000444")

    def test_bad_requests_get_a_reason(self):
        cases = [
            (b"{not json", "not valid JSON"),
            (b"[1, 2]", "JSON object"),
            (json.dumps(self._event("call.exploded")).encode(), "'event' must be one of"),
            (json.dumps(self._event("call.ended", talk_seconds=-5)).encode(), "talk_seconds"),
            (json.dumps(self._event("call.ringing", timestamp="yesterday")).encode(), "ISO-8601"),
            (json.dumps(self._event("recording.ready")).encode(), "recording_url"),
        ]
        for body, reason in cases:
            with self.subTest(reason=reason):
                status, answer = self._send(body)
                self.assertEqual(status, 400)
                self.assertFalse(answer["ok"])
                self.assertIn(reason, answer["error"])
        self.assertFalse(self.env["coka.pbx.call"].search([("provider_id", "=", self.provider.id)]))

    def test_signature_checks(self):
        body = self._event("call.ringing")
        self.assertEqual(self._send(body, secret="wrong")[0], 401)
        self.assertEqual(self._send(body, timestamp=int(time.time()) - 301)[0], 401)
        self.assertEqual(self._send(body, code="nobody")[0], 404)
        self.assertFalse(self._call())
        self.assertEqual(self._send(body)[0], 200)

    def test_events_complete_a_call_created_in_odoo(self):
        """A call Odoo created itself (click-to-call) has empty dates, not missing ones."""
        call = self._create_call(
            self.agent_1, provider_call_id="c-odoo", direction="outbound", status="ringing"
        )
        call.start_date = False
        self._send(self._event("call.ringing", call_id="c-odoo", direction="outbound"))
        self._send(
            self._event(
                "call.ended",
                call_id="c-odoo",
                direction="outbound",
                at="2026-11-20T08:01:00Z",
                status="answered",
                talk_seconds=42,
            )
        )
        self.assertEqual((call.status, call.talk_seconds), ("answered", 42))
        self.assertEqual(len(self._call("c-odoo")), 1)


@tagged("post_install", "-at_install")
class TestWebhookOverHttp(HttpCase):
    """The webhook route as the PBX calls it (the request's own environment and flush)."""

    def test_ingested_calls_log_no_chatter_message(self):
        self.env["coka.pbx.provider"].create(
            {"name": "HTTP PBX", "code": "http-pbx", "webhook_secret": "s3cret"}
        )
        partner = self.env["res.partner"].create(
            {"name": "Khách sỉ", "mobile": "0912000444", "coka_customer_type": "customer"}
        )
        self.env.flush_all()
        self.env.invalidate_all()
        for event, status in (("call.ringing", None), ("call.ended", "missed")):
            body = event_body(event, "c-http", status=status, **{"from": "0912000444"})
            raw = json.dumps(body).encode()
            stamp = str(int(time.time()))
            response = self.url_open(
                "/coka_pbx/webhook/http-pbx",
                data=raw,
                headers={
                    "Content-Type": "application/json",
                    "X-Coka-Timestamp": stamp,
                    "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
                },
            )
            self.assertEqual(response.status_code, 200, response.text)
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "c-http")])
        self.assertEqual((call.partner_id, call.customer_type), (partner, "customer"))
        messages = self.env["mail.message"].search(
            [("model", "=", "coka.pbx.call"), ("res_id", "=", call.id)]
        )
        self.assertFalse(messages.tracking_value_ids)
