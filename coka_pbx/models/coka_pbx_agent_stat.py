from odoo import api, fields, models
from odoo.tools import SQL

# What the leaderboard ranks by (seed 000 "Bảng xếp hạng"): field, aggregate, best first.
RANKINGS = {
    "cost": ("cost:sum", "desc"),
    "effectiveness": ("answer_rate:avg", "desc"),
    "talk_time": ("talk_seconds:sum", "desc"),
    "calls": ("calls_handled:sum", "desc"),
    "qa_score": ("qa_score:avg", "desc"),
}


class CokaPbxAgentStat(models.Model):
    """The leaderboard and fairness figures: one row per call an agent handled, read-only
    SQL view over the calls. Grouped by agent (and by day) in Odoo's list, pivot and graph,
    its measures sum or average correctly over any period: the answer rate and the QA score
    are averaged over calls, not over days."""

    _name = "coka.pbx.agent.stat"
    _description = "Agent Statistics"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "user_id"

    date = fields.Datetime(string="Start", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    hotline_id = fields.Many2one("coka.pbx.hotline", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    call_id = fields.Many2one("coka.pbx.call", readonly=True)
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

    def init(self):
        self.env.cr.execute(
            SQL(
                """
            CREATE OR REPLACE VIEW coka_pbx_agent_stat AS (
                SELECT c.id AS id,
                       c.id AS call_id,
                       c.start_date AS date,
                       c.user_id AS user_id,
                       c.hotline_id AS hotline_id,
                       c.company_id AS company_id,
                       c.direction AS direction,
                       1 AS calls_handled,
                       (c.status = 'answered')::int AS calls_answered,
                       CASE WHEN c.status = 'answered' THEN 100.0 ELSE 0.0 END AS answer_rate,
                       (c.direction = 'inbound')::int AS inbound_routed,
                       (c.direction = 'inbound' AND c.status = 'answered')::int
                           AS inbound_answered,
                       (c.direction = 'inbound' AND c.status = 'missed' AND COALESCE((
                            SELECT l.status FROM coka_pbx_agent_status_log l
                             WHERE l.user_id = c.user_id AND l.date <= c.start_date
                          ORDER BY l.date DESC, l.id DESC LIMIT 1), 'on') = 'on')::int
                           AS missed_while_on,
                       COALESCE(c.talk_seconds, 0) AS talk_seconds,
                       COALESCE(c.ring_seconds, 0) AS ring_seconds,
                       COALESCE(c.cost, 0) AS cost,
                       c.qa_score AS qa_score
                  FROM coka_pbx_call c
                 WHERE c.user_id IS NOT NULL
            )
            """
            )
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
        ]
        spec, direction = RANKINGS[ranking]
        rows = self._read_group(
            domain, ["user_id"], aggregates, order=f"{spec} {direction}, user_id"
        )
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
            }
            for user, calls, answered, rate, missed, talk, cost, qa in rows
        ]
