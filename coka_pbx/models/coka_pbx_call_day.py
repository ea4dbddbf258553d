import logging

from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import report_days

_logger = logging.getLogger(__name__)

DEFAULT_REPORT_TZ = "Asia/Ho_Chi_Minh"
TZ_PARAM = "coka_pbx.report_tz"
# What the aggregate holds: the time zone its days were counted in, and the UTC instant of
# the local midnight up to which it counted (the reports read the calls after it live).
BUILT_TZ_PARAM = "coka_pbx.report_tz_built"
WATERMARK_PARAM = "coka_pbx.report_watermark"

# The expression that tells whether an inbound call was missed while its agent was ON
# (his last status change before the call; none: ON), shared by the count and the live view.
MISSED_WHILE_ON = """(c.direction = 'inbound' AND c.status = 'missed' AND COALESCE((
        SELECT l.status FROM coka_pbx_agent_status_log l
         WHERE l.user_id = c.user_id AND l.date <= c.start_date
      ORDER BY l.date DESC, l.id DESC LIMIT 1), 'on') = 'on')"""


class CokaPbxCallDay(models.Model):
    """The calls of one closed local day, counted per company, hotline, agent, extension and
    direction (PERF-5): what the dashboard, the leaderboard and the call statistics read for
    the days before today, through the views ``coka.pbx.call.report`` and
    ``coka.pbx.agent.stat``. Written only by :meth:`_cron_coka_refresh`, which counts again
    the days whose calls changed; nothing is added to the webhook."""

    _name = "coka.pbx.call.day"
    _inherit = ["coka.pbx.call.count.mixin"]
    _description = "Calls per Day"
    _log_access = False
    _order = "day desc, id"

    hotline_id = fields.Many2one("coka.pbx.hotline", ondelete="cascade")
    extension_id = fields.Many2one("coka.pbx.extension", ondelete="cascade")
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]
    )

    @api.model
    def _coka_report_tz(self):
        """The time zone whose days the reports count: Settings' ``coka_pbx.report_tz``, else
        the main company's, else the administrator's, else Asia/Ho_Chi_Minh."""
        tz = self.env["ir.config_parameter"].sudo().get_param(TZ_PARAM)
        company = self.env.ref("base.main_company", raise_if_not_found=False)
        admin = self.env.ref("base.user_admin", raise_if_not_found=False)
        return (
            tz or (company and company.partner_id.tz) or (admin and admin.tz) or DEFAULT_REPORT_TZ
        )

    @api.model
    def _cron_coka_refresh(self, now=None):
        """Count again the closed days (before today's local midnight) whose calls changed
        since the last run: a fingerprint per company and day (count, last write, sum of
        ids) tells edited, late and deleted calls. Then move the watermark to today's
        midnight, in the same transaction: a report never counts a call twice nor misses it.

        :param now: the UTC datetime to take as now (tests)
        :return: the number of days counted again
        """
        cr = self.env.cr
        params = self.env["ir.config_parameter"].sudo()
        tz = self._coka_report_tz()
        self.env["coka.pbx.call"].flush_model()
        self.env["coka.pbx.agent.status.log"].flush_model()
        if params.get_param(BUILT_TZ_PARAM) != tz:
            # Other days: count everything again.
            cr.execute("DELETE FROM coka_pbx_call_day")
            cr.execute("DELETE FROM coka_pbx_call_hour")
            cr.execute("DELETE FROM coka_pbx_call_user_day")
            cr.execute("DELETE FROM coka_pbx_call_day_state")
        watermark = report_days.today_midnight_utc(now or fields.Datetime.now(), tz)
        cr.execute(
            SQL(
                """SELECT company_id, timezone(%(tz)s, timezone('UTC', start_date))::date,
                          count(*), max(write_date), sum(id)
                     FROM coka_pbx_call
                    WHERE start_date < %(watermark)s
                 GROUP BY 1, 2""",
                tz=tz,
                watermark=watermark,
            )
        )
        current = {
            (company, day): report_days.fingerprint(count, written, ids)
            for company, day, count, written, ids in cr.fetchall()
        }
        cr.execute("SELECT company_id, day, fingerprint FROM coka_pbx_call_day_state")
        stored = {(company, day): print_ for company, day, print_ in cr.fetchall()}
        changed = report_days.changed_days(current, stored)
        if changed:
            self._coka_count_days(changed, tz)
            kept = [key for key in changed if key in current]
            cr.execute(
                SQL(
                    """INSERT INTO coka_pbx_call_day_state (company_id, day, fingerprint)
                       SELECT k.company_id, k.day, k.fingerprint
                         FROM unnest(%s::int[], %s::date[], %s::varchar[])
                              AS k(company_id, day, fingerprint)""",
                    [company for company, _day in kept],
                    [day for _company, day in kept],
                    [current[key] for key in kept],
                )
            )
        params.set_param(BUILT_TZ_PARAM, tz)
        params.set_param(WATERMARK_PARAM, fields.Datetime.to_string(watermark))
        # Last, so that the views are locked for the shortest time before the commit.
        reports = ("coka.pbx.call.report", "coka.pbx.call.user.report")
        reports += ("coka.pbx.call.hour.report", "coka.pbx.agent.stat", "coka.pbx.agent.user.stat")
        for model in reports:
            report = self.env[model]
            report._coka_create_view(report._coka_view_sql(), replace=True)
        self.env.invalidate_all()
        _logger.info("Call reports: %d day(s) counted again, up to %s UTC", len(changed), watermark)
        return len(changed)

    @api.model
    def _coka_count_days(self, keys, tz):
        """Delete the rows of the days ``keys`` (company id, day) and count their calls again,
        per day and per hour."""
        cr = self.env.cr
        companies = [company for company, _day in keys]
        days = [day for _company, day in keys]
        tables = ("coka_pbx_call_day", "coka_pbx_call_hour", "coka_pbx_call_user_day")
        for table in (*tables, "coka_pbx_call_day_state"):
            cr.execute(
                SQL(
                    """DELETE FROM %s t USING unnest(%s::int[], %s::date[]) AS k(company_id, day)
                        WHERE t.company_id = k.company_id AND t.day = k.day""",
                    SQL.identifier(table),
                    companies,
                    days,
                )
            )
        for company, first, last in report_days.day_ranges(keys):
            start, _end = report_days.day_bounds_utc(first, tz)
            _start, end = report_days.day_bounds_utc(last, tz)
            self._coka_count_range(company, start, end, tz)
        # The same days per company and agent, from the rows just written.
        cr.execute(
            SQL(
                """INSERT INTO coka_pbx_call_user_day (
                       company_id, day, date, user_id, calls, answered, missed, inbound,
                       outbound, inbound_answered, inbound_missed, ring_seconds, talk_seconds,
                       answered_talk_seconds, cost, qa_sum, qa_count, missed_while_on)
                   SELECT d.company_id, d.day, d.date, d.user_id, sum(d.calls),
                          sum(d.answered), sum(d.missed),
                          COALESCE(sum(d.calls) FILTER (WHERE d.direction = 'inbound'), 0),
                          COALESCE(sum(d.calls) FILTER (WHERE d.direction = 'outbound'), 0),
                          COALESCE(sum(d.answered) FILTER (WHERE d.direction = 'inbound'), 0),
                          COALESCE(sum(d.missed) FILTER (WHERE d.direction = 'inbound'), 0),
                          sum(d.ring_seconds), sum(d.talk_seconds),
                          sum(d.answered_talk_seconds), sum(d.cost), sum(d.qa_sum),
                          sum(d.qa_count), sum(d.missed_while_on)
                     FROM unnest(%s::int[], %s::date[]) AS k(company_id, day)
                     JOIN coka_pbx_call_day d ON d.company_id = k.company_id AND d.day = k.day
                 GROUP BY d.company_id, d.day, d.date, d.user_id
                 ORDER BY d.day, d.user_id""",
                companies,
                days,
            )
        )
        self.env.invalidate_all()

    @api.model
    def _coka_count_range(self, company_id, start, end, tz):
        """Count the calls of one company started in ``[start, end)`` (UTC, local midnights)
        into its days and hours: one range scan of the calls' start index."""
        cr = self.env.cr
        # The calls of the range with their local day and hour.
        calls_sql = SQL(
            """FROM (SELECT c.*, timezone(%(tz)s, timezone('UTC', c.start_date)) AS local
                       FROM coka_pbx_call c
                      WHERE c.company_id = %(company)s
                        AND c.start_date >= %(start)s AND c.start_date < %(end)s) c""",
            company=company_id,
            start=start,
            end=end,
            tz=tz,
        )
        cr.execute(
            SQL(
                """INSERT INTO coka_pbx_call_day (
                       company_id, day, date, hotline_id, user_id, extension_id, direction,
                       calls, answered, missed, ring_seconds, talk_seconds,
                       answered_talk_seconds, cost, qa_sum, qa_count, missed_while_on)
                   SELECT c.company_id, c.local::date,
                          timezone('UTC', timezone(%(tz)s, c.local::date::timestamp)),
                          c.hotline_id, c.user_id, c.extension_id, c.direction,
                          count(*),
                          count(*) FILTER (WHERE c.status = 'answered'),
                          count(*) FILTER (WHERE c.status = 'missed'),
                          COALESCE(sum(c.ring_seconds), 0),
                          COALESCE(sum(c.talk_seconds), 0),
                          COALESCE(sum(c.talk_seconds) FILTER (WHERE c.status = 'answered'), 0),
                          COALESCE(sum(c.cost), 0),
                          COALESCE(sum(c.qa_score), 0),
                          count(c.qa_score),
                          count(*) FILTER (WHERE %(missed_while_on)s)
                   %(calls)s
                   GROUP BY c.company_id, c.local::date, c.hotline_id, c.user_id,
                            c.extension_id, c.direction
                   -- Written in the order of the days: a period's rows are next to each other.
                   ORDER BY 2, 4, 5""",
                tz=tz,
                calls=calls_sql,
                missed_while_on=SQL(MISSED_WHILE_ON),
            )
        )
        cr.execute(
            SQL(
                """INSERT INTO coka_pbx_call_hour (company_id, day, date, hotline_id, direction,
                                                   calls)
                   SELECT c.company_id, c.local::date,
                          timezone('UTC', timezone(%(tz)s, date_trunc('hour', c.local))),
                          c.hotline_id, c.direction, count(*)
                   %(calls)s
                   GROUP BY 1, 2, 3, 4, 5
                   ORDER BY 3, 4""",
                tz=tz,
                calls=calls_sql,
            )
        )
