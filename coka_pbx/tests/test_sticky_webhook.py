from odoo.tests import tagged

from .test_call_reports import CallReportsCase
from .test_webhook import event_body


@tagged("post_install", "-at_install")
class TestStickyFromWebhook(CallReportsCase):
    """STK-2 through the webhook: the rule read by the statement that locks the call is the
    one the call's end applies to (create, touch, move)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.hotline.write({"sticky_mode": "last", "sticky_auto_remember": True})
        cls.Rule = cls.env["coka.pbx.sticky.rule"].with_context(active_test=False)

    def _rule(self):
        return self.Rule.search(
            [("hotline_id", "=", self.hotline.id), ("phone_e164", "=", "+84912000111")]
        )

    def _end(self, call_id, extension, at):
        self._send(event_body("call.ringing", call_id, at=at))
        self._send(
            event_body(
                "call.ended",
                call_id,
                at=at.replace("08:00", "08:05"),
                extension=extension,
                status="answered",
                talk_seconds=60,
            )
        )

    def test_a_first_call_creates_the_rule_a_second_touches_it_another_agent_moves_it(self):
        self.assertFalse(self._rule())
        self._end("stk-1", "201", "2026-11-20T08:00:00Z")
        rule = self._rule()
        self.assertEqual((rule.extension_id, rule.source), (self.ext_1, "auto"))
        first_date = rule.last_call_date

        self._end("stk-2", "201", "2026-11-21T08:00:00Z")
        rule.invalidate_recordset()
        self.assertEqual(rule.extension_id, self.ext_1)
        self.assertGreater(rule.last_call_date, first_date)

        self._end("stk-3", "202", "2026-11-22T08:00:00Z")
        rule.invalidate_recordset()
        self.assertEqual(rule.extension_id, self.ext_2, "mode 'last': the latest agent")
        self.assertEqual(len(self._rule()), 1)

    def test_a_pinned_rule_is_not_moved(self):
        self.Rule.create(
            {
                "hotline_id": self.hotline.id,
                "phone": "0912 000 111",
                "extension_id": self.ext_2.id,
                "source": "manual",
            }
        )
        self._end("stk-pin", "201", "2026-11-20T08:00:00Z")
        self.assertEqual(self._rule().extension_id, self.ext_2)
