import json
from contextlib import suppress
from datetime import timedelta
from unittest.mock import patch

from odoo import fields
from odoo.tests import tagged

from .common import CokaPbxCase
from .test_call_notifications import TestCallNotifications
from .test_webhook import TestWebhook, event_body

# What a call holds once the webhook or the job has written it (ids and log fields aside).
COMPARED = (
    "status",
    "direction",
    "from_number",
    "to_number",
    "customer_number",
    "hotline_id",
    "extension_id",
    "user_id",
    "start_date",
    "answer_date",
    "end_date",
    "ring_seconds",
    "talk_seconds",
    "cost",
    "too_long",
    "customer_type",
    "last_event_date",
    "extension_date",
    "extension_answered",
)


class Rollback(Exception):
    """Leaves a savepoint rolled back."""


@tagged("post_install", "-at_install")
class TestWebhookQueue(CokaPbxCase):
    """PERF-2, PBX-6: a call.ended of a call Odoo has not seen is queued by the webhook and
    written by the background job, with the id the webhook answered."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.customer = cls.env["res.partner"].create(
            {"name": "Đặng Thu Hà", "mobile": "0912 000 111", "coka_customer_type": "vip"}
        )
        cls.Call = cls.env["coka.pbx.call"]
        cls.Event = cls.env["coka.pbx.event"]
        cls.hotline.too_long_minutes = 1

    def _send(self, body):
        return TestWebhook._send(self, body)

    def _call(self, call_id="c-1"):
        return self.Call.search([("provider_call_id", "=", call_id)])

    def _events(self, call_id="c-1"):
        return self.Event.search([("event_ref", "=like", f"{call_id}-%")], order="id")

    def _ended(self, call_id="c-1", **values):
        values = {
            "at": "2026-11-20T08:01:06Z",
            "extension": "201",
            "status": "answered",
            "ring_seconds": 6,
            "talk_seconds": 90,
            "cost": 1200,
            **values,
        }
        return event_body("call.ended", call_id, **values)

    def _bus(self):
        return TestCallNotifications._bus(self)

    def test_a_lone_end_is_queued_and_the_job_writes_it_with_the_answered_id(self):
        status, answer = self._send(self._ended())
        self.assertEqual(status, 200)
        self.assertEqual(set(answer), {"ok", "call_id", "queued"})
        reserved = answer["call_id"]
        self.assertFalse(self._call(), "nothing is written before the job")
        event = self._events()
        self.assertEqual(
            (event.state, event.reserved_call_id, event.call_ref, event.call_id),
            ("queued", reserved, "c-1", self.Call),
        )
        self.assertEqual(json.loads(event.payload)["talk_seconds"], 90)

        self.assertEqual(self.Call._cron_coka_apply_queued_events(), 1)
        call = self._call()
        self.assertEqual(call.id, reserved)
        self.assertEqual((call.status, call.talk_seconds, call.cost), ("answered", 90, 1200))
        self.assertEqual((call.extension_id, call.user_id), (self.ext_1, self.agent_1))
        self.assertEqual((call.partner_id, call.customer_type), (self.customer, "vip"))
        self.assertEqual(call.hotline_id, self.hotline)
        self.assertTrue(call.too_long)
        self.assertTrue(call.after_call_due)
        self.assertEqual((event.state, event.call_id, event.payload), ("done", call, False))
        # The agent's panel is told, and his idle time moves once the job commits.
        [(kind, data)] = self._bus()[self.agent_1.partner_id.id]
        self.assertEqual(
            (kind, data["id"], data["status"]), ("coka_pbx/call_state", call.id, "answered")
        )
        self.env.cr.postcommit.run()
        self.assertEqual(self.ext_1.last_call_end, call.end_date)
        # Nothing is left: the next run does nothing, and a repeat is a duplicate.
        self.assertEqual(self.Call._cron_coka_apply_queued_events(), 0)
        self.assertEqual(self._send(self._ended()), (200, {"ok": True, "duplicate": True}))

    def test_the_job_writes_the_calls_the_webhook_would_write(self):
        self.company.coka_auto_register_callers = True
        bodies = [
            self._ended("eq-1"),
            self._ended("eq-2", **{"from": "0987 654 000"}, talk_seconds=20, extension="202"),
            self._ended("eq-3", direction="outbound", to="0912 000 111", **{"from": "201"}),
            self._ended("eq-4", status="missed", extension=None, talk_seconds=None, cost=None),
        ]

        def written():
            calls = [self._call(body["call_id"]) for body in bodies]
            values = [{name: call[name] for name in COMPARED} for call in calls]
            partners = [(call.partner_id.name, call.partner_id.mobile) for call in calls]
            rules = self.env["coka.pbx.sticky.rule"].with_context(active_test=False)
            rules = [
                (rule.phone_e164, rule.extension_id.number, rule.source, rule.last_call_date)
                for rule in rules.search([("hotline_id", "=", self.hotline.id)], order="phone_e164")
            ]
            ends = self.ext_1.last_call_end, self.ext_2.last_call_end
            return values, partners, rules, ends

        with suppress(Rollback), self.env.cr.savepoint():
            provider = self.provider.with_company(self.company)
            for body in bodies:
                event = provider._coka_adapter_class("generic").parse_event(
                    json.dumps(body).encode()
                )
                self.Call.sudo()._coka_ingest_event(provider, event)
            self.env.cr.postcommit.run()
            at_once = written()
            raise Rollback
        self.env.invalidate_all()
        self.env.cr.postcommit.clear()
        self.assertFalse(self._call("eq-1"))
        for body in bodies:
            self.assertTrue(self._send(body)[1]["queued"])
        self.assertEqual(self.Call._cron_coka_apply_queued_events(), 4)
        self.env.cr.postcommit.run()
        self.assertEqual(written(), at_once)
        self.assertEqual(at_once[1][1][1], "0987 654 000", "the unknown caller is registered")
        self.assertEqual(
            [rule[:2] for rule in at_once[2]], [("+84912000111", "201"), ("+84987654000", "202")]
        )

    def test_events_behind_a_queued_end_wait_and_apply_in_order(self):
        reserved = self._send(self._ended())[1]["call_id"]
        recording = event_body(
            "recording.ready", at="2026-11-20T08:01:10Z", recording_url="https://pbx/r/c-1.mp3"
        )
        self.assertEqual(
            self._send(recording), (200, {"ok": True, "call_id": reserved, "queued": True})
        )
        ringing = event_body("call.ringing", at="2026-11-20T08:00:00Z", extension="202")
        self.assertEqual(self._send(ringing)[1], {"ok": True, "call_id": reserved, "queued": True})
        self.assertEqual(self._events().mapped("state"), ["queued"] * 3)
        self.assertEqual(self._events().mapped("call_ref"), ["c-1", False, False])

        self.assertEqual(self.Call._cron_coka_apply_queued_events(), 3)
        call = self._call()
        self.assertEqual(call.id, reserved)
        self.assertEqual(call.recording_url, "https://pbx/r/c-1.mp3")
        self.assertEqual(call.user_id, self.agent_1, "the late ringing keeps the answering agent")
        self.assertEqual(call.event_ids.mapped("state"), ["done"] * 3)
        # Once the call is written, its next event is applied at once.
        late = event_body(
            "recording.ready", at="2026-11-20T08:02:00Z", recording_url="https://pbx/r/2.mp3"
        )
        self.assertEqual(self._send(late)[1], {"ok": True, "call_id": call.id})
        self.assertEqual(call.recording_url, "https://pbx/r/2.mp3")

    def test_two_calls_of_one_new_caller_in_a_batch_register_one_contact(self):
        self.company.coka_auto_register_callers = True
        for call_id in ("tw-1", "tw-2"):
            self._send(self._ended(call_id, **{"from": "0987 111 222"}))
        self.assertEqual(self.Call._cron_coka_apply_queued_events(), 2)
        partners = self._call("tw-1").partner_id | self._call("tw-2").partner_id
        self.assertEqual(len(partners), 1)
        self.assertEqual(partners.mobile, "0987 111 222")

    def test_a_batch_that_fails_is_applied_one_event_at_a_time(self):
        answers = [self._send(self._ended(f"fb-{index}"))[1] for index in range(3)]
        with (
            patch.object(type(self.Call), "_coka_insert_rows", side_effect=ValueError("boom")),
            self.assertLogs("odoo.addons.coka_pbx.models.coka_pbx_call", "WARNING") as logs,
        ):
            self.assertEqual(self.Call._cron_coka_apply_queued_events(), 3)
        self.assertIn("one by one", logs.output[0])
        for index, answer in enumerate(answers):
            call = self._call(f"fb-{index}")
            self.assertEqual((call.id, call.status), (answer["call_id"], "answered"))

    def test_an_event_the_job_cannot_apply_is_failed_and_blocks_nothing(self):
        self._send(self._ended())
        event = self._events()
        self.env.cr.execute(
            "UPDATE coka_pbx_event SET payload = 'not json' WHERE id = %s", [event.id]
        )
        self.env.invalidate_all()
        with self.assertLogs("odoo.addons.coka_pbx.models.coka_pbx_call", "WARNING") as logs:
            self.assertEqual(self.Call._cron_coka_apply_queued_events(), 1)
        self.assertIn(f"Queued PBX event {event.id} not applied", logs.output[0])
        self.assertEqual((event.state, event.call_ref), ("failed", False))
        self.assertTrue(event.error)
        self.assertEqual(event.payload, "not json", "the body is kept for the administrator")
        self.assertFalse(self._call())
        # The call's next events are applied: the failed one is not its first event any more.
        status, answer = self._send(event_body("call.ringing", at="2026-11-20T08:00:00Z"))
        self.assertEqual((status, answer), (200, {"ok": True, "call_id": self._call().id}))

    def test_queued_events_outlive_the_idempotency_window(self):
        self._send(self._ended())
        self._send(self._ended("old-done", **{"from": "0912 000 999"}, at="2026-11-20T08:03:00Z"))
        self.Call._cron_coka_apply_queued_events()
        self._send(self._ended("still-queued"))
        old = fields.Datetime.now() - timedelta(days=45)
        self.env.cr.execute("UPDATE coka_pbx_event SET received_date = %s", [old])
        self.env.invalidate_all()
        self.Event._gc_coka_events()
        self.assertFalse(self._events("c-1") | self._events("old-done"))
        self.assertEqual(self._events("still-queued").state, "queued")

    def test_the_webhook_wakes_the_job_once_for_a_run(self):
        cron = self.env.ref("coka_pbx.ir_cron_coka_apply_queued_events")
        Trigger = self.env["ir.cron.trigger"]
        Trigger.search([("cron_id", "=", cron.id)]).unlink()  # none waits: a run is due
        Event = type(self.Event)
        never = float("-inf")
        with (
            patch.object(Event, "_coka_wake_checked_at", never),
            patch.object(type(self.env["ir.cron"]), "_notifydb", autospec=True) as notify,
        ):
            self._send(self._ended("w-1"))
            self._send(self._ended("w-2", **{"from": "0912 000 998"}))
            # What this worker checked counts once the transaction is committed.
            self.assertTrue(self.Event._coka_wake_due())
            self.env.cr.postcommit.run()
            self.assertFalse(self.Event._coka_wake_due())
            self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)])), 1)
            self.assertEqual(notify.call_count, 1)
            # A run started after that trigger: Odoo deletes it when the run ends, so the
            # next queued event triggers the job again...
            self.env["ir.cron.progress"].create({"cron_id": cron.id, "done": 0, "remaining": 0})
            # ...but not within QUEUE_WAKE_SKIP of this worker's check: the run going on
            # reads the event it checked for and lasts QUEUE_IDLE more, so it reads this one.
            _status, answer = self._send(self._ended("w-3", **{"from": "0912 000 997"}))
            self.assertTrue(answer["queued"])
            self.env.cr.postcommit.run()
            self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)])), 1)
            self.assertEqual(notify.call_count, 1)
            Event._coka_wake_checked_at = never  # QUEUE_WAKE_SKIP later
            self._send(self._ended("w-4", **{"from": "0912 000 995"}))
            self.env.cr.postcommit.run()
            self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)])), 2)
            self.assertEqual(notify.call_count, 2)
            # That trigger is newer than the run's start: it runs the job again, no more.
            self.env.cr.execute(
                "UPDATE ir_cron_progress SET create_date = create_date - interval '1 minute'"
                " WHERE cron_id = %s",
                [cron.id],
            )
            self.env.cr.execute(
                "UPDATE ir_cron_trigger SET call_at = call_at - interval '1 second'"
                " WHERE cron_id = %s",
                [cron.id],
            )
            Event._coka_wake_checked_at = never
            self._send(self._ended("w-5", **{"from": "0912 000 996"}))
            self.env.cr.postcommit.run()
            self.assertEqual(len(Trigger.search([("cron_id", "=", cron.id)])), 2)
            self.assertEqual(notify.call_count, 2)
            # A repeat queues nothing and checks nothing.
            Event._coka_wake_checked_at = never
            _status, answer = self._send(self._ended("w-5", **{"from": "0912 000 996"}))
            self.assertTrue(answer["duplicate"])
            self.env.cr.postcommit.run()
            self.assertTrue(self.Event._coka_wake_due())
