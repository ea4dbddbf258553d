from datetime import datetime

from odoo.exceptions import UserError
from odoo.tests import HttpCase, new_test_user, tagged

from ..tools import fairness
from .common import CokaPbxCase, require_chromium

TZ = "Asia/Ho_Chi_Minh"  # UTC+7: 2026-11-20 local is 2026-11-19 17:00 .. 2026-11-20 17:00 UTC


class DashboardCase(CokaPbxCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other_hotline = cls.env["coka.pbx.hotline"].create(
            {"number": "028 7300 8888", "provider_id": cls.provider.id}
        )
        day = datetime(2026, 11, 20, 2, 0)  # 09:00 local
        cls.calls = (
            cls._create_call(
                cls.agent_1,
                "0912000001",
                start_date=day,
                ring_seconds=10,
                talk_seconds=100,
                cost=0.0,
                qa_score=80.0,
            )
            | cls._create_call(
                cls.agent_1,
                "0912000002",
                start_date=day.replace(hour=3),
                ring_seconds=20,
                talk_seconds=0,
                status="missed",
            )
            | cls._create_call(
                cls.agent_2,
                "0912000003",
                start_date=day.replace(hour=3),
                direction="outbound",
                ring_seconds=6,
                talk_seconds=200,
                cost=1500.0,
                qa_score=60.0,
            )
            | cls._create_call(
                cls.agent_2,
                "0912000004",
                start_date=day.replace(hour=4),
                hotline_id=cls.other_hotline.id,
                ring_seconds=4,
                talk_seconds=50,
                qa_score=40.0,
            )
            # 18:00 UTC is the next local day: outside the period.
            | cls._create_call(cls.agent_1, "0912000005", start_date=day.replace(hour=18))
        )


@tagged("post_install", "-at_install")
class TestDashboard(DashboardCase):
    """REP-2: the dashboard's figures from grouped queries, under the record rules."""

    def _dashboard(self, user=None, hotline=False, start="2026-11-20", end="2026-11-20"):
        calls = self.env["coka.pbx.call"].with_context(tz=TZ)
        if user:
            calls = calls.with_user(user)
        return calls._coka_dashboard(start, end, hotline)

    def test_figures_of_known_calls(self):
        data = self._dashboard(self.manager)
        self.assertEqual(
            (data["incoming"], data["outgoing"], data["missed"], data["answered"]), (3, 1, 1, 2)
        )
        self.assertEqual(data["answer_rate"], 66.7)
        self.assertEqual(data["avg_ring_seconds"], 10.0)  # (10 + 20 + 6 + 4) / 4
        self.assertEqual(data["avg_talk_seconds"], 116.7)  # (100 + 200 + 50) / 3 answered
        self.assertEqual(data["cost"], 1500.0)
        self.assertEqual(data["days"], ["2026-11-20"])
        self.assertEqual(data["per_day"], {"inbound": [3], "outbound": [1]})
        # Local hours: 09:00, 10:00 (two, one outbound), 11:00.
        self.assertEqual(data["per_hour"]["inbound"][9:12], [1, 1, 1])
        self.assertEqual(data["per_hour"]["outbound"][10], 1)
        self.assertEqual(sum(data["per_hour"]["inbound"]), 3)

    def test_domains_open_the_counted_calls(self):
        data = self._dashboard(self.manager)
        calls = self.env["coka.pbx.call"]
        self.assertEqual(calls.search_count(data["domains"]["incoming"]), data["incoming"])
        self.assertEqual(
            calls.search(data["domains"]["missed"]).mapped("customer_number"), ["0912000002"]
        )

    def test_one_hotline(self):
        data = self._dashboard(self.manager, hotline=self.other_hotline.id)
        self.assertEqual((data["incoming"], data["outgoing"]), (1, 0))
        self.assertEqual(data["avg_talk_seconds"], 50.0)

    def test_agent_sees_only_his_figures(self):
        data = self._dashboard(self.agent_1)
        self.assertEqual((data["incoming"], data["outgoing"], data["missed"]), (2, 0, 1))
        self.assertEqual(data["answer_rate"], 50.0)

    def test_longer_period_has_a_day_each(self):
        data = self._dashboard(self.manager, start="2026-11-19", end="2026-11-21")
        self.assertEqual(data["days"], ["2026-11-19", "2026-11-20", "2026-11-21"])
        self.assertEqual(data["per_day"]["inbound"], [0, 3, 1])

    def test_bad_period_is_refused(self):
        with self.assertRaises(UserError):
            self._dashboard(self.manager, start="2026-11-21", end="2026-11-20")
        with self.assertRaises(UserError):
            self._dashboard(self.manager, start="20-11-2026", end="2026-11-20")

    def test_dashboard_data_loads_hotlines_and_leaderboard(self):
        calls = self.env["coka.pbx.call"].with_context(tz=TZ).with_user(self.manager)
        data = calls.coka_dashboard_data("2026-11-20", "2026-11-20", False, "talk_time")
        self.assertIn(self.other_hotline.id, [hotline["id"] for hotline in data["hotlines"]])
        self.assertEqual(
            [row["user_id"] for row in data["leaderboard"]], [self.agent_2.id, self.agent_1.id]
        )

    def test_manager_app_opens_on_dashboard_agent_on_calls(self):
        root = self.env.ref("coka_pbx.menu_root")
        dashboard = self.env.ref("coka_pbx.coka_pbx_dashboard_action")
        calls = self.env.ref("coka_pbx.coka_pbx_call_action")
        for user, action in ((self.manager, dashboard), (self.agent_1, calls)):
            menus = self.env["ir.ui.menu"].with_user(user).load_web_menus(False)
            self.assertEqual(menus[root.id]["actionID"], action.id, user.login)


@tagged("post_install", "-at_install")
class TestLeaderboard(DashboardCase):
    """The leaderboard (seed 000 "Bảng xếp hạng") over the agent statistics view."""

    def _leaderboard(self, ranking, user=None):
        stats = self.env["coka.pbx.agent.stat"]
        if user:
            stats = stats.with_user(user)
        return stats._coka_leaderboard(
            datetime(2026, 11, 19, 17), datetime(2026, 11, 20, 17), False, ranking
        )

    def test_rankings(self):
        agent_1, agent_2 = self.agent_1.id, self.agent_2.id
        expected = {
            "calls": [agent_1, agent_2],  # 2 each: ties ordered by agent
            "cost": [agent_2, agent_1],
            "effectiveness": [agent_2, agent_1],  # 100 % against 50 %
            "talk_time": [agent_2, agent_1],
            "qa_score": [agent_1, agent_2],  # 80 against (60 + 40) / 2
        }
        for ranking, order in expected.items():
            rows = self._leaderboard(ranking)
            self.assertEqual([row["user_id"] for row in rows], order, ranking)
        by_agent = {row["user_id"]: row for row in self._leaderboard("calls")}
        self.assertEqual(by_agent[agent_1]["effectiveness"], 50.0)
        self.assertEqual(by_agent[agent_1]["missed_while_on"], 1)
        self.assertEqual(by_agent[agent_2]["qa_score"], 50.0)
        self.assertEqual(by_agent[agent_2]["talk_time"], 250)

    def test_views_and_ranking_by_a_column(self):
        """The Leaderboard action's views load, and a list grouped by agent sorted by a
        measure's column (what the list does on a click) ranks the agents by it."""
        stats = self.env["coka.pbx.agent.stat"].with_user(self.manager)
        views = stats.get_views([(False, "list"), (False, "pivot"), (False, "graph")])
        self.assertEqual(set(views["views"]), {"list", "pivot", "graph"})
        domain = [
            ("date", ">=", datetime(2026, 11, 19, 17)),
            ("date", "<", datetime(2026, 11, 20, 17)),
        ]
        groups = stats.web_read_group(
            domain, ["talk_seconds:sum", "qa_score:avg"], ["user_id"], orderby="qa_score desc"
        )["groups"]
        self.assertEqual(
            [group["user_id"][0] for group in groups], [self.agent_1.id, self.agent_2.id]
        )
        self.assertEqual(groups[1]["talk_seconds"], 250)

    def test_agent_sees_only_his_row(self):
        rows = self._leaderboard("calls", self.agent_2)
        self.assertEqual([row["user_id"] for row in rows], [self.agent_2.id])

    def test_missed_while_off_not_counted(self):
        log = self.env["coka.pbx.agent.status.log"]
        log.create(
            {
                "user_id": self.agent_1.id,
                "status": "off",
                "date": datetime(2026, 11, 20, 2, 30),
                "company_id": self.company.id,
            }
        )
        by_agent = {row["user_id"]: row for row in self._leaderboard("calls")}
        self.assertEqual(by_agent[self.agent_1.id]["missed_while_on"], 0)

    def test_status_changes_are_logged(self):
        log = self.env["coka.pbx.agent.status.log"]
        self.agent_1.coka_agent_status = "off"
        self.agent_1.coka_agent_status = "off"  # no change, no row
        self.agent_1.with_user(self.agent_1).coka_set_agent_status("on")
        rows = log.search([("user_id", "=", self.agent_1.id)], order="id")
        self.assertEqual(rows.mapped("status")[-2:], ["off", "on"])
        self.assertEqual(len(rows.filtered(lambda row: row.status == "off")), 1)


@tagged("post_install", "-at_install")
class TestDashboardTour(HttpCase):
    """A Manager opens the Call Center app on the dashboard and opens the calls of a figure."""

    def test_dashboard_tour(self):
        require_chromium()
        new_test_user(self.env, login="tour_manager", groups="coka_pbx.group_manager")
        agent = new_test_user(
            self.env, login="tour_agent", name="Lê Văn Tour", groups="coka_pbx.group_agent"
        )
        self.env["coka.pbx.call"].create(
            {
                "direction": "outbound",
                "customer_number": "+84912000999",
                "user_id": agent.id,
                "status": "answered",
                "talk_seconds": 90,
                "cost": 1200,
            }
        )
        self.env["coka.pbx.call"].create(
            {
                "direction": "inbound",
                "from_number": "+84912000888",
                "customer_number": "+84912000888",
                "status": "missed",
            }
        )
        self.start_tour("/odoo", "coka_pbx_dashboard_tour", login="tour_manager")


@tagged("post_install", "-at_install")
class TestFairness(DashboardCase):
    """Fairness: inbound calls routed and answered against the share of ON time."""

    def test_on_time_share_and_routed_calls(self):
        log = self.env["coka.pbx.agent.status.log"]
        # Agent 2 goes OFF at 12:00 UTC on the 19th and is back ON at 00:00 on the 20th.
        log.create(
            [
                {
                    "user_id": self.agent_2.id,
                    "status": "off",
                    "date": datetime(2026, 11, 19, 12),
                    "company_id": self.company.id,
                },
                {
                    "user_id": self.agent_2.id,
                    "status": "on",
                    "date": datetime(2026, 11, 20, 0),
                    "company_id": self.company.id,
                },
            ]
        )
        stats = self.env["coka.pbx.agent.stat"].with_user(self.manager)
        rows = stats._coka_fairness(datetime(2026, 11, 19), datetime(2026, 11, 21))
        by_agent = {row["user_id"]: row for row in rows}
        one, two = by_agent[self.agent_1.id], by_agent[self.agent_2.id]
        # Two on the 20th, one late on the 20th (UTC); one missed.
        self.assertEqual((one["routed"], one["answered"]), (3, 2))
        self.assertEqual((two["routed"], two["answered"]), (1, 1))
        self.assertEqual(one["routed_share"], 75.0)
        self.assertEqual((one["on_hours"], two["on_hours"]), (48.0, 36.0))
        # Shares of the whole team (demo agents included when installed).
        total_on = sum(row["on_hours"] for row in rows)
        self.assertEqual(one["on_share"], round(100 * 48 / total_on, 1))
        self.assertLess(two["on_share"], one["on_share"])
        self.assertEqual(
            stats.with_user(self.agent_1)._coka_fairness(
                datetime(2026, 11, 19), datetime(2026, 11, 21)
            ),
            [],
        )

    def test_on_seconds_query_follows_the_rule(self):
        """The query of ``_coka_on_seconds`` gives what ``tools.fairness.on_seconds`` gives
        on the same log: no change (ON), a change before the period, changes inside it (one
        at its first instant), OFF to the end."""
        log = self.env["coka.pbx.agent.status.log"]
        start, end = datetime(2026, 11, 19), datetime(2026, 11, 21)
        history = {
            self.agent_1: [(datetime(2026, 11, 18, 9), "off"), (start, "on")],
            self.agent_2: [(datetime(2026, 11, 19, 8), "off"), (datetime(2026, 11, 19, 9), "on")],
            self.manager: [(datetime(2026, 11, 20, 22), "off")],
        }
        for user, changes in history.items():
            log.create(
                [
                    {
                        "user_id": user.id,
                        "status": status,
                        "date": when,
                        "company_id": self.company.id,
                    }
                    for when, status in changes
                ]
            )
        other = new_test_user(self.env, "p5_fair_nolog", groups="coka_pbx.group_agent")
        users = self.agent_1 | self.agent_2 | self.manager | other
        got = self.env["coka.pbx.agent.stat"]._coka_on_seconds(users, start, end)
        for user in users:
            changes = history.get(user, [])
            before = [status for when, status in changes if when < start]
            inside = [(when, status) for when, status in changes if start <= when < end]
            expected = fairness.on_seconds(before[-1] if before else "on", inside, start, end)
            self.assertEqual(got[user.id], expected, user.login)
        self.assertEqual(got[self.agent_2.id], 47 * 3600)
        self.assertEqual(got[other.id], 48 * 3600)

    def test_on_seconds_rule(self):
        start, end = datetime(2026, 11, 1), datetime(2026, 11, 2)
        changes = [(datetime(2026, 10, 31), "on"), (datetime(2026, 11, 1, 6), "off")]
        self.assertEqual(fairness.on_seconds("off", changes, start, end), 6 * 3600)
        self.assertEqual(fairness.on_seconds("off", [], start, end), 0)
        self.assertEqual(fairness.shares({1: 0, 2: 0}), {1: 0.0, 2: 0.0})
