import json
import time
from datetime import datetime

from odoo.tests import tagged

from ..tools import signature
from .common import CokaPbxCase


@tagged("post_install", "-at_install")
class TestRouting(CokaPbxCase):
    """PBX-7: the ring group by strategy, without OFF agents, inactive extensions, duplicates."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.agent_3 = cls.env["res.users"].create(
            {"name": "Agent 3", "login": "pbx_agent_3", "groups_id": cls.agent_1.groups_id.ids}
        )
        cls.ext_3 = cls.env["coka.pbx.extension"].create(
            {"number": "203", "user_id": cls.agent_3.id, "hotline_id": cls.hotline.id}
        )
        cls.hotline.ring_member_ids = [
            (0, 0, {"extension_id": ext.id, "sequence": seq})
            for seq, ext in enumerate((cls.ext_1, cls.ext_2, cls.ext_3))
        ]

    def _numbers(self, answer):
        return [target["extension"] for target in answer["targets"]]

    def test_sequential_and_ring_all_keep_the_group_order(self):
        for strategy in ("sequential", "ring_all"):
            self.hotline.ring_strategy = strategy
            answer = self._route()
            self.assertEqual(answer["strategy"], strategy)
            self.assertEqual(self._numbers(answer), ["201", "202", "203"])
            self.assertEqual(
                answer["targets"][0], {"extension": "201", "timeout": 20, "reason": "group"}
            )

    def test_off_agents_and_archived_extensions_do_not_ring(self):
        self.hotline.ring_strategy = "sequential"
        self.agent_2.coka_agent_status = "off"
        self.ext_3.active = False
        self.assertEqual(self._numbers(self._route()), ["201"])
        self.agent_1.coka_agent_status = "off"
        self.assertEqual(self._route()["targets"], [])

    def test_archived_users_do_not_ring_and_come_back_when_unarchived(self):
        self.hotline.ring_strategy = "sequential"
        self.agent_2.active = False
        self.assertEqual(self._numbers(self._route()), ["201", "203"])
        self.agent_2.active = True
        self.assertEqual(self._numbers(self._route()), ["201", "202", "203"])

    def test_round_robin_rotates_through_the_group(self):
        self.hotline.ring_strategy = "round_robin"
        answers = [self._numbers(self._route()) for _i in range(6)]
        group = ["201", "202", "203"]
        for answer in answers:
            start = group.index(answer[0])
            self.assertEqual(answer, group[start:] + group[:start])
        for previous, current in zip(answers, answers[1:], strict=False):
            self.assertEqual(current[0], group[(group.index(previous[0]) + 1) % 3])

    def test_longest_idle_first(self):
        self.hotline.ring_strategy = "longest_idle"
        self.ext_1.last_call_end = datetime(2026, 11, 20, 10, 0)
        self.ext_2.last_call_end = datetime(2026, 11, 20, 9, 0)
        self.assertEqual(self._numbers(self._route()), ["203", "202", "201"])

    def test_sticky_agent_first_once_and_only_when_routable(self):
        self.hotline.ring_strategy = "sequential"
        self.env["coka.pbx.sticky.rule"].create(
            {"hotline_id": self.hotline.id, "phone": "0912000999", "extension_id": self.ext_3.id}
        )
        answer = self._route()
        self.agent_3.coka_agent_status = "off"
        fallback = self._route()
        self.assertEqual(self._numbers(answer), ["203", "201", "202"])
        self.assertEqual(answer["targets"][0]["reason"], "sticky")
        self.assertEqual(self._numbers(fallback), ["201", "202"])
        self.assertEqual(self._numbers(self._route(caller="")), ["201", "202"])

    def test_unknown_hotline_and_bad_body(self):
        raw = json.dumps({"call_id": "r-2", "hotline": "02499999999", "from": "x"}).encode()
        stamp = str(int(time.time()))
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        Provider = self.env["coka.pbx.provider"].sudo()
        status, answer = Provider._coka_receive("test-pbx", "route", headers, raw)
        self.assertEqual((status, answer["ok"]), (404, False))
        raw = b'{"call_id": 5}'
        headers = {
            "X-Coka-Timestamp": stamp,
            "X-Coka-Signature": signature.sign("s3cret", stamp, raw),
        }
        status, answer = Provider._coka_receive("test-pbx", "route", headers, raw)
        self.assertEqual(status, 400)
        self.assertIn("call_id", answer["error"])

    def test_configuration_changes_reach_the_cached_setup(self):
        self.hotline.ring_strategy = "sequential"
        self.assertEqual(self._numbers(self._route()), ["201", "202", "203"])
        member_3 = self.hotline.ring_member_ids.filtered(lambda m: m.extension_id == self.ext_3)
        member_3.sequence = -1
        self.assertEqual(self._numbers(self._route()), ["203", "201", "202"])
        member_3.unlink()
        self.assertEqual(self._numbers(self._route()), ["201", "202"])
        self.ext_2.number = "222"
        self.assertEqual(self._numbers(self._route()), ["201", "222"])
        self.hotline.ring_timeout = 7
        self.assertEqual(self._route()["targets"][0]["timeout"], 7)
        self.hotline.active = False
        self._route(status=404)

    def test_a_routing_answer_costs_one_query_once_the_setup_is_cached(self):
        self.hotline.ring_strategy = "round_robin"
        self._route()
        with self.assertQueryCount(1):
            self._route()
