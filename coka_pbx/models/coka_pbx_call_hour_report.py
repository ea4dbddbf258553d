from odoo import fields, models
from odoo.tools import SQL

from .coka_pbx_call_report import DIRECTIONS


class CokaPbxCallHourReport(models.Model):
    """The dashboard's calls per hour for Managers (PERF-5): read-only SQL view of the
    closed days' counts per hour (``coka.pbx.call.hour``) and of today's calls, read live."""

    _name = "coka.pbx.call.hour.report"
    _inherit = ["coka.pbx.report.mixin"]
    _description = "Calls per Hour Statistics"
    _auto = False
    _order = "date desc, id desc"
    _rec_name = "date"

    date = fields.Datetime(string="Start", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    hotline_id = fields.Many2one("coka.pbx.hotline", readonly=True)
    direction = fields.Selection(DIRECTIONS, readonly=True)
    calls = fields.Integer(readonly=True)

    def init(self):
        self._coka_create_view(self._coka_view_sql())

    def _coka_view_sql(self):
        return SQL(
            """SELECT h.id * 2 AS id, h.date, h.company_id, h.hotline_id, h.direction, h.calls
                 FROM coka_pbx_call_hour h
                WHERE h.date < %(watermark)s
            UNION ALL
               SELECT c.id * 2 + 1, c.start_date, c.company_id, c.hotline_id, c.direction, 1
                 FROM coka_pbx_call c
                WHERE c.start_date >= %(watermark)s""",
            watermark=self._coka_watermark_sql(),
        )
