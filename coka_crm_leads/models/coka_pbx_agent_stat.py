from odoo import api, models


class CokaPbxAgentStat(models.Model):
    _inherit = "coka.pbx.agent.stat"

    @api.model
    def _coka_fairness_counts(self, period_start, period_end):
        """The leads each salesperson received in the period (``date_open``, when the lead
        was assigned), one grouped query."""
        counts = super()._coka_fairness_counts(period_start, period_end)
        rows = (
            self.env["crm.lead"]
            .with_context(active_test=False)
            ._read_group(
                [
                    ("user_id", "!=", False),
                    ("date_open", ">=", period_start),
                    ("date_open", "<", period_end),
                ],
                ["user_id"],
                ["__count"],
            )
        )
        for user, count in rows:
            counts.setdefault(user.id, {})["leads"] = count
        return counts
