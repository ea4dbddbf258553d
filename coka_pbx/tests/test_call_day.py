from datetime import date, datetime
from unittest.mock import patch

from odoo import fields, models
from odoo.tests import new_test_user, tagged

from ..tools import report_days
from .test_dashboard import TZ, DashboardCase

# The job runs "on" 2026-11-25 09:00 local: every day up to 2026-11-24 is closed.
NOW = datetime(2026, 11, 25, 2, 0)
WATERMARK = datetime(2026, 11, 24, 17, 0)  # 2026-11-25 00:00 local


@tagged("post_install", "-at_install")
class TestCallDay(DashboardCase):
    """PERF-5: the closed days' counts equal a direct count of the calls, after edits,
    deletions and late calls; the reports read today live."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env["ir.config_parameter"].set_param("coka_pbx.report_tz", TZ)

    def _refresh(self, now=NOW):
        return self.env["coka.pbx.call.day"]._cron_coka_refresh(now=now)

    def _figures(self, user=None, start="2026-11-19", end="2026-11-21", hotline=False):
        calls = self.env["coka.pbx.call"].with_context(tz=TZ)
        if user:
            calls = calls.with_user(user)
        data = calls._coka_dashboard(start, end, hotline)
        data.pop("domains")
        return data

    def _direct(self, domain=()):
        """Per agent and local day: count, talk time and QA average, from the calls."""
        groups = (
            self.env["coka.pbx.call"]
            .with_context(tz=TZ)
            ._read_group(
                list(domain),
                ["user_id", "start_date:day"],
                ["__count", "talk_seconds:sum", "qa_score:avg"],
            )
        )
        return {
            (user.id, fields.Date.to_date(day)): (n, talk, qa) for user, day, n, talk, qa in groups
        }

    def _report(self, domain=()):
        groups = (
            self.env["coka.pbx.call.report"]
            .with_context(tz=TZ)
            ._read_group(
                list(domain),
                ["user_id", "date:day"],
                ["__count", "talk_seconds:sum", "qa_score:avg"],
            )
        )
        return {
            (user.id, fields.Date.to_date(day)): (n, talk, qa) for user, day, n, talk, qa in groups
        }

    def _day_rows(self):
        return self.env["coka.pbx.call.day"].search([])

    def test_the_counted_days_give_the_live_figures(self):
        live = self._figures(self.manager)
        live_agent = self._figures(self.agent_1)
        live_board = self.env["coka.pbx.agent.stat"]._coka_leaderboard(
            "2026-11-19 17:00:00", "2026-11-20 17:00:00"
        )
        self.assertEqual(self._refresh(), 2)  # 2026-11-20 and 2026-11-21 local
        self.assertEqual(sum(self._day_rows().mapped("calls")), 5)
        self.assertEqual(
            self.env["ir.config_parameter"].get_param("coka_pbx.report_watermark"),
            "2026-11-24 17:00:00",
        )
        self.assertEqual(self._figures(self.manager), live)
        self.assertEqual(self._figures(self.agent_1), live_agent)
        self.assertEqual(
            self.env["coka.pbx.agent.stat"]._coka_leaderboard(
                "2026-11-19 17:00:00", "2026-11-20 17:00:00"
            ),
            live_board,
        )
        self.assertEqual(self._report(), self._direct())
        # The report rows are the counted days, not the calls.
        self.assertFalse(
            self.env["coka.pbx.call.report"].search(
                [("id", "in", [c.id * 2 + 1 for c in self.calls])]
            )
        )
        self.assertEqual(self._refresh(), 0, "nothing changed: nothing counted again")

    def test_edited_late_and_deleted_calls_are_counted_again(self):
        self._refresh()
        call = self.calls[0]
        call.write({"talk_seconds": 300, "qa_score": 20.0})
        # One test transaction writes every row at the same instant: a later request's write
        # has a later write date.
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE coka_pbx_call SET write_date = write_date + interval '1 minute' WHERE id = %s",
            [call.id],
        )
        late = self._create_call(
            self.agent_2, "0912000077", start_date=datetime(2026, 11, 19, 20, 0), talk_seconds=30
        )
        self.calls[1].unlink()
        self.assertNotEqual(self._report(), self._direct(), "not counted yet")
        self.assertEqual(self._refresh(), 1)  # 2026-11-20 local only
        self.assertEqual(self._report(), self._direct())
        self.assertEqual(sum(self._day_rows().mapped("calls")), 5)
        data = self._figures(self.manager, start="2026-11-20", end="2026-11-20")
        self.assertEqual((data["incoming"], data["missed"]), (3, 0))
        self.assertEqual(
            self._report([("user_id", "=", late.user_id.id)]),
            self._direct([("user_id", "=", late.user_id.id)]),
        )
        # Every call of the day deleted: the day's rows go.
        self.env["coka.pbx.call"].search([("start_date", "<", WATERMARK)]).unlink()
        self.assertEqual(self._refresh(), 2)
        self.assertFalse(self._day_rows())
        self.assertFalse(self.env["coka.pbx.call.day.state"].search([]))
        self.assertEqual(self._figures(self.manager)["calls"], 0)

    def test_today_is_read_live_and_counted_once(self):
        self._refresh()
        today = self._create_call(
            self.agent_1, "0912000088", start_date=datetime(2026, 11, 25, 1, 0), talk_seconds=40
        )
        data = self._figures(self.manager, start="2026-11-25", end="2026-11-25")
        self.assertEqual(data["incoming"], 1)
        self.assertEqual(data["per_hour"]["inbound"][8], 1)
        # The next day's run counts it in its day: still once.
        self.assertEqual(self._refresh(datetime(2026, 11, 26, 2, 0)), 1)
        self.assertEqual(self._figures(self.manager, start="2026-11-25", end="2026-11-25"), data)
        self.assertEqual(
            self._day_rows().filtered(lambda row: row.day == date(2026, 11, 25)).calls, 1
        )
        self.assertTrue(today)

    def test_days_are_local_days_of_the_report_time_zone(self):
        # 16:59 UTC is 23:59 local (the 20th), 17:00 UTC the 21st's midnight.
        self._create_call(self.agent_2, "0912000101", start_date=datetime(2026, 11, 20, 16, 59))
        self._create_call(self.agent_2, "0912000102", start_date=datetime(2026, 11, 20, 17, 0))
        self._refresh()
        days = {}
        for row in self._day_rows().filtered(lambda row: row.user_id == self.agent_2):
            days[row.day] = days.get(row.day, 0) + row.calls
        self.assertEqual(days, {date(2026, 11, 20): 3, date(2026, 11, 21): 1})
        row = self._day_rows().filtered(lambda row: row.day == date(2026, 11, 21))[:1]
        self.assertEqual(row.date, datetime(2026, 11, 20, 17, 0))
        hours = self.env["coka.pbx.call.hour"].search([("day", "=", date(2026, 11, 20))])
        self.assertIn(datetime(2026, 11, 20, 16, 0), hours.mapped("date"))  # 23:00 local
        self.assertEqual(self._report(), self._direct())
        # Another report time zone: every day counted again in it.
        self.env["ir.config_parameter"].set_param("coka_pbx.report_tz", "UTC")
        self._refresh()
        utc_days = {}
        for row in self._day_rows().filtered(lambda row: row.user_id == self.agent_2):
            utc_days[row.day] = utc_days.get(row.day, 0) + row.calls
        self.assertEqual(utc_days, {date(2026, 11, 20): 4})

    def test_agents_and_companies_see_their_own(self):
        other_company = self.env["res.company"].create({"name": "Other call center"})
        other_manager = new_test_user(
            self.env,
            "p5_other_manager",
            groups="coka_pbx.group_manager",
            company_id=other_company.id,
            company_ids=[(6, 0, [other_company.id])],
        )
        self.env["coka.pbx.call"].create(
            {
                "provider_call_id": "other-company-call",
                "company_id": other_company.id,
                "direction": "inbound",
                "status": "answered",
                "start_date": datetime(2026, 11, 20, 3, 0),
                "talk_seconds": 70,
            }
        )
        self._refresh()
        self.assertEqual(len(self._day_rows().company_id), 2)
        self.assertEqual(
            self._figures(self.manager, start="2026-11-20", end="2026-11-20")["incoming"], 3
        )
        other = self._figures(other_manager, start="2026-11-20", end="2026-11-20")
        self.assertEqual((other["incoming"], other["avg_talk_seconds"]), (1, 70.0))
        agent = self._figures(self.agent_1, start="2026-11-20", end="2026-11-20")
        self.assertEqual((agent["incoming"], agent["missed"], agent["answer_rate"]), (2, 1, 50.0))
        reports = self.env["coka.pbx.call.report"].with_user(self.agent_2).search([])
        self.assertEqual(reports.user_id, self.agent_2)
        board = (
            self.env["coka.pbx.agent.stat"]
            .with_user(self.agent_2)
            ._coka_leaderboard("2026-11-19 17:00:00", "2026-11-20 17:00:00")
        )
        self.assertEqual([row["user_id"] for row in board], [self.agent_2.id])

    def test_pivot_weighted_averages_and_menu(self):
        self._refresh()
        report = self.env["coka.pbx.call.report"].with_user(self.manager).with_context(tz=TZ)
        views = report.get_views([(False, "pivot"), (False, "graph"), (False, "search")])
        self.assertEqual(set(views["views"]), {"pivot", "graph", "search"})
        domain = [("date", ">=", datetime(2026, 11, 19, 17)), ("date", "<", WATERMARK)]
        total = report.read_group(
            domain, ["calls:sum", "qa_score:avg", "answer_rate:avg"], [], lazy=False
        )[0]
        # 4 calls of the 20th + 1 of the 21st; QA over the 3 scored; 3 of 4 inbound answered
        # (the 21st's call too).
        self.assertEqual((total["__count"], total["calls"]), (5, 5))
        self.assertEqual(round(total["qa_score"], 1), 60.0)
        self.assertEqual(round(total["answer_rate"], 1), 75.0)
        cells = report.read_group(domain, ["calls:sum"], ["user_id", "date:day"], lazy=False)
        self.assertEqual(sum(cell["__count"] for cell in cells), 5)
        self.assertTrue(self.env.ref("coka_pbx.coka_pbx_call_report_menu").action)

    def test_grouped_rows_are_formatted_as_odoo_formats_them(self):
        """The reports format each distinct group value once: labels, ranges and domains
        are Odoo's own, for the pivot's groupings, lazy or not, counted days or live."""
        report_model = type(self.env["coka.pbx.call.report"])
        report = self.env["coka.pbx.call.report"].with_user(self.manager).with_context(tz=TZ)
        domain = [("date", ">=", datetime(2026, 11, 19, 17)), ("hotline_id", "!=", False)]
        measures = ["calls:sum", "talk_seconds:sum", "qa_score:avg"]
        groupbys = ([], ["user_id"], ["date:day"], ["user_id", "date:day"])
        groupbys += (["date:month", "hotline_id", "direction"],)
        for refreshed in (False, True):
            if refreshed:
                self._refresh()
            for groupby in groupbys:
                for lazy in (False, True):
                    ours = report.read_group(domain, measures, groupby, lazy=lazy)
                    with patch.object(
                        report_model,
                        "_read_group_format_result",
                        models.BaseModel._read_group_format_result,
                    ):
                        odoos = report.read_group(domain, measures, groupby, lazy=lazy)
                    self.assertEqual(ours, odoos, (groupby, lazy, refreshed))
                    self.assertTrue(ours)

    def test_rows_per_agent_give_the_rows_figures(self):
        """A query without hotline, extension, direction nor id reads the rows per company,
        day and agent: the same groups and measures as the rows per hotline and direction."""
        domain = [("date", ">=", datetime(2026, 11, 19, 17)), ("date", "<", datetime(2026, 12, 1))]
        measures = {
            "coka.pbx.call.report": ["__count", "calls:sum", "inbound_missed:sum", "qa_score:avg"],
            "coka.pbx.agent.stat": ["__count", "answer_rate:avg", "missed_while_on:sum"],
        }
        for refreshed in (False, True):
            if refreshed:
                self._refresh()
            for model_name, aggregates in measures.items():
                model = self.env[model_name].with_user(self.manager).with_context(tz=TZ)
                self.assertTrue(
                    model._coka_fits_per_agent(domain, ["user_id"], aggregates, (), None)
                )
                for groupby in ([], ["user_id"], ["date:day"], ["user_id", "date:day"]):
                    ours = model._read_group(domain, groupby, aggregates)
                    with patch.object(type(model), "_coka_per_agent", None):
                        rows = model._read_group(domain, groupby, aggregates)
                    self.assertEqual(ours, rows, (model_name, groupby, refreshed))
                    self.assertTrue(ours)
                for other in ("hotline_id", "direction", "id"):
                    self.assertFalse(
                        model._coka_fits_per_agent(
                            [*domain, (other, "!=", False)], [], aggregates, (), None
                        )
                    )
                self.assertFalse(model._coka_fits_per_agent(domain, ["direction"], [], (), None))
            agent = self.env["coka.pbx.call.report"].with_user(self.agent_1).with_context(tz=TZ)
            self.assertEqual(agent._read_group(domain, ["user_id"], [])[0][0], self.agent_1)


@tagged("post_install", "-at_install")
class TestReportDays(DashboardCase):
    """The pure rules of the count (tools/report_days.py)."""

    def test_changed_days(self):
        current = {(1, date(2026, 11, 1)): "2:a:3", (1, date(2026, 11, 2)): "1:b:4"}
        stored = {(1, date(2026, 11, 1)): "2:a:3", (1, date(2026, 11, 2)): "1:a:4"}
        stored[(2, date(2026, 11, 1))] = "1:a:9"
        self.assertEqual(
            report_days.changed_days(current, stored),
            [(1, date(2026, 11, 2)), (2, date(2026, 11, 1))],
        )
        self.assertEqual(report_days.changed_days(current, current), [])

    def test_day_ranges(self):
        keys = [(1, date(2026, 11, day)) for day in (3, 1, 2, 5)] + [(2, date(2026, 11, 2))]
        self.assertEqual(
            report_days.day_ranges(keys),
            [
                (1, date(2026, 11, 1), date(2026, 11, 3)),
                (1, date(2026, 11, 5), date(2026, 11, 5)),
                (2, date(2026, 11, 2), date(2026, 11, 2)),
            ],
        )

    def test_midnights(self):
        self.assertEqual(
            report_days.today_midnight_utc(datetime(2026, 11, 24, 17, 0), TZ), WATERMARK
        )
        self.assertEqual(
            report_days.today_midnight_utc(datetime(2026, 11, 24, 16, 59), TZ),
            datetime(2026, 11, 23, 17, 0),
        )
        self.assertEqual(
            report_days.day_bounds_utc(date(2026, 11, 25), "UTC"),
            (datetime(2026, 11, 25), datetime(2026, 11, 26)),
        )
