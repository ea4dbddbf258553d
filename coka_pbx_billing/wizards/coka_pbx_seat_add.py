from odoo import api, fields, models

from ..tools import pricing


class CokaPbxSeatAdd(models.TransientModel):
    """Buy extra seats ending with the package, prorated by days (SPEC BIL-5)."""

    _name = "coka.pbx.seat.add"
    _description = "Buy Extra Seats"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    count = fields.Integer(string="Extra Seats", required=True, default=1)
    date_end = fields.Date(related="subscription_id.date_end", string="Ends On")
    remaining_days = fields.Integer(compute="_compute_cost")
    cost = fields.Integer(string="Cost (Coin)", compute="_compute_cost")
    wallet_balance = fields.Integer(related="subscription_id.wallet_balance")

    @api.depends("subscription_id", "count")
    def _compute_cost(self):
        for wizard in self:
            subscription = wizard.subscription_id
            if not subscription.date_end:
                wizard.remaining_days = wizard.cost = 0
                continue
            wizard.remaining_days = pricing.remaining_days(
                subscription._coka_today(), subscription.date_end
            )
            wizard.cost = subscription._coka_extra_seats_cost(max(wizard.count, 0))

    def action_confirm(self):
        self.ensure_one()
        self.subscription_id._add_seats(self.count)
        return True
