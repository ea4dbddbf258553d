from odoo import api, fields, models
from odoo.tools import SQL

from ..tools import fairness

# What the leaderboard ranks by (seed 000 "Bảng xếp hạng"): field, aggregate, best first.
RANKINGS = {
    "cost": ("cost:sum", "desc"),
    "effectiveness": ("answer_rate:avg", "desc"),
    "talk_time": ("talk_seconds:sum", "desc"),
    "calls": ("calls_handled:sum", "desc"),
    "qa_score": ("qa_score:avg", "desc"),
}


class CokaPbxAgentStat(models.Model):
    """The leaderboard and fairness figures: read-only SQL view of the call statistics
    (``coka.pbx.call.report``: a closed day's count per agent, hotline and direction, and
    each call of today) of the calls an agent handled. Grouped by agent (and by day) in
    Odoo's list, pivot and graph, its measures sum or average correctly over any period: the
    count is the calls, the answer rate and the QA score are averaged over calls, not over
    rows (PERF-5)."""

    _name = "coka.pbx.agent.stat"
    _inherit = ["coka.pbx.report.mixin"]
    _description = "Agent Statistics"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "user_id"
    _coka_calls_column = "calls_handled"
    _coka_weighted = {
        "qa_score": ("qa_sum", "qa_count", 1.0),
        "answer_rate": ("calls_answered", "calls_handled", 100.0),
    }

    date = fields.Datetime(string="Start", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    hotline_id = fields.Many2one("coka.pbx.hotline", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    direction = fields.Selection(
        [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")],
        readonly=True,
    )
    calls_handled = fields.Integer(readonly=True)
    calls_answered = fields.Integer(readonly=True)
    answer_rate = fields.Float(
        string="Effectiveness (%)",
        readonly=True,
        aggregator="avg",
        help="Answered calls out of the calls handled, in percent.",
    )
    inbound_routed = fields.Integer(readonly=True)
    inbound_answered = fields.Integer(readonly=True)
    missed_while_on = fields.Integer(
        string="Missed While ON",
        readonly=True,
        help="Inbound calls routed to the agent and not answered while his status was ON.",
    )
    talk_seconds = fields.Integer(string="Talk Time (s)", readonly=True)
    ring_seconds = fields.Integer(string="Ring Time (s)", readonly=True)
    cost = fields.Float(digits=(16, 2), readonly=True)
    qa_score = fields.Float(string="QA Score", digits=(5, 1), readonly=True, aggregator="avg")
    qa_sum = fields.Float(string="QA Score Sum", readonly=True)
    qa_count = fields.Integer(string="Scored Calls", readonly=True)

    def init(self):
        self._coka_create_view(self._coka_view_sql())

    _coka_per_agent = "coka.pbx.agent.user.stat"

    def _coka_view_sql(self, per_agent=False):
        return SQL(
            """SELECT r.id, r.date, r.user_id, r.hotline_id, r.company_id, r.direction,
                      r.calls AS calls_handled,
                      r.answered AS calls_answered,
                      CASE WHEN r.calls > 0 THEN 100.0 * r.answered / r.calls ELSE 0.0 END
                          AS answer_rate,
                      r.inbound AS inbound_routed,
                      r.inbound_answered,
                      r.missed_while_on, r.talk_seconds, r.ring_seconds, r.cost,
                      CASE WHEN r.qa_count > 0 THEN r.qa_sum / r.qa_count END AS qa_score,
                      r.qa_sum, r.qa_count
                 FROM (%s) r
                WHERE r.user_id IS NOT NULL""",
            self._coka_rows_sql(per_agent),
        )

    @api.model
    def _coka_leaderboard(self, period_start, period_end, hotline_id=False, ranking="calls"):
        """The agents ranked by ``ranking`` (a key of ``RANKINGS``) over the period, in one
        grouped query that honours the record rules.

        :return: list of dicts ``user_id``, ``name`` and every measure, best first
        """
        if ranking not in RANKINGS:
            ranking = "calls"
        domain = [("date", ">=", period_start), ("date", "<", period_end)]
        if hotline_id:
            domain.append(("hotline_id", "=", hotline_id))
        aggregates = [
            "calls_handled:sum",
            "calls_answered:sum",
            "answer_rate:avg",
            "missed_while_on:sum",
            "talk_seconds:sum",
            "cost:sum",
            "qa_score:avg",
            "inbound_routed:sum",
            "inbound_answered:sum",
        ]
        spec, direction = RANKINGS[ranking]
        rows = self._read_group(
            domain, ["user_id"], aggregates, order=f"{spec} {direction}, user_id"
        )
        # The agents' names alone (not every column of users and partners).
        self._coka_read_names(self.env["res.users"].union(*(row[0] for row in rows)))
        return [
            {
                "user_id": user.id,
                "name": user.display_name,
                "calls": calls,
                "answered": answered,
                "effectiveness": round(rate or 0.0, 1),
                "missed_while_on": missed,
                "talk_time": talk,
                "cost": cost,
                "qa_score": round(qa, 1) if qa is not None else None,
                "routed": routed,
                "inbound_answered": in_answered,
            }
            for user, calls, answered, rate, missed, talk, cost, qa, routed, in_answered in rows
        ]

    @api.model
    def _coka_read_names(self, users):
        """Read the users' names and display names into the cache, without the other
        columns of ``res_users`` and ``res_partner`` the ORM would fetch with them."""
        users.with_context(prefetch_fields=False).mapped("display_name")

    @api.model
    def _coka_fairness_counts(self, period_start, period_end):
        """Hook: per agent id, a dict of what else he received in the period (coka_crm_leads
        adds his leads)."""
        return {}

    @api.model
    def _coka_fairness(self, period_start, period_end, hotline_id=False, leaderboard=None):
        """Fairness report (issue 14): per agent, the inbound calls routed to him and
        answered, and what ``_coka_fairness_counts`` adds (leads), each as his share of the
        team's, next to his share of ON time from the status log. Managers only.

        :param leaderboard: the rows of :meth:`_coka_leaderboard` for the same period and
            hotline when the caller has them (their ``routed`` / ``inbound_answered``), to
            spare the grouped query
        :return: list of dicts ``user_id``, ``name``, ``routed``, ``answered``,
            ``routed_share``, ``on_hours``, ``on_share`` and, per extra count, ``<key>`` and
            ``<key>_share``; ordered by agent name
        """
        if not self.env.user.has_group("coka_pbx.group_manager"):
            return []
        if leaderboard is None:
            leaderboard = self._coka_leaderboard(period_start, period_end, hotline_id)
        routed = {row["user_id"]: (row["routed"], row["inbound_answered"]) for row in leaderboard}
        extensions = self.env["coka.pbx.extension"].search([("user_id", "!=", False)])
        extra = self._coka_fairness_counts(period_start, period_end)
        agents = extensions.user_id | self.env["res.users"].browse(list(routed) + list(extra))
        self._coka_read_names(agents)
        period_start = fields.Datetime.to_datetime(period_start)
        period_end = fields.Datetime.to_datetime(period_end)
        on = self._coka_on_seconds(agents, period_start, period_end)
        on_share = fairness.shares(on)
        routed_share = fairness.shares(
            {agent.id: routed.get(agent.id, (0, 0))[0] for agent in agents}
        )
        keys = sorted({key for counts in extra.values() for key in counts})
        extra_shares = {
            key: fairness.shares(
                {agent.id: extra.get(agent.id, {}).get(key, 0) for agent in agents}
            )
            for key in keys
        }
        result = []
        for agent in agents.sorted("name"):
            count, answered = routed.get(agent.id, (0, 0))
            row = {
                "user_id": agent.id,
                "name": agent.display_name,
                "routed": count,
                "answered": answered,
                "routed_share": routed_share[agent.id],
                "on_hours": round(on[agent.id] / 3600.0, 1),
                "on_share": on_share[agent.id],
            }
            for key in keys:
                row[key] = extra.get(agent.id, {}).get(key, 0)
                row[f"{key}_share"] = extra_shares[key][agent.id]
            result.append(row)
        return result

    @api.model
    def _coka_on_seconds(self, agents, period_start, period_end):
        """Each agent's ON seconds in the period, in one query on the status log: his status
        at the start (his last change before it; none: ON), then each change inside the
        period, each lasting until the next one or the end; the ON spans summed (the rule of
        ``tools.fairness.on_seconds``, a test compares them)."""
        self.env["coka.pbx.agent.status.log"].flush_model()
        self.env.cr.execute(
            SQL(
                """WITH agents AS (SELECT unnest(%(agents)s::int[]) AS user_id),
                        changes AS (
                            SELECT a.user_id, %(start)s::timestamp AS date, 0 AS id,
                                   COALESCE((SELECT l.status FROM coka_pbx_agent_status_log l
                                              WHERE l.user_id = a.user_id AND l.date < %(start)s
                                           ORDER BY l.date DESC, l.id DESC LIMIT 1), 'on')
                                       AS status
                              FROM agents a
                         UNION ALL
                            SELECT l.user_id, l.date, l.id, l.status
                              FROM coka_pbx_agent_status_log l
                             WHERE l.user_id = ANY(%(agents)s)
                               AND l.date >= %(start)s AND l.date < %(end)s),
                        spans AS (
                            SELECT user_id, status,
                                   lead(date, 1, %(end)s::timestamp)
                                       OVER (PARTITION BY user_id ORDER BY date, id) - date
                                       AS length
                              FROM changes)
                 SELECT user_id,
                        COALESCE(sum(EXTRACT(EPOCH FROM length)) FILTER (WHERE status = 'on'), 0)
                   FROM spans
               GROUP BY user_id""",
                agents=agents.ids,
                start=period_start,
                end=period_end,
            )
        )
        seconds = dict(self.env.cr.fetchall())
        return {agent.id: float(seconds.get(agent.id, 0.0)) for agent in agents}
