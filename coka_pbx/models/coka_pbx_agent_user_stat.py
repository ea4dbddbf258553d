from odoo import models


class CokaPbxAgentUserStat(models.Model):
    """The agent statistics per company, day and agent (PERF-5): the same fields as
    ``coka.pbx.agent.stat`` over ``coka.pbx.call.user.day`` (no hotline nor direction) and
    today's calls; the leaderboard reads it for all numbers."""

    _name = "coka.pbx.agent.user.stat"
    _inherit = ["coka.pbx.agent.stat"]
    _description = "Agent Statistics per Day"
    _auto = False
    _coka_per_agent = None

    def _coka_view_sql(self, per_agent=True):
        return super()._coka_view_sql(per_agent=True)
