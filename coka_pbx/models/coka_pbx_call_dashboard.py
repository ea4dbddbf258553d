from datetime import datetime, time, timedelta

import pytz

from odoo import api, fields, models
from odoo.exceptions import UserError


class CokaPbxCall(models.Model):
    """The Call Center dashboard (SPEC REP-2): its figures from the call statistics
    (``coka.pbx.call.report``, PERF-5), the domains of the calls they count."""

    _inherit = "coka.pbx.call"

    @api.model
    def _coka_dashboard_bounds(self, period_start, period_end):
        """The UTC datetimes of the first local day's midnight and of the day after the last
        one, in the user's time zone."""
        tz = pytz.timezone(self.env.context.get("tz") or "UTC")
        try:
            first = fields.Date.to_date(period_start)
            last = fields.Date.to_date(period_end)
        except ValueError as error:
            raise UserError(self.env._("Invalid period: %(error)s", error=error)) from error
        if not first or not last or last < first:
            raise UserError(self.env._("The period must end on or after its first day."))

        def utc(day):
            local = tz.localize(datetime.combine(day, time.min))
            return local.astimezone(pytz.utc).replace(tzinfo=None)

        return utc(first), utc(last + timedelta(days=1))

    @api.model
    def _coka_dashboard(self, period_start, period_end, hotline_id=False):
        """The Call Center dashboard's figures, from a grouped query on the call statistics
        (closed days counted, today live) and one per hour that honour the record rules (an agent
        gets his own calls' figures).

        :param period_start: first local day (``YYYY-MM-DD``)
        :param period_end: last local day, included
        :param hotline_id: one hotline's id, or ``False`` for all numbers
        :return: dict of counts, rates, averages, cost, ``per_day`` and ``per_hour`` series
            (``{"inbound": [...], "outbound": [...]}``) and the ``domains`` that open the
            matching calls
        """
        # The days and hours are the user's: bounds and groups in his time zone.
        calls_tz = self.with_context(tz=self.env.context.get("tz") or self.env.user.tz or "UTC")
        start, end = calls_tz._coka_dashboard_bounds(period_start, period_end)
        domain = [("start_date", ">=", start), ("start_date", "<", end)]
        report_domain = [("date", ">=", start), ("date", "<", end)]
        if hotline_id:
            domain.append(("hotline_id", "=", int(hotline_id)))
            report_domain.append(("hotline_id", "=", int(hotline_id)))
        domains = {
            "all": domain,
            "incoming": [*domain, ("direction", "=", "inbound")],
            "outgoing": [*domain, ("direction", "=", "outbound")],
            "missed": [*domain, ("direction", "=", "inbound"), ("status", "=", "missed")],
            "answered": [*domain, ("direction", "=", "inbound"), ("status", "=", "answered")],
            "talk": [*domain, ("status", "=", "answered")],
        }
        days = (end - start).days
        labels = [
            fields.Date.to_string(fields.Date.to_date(period_start) + timedelta(days=index))
            for index in range(days)
        ]
        per_day = {key: [0] * days for key in ("inbound", "outbound")}
        per_hour = {key: [0] * 24 for key in ("inbound", "outbound")}
        totals = dict.fromkeys(("incoming", "outgoing", "missed", "answered"), 0)
        calls = answered_all = ring = talk = 0
        cost = 0.0
        report = self.env["coka.pbx.call.report"].with_context(tz=calls_tz.env.context["tz"])
        # One row a day (for all numbers: from the rows per agent and day).
        rows = report._read_group(
            report_domain,
            ["date:day"],
            [
                "calls:sum",
                "inbound:sum",
                "outbound:sum",
                "inbound_missed:sum",
                "inbound_answered:sum",
                "answered:sum",
                "ring_seconds:sum",
                "answered_talk_seconds:sum",
                "cost:sum",
            ],
        )
        for day, count, inbound, outbound, missed, answered, answered_any, *sums in rows:
            ring_sum, talk_sum, cost_sum = sums
            calls += count
            answered_all += answered_any
            ring += ring_sum
            talk += talk_sum
            cost += cost_sum
            totals["incoming"] += inbound
            totals["outgoing"] += outbound
            totals["missed"] += missed
            totals["answered"] += answered
            label = day and fields.Date.to_string(day)
            if label in labels:
                index = labels.index(label)
                per_day["inbound"][index] = inbound
                per_day["outbound"][index] = outbound
        for hour, direction, count in self._coka_dashboard_hours(calls_tz, domain, report_domain):
            per_hour[direction][int(hour)] = count
        return {
            **totals,
            "calls": calls,
            "answer_rate": round(100.0 * totals["answered"] / totals["incoming"], 1)
            if totals["incoming"]
            else 0.0,
            "avg_ring_seconds": round(ring / calls, 1) if calls else 0.0,
            "avg_talk_seconds": round(talk / answered_all, 1) if answered_all else 0.0,
            "cost": round(cost, 2),
            "currency_id": self.env.company.currency_id.id,
            "days": labels,
            "per_day": per_day,
            "per_hour": per_hour,
            "domains": domains,
            "start": fields.Datetime.to_string(start),
            "end": fields.Datetime.to_string(end),
        }

    @api.model
    def _coka_dashboard_hours(self, calls_tz, domain, report_domain):
        """``(hour, direction, count)`` of the inbound and outbound calls of the period:
        for a Manager (all the calls of his companies) from the per-hour statistics, for an
        Agent from his own calls."""
        directions = ("direction", "in", ("inbound", "outbound"))
        if self.env.user.has_group("coka_pbx.group_manager"):
            hours = self.env["coka.pbx.call.hour.report"].with_context(
                tz=calls_tz.env.context["tz"]
            )
            return hours._read_group(
                [*report_domain, directions], ["date:hour_number", "direction"], ["calls:sum"]
            )
        return calls_tz._read_group(
            [*domain, directions], ["start_date:hour_number", "direction"], ["__count"]
        )

    @api.model
    def coka_dashboard_data(self, period_start, period_end, hotline_id=False, ranking="cost"):
        """What the dashboard client action loads: the figures, the hotlines it may choose
        from, the leaderboard and (for Managers) the fairness report, in one call."""
        data = self._coka_dashboard(period_start, period_end, hotline_id)
        start, end = data["start"], data["end"]
        data["hotlines"] = [
            {"id": hotline.id, "name": hotline.display_name}
            for hotline in self.env["coka.pbx.hotline"].search([])
        ]
        data["leaderboard"] = self.env["coka.pbx.agent.stat"]._coka_leaderboard(
            start, end, hotline_id, ranking
        )
        data["fairness"] = self.env["coka.pbx.agent.stat"]._coka_fairness(
            start, end, hotline_id, data["leaderboard"]
        )
        return data
