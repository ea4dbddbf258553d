from odoo import api, fields, models

from ..tools import pricing


class CokaPbxPackageActivate(models.TransientModel):
    """Activate the PBX package: shows S × M × price before paying (SPEC BIL-3)."""

    _name = "coka.pbx.package.activate"
    _description = "Activate PBX Package"

    subscription_id = fields.Many2one("coka.pbx.subscription", required=True, readonly=True)
    seats = fields.Integer(required=True, default=1)
    months = fields.Integer(required=True, default=1)
    price = fields.Integer(string="Price per Seat-Month (Coin)", compute="_compute_cost")
    date_end = fields.Date(string="Ends On", compute="_compute_cost")
    cost = fields.Integer(string="Cost (Coin)", compute="_compute_cost")
    wallet_balance = fields.Integer(related="subscription_id.wallet_balance")

    @api.depends("subscription_id", "seats", "months")
    def _compute_cost(self):
        for wizard in self:
            subscription = wizard.subscription_id
            wizard.price = subscription._coka_seat_price()
            wizard.cost = subscription._coka_activation_cost(
                max(wizard.seats, 0), max(wizard.months, 0)
            )
            wizard.date_end = pricing.package_end(subscription._coka_today(), max(wizard.months, 0))

    def action_confirm(self):
        self.ensure_one()
        self.subscription_id._activate(self.seats, self.months)
        return True
