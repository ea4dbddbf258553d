from odoo.tests import tagged

from .test_call_reports import CallReportsCase
from .test_webhook import event_body


@tagged("post_install", "-at_install")
class TestAfterCallWork(CallReportsCase):
    """PERF-2: the after-call work of an ended call is queued by the webhook and done by the
    background job, once per call."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["coka.pbx.qa.rule"].create(
            {"name": "Not too short", "kind": "too_short", "seconds": 30, "weight": 1}
        )
        cls.company.coka_review_user_id = cls.manager
        cls.customer = cls.env["res.partner"].create({"name": "Khách Một", "mobile": "0912000111"})

    def test_the_webhook_queues_the_work_and_the_job_does_it_once(self):
        before = len(self.customer.message_ids)
        call, _end = self._answered_call("after-1", talk=200, run_after_call=False)
        self.assertTrue(call.after_call_due, "the ended call waits for its after-call work")
        self.assertFalse(call.qa_score)
        self.assertFalse(call.activity_ids)
        self.assertEqual(len(self.customer.message_ids), before)

        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_after_call(), 1)
        self.assertFalse(call.after_call_due)
        self.assertEqual(call.qa_score, 100.0)
        self.assertEqual(call.activity_ids.user_id, self.manager, "too long: 200 s over 2 min")
        self.assertEqual(len(self.customer.message_ids), before + 1)
        self.assertIn(call.customer_number, self.customer.message_ids[0].body)

        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_after_call(), 0)
        self.assertEqual(len(self.customer.message_ids), before + 1)
        self.assertEqual(len(call.activity_ids), 1)

    def test_calls_not_ended_are_not_due(self):
        self._send(event_body("call.ringing", "after-ring", at="2026-11-20T08:00:00Z"))
        call = self.env["coka.pbx.call"].search([("provider_call_id", "=", "after-ring")])
        self.assertFalse(call.after_call_due)
        self.assertEqual(self.env["coka.pbx.call"]._cron_coka_after_call(), 0)

    def test_batches_until_none_is_due_within_the_limit(self):
        calls = self.env["coka.pbx.call"]
        for i in range(5):
            calls |= self._answered_call(f"after-b{i}", run_after_call=False)[0]
        Call = self.env["coka.pbx.call"]
        self.assertEqual(Call._cron_coka_after_call(batch=2, limit=3), 3)
        self.assertEqual(len(calls.filtered("after_call_due")), 2)
        self.assertEqual(Call._cron_coka_after_call(batch=2), 2)
        self.assertFalse(calls.filtered("after_call_due"))
        self.assertTrue(all(calls.mapped("qa_score")))

    def test_the_job_is_scheduled(self):
        cron = self.env.ref("coka_pbx.ir_cron_coka_after_call")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "minutes"))
        self.assertIn("_cron_coka_after_call", cron.code)
