from odoo import models


class CokaPbxCallUserReport(models.Model):
    """The call statistics per company, day and agent (PERF-5): the same fields as
    ``coka.pbx.call.report`` over ``coka.pbx.call.user.day`` (no hotline, extension nor
    direction) and today's calls. The report reads it for the queries that need none of
    those (the pivot agent x day, the dashboard's figures for all numbers)."""

    _name = "coka.pbx.call.user.report"
    _inherit = ["coka.pbx.call.report"]
    _description = "Call Statistics per Agent"
    _auto = False
    _coka_per_agent = None

    def _coka_view_sql(self, per_agent=True):
        return super()._coka_view_sql(per_agent=True)
