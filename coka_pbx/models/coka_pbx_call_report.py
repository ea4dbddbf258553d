from odoo import fields, models
from odoo.tools import SQL

DIRECTIONS = [("inbound", "Inbound"), ("outbound", "Outbound"), ("internal", "Internal")]


class CokaPbxCallReport(models.Model):
    """Call statistics (SPEC REP-2, PERF-5): read-only SQL view of the closed days' counts
    (``coka.pbx.call.day``) and of today's calls, read live. A row is one agent's calls of
    one day on one hotline and direction (or one call of today); its count is its calls,
    its averages are weighted by them. The dashboard's figures and the Call Statistics
    pivot read it; the record rules are the calls' (an Agent sees his own)."""

    _name = "coka.pbx.call.report"
    _inherit = ["coka.pbx.report.mixin"]
    _description = "Call Statistics"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"
    _coka_weighted = {
        "qa_score": ("qa_sum", "qa_count", 1.0),
        "answer_rate": ("inbound_answered", "inbound", 100.0),
    }

    date = fields.Datetime(string="Start", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    hotline_id = fields.Many2one("coka.pbx.hotline", readonly=True)
    user_id = fields.Many2one("res.users", string="Agent", readonly=True)
    extension_id = fields.Many2one("coka.pbx.extension", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    calls = fields.Integer(readonly=True)
    answered = fields.Integer(readonly=True)
    missed = fields.Integer(readonly=True)
    inbound = fields.Integer(string="Incoming", readonly=True)
    outbound = fields.Integer(string="Outgoing", readonly=True)
    inbound_answered = fields.Integer(string="Incoming Answered", readonly=True)
    inbound_missed = fields.Integer(string="Incoming Missed", readonly=True)
    answer_rate = fields.Float(
        string="Answer Rate (%)",
        readonly=True,
        aggregator="avg",
        help="Incoming calls answered out of the incoming calls, in percent.",
    )
    ring_seconds = fields.Integer(string="Ring Time (s)", readonly=True)
    talk_seconds = fields.Integer(string="Talk Time (s)", readonly=True)
    answered_talk_seconds = fields.Integer(string="Talk Time of Answered (s)", readonly=True)
    cost = fields.Float(digits=(16, 2), readonly=True)
    qa_score = fields.Float(string="QA Score", digits=(5, 1), readonly=True, aggregator="avg")
    qa_sum = fields.Float(string="QA Score Sum", readonly=True)
    qa_count = fields.Integer(string="Scored Calls", readonly=True)
    missed_while_on = fields.Integer(string="Missed While ON", readonly=True)

    def init(self):
        self._coka_create_view(self._coka_view_sql())

    _coka_per_agent = "coka.pbx.call.user.report"

    def _coka_view_sql(self, per_agent=False):
        return SQL(
            """SELECT r.*,
                      CASE WHEN r.inbound > 0 THEN 100.0 * r.inbound_answered / r.inbound
                           ELSE 0.0 END AS answer_rate,
                      CASE WHEN r.qa_count > 0 THEN r.qa_sum / r.qa_count END AS qa_score
                 FROM (%s) r""",
            self._coka_rows_sql(per_agent),
        )
